"""Service + queue + worker + engine + cache end to end, against the sandbox, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from lookup.sandbox.scenarios import load_scenarios
from tests.stack import Stack, wait_until

pytestmark = pytest.mark.browser


def _scenario(outcome: str, id_type: str = 'VIN'):  # noqa: ANN202
    return next(s for s in load_scenarios() if s.expect.get('outcome') == outcome and s.id_type == id_type
                and not s.slow and s.page.get('kind', 'vehicle') == 'vehicle')


def _final(stack: Stack, case_id: int, timeout: float = 60) -> dict:
    def done() -> dict | None:
        case = stack.api.get(f'/api/lookups/{case_id}').json()
        return case if case['status'] in ('completed', 'failed') else None
    return wait_until(done, timeout, f'case {case_id} to finish', interval=0.2)


def _site_visits(sandbox, value: str) -> int:  # noqa: ANN001
    needle = value.upper().replace('-', '')
    return sum(1 for r in sandbox.request_log() if r['path'].endswith('/search-vehicle')
               and needle in str(r.get('query', '')).upper().replace('-', ''))


def test_lookup_completes_then_is_served_from_cache(stack: Stack, conversation_id: int, sandbox) -> None:  # noqa: ANN001
    sc = _scenario('FOUND')
    r = stack.api.post(f'/api/conversations/{conversation_id}/lookups', json={'value': sc.id, 'force_refresh': True})
    assert r.status_code == 202, r.text
    assert r.json()['status'] in ('pending', 'running')
    case = _final(stack, r.json()['id'])
    assert case['status'] == 'completed', case
    assert case['outcome'] == 'FOUND'
    assert case['result']['gearbox']['oem'] == sc.expect['gearbox']['oem']
    assert case['attempts'] == 1 and case['from_cache'] is False

    again = stack.api.post(f'/api/conversations/{conversation_id}/lookups', json={'value': sc.id})
    assert again.status_code == 200
    assert again.json()['from_cache'] is True and again.json()['status'] == 'completed'
    assert again.json()['result']['gearbox']['oem'] == sc.expect['gearbox']['oem']


def test_unknown_vin_fails_with_a_reason(stack: Stack, conversation_id: int) -> None:
    r = stack.api.post(f'/api/conversations/{conversation_id}/lookups', json={'value': 'XW8ZZZ61ZUNKN0WN1'})
    assert r.status_code == 202, r.text
    case = _final(stack, r.json()['id'])
    assert case['status'] == 'failed'
    assert case['error']['code'] == 'VEHICLE_NOT_FOUND'


def test_bad_identifier_is_422_and_nothing_is_queued(stack: Stack, conversation_id: int) -> None:
    before = len(stack.api.get(f'/api/conversations/{conversation_id}/lookups').json())
    r = stack.api.post(f'/api/conversations/{conversation_id}/lookups', json={'value': 'WVWZZZ1KZ8W12345'})
    assert r.status_code == 422
    assert r.json()['error']['code'] == 'VIN_LENGTH'
    assert len(stack.api.get(f'/api/conversations/{conversation_id}/lookups').json()) == before


def test_invalidation_sends_the_next_lookup_to_the_site(stack: Stack, conversation_id: int, sandbox) -> None:  # noqa: ANN001
    sc = _scenario('MODEL_ONLY')
    first = _final(stack, stack.api.post(f'/api/conversations/{conversation_id}/lookups',
                                         json={'value': sc.id, 'force_refresh': True}).json()['id'])
    assert first['status'] == 'completed'
    key = f'VIN:{sc.id.upper()}'
    assert stack.api.post(f'/api/conversations/{conversation_id}/lookups', json={'value': sc.id}).json()['from_cache']
    visits = _site_visits(sandbox, sc.id)
    assert stack.api.delete(f'/api/cache/{key}').json() == {'deleted': 1}
    r = stack.api.post(f'/api/conversations/{conversation_id}/lookups', json={'value': sc.id})
    assert r.status_code == 202
    assert _final(stack, r.json()['id'])['from_cache'] is False
    assert _site_visits(sandbox, sc.id) == visits + 1


def test_identical_concurrent_submits_make_one_site_visit(stack: Stack, conversation_id: int, sandbox) -> None:  # noqa: ANN001
    sc = [s for s in load_scenarios() if s.expect.get('outcome') == 'FOUND' and s.id_type == 'VIN'
          and not s.slow][1]
    stack.api.delete(f'/api/cache/VIN:{sc.id.upper()}')
    visits = _site_visits(sandbox, sc.id)

    def submit(_: int) -> dict:
        with stack.api as client:
            return client.post(f'/api/conversations/{conversation_id}/lookups', json={'value': sc.id}).json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        cases = list(pool.map(submit, range(20)))
    finals = [_final(stack, c['id']) for c in cases]
    assert all(c['status'] == 'completed' for c in finals), [c['status'] for c in finals]
    assert {c['result']['gearbox']['oem'] for c in finals} == {sc.expect['gearbox']['oem']}
    assert _site_visits(sandbox, sc.id) == visits + 1
