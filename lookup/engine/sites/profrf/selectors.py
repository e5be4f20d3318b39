"""Texts and patterns of the fallback site китайавто.рус ("prof-rf", site-anatomy §7), in one place."""

from __future__ import annotations

import re

from lookup.engine.sites.podzamenu import selectors as PZ

SEARCH_PATH = '/search'
NOT_FOUND_PHRASES = ('отсутствует в базе данных', 'vin код отсутствует', 'данный vin код отсутствует', 'не найден')
BLOCK_NAMES = ('оригинал', 'аналоги', 'копии')
GEARBOX_HEADING_RE = re.compile(r'^\s*(?:коробка передач|трансмиссия)\s+([A-Za-z0-9]{6,20})\s*$', re.I)
_GEARBOX_LABELS = sorted({*PZ.GEARBOX_LABELS, 'кпп', 'трансмиссия', 'transmission'}, key=len, reverse=True)
INLINE_GEARBOX_RE = re.compile(r'(?:^|\n)\s*(?:' + '|'.join(map(re.escape, _GEARBOX_LABELS)) + r')\s*:\s*([^\n]{2,60})',
                               re.I)
"""«КПП: X» / «Коробка передач: X» lines: podzamenu's gearbox labels (§3.3) plus the plain КПП and Трансмиссия."""
FIELD_LABELS = {'марка': 'make', 'make': 'make', 'модель': 'model', 'model': 'model', 'год': 'year', 'year': 'year',
                'двигатель': 'engine', 'engine': 'engine', 'привод': 'drive'}
SETTLE_QUIET_MS = 300
"""Once an answer shows, it is complete when no loader is shown and the DOM is quiet this long."""
EMPTY_QUIET_MS = 1500
"""A page that shows no answer at all is given this long of quiet before it counts as empty: the site's markup and
loading are unknown (§7, §12), and a client-rendered page may fill its content late without any spinner."""
ANSWER_JS = r"""a => {
  if (!window.__lk || !document.body) return null;
  const t = (document.body.innerText || '').replace(/\s+/g, ' ').toLowerCase();
  if (a.phrases.some(p => t.includes(p)) || document.querySelector('table')
      || /(^| )(марка|модель|make|model) ?: ?\S/.test(t) || /(коробка передач|трансмиссия) [a-z0-9]{6,20}/.test(t)) {
    return 'answer';
  }
  return window.__lk.settled(a.quiet) ? 'empty' : null;
}"""
"""One poll of the wait for the answer: a not-found notice, a table, «Марка:»/«Модель:» fields or a gearbox heading
shown → 'answer'; quiet for `quiet` ms without any → 'empty'."""
