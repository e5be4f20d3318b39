"""Issue 12 #1, #3, #6 over HTTP: status codes, error bodies, roles and tenancy of the new routes (in-process app)."""

from __future__ import annotations

import httpx
import pytest

from lookup import replies
from tests.api.conftest import World, bearer, used_by


@pytest.fixture(autouse=True)
def no_queue() -> None:
    """Deliveries are handed to a list: this module checks the HTTP layer, not the worker."""
    handed: list[int] = []
    replies.set_deliverer(handed.append)
    yield
    replies.set_deliverer(None)


async def test_preview_same_unit_and_history_of_a_case(api: httpx.AsyncClient, world: World) -> None:
    a, b = world.a, world.b
    viewer = bearer(a.members['viewer'].token)
    r = await api.get(f'/api/lookups/{a.case_id}/reply', headers=viewer)
    assert r.status_code == 200, r.text
    assert r.json()['kind'] == 'found' and '09G300035M' in r.json()['text']
    r = await api.get(f'/api/lookups/{a.case_id}/reply', params={'kind': 'need_plate'}, headers=viewer)
    assert r.json()['kind'] == 'need_plate' and r.json()['suggested_kind'] == 'found'
    assert (await api.get(f'/api/lookups/{a.case_id}/reply', params={'kind': 'x'}, headers=viewer)).status_code == 422
    r = await api.get(f'/api/lookups/{a.failed_case_id}/reply', headers=viewer)
    assert r.status_code == 200 and r.json()['kind'] == 'site_unavailable'
    same = (await api.get(f'/api/lookups/{a.case_id}/same-unit', headers=viewer)).json()
    assert same['gearbox'] == 'KCK' and all(car['value'] for car in same['cars'])
    hist = (await api.get(f'/api/lookups/{a.case_id}/history', headers=viewer)).json()
    ids = [e['case_id'] for e in hist['entries']]  # oldest first (other suites may retry this tenant's lookups)
    assert ids.index(a.failed_case_id) < ids.index(a.case_id)
    by_key = await api.get(f'/api/history/VIN:{hist["value"].lower()}', headers=viewer)  # normalised
    assert by_key.status_code == 200 and by_key.json()['total'] == hist['total'] >= 2
    other = bearer(b.members['admin'].token)
    for path in (f'/api/lookups/{a.case_id}/reply', f'/api/lookups/{a.case_id}/same-unit',
                 f'/api/lookups/{a.case_id}/history', f'/api/history/{hist["key"]}'):
        r = await api.get(path, headers=other)
        assert r.status_code == 404 and r.json()['error']['code'] == 'NOT_FOUND', path


async def test_same_unit_shows_another_car_of_the_tenant(api: httpx.AsyncClient, world: World) -> None:
    from tests.api.conftest import random_vin
    from tests.ui.conftest import cached_result
    a = world.a
    vin = random_vin()
    cached_result(vin, oem='09G300035M', make='SKODA')
    r = await api.post(f'/api/conversations/{a.conversation_id}/lookups', json={'value': vin},
                       headers=bearer(a.members['manager'].token))
    assert r.status_code == 200 and r.json()['from_cache']
    used_by(world.b, vin)  # tenant b using the same row changes nothing for a
    cars = (await api.get(f'/api/lookups/{a.case_id}/same-unit', headers=bearer(a.members['viewer'].token))).json()
    mine = [c for c in cars['cars'] if c['value'] == vin]
    assert mine and mine[0]['make'] == 'SKODA' and set(mine[0]['matched_by']) == {'oem', 'gearbox'}


async def test_posting_a_reply_needs_a_manager_and_a_valid_body(api: httpx.AsyncClient, world: World) -> None:
    a, b = world.a, world.b
    url = f'/api/conversations/{a.conversation_id}/replies'
    r = await api.post(url, json={'case_id': a.case_id}, headers=bearer(a.members['manager'].token))
    assert r.status_code == 201, r.text
    assert r.json()['delivery_status'] == 'pending' and r.json()['reply_kind'] == 'found'
    msgs = (await api.get(f'/api/conversations/{a.conversation_id}/messages',
                          headers=bearer(a.members['viewer'].token))).json()
    assert msgs[-1]['id'] == r.json()['id'] and msgs[-1]['direction'] == 'out'
    assert (await api.post(url, json={'text': 'x'}, headers=bearer(a.members['viewer'].token))).status_code == 403
    assert (await api.post(url, json={'text': 'x'}, headers=bearer(b.members['manager'].token))).status_code == 404
    for body, code in (({}, 'REPLY_EMPTY'), ({'text': ''}, 'VALIDATION_ERROR'),
                       ({'text': 'a\x00b'}, 'VALIDATION_ERROR'), ({'text': 'x', 'kind': 'nope'}, 'VALIDATION_ERROR'),
                       ({'case_id': b.case_id}, 'NOT_FOUND')):
        r = await api.post(url, json=body, headers=bearer(a.members['admin'].token))
        assert r.status_code in (404, 422) and r.json()['error']['code'] == code, (body, r.text)
    retry = await api.post(f'/api/messages/{msgs[-1]["id"]}/delivery', headers=bearer(a.members['manager'].token))
    assert retry.status_code == 409 and retry.json()['error']['code'] == 'DELIVERY_NOT_FAILED'
    inbound = msgs[0]['id']
    assert (await api.post(f'/api/messages/{inbound}/delivery',
                           headers=bearer(b.members['manager'].token))).status_code == 404


async def test_templates_and_webhook_settings_are_admin_only(api: httpx.AsyncClient, world: World) -> None:
    a = world.a
    listed = await api.get('/api/replies/templates', headers=bearer(a.members['viewer'].token))
    assert [t['kind'] for t in listed.json()] == ['found', 'model_only', 'need_plate', 'not_found', 'site_unavailable']
    put = '/api/replies/templates/found'
    assert (await api.put(put, json={'text': '$car'}, headers=bearer(a.members['manager'].token))).status_code == 403
    r = await api.put(put, json={'text': 'Здравствуйте, $who'}, headers=bearer(a.members['admin'].token))
    assert r.status_code == 422 and r.json()['error']['code'] == 'TEMPLATE_PLACEHOLDER'
    assert '$greeting' in r.json()['error']['message']  # the message lists what is allowed
    r = await api.put(put, json={'text': 'Машина: $car'}, headers=bearer(a.members['admin'].token))
    assert r.status_code == 200 and not r.json()['is_default']
    preview = await api.get(f'/api/lookups/{a.case_id}/reply', headers=bearer(a.members['manager'].token))
    assert preview.json()['text'] == 'Машина: VOLKSWAGEN GOLF 2010'
    assert (await api.put('/api/replies/templates/other', json={'text': 'x'},
                          headers=bearer(a.members['admin'].token))).status_code == 422
    reset = await api.delete(put, headers=bearer(a.members['admin'].token))
    assert reset.status_code == 200 and reset.json()['is_default']
    settings = await api.get('/api/replies/settings', headers=bearer(a.members['admin'].token))
    assert settings.status_code == 200 and 'plate_hint' in settings.json()['placeholders']
    r = await api.put('/api/replies/settings', json={'url': 'gopher://x'}, headers=bearer(a.members['admin'].token))
    assert r.status_code == 422 and r.json()['error']['code'] == 'WEBHOOK_URL'
    assert (await api.get('/api/replies/settings', headers=bearer(a.members['manager'].token))).status_code == 403
