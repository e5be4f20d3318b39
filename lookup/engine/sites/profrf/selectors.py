"""Texts and patterns of the fallback site китайавто.рус ("prof-rf", site-anatomy §7), in one place."""

from __future__ import annotations

import re

SEARCH_PATH = '/search'
NOT_FOUND_PHRASES = ('отсутствует в базе данных', 'vin код отсутствует', 'данный vin код отсутствует', 'не найден')
BLOCK_NAMES = ('оригинал', 'аналоги', 'копии')
GEARBOX_HEADING_RE = re.compile(r'^\s*(?:коробка передач|трансмиссия)\s+([A-Za-z0-9]{6,20})\s*$', re.I)
INLINE_GEARBOX_RE = re.compile(r'(?:^|\n)\s*(?:кпп|коробка(?: передач)?|трансмиссия|тип коробки передач|'
                               r'transmission|gearbox)\s*:\s*([^\n]{2,60})', re.I)
FIELD_LABELS = {'марка': 'make', 'make': 'make', 'модель': 'model', 'model': 'model', 'год': 'year', 'year': 'year',
                'двигатель': 'engine', 'engine': 'engine', 'привод': 'drive'}
SETTLE_QUIET_MS = 300
"""The fallback site has no vehicle marker to wait for: it is done when its loader is gone and the DOM is quiet."""
