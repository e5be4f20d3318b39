"""Reading a batch: pasted lines or a CSV file → (line number, value, tag) rows. Pure; validation of the values
themselves is `identifiers.parse` (the one rule), done by lookup/batches.py."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from lookup.errors import InvalidBatch

MAX_LINES = 200
MAX_CHARS = 100_000
"""A 200-line CSV with a tag column is a few kB; anything far larger is not a batch."""
HEADER_WORDS = {'vin', 'frame', 'vin/frame', 'vin или frame', 'value', 'номер', 'идентификатор', 'вин', 'кузов',
                'номер кузова', 'vin/кузов', 'id'}
DELIMITERS = ';,\t'


@dataclass(frozen=True)
class Line:
    line: int
    """1-based line of the input (blank lines and a header row count, so numbers match the operator's editor)."""
    value: str
    tag: str | None = None


def _cells(text: str) -> list[str]:
    delimiter = next((d for d in DELIMITERS if d in text), None)
    if delimiter is None:
        return [text]
    return next(csv.reader([text], delimiter=delimiter), [text])


def read(text: str) -> list[Line]:
    """One value per line, or CSV rows (`;`, `,` or tab; first column the VIN/FRAME, an optional second the gearbox
    tag; a header row is skipped). Raises InvalidBatch (EMPTY, TOO_MANY_LINES, TOO_LONG)."""
    if len(text) > MAX_CHARS:
        raise InvalidBatch(f'The batch is longer than {MAX_CHARS} characters.', code='TOO_LONG', n=MAX_CHARS)
    rows: list[Line] = []
    first = True
    for number, raw in enumerate(text.lstrip('\ufeff').splitlines(), start=1):
        if not raw.strip():
            continue
        cells = [c.strip() for c in _cells(raw)]
        if first and cells[0].strip('"').lower() in HEADER_WORDS:
            first = False
            continue
        first = False
        if not any(cells):
            continue
        tag = cells[1] if len(cells) > 1 and cells[1] else None
        rows.append(Line(number, cells[0], tag[:64] if tag else None))
    if not rows:
        raise InvalidBatch('The batch holds no VIN or frame number.', code='EMPTY_BATCH')
    if len(rows) > MAX_LINES:
        raise InvalidBatch(f'A batch holds at most {MAX_LINES} values; this one has {len(rows)}.',
                           code='TOO_MANY_LINES', n=len(rows), max=MAX_LINES)
    return rows


def from_values(values: list[str]) -> list[Line]:
    """A JSON list of values: the same rules as pasted lines (an empty entry is skipped but keeps its number)."""
    return read('\n'.join(v.replace('\n', ' ').replace('\r', ' ') for v in values))
