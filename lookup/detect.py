"""Find VINs and Japanese frame numbers in a customer's free-text message. Pure; never raises.

The rules and the reasons behind them are in docs/detection.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from lookup.engine.identifiers import (
    DASHES,
    VIN_ALPHABET,
    VIN_CHARS,
    Identifier,
    IdType,
    clean,
    is_frame,
    parse,
    vin_shaped,
)
from lookup.errors import InvalidIdentifier


class Reason(StrEnum):
    """Why a message needs the operator (or the customer) before any lookup starts."""

    ALMOST_VIN = 'ALMOST_VIN'
    """A VIN-like token of 16 or 18 characters: one character missing or extra. Ask the customer."""
    SEVERAL_IDENTIFIERS = 'SEVERAL_IDENTIFIERS'
    """Two different VINs / frames in one message. The operator picks one."""
    FORBIDDEN_LETTERS = 'FORBIDDEN_LETTERS'
    """A 17-character VIN-like token with I, O or Q (probably 1 or 0). Never rewritten: ask."""


@dataclass(frozen=True)
class Detection:
    identifiers: tuple[Identifier, ...] = ()
    """Distinct by cache key, in text order."""
    needs_clarification: bool = False
    reason: str | None = None
    """A `Reason` code, or None."""

    @property
    def single(self) -> Identifier | None:
        """The identifier to look up automatically: exactly one, and nothing to clarify."""
        return self.identifiers[0] if len(self.identifiers) == 1 and not self.needs_clarification else None


_DASH = rf'(?:-|{DASHES.pattern})'
_ALNUM = r'[0-9A-Za-z\u0400-\u04FF]'
_TOKEN = re.compile(rf'{_ALNUM}+(?:{_DASH}{_ALNUM}+)*')
# What may separate the groups of one spaced identifier: spaces (not newlines), at most one dash.
_BLANK = r'[ \t\u00A0\u2007\u202F]*'
_JOIN_GAP = re.compile(rf'{_BLANK}(?:{_DASH}{_BLANK})?')

# The frame shape itself is identifiers.is_frame(): one rule for the dialog, the API and this module.
_FRAME_MODEL = re.compile(r'[A-Z]{2,4}[0-9]{1,3}[A-Z]{0,2}')
_SERIAL = re.compile(r'[0-9]{5,7}')
_CONTEXT = re.compile(
    r'(?P<frame>рам[аеуы]?\b|кузов|frame|chassis|шасси)'
    r'|(?P<other>заказ|order|трек|track|накладн|сч[её]т|артикул|арт\.|oem|оем|каталожн|детал|двигател|двс|мотор'
    r'|engine|телефон|тел\.)', re.IGNORECASE)
_UNIT_AFTER = re.compile(r'[ \t\u00A0]*(?:руб|р\b|р\.|₽|rub|\$|€|usd|eur|км|km|тыс|т\.|шт|кг|kg|мм|mm|л\.?с|hp)',
                         re.IGNORECASE)
_INVISIBLE = re.compile(r'[\u00AD\u200B-\u200F\u2060\uFEFF]')
# Latin-looking words that label an identifier; never a group of one (РАМА arrives here as PAMA).
_LABELS = frozenset({'VIN', 'FRAME', 'CHASSIS', 'PAMA', 'NO'})


@dataclass(frozen=True)
class _Token:
    raw: str
    start: int
    end: int
    value: str
    """`identifiers.clean()` of the raw text: uppercase, look-alikes converted, dashes unified."""
    compact: str
    """`value` without dashes."""
    latin: bool
    """Only A-Z and 0-9 once look-alikes are converted."""
    case: str | None
    """'upper', 'lower' (Latin only), 'mixed' (or lowercase Cyrillic: a Russian word) or None (no letters)."""
    piece: bool
    """May be one group of a VIN written with spaces."""

    @classmethod
    def of(cls, m: re.Match[str]) -> _Token:
        raw = m.group()
        value = clean(raw)[0]
        compact = value.replace('-', '')
        latin = bool(VIN_CHARS.match(compact))
        letters = [c for c in raw if c.isalpha()]
        case = None
        if letters:
            upper = all(c.isupper() for c in letters)
            # Lowercase Cyrillic letters are Russian words ("а", "вот", "рама"), not VIN groups.
            case = 'upper' if upper else 'lower' if all(c.islower() and c.isascii() for c in letters) else 'mixed'
        piece = latin and len(compact) < 16 and value not in _LABELS and case != 'mixed'
        return cls(raw, m.start(), m.end(), value, compact, latin, case, piece)


MAX_SCAN_CHARS = 2000
"""Only the start of a message is searched: the scan is linear but costs ~25 µs per character in CPython (a crafted
10,000-character message took 0.2-0.5 s), and a customer's VIN comes in a short message, not after page 3."""


def detect(text: str) -> Detection:
    """Find the VIN / frame numbers in a message and say whether a lookup can start on its own."""
    text = text if isinstance(text, str) else ('' if text is None else str(text))
    text = text[:MAX_SCAN_CHARS]
    text = _INVISIBLE.sub('', text)  # copied from a messenger: invisible marks would split a VIN in two
    tokens = [_Token.of(m) for m in _TOKEN.finditer(text)]
    used: set[int] = set()
    found: list[tuple[int, Identifier]] = []
    doubts: list[tuple[int, Reason]] = []

    for i, tok in enumerate(tokens):
        if len(tok.compact) == 17 and vin_shaped(tok.compact) and VIN_ALPHABET.match(tok.compact):
            _take(found, used, range(i, i + 1), tokens, text, IdType.VIN)
    for window in _windows(text, tokens, used, sizes=(17,)):
        _take(found, used, window, tokens, text, IdType.VIN)
    for window in _frames(text, tokens, used):
        _take(found, used, window, tokens, text, IdType.FRAME)

    for i, tok in enumerate(tokens):
        n = len(tok.compact)
        if i not in used and tok.latin and n in (16, 17, 18) and vin_shaped(tok.compact):
            doubts.append((tok.start, Reason.FORBIDDEN_LETTERS if n == 17 else Reason.ALMOST_VIN))
    if not found and not doubts:
        # Spaced groups are the weakest evidence: they may flag a message, never block a lookup.
        for window in _windows(text, tokens, used, sizes=(16, 17, 18), strict=True):
            n = len(_joined(tokens, window))
            doubts.append((tokens[window[0]].start, Reason.FORBIDDEN_LETTERS if n == 17 else Reason.ALMOST_VIN))
            break

    distinct: dict[str, Identifier] = {}
    for _, ident in sorted(found, key=lambda pair: pair[0]):
        distinct.setdefault(ident.cache_key, ident)
    identifiers = tuple(distinct.values())
    reason = Reason.SEVERAL_IDENTIFIERS if len(identifiers) > 1 else min(doubts)[1] if doubts else None
    return Detection(identifiers, reason is not None, reason)


def _joined(tokens: list[_Token], window: range) -> str:
    return ''.join(tokens[k].compact for k in window)


def _take(found: list[tuple[int, Identifier]], used: set[int], window: range, tokens: list[_Token], text: str,
          kind: IdType) -> None:
    raw = text[tokens[window[0]].start:tokens[window[-1]].end]
    try:
        ident = parse(raw, kind)
    except InvalidIdentifier:  # the patterns above are stricter than parse(); kept as a safety net
        return
    found.append((tokens[window[0]].start, ident))
    used.update(window)


def _windows(text: str, tokens: list[_Token], used: set[int], *, sizes: tuple[int, ...],
             strict: bool = False) -> Iterator[range]:
    """Runs of 2+ space-separated groups whose characters add up to one of `sizes`, leftmost and shortest first."""
    i = 0
    while i < len(tokens):
        hit = None
        total = 0
        for j in range(i, len(tokens)):
            tok = tokens[j]
            if j in used or not tok.piece or (j > i and not _joinable(text, tokens[j - 1], tok)):
                break
            total += len(tok.compact)
            if total > max(sizes):
                break
            window = range(i, j + 1)
            if j > i and total in sizes and _plausible(text, tokens, window, strict):
                hit = window
                break
        if hit is None:
            i += 1
        else:
            yield hit
            i = hit[-1] + 1


def _joinable(text: str, left: _Token, right: _Token) -> bool:
    gap = text[left.end:right.start]
    return bool(gap) and bool(_JOIN_GAP.fullmatch(gap))


def _plausible(text: str, tokens: list[_Token], window: range, strict: bool) -> bool:
    pieces = [tokens[k] for k in window]
    first = pieces[0].compact
    # The first group holds the WMI: 3+ characters with a letter; no one-character groups, no long numbers
    # (keeps OEM numbers side by side apart: `3050052260 A 204 270`, `09G323571T A 204 270 84 04`).
    if len(first) < 3 or first.isdigit() or any(len(p.compact) < 2 for p in pieces) \
            or any(p.compact.isdigit() and len(p.compact) > 8 for p in pieces):
        return False
    if len({p.case for p in pieces} - {None}) > 1 or not vin_shaped(_joined(tokens, window)):
        return False
    if not strict:
        return bool(VIN_ALPHABET.match(_joined(tokens, window)))
    # For a mere suspicion ask for VIN-like groups: one mixing letters and digits (1K, Z8W), short letter
    # groups (WVW, not TOYOTA), no model year (BMW X5 E53 2005 ...), no price or mileage right after.
    return (len(pieces) >= 3
            and any(p.compact.isalnum() and not p.compact.isalpha() and not p.compact.isdigit() for p in pieces)
            and all(len(p.compact) <= 3 for p in pieces if p.compact.isalpha())
            and not any(p.compact.isdigit() and len(p.compact) == 4 and 1980 <= int(p.compact) <= 2029
                        for p in pieces)
            and not _UNIT_AFTER.match(text, pieces[-1].end))


def _context(text: str, start: int) -> str | None:
    """'frame' or 'other' by the nearest keyword in the 30 characters before `start`."""
    last = None
    for m in _CONTEXT.finditer(text, max(0, start - 30), start):
        last = m
    return last.lastgroup if last else None


def _frames(text: str, tokens: list[_Token], used: set[int]) -> Iterator[range]:
    """`ZZT240-0012345`, `ZZT2400012345` anywhere; `NZE121 3012345` with a frame keyword or a 7-digit serial."""
    for i, tok in enumerate(tokens):
        if i in used:
            continue
        context = _context(text, tok.start)
        if context == 'other':
            continue
        if is_frame(tok.value):
            if not _UNIT_AFTER.match(text, tok.end):
                yield range(i, i + 1)
            continue
        if i + 1 >= len(tokens) or not _FRAME_MODEL.fullmatch(tok.value) or tok.case == 'mixed':
            continue
        serial = tokens[i + 1]
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if (i + 1 not in used and _SERIAL.fullmatch(serial.value) and _joinable(text, tok, serial)
                and (context == 'frame' or len(serial.value) == 7)
                and not _UNIT_AFTER.match(text, serial.end)
                and not (after and after.compact.isdigit() and _joinable(text, serial, after))):
            yield range(i, i + 2)
