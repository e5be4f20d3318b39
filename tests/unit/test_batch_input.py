"""Reading a batch (pasted lines or CSV) as a table of inputs and the rows they give; and the export files."""

from __future__ import annotations

import io

import openpyxl
import pytest

from lookup import batch_input, exports
from lookup.batch_input import Line
from lookup.errors import InvalidBatch


@pytest.mark.parametrize('text, rows', [
    pytest.param('WVWZZZ1KZ8W123456\nZZT240-0012345', [Line(1, 'WVWZZZ1KZ8W123456'), Line(2, 'ZZT240-0012345')],
                 id='one-per-line'),
    pytest.param('\n  WVWZZZ1KZ8W123456  \n\n\nX', [Line(2, 'WVWZZZ1KZ8W123456'), Line(5, 'X')],
                 id='blank-lines-keep-numbers'),
    pytest.param('VIN;Маркировка\nWVWZZZ1KZ8W123456;KCK\nZZT240-0012345;',
                 [Line(2, 'WVWZZZ1KZ8W123456', 'KCK'), Line(3, 'ZZT240-0012345')], id='csv-semicolon-header-tag'),
    pytest.param('\ufeffvin,tag\r\n"WVWZZZ1KZ8W123456","KCK"\r\n', [Line(2, 'WVWZZZ1KZ8W123456', 'KCK')],
                 id='csv-comma-bom-quoted-crlf'),
    pytest.param('WVWZZZ1KZ8W123456\tKCK', [Line(1, 'WVWZZZ1KZ8W123456', 'KCK')], id='tab-separated'),
    pytest.param('ZZT240 0012345', [Line(1, 'ZZT240 0012345')], id='spaces-stay-for-the-identifier-rule'),
])
def test_reading(text: str, rows: list[Line]) -> None:
    assert batch_input.read(text) == rows


@pytest.mark.parametrize('text, code', [
    pytest.param('', 'EMPTY_BATCH', id='empty'),
    pytest.param('\n \nvin\n', 'EMPTY_BATCH', id='header-only'),
    pytest.param('\n'.join(['WVWZZZ1KZ8W123456'] * 201), 'TOO_MANY_LINES', id='201-lines'),
    pytest.param('x' * 100_001, 'TOO_LONG', id='too-long'),
])
def test_unreadable_batches(text: str, code: str) -> None:
    with pytest.raises(InvalidBatch) as err:
        batch_input.read(text)
    assert err.value.code == code and err.value.http_status == 422


def test_200_lines_are_fine() -> None:
    assert len(batch_input.read('\n'.join(['WVWZZZ1KZ8W123456'] * 200))) == 200


def test_exports_keep_cells_as_data() -> None:
    cols = [('v', 'Значение'), ('n', 'n')]
    rows = [{'v': '=HYPERLINK("http://x")', 'n': 3}, {'v': 'ВАЗ', 'n': None}]
    csv_file = exports.render(cols, rows, 'csv', name='t')
    assert csv_file.filename == 't.csv' and csv_file.content.startswith('\ufeff'.encode())
    assert csv_file.content.decode('utf-8-sig').splitlines() == ['Значение,n', '"\'=HYPERLINK(""http://x"")",3',
                                                                  'ВАЗ,']
    xlsx = exports.render(cols, rows, 'xlsx', name='t')
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0] == ['Значение', 'n'] and values[1] == ['=HYPERLINK("http://x")', 3]
    assert ws['A2'].data_type == 's'  # text, not a formula
    with pytest.raises(ValueError):
        exports.render(cols, rows, 'pdf', name='t')
