"""Issue 12 #4 over REST: create a batch (JSON text or list, CSV upload), per-line errors, status/results, exports
(batch and cache), roles and tenants, and 422s for what cannot be a batch."""

from __future__ import annotations

import io

import httpx
import openpyxl
import pytest

from tests.api.conftest import World, bearer, random_vin
from tests.ui.conftest import cached_result

pytestmark = pytest.mark.asyncio(loop_scope='module')
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


async def test_a_batch_from_pasted_text(api: httpx.AsyncClient, world: World) -> None:
    manager = world.a.members['manager']
    hit = random_vin()
    cached_result(hit, oem='0AM300050X')
    text = f'VIN;Маркировка\n{hit};DQ200\nWVWZZZ1KZ8W12345\n{random_vin()}'
    r = await api.post('/api/batches', json={'name': 'Поставка 12', 'text': text}, headers=bearer(manager.token))
    assert r.status_code == 201, r.text
    b = r.json()
    assert b['name'] == 'Поставка 12' and b['counts'] == {'total': 3, 'invalid': 1, 'waiting': 0, 'queued': 1,
                                                          'done': 1, 'failed': 0}
    lines = {i['line']: i for i in b['items']}
    assert lines[2]['state'] == 'completed' and lines[2]['oem'] == '0AM300050X' and lines[2]['tag'] == 'DQ200'
    assert lines[3]['state'] == 'invalid' and lines[3]['error']['code'] == 'VIN_LENGTH'
    assert lines[4]['state'] == 'pending' and lines[4]['case_id']

    r = await api.get(f'/api/batches/{b["id"]}', params={'items': 'false'}, headers=bearer(world.a.members['viewer']
                                                                                        .token))
    assert r.status_code == 200 and r.json()['items'] is None and r.json()['counts']['done'] == 1
    listed = (await api.get('/api/batches', headers=bearer(manager.token))).json()
    assert listed[0]['id'] == b['id']
    # the case is an ordinary lookup of the tenant, in the batch's own conversation
    case = (await api.get(f'/api/lookups/{lines[4]["case_id"]}', headers=bearer(manager.token))).json()
    assert case['conversation_id'] == b['conversation_id']

    r = await api.get(f'/api/batches/{b["id"]}/export', params={'format': 'xlsx'}, headers=bearer(manager.token))
    assert r.status_code == 200 and r.headers['content-type'] == XLSX
    assert f'batch-{b["id"]}.xlsx' in r.headers['content-disposition']
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ('line', 'input', 'value') and rows[1][12] == '0AM300050X'
    r = await api.get(f'/api/batches/{b["id"]}/export', headers=bearer(manager.token))
    assert r.headers['content-type'].startswith('text/csv') and hit in r.content.decode('utf-8-sig')

    # another tenant: 404 for the batch, its export, and the cache rows it used
    other = bearer(world.b.members['admin'].token)
    for path in (f'/api/batches/{b["id"]}', f'/api/batches/{b["id"]}/export'):
        r = await api.get(path, headers=other)
        assert r.status_code == 404 and r.json()['error']['code'] == 'NOT_FOUND'
    r = await api.get('/api/cache/export', params={'q': hit}, headers=other)
    assert r.status_code == 200 and hit not in r.content.decode('utf-8-sig')
    r = await api.get('/api/cache/export', params={'q': hit, 'format': 'xlsx'}, headers=bearer(manager.token))
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows] == ['value', hit]


async def test_check_and_upload(api: httpx.AsyncClient, world: World) -> None:
    manager = bearer(world.a.members['manager'].token)
    r = await api.post('/api/batches/check', json={'values': ['ZZT240-0012345', 'ZZT240-0012345', 'hello']},
                       headers=manager)
    assert r.status_code == 200
    assert [(i['state'], (i['error'] or {}).get('code')) for i in r.json()] == [
        ('waiting', None), ('invalid', 'DUPLICATE'), ('invalid', 'FRAME_FORMAT')]
    vin = random_vin()
    csv_cp1251 = f'VIN;Маркировка\r\n{vin};КПП\r\n'.encode('cp1251')
    r = await api.post('/api/batches/upload', files={'file': ('склад.csv', csv_cp1251, 'text/csv')},
                       headers=manager)
    assert r.status_code == 201, r.text
    assert r.json()['name'] == 'склад.csv' and r.json()['items'][0]['tag'] == 'КПП'


@pytest.mark.parametrize('body, status, code', [
    ({'text': 'bad\nworse'}, 422, 'NO_VALID_LINES'),
    ({'text': ''}, 422, 'EMPTY_BATCH'),
    ({'values': ['ZZT240-0012345'] * 201}, 422, 'TOO_MANY_LINES'),
    ({'text': 'ZZT240-0012345', 'values': ['ZZT240-0012345']}, 422, 'VALIDATION_ERROR'),
    ({}, 422, 'VALIDATION_ERROR'),
    ({'text': 'ZZT240\x00-0012345'}, 422, 'VALIDATION_ERROR'),
])
async def test_what_cannot_be_a_batch(api: httpx.AsyncClient, world: World, body: dict, status: int,
                                      code: str) -> None:
    r = await api.post('/api/batches', json=body, headers=bearer(world.a.members['admin'].token))
    assert r.status_code == status and r.json()['error']['code'] == code


async def test_roles(api: httpx.AsyncClient, world: World) -> None:
    r = await api.post('/api/batches', json={'values': [random_vin()]}, headers=bearer(world.a.members['viewer'].token))
    assert r.status_code == 403 and r.json()['error']['code'] == 'FORBIDDEN'
    r = await api.post('/api/batches/upload', files={'file': ('a.csv', b'\x00\x01', 'text/csv')},
                       headers=bearer(world.a.members['viewer'].token))
    assert r.status_code == 403  # the role first, before the file is even read
    for path in ('/api/batches', '/api/cache/export', '/api/batches/1'):
        r = await api.get(path)
        assert r.status_code == 401
    r = await api.get('/api/cache/export', params={'format': 'pdf'}, headers=bearer(world.a.members['viewer'].token))
    assert r.status_code == 422
