"""Pure rules for gearbox codes, factory codes and OEM numbers (site-anatomy §3.4–§3.7, §6; docs/contracts.md)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lookup.engine.sites.podzamenu import selectors as S

# Transmission *types* shown instead of a code (Nissan/Honda/BMW): kept verbatim, no factory code.
TYPE_RE = re.compile(r'^(?:\d{1,2}\s?-?\s?)?(?:M-?CVT|E-?CVT|CVT|AMT|DCT|DSG|MT|AT|[АМ]КПП|АКП|МКП|[AM]/T)$')
VW_RE = re.compile(r'^([A-Z0-9]{3})\s?\(([0-9A-Z]{2})\)$')
LEADING_CODE_RE = re.compile(r'^\(([A-Z0-9]{2,5})\)\s*(.*)$', re.S)
# A Latin code token: letters and digits mixed (F17, Y4M, D16, 5R55E, AW50/51); never a pure word or number.
CODE_TOKEN_RE = re.compile(r'^(?=[A-Z0-9./-]*[A-Z])(?=[A-Z0-9./-]*\d)[A-Z0-9][A-Z0-9./-]{1,11}$')
FORD_CODE_RE = re.compile(r'^\d[A-Z]{1,3}\d{1,3}[A-Z]{0,2}$')
FORD_SHORT_RE = re.compile(r'^(?=.*[A-Z])(?=.*\d)[A-Z0-9]{2,6}$')
DRIVE_WORDS = {'AWD', '4WD', '2WD', 'FWD', 'RWD', '4X4', '4X2', '2X4'}
# Emotion-style class hashes (`rw88l`) are lowercase; real codes are uppercase, so only lowercase tokens are hashes.
CSS_HASH_RE = re.compile(r'^(?=.*[a-z])[A-Za-z]{1,6}\d{2,3}[A-Za-z]?$')
BODY_CODE_RE = re.compile(r'^[A-Z]{2,4}\d{2}[A-Z]{1,2}$')
DATE_RE = re.compile(r'^\d{2}\.\d{4}$|^\d{2}\.\d{2}\.\d{4}$|^\d{4}$')
REGION_WORDS = ('america', 'north america', 'south america', 'europe', 'europa', 'russia', 'россия', 'asia', 'азия',
                'japan', 'япония', 'china', 'китай', 'korea', 'корея', 'general', 'domestic', 'export')
FACTORY_RE = re.compile(r'^[A-Z]{2,5}\d?[A-Z]?\([0-9A-Z]{1,3}\)$|^[A-Z]{2,4}\d{1,3}$')
OEM_CHARS_RE = re.compile(r'^[A-Z0-9][A-Z0-9-]{4,14}$')
AGGREGATE_DOTTED_RE = re.compile(r'\b(\d{3}\.\d{3})\b')
AGGREGATE_KP_RE = re.compile(r'КП:\s*(\d{6})\b', re.I)
SIX_DIGITS_RE = re.compile(r'\b(\d{6})\b')
BRACKET_HINT_RE = re.compile(r'\[([A-Z0-9][A-Z0-9-]{1,11})\]')
MARKING_RE = re.compile(r'(?:' + '|'.join(S.MARKING_LABELS) + r')\s*:\s*([A-Za-z0-9][A-Za-z0-9()./-]{0,24})', re.I)


def strip_more(text: str) -> str:
    """Drop the trailing «Подробнее» control (GM cells render it as a separate block)."""
    text = text.strip()
    lines = text.split('\n')
    while lines and lines[-1].strip().lower() in (S.MORE_SUFFIX, S.MORE_SUFFIX + '…', S.MORE_SUFFIX + '...'):
        lines.pop()
    return ' '.join(line.strip() for line in lines).strip().rstrip(',').strip()


def is_noise(token: str) -> bool:
    """Applicability texts that look like codes: CSS hashes, body codes, dates, regions, one-character junk."""
    t = token.strip()
    low = t.lower()
    return (len(t) < 2 or bool(DATE_RE.match(t)) or bool(BODY_CODE_RE.match(t)) or bool(CSS_HASH_RE.match(t))
            or low in REGION_WORDS or any(low == w or low.startswith(w + ' ') for w in REGION_WORDS))


def is_factory_code(value: str | None) -> bool:
    return bool(value) and bool(FACTORY_RE.match(value or ''))


def is_market_code(value: str) -> bool:
    """A code acceptable as a model hint: at most 12 characters with no run of 4+ digits."""
    return len(value) <= 12 and not re.search(r'\d{4}', value) and bool(CODE_TOKEN_RE.match(value))


def ford_code(text: str) -> str | None:
    """Ford/JLR: the last `5R55E`-shaped token, else the last short mixed token split on / and - (§3.7)."""
    tokens = [t for t in re.split(r'[\s/,()]+|-(?!\d)', text.upper()) if t]
    shaped = [t for t in tokens if FORD_CODE_RE.match(t)]
    if shaped:
        return shaped[-1]
    pieces = [p for p in re.split(r'[\s/,()-]+', text.upper()) if p]
    short = [p for p in pieces if FORD_SHORT_RE.match(p) and p not in ('AT', 'MT', 'CVT')]
    return short[-1] if short else None


def _first_code(text: str) -> str | None:
    text = re.sub(r'\([^)]*\)', ' ', text)
    for token in re.split(r'[\s,;]+', text.upper()):
        token = token.strip('.')
        if token in DRIVE_WORDS or not CODE_TOKEN_RE.match(token) or is_noise(token) and not FACTORY_RE.match(token):
            continue
        if re.search(r'[А-ЯЁ]', token):
            continue
        return token
    return None


def clean_gearbox(raw: str | None, *, ford: bool = False) -> tuple[str | None, str | None]:
    """Clean model and factory code of a КПП/Transmission cell, per the table in docs/contracts.md."""
    if not raw:
        return None, None
    text = strip_more(raw)
    up = text.upper()
    if not text:
        return None, None
    if TYPE_RE.match(up):
        return text, None
    vw = VW_RE.match(up)
    if vw:
        return vw.group(1), vw.group(1)
    lead = LEADING_CODE_RE.match(up)
    if lead:
        rpo, rest = lead.group(1), lead.group(2)
        tail = rest.rsplit(',', 1)[1] if ',' in rest else ''
        code = _first_code(tail) if tail else None
        return (code or _first_code(rest) or rpo), rpo
    if ford or ' - ' in text or FORD_CODE_RE.match(up.split(' ')[0]):
        code = ford_code(up)
        if code:
            return code, code
    tokens = [t for t in up.split() if t not in DRIVE_WORDS]
    if len(tokens) == 1:
        token = tokens[0]
        if is_noise(token) and not FACTORY_RE.match(token):
            return None, None
        return token, token if is_factory_code(token) else None
    code = _first_code(up)
    return code, code if is_factory_code(code) else None


def aggregate_code(text: str | None) -> str | None:
    """Mercedes «Используемые агрегаты»: NNN.NNN on a gearbox line, else six digits after КП:, else any six."""
    if not text:
        return None
    for line in re.split(r'\n|(?=\b[A-Z]{1,3} - )', text):
        low = line.lower()
        if any(k in low for k in ('кп:', 'коробк', 'transmission', 'getriebe')):
            m = AGGREGATE_DOTTED_RE.search(line)
            if m:
                return m.group(1)
    m = AGGREGATE_KP_RE.search(text) or SIX_DIGITS_RE.search(text)
    if m:
        digits = m.group(1)
        return f'{digits[:3]}.{digits[3:]}'
    return None


def bracket_hint(text: str) -> str | None:
    """A heading such as `… [42RLE]` names the gearbox (a hint used only when nothing better exists)."""
    m = BRACKET_HINT_RE.search(text.upper())
    return m.group(1) if m and re.search(r'\d', m.group(1)) else None


def oem_from_href(href: str | None) -> str | None:
    """The `query` parameter of a part link: whitespace removed, uppercased, 5–15 of A-Z0-9-."""
    if not href or S.PART_LINK_FRAGMENT.split('?')[0] not in href:
        return None
    values = parse_qs(urlsplit(href).query).get('query')
    if not values:
        return None
    oem = re.sub(r'\s+', '', values[0]).upper()
    return oem if OEM_CHARS_RE.match(oem) else None


def is_valid_oem(value: str | None) -> bool:
    """6–25 characters, 3+ consecutive digits, no parentheses and none of ; : = (§6)."""
    if not value:
        return False
    v = value.strip()
    return 6 <= len(v) <= 25 and bool(re.search(r'\d{3}', v)) and not re.search(r'[();:=]', v)


def marking(text: str) -> str | None:
    """`Маркировка: X`, `Код агрегата: X`, `Заводской код: X` … on the page (§3.6 source 1)."""
    m = MARKING_RE.search(text or '')
    return m.group(1).strip().rstrip('.,').upper() if m else None
