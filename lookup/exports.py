"""Tables as downloadable files: CSV (UTF-8 with BOM, so Excel shows Cyrillic) and XLSX (openpyxl). Pure.

Cells are data, never formulas: a CSV cell starting with = + - @ (or a tab/CR) gets a leading apostrophe (OWASP's
advice against formula injection: an input line or a site text could carry `=HYPERLINK(…)`), and XLSX cells are
written as strings."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMATS = ('csv', 'xlsx')
MEDIA_TYPES = {'csv': 'text/csv; charset=utf-8',
               'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'}
_RISKY = ('=', '+', '-', '@', '\t', '\r')


@dataclass(frozen=True)
class File:
    content: bytes
    media_type: str
    filename: str


def _text(value: Any) -> str:
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, datetime):
        return value.strftime('%Y-%m-%d %H:%M:%S UTC')
    return str(value)


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_RISKY) else text


def render(columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, Any]], fmt: str, *, name: str) -> File:
    """`columns`: (key, header) pairs; `rows`: dicts by key; `fmt`: csv | xlsx; `name`: file name without suffix."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown export format {fmt!r}')
    keys = [k for k, _ in columns]
    headers = [h for _, h in columns]
    if fmt == 'csv':
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator='\r\n')
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_safe(_text(row.get(k))) for k in keys])
        content = ('\ufeff' + buf.getvalue()).encode('utf-8')
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(name[:31] or 'export')
        ws.append(headers)
        for row in rows:
            cells = []
            for k in keys:
                value = row.get(k)
                cell = WriteOnlyCell(ws, value=value if isinstance(value, (int, float)) and not isinstance(value, bool)
                                     else _text(value))
                if cell.data_type == 'f':  # openpyxl reads a leading '=' as a formula: keep it text
                    cell.data_type = 's'
                cells.append(cell)
            ws.append(cells)
        out = io.BytesIO()
        wb.save(out)
        content = out.getvalue()
    return File(content=content, media_type=MEDIA_TYPES[fmt], filename=f'{name}.{fmt}')
