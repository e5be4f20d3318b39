"""Pure VIN / FRAME parsing. Decides the cache key; never rewrites a valid identifier."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from lookup.engine.errors import CodedError


class InvalidIdentifier(CodedError, ValueError):
    """The value is not a VIN or FRAME. Final: shown to the operator (HTTP 422 at a web edge), nothing is queued."""

    code = 'INVALID_IDENTIFIER'
    http_status = 422


class IdType(StrEnum):
    VIN = 'VIN'
    FRAME = 'FRAME'


# Cyrillic letters that look like Latin ones (customers type VINs on Russian keyboards).
LOOKALIKES = str.maketrans({
    'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
    'У': 'Y', 'Х': 'X', 'Ё': 'E',
    'а': 'A', 'в': 'B', 'е': 'E', 'к': 'K', 'м': 'M', 'н': 'H', 'о': 'O', 'р': 'P', 'с': 'C', 'т': 'T',
    'у': 'Y', 'х': 'X', 'ё': 'E',
})
DASHES = re.compile(r'[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D_]')
# Invisible characters messengers leave in copied text (ZWSP/ZWJ, LRM/RLM, word joiner, BOM, soft hyphen) go too.
SPACES = re.compile(r'[\s\u00A0\u2007\u202F\u200B-\u200F\u2060\uFEFF\u00AD]+')

VIN_ALPHABET = re.compile(r'^[A-HJ-NPR-Z0-9]{17}$')
VIN_CHARS = re.compile(r'^[A-Z0-9]+$')
# Japanese chassis number (site-anatomy §3.8): a model code (1-4 letters, 1-3 digits, up to 2 letters:
# ZZT240, L350S, AGH30W) and a serial of 5-7 digits. The one rule for the dialog, the API and detect().
FRAME_MODEL = r'[A-Z]{1,4}[0-9]{1,3}[A-Z]{0,2}'
FRAME_DASHED = re.compile(rf'{FRAME_MODEL}-[0-9]{{5,7}}')
# Without the dash the model/serial boundary is lost, so demand more: 2+ letters and a long digit run
# (ZZT2400012345, ZZX100987654; keeps part numbers like MD123456 and near-VINs like JTMBD33V00512345 out).
FRAME_GLUED = re.compile(r'[A-Z]{2,4}(?:[0-9]{1,3}[A-Z]{1,2}[0-9]{5,7}|[0-9]{8,10})')
_TYPO_DIGITS = str.maketrans('OIQ', '010')

_TRANSLIT = {**{str(d): d for d in range(10)}, **dict(zip('ABCDEFGH', range(1, 9), strict=True)),
             **dict(zip('JKLMN', range(1, 6), strict=True)), 'P': 7, 'R': 9,
             **dict(zip('STUVWXYZ', range(2, 10), strict=True))}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
NORTH_AMERICA_PREFIXES = tuple('12345')


@dataclass(frozen=True)
class Identifier:
    kind: IdType
    value: str
    """Normalized value sent to the site (uppercase, no spaces; a frame keeps its hyphen if it had one)."""
    raw: str
    lookalikes_converted: bool = False
    hints: tuple[str, ...] = field(default=())
    """Non-blocking remarks, e.g. `CHECK_DIGIT_MISMATCH` for a North-American VIN."""

    @property
    def cache_key(self) -> str:
        """`VIN:…` or `FRAME:…` (hyphen-insensitive: the site treats both frame forms alike)."""
        compact = self.value.replace('-', '') if self.kind is IdType.FRAME else self.value
        return f'{self.kind}:{compact}'


def clean(raw: str) -> tuple[str, bool]:
    """Trim, drop whitespace, unify dashes, uppercase, convert Cyrillic look-alikes."""
    text = SPACES.sub('', DASHES.sub('-', raw or '')).strip('-.,;:')
    converted = text.translate(LOOKALIKES)
    return converted.upper(), converted != text


def vin_check_digit(vin: str) -> str:
    total = sum(_TRANSLIT[ch] * w for ch, w in zip(vin, _WEIGHTS, strict=True))
    rem = total % 11
    return 'X' if rem == 10 else str(rem)


def is_frame(value: str) -> bool:
    """True when a cleaned value has the shape of a frame number (`ZZT240-0012345`, `ZZX100987654`)."""
    return bool(FRAME_DASHED.fullmatch(value) or FRAME_GLUED.fullmatch(value))


def vin_shaped(compact: str) -> bool:
    """At least one letter, the last four characters digits (ISO 3779); I/O/Q count as the digits they mimic."""
    s = compact.translate(_TYPO_DIGITS)
    return len(s) >= 4 and s[-4:].isdigit() and not s.isdigit()


def is_near_vin(value: str) -> bool:
    """16 or 18 VIN characters shaped like a VIN and not like a frame: one character missing or extra."""
    compact = value.replace('-', '')
    return len(compact) in (16, 18) and bool(VIN_CHARS.match(compact)) and vin_shaped(compact) \
        and not is_frame(value)


def guess_kind(value: str) -> IdType | None:
    compact = value.replace('-', '')
    if len(compact) == 17 and '-' not in value and VIN_CHARS.match(value):
        return IdType.VIN
    if is_frame(value):
        return IdType.FRAME
    return None


def parse(raw: str, id_type: IdType | str | None = None) -> Identifier:
    """Parse operator or customer input. Raises InvalidIdentifier with a code the UI translates."""
    if raw is None or not str(raw).strip():
        raise InvalidIdentifier('Enter a VIN or a frame number.', code='EMPTY')
    value, converted = clean(str(raw))
    kind = IdType(id_type.upper()) if isinstance(id_type, str) and id_type else id_type
    if kind is None:
        kind = guess_kind(value)
        if kind is None:
            kind = IdType.VIN if len(value.replace('-', '')) >= 15 or is_near_vin(value) else IdType.FRAME
    if kind is IdType.VIN:
        return _parse_vin(str(raw), value, converted)
    return _parse_frame(str(raw), value, converted)


def _parse_vin(raw: str, value: str, converted: bool) -> Identifier:
    value = value.replace('-', '')
    if not VIN_CHARS.match(value):
        raise InvalidIdentifier('A VIN contains only Latin letters and digits.', code='VIN_CHARS')
    if len(value) != 17:
        raise InvalidIdentifier(f'A VIN has 17 characters, this one has {len(value)}.', code='VIN_LENGTH', n=len(value))
    forbidden = sorted({ch for ch in value if ch in 'IOQ'})
    if forbidden:
        # Never "auto-correct": O and 0 are different VINs to the site. Tell the operator instead.
        raise InvalidIdentifier(
            f'A VIN never contains the letters I, O or Q (found: {", ".join(forbidden)}); check for 1 or 0.',
            code='VIN_FORBIDDEN_LETTERS')
    hints: tuple[str, ...] = ()
    if value.startswith(NORTH_AMERICA_PREFIXES) and vin_check_digit(value) != value[8]:
        hints = ('CHECK_DIGIT_MISMATCH',)
    return Identifier(IdType.VIN, value, raw, converted, hints)


def _parse_frame(raw: str, value: str, converted: bool) -> Identifier:
    if is_near_vin(value):
        # Even when the operator picked FRAME: a VIN with a character missing is not a frame to look up.
        n = len(value.replace('-', ''))
        raise InvalidIdentifier(f'A VIN has 17 characters, this one has {n}.', code='VIN_LENGTH', n=n)
    if not is_frame(value):
        raise InvalidIdentifier(
            'A frame number looks like ZZT240-0012345: a model code, an optional dash and a serial number.',
            code='FRAME_FORMAT')
    return Identifier(IdType.FRAME, value, raw, converted)
