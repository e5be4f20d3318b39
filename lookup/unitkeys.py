"""Matching keys of a result's gearbox (issue 12 #3, «same unit, other cars»). Pure functions.

OEMs are written with and without separators (`02Q 300 048 H`, `31020-3VX2D`): the key drops them. Generic
gearbox "codes" (`5MT`, `4AT`, `M-CVT`, `АКПП`) say only "a manual/automatic" and would match every other car:
they get no key (an OEM still matches)."""

from __future__ import annotations

import re
from typing import Any

_SEPARATORS = re.compile(r'[\s\-./_]+')
GENERIC_CODES = re.compile(r'^(\d?(MT|AT|CVT|AMT|DCT)|M-?CVT|CVT|АКПП|МКПП|AT|MT|DSG|AUTO|MANUAL)$', re.IGNORECASE)


def oem_key(oem: str | None) -> str | None:
    key = _SEPARATORS.sub('', (oem or '').upper())
    return key[:40] or None


def gearbox_key(code: str | None) -> str | None:
    """Upper case, inner spaces removed; None for an empty or generic code."""
    key = re.sub(r'\s+', '', (code or '').upper())
    if not key or GENERIC_CODES.match(key):
        return None
    return key[:64]


def keys_of(result: dict[str, Any] | None) -> tuple[str | None, str | None, str | None]:
    """(oem_key, gearbox_key, factory_key) of a stored result (`LookupResult` JSON)."""
    gearbox = (result or {}).get('gearbox') or {}
    return oem_key(gearbox.get('oem')), gearbox_key(gearbox.get('model')), gearbox_key(gearbox.get('factory_code'))
