"""Issue 12 #2 through REST: a lookup answered with several vehicle variants, the tag's automatic choice, and a
manager marking another one with `PUT /api/lookups/{id}/variant`."""

from __future__ import annotations

import httpx
import pytest

from lookup import cache
from lookup.db import session_scope
from lookup.settings import get_settings
from tests.api.conftest import World, bearer, random_vin
from tests.scale.test_variants import three_rows

pytestmark = pytest.mark.asyncio(loop_scope='module')


async def test_the_tag_picks_a_variant_and_a_manager_marks_another(api: httpx.AsyncClient, world: World) -> None:
    vin = random_vin()
    with session_scope() as s:
        cache.store(session=s, cache_key=f'VIN:{vin}', result=three_rows(vin), settings=get_settings())
    manager, viewer = world.a.members['manager'], world.a.members['viewer']
    r = await api.post(f'/api/conversations/{world.a.conversation_id}/lookups', json={'value': vin, 'tag': 'MR6'},
                       headers=bearer(manager.token))
    case = r.json()
    assert r.status_code == 200 and [v['model'] for v in case['result']['variants']] == ['F17', 'MR6', 'Y4M']
    assert (case['selected_variant'], case['variant_selected_by']) == (1, 'tag')
    assert case['result']['variants'][0]['oem'] == '55355911' and case['result']['variants'][1]['oem'] is None

    path = f'/api/lookups/{case["id"]}/variant'
    r = await api.put(path, json={'variant': 2}, headers=bearer(manager.token))
    assert r.status_code == 200 and (r.json()['selected_variant'], r.json()['variant_selected_by']) == (2, 'manager')
    got = (await api.get(f'/api/lookups/{case["id"]}', headers=bearer(viewer.token))).json()
    assert got['selected_variant'] == 2  # stored, and what every reader sees

    r = await api.put(path, json={'variant': 3}, headers=bearer(manager.token))
    assert r.status_code == 422 and r.json()['error']['code'] == 'NO_SUCH_VARIANT'
    r = await api.put(path, json={'variant': -1}, headers=bearer(manager.token))
    assert r.status_code == 422 and r.json()['error']['code'] == 'VALIDATION_ERROR'
    r = await api.put(path, json={'variant': 0}, headers=bearer(viewer.token))
    assert r.status_code == 403 and r.json()['error']['code'] == 'FORBIDDEN'
    r = await api.put(path, json={'variant': 0}, headers=bearer(world.b.members['admin'].token))
    assert r.status_code == 404
    assert (await api.get(f'/api/lookups/{case["id"]}', headers=bearer(viewer.token))).json()['selected_variant'] == 2
