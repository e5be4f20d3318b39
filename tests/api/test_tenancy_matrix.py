"""Tenant isolation and the role matrix: every REST endpoint and every page, for each role, against the caller's own
tenant and against another tenant's objects."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from nicegui.testing import User
from sqlmodel import select

from lookup.db import session_scope
from models import LookupCache
from models import User as UserRow
from tests.api.conftest import ROLES, Member, World, bearer, log_in, make_member, random_vin, used_by
from tests.ui.conftest import cached_result

pytestmark = pytest.mark.asyncio(loop_scope='module')

ERROR_CODES = {401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 422: 'VALIDATION_ERROR'}


def every(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    """Placeholders: {conv} conversation, {case} completed case, {shot} failed case with a screenshot, {key} a cache
    key."""
    own: dict[str, int]
    """role → status with the caller's own tenant's objects."""
    other: dict[str, int] | None
    """role → status with another tenant's objects (None: the endpoint addresses no tenant object)."""
    body: Callable[[World], dict] | None = None


WRITERS = {'admin': 200, 'manager': 200, 'viewer': 403}
ENDPOINTS = [
    Endpoint('list-conversations', 'GET', '/api/conversations', every(200), None),
    Endpoint('get-conversation', 'GET', '/api/conversations/{conv}', every(200), every(404)),
    Endpoint('list-messages', 'GET', '/api/conversations/{conv}/messages', every(200), every(404)),
    Endpoint('list-lookups', 'GET', '/api/conversations/{conv}/lookups', every(200), every(404)),
    Endpoint('create-lookup', 'POST', '/api/conversations/{conv}/lookups', WRITERS,
             # the role is checked first: a viewer learns nothing about the other tenant's ids either
             {'admin': 404, 'manager': 404, 'viewer': 403}, body=lambda w: {'value': w.cached_vin}),
    Endpoint('get-lookup', 'GET', '/api/lookups/{case}', every(200), every(404)),
    # clearing the choice (null) is valid on any case: the matrix tests who may act, not which variants exist
    Endpoint('choose-variant', 'PUT', '/api/lookups/{case}/variant', WRITERS,
             {'admin': 404, 'manager': 404, 'viewer': 403}, body=lambda w: {'variant': None}),
    Endpoint('get-screenshot', 'GET', '/api/lookups/{shot}/screenshot', every(200), every(404)),
    Endpoint('list-cache', 'GET', '/api/cache', every(200), None),
    # {key} is a row the addressed tenant's cases used: another tenant's rows are not there for the caller (404)
    Endpoint('invalidate-one', 'DELETE', '/api/cache/{key}', WRITERS, {'admin': 404, 'manager': 404, 'viewer': 403}),
    Endpoint('invalidate-all', 'DELETE', '/api/cache', {'admin': 200, 'manager': 403, 'viewer': 403}, None),
    Endpoint('inbound-message', 'POST', '/api/inbound/messages', {'admin': 201, 'manager': 201, 'viewer': 403}, None,
             body=lambda w: {'channel': 'telegram', 'external_chat_id': w.a.chat_id,
                             'external_message_id': random_vin(), 'text': 'Добрый день, нужна коробка'}),
]


def _cases() -> list:
    out = []
    for ep in ENDPOINTS:
        for which, table in (('own', ep.own), ('other', ep.other)):
            if table is None:
                continue
            for role in ROLES:
                out.append(pytest.param(ep, role, which, table[role], id=f'{ep.name}-{role}-{which}'))
            out.append(pytest.param(ep, None, which, 401, id=f'{ep.name}-anonymous-{which}'))
    return out


@pytest.mark.parametrize(('endpoint', 'role', 'which', 'expected'), _cases())
async def test_rest_matrix(api: httpx.AsyncClient, world: World, endpoint: Endpoint, role: str | None, which: str,
                           expected: int) -> None:
    """The caller is always in tenant A; `other` addresses tenant B's objects."""
    target = world.tenant(which)
    key_vin = random_vin()
    cached_result(key_vin)
    used_by(target, key_vin)
    world.cached_vin = random_vin()
    cached_result(world.cached_vin)  # another test may have invalidated the whole cache
    path = endpoint.path.format(conv=target.conversation_id, case=target.case_id, shot=target.failed_case_id,
                                key=f'VIN:{key_vin}')
    headers = bearer(world.a.members[role].token) if role else {}
    body = endpoint.body(world) if endpoint.body else None
    r = await api.request(endpoint.method, path, headers=headers, json=body)
    assert r.status_code == expected, r.text
    if expected >= 400:
        assert r.json() == {'error': {'code': ERROR_CODES[expected], 'message': r.json()['error']['message']}}
        assert target.message_text not in r.text
    elif endpoint.name == 'get-screenshot':
        assert r.headers['content-type'] == 'image/png'


@pytest.mark.parametrize('role', ROLES)
async def test_lists_hold_only_the_callers_tenant(api: httpx.AsyncClient, world: World, role: str) -> None:
    for caller, mine, theirs in ((world.a, world.a, world.b), (world.b, world.b, world.a)):
        headers = bearer(caller.members[role].token)
        convs = (await api.get('/api/conversations', params={'page_size': 200}, headers=headers)).json()
        ids = {c['id'] for c in convs['items']}
        assert mine.conversation_id in ids and theirs.conversation_id not in ids
        assert convs['total'] == len(ids)
        found = (await api.get('/api/conversations', params={'q': theirs.customer}, headers=headers)).json()
        assert found['total'] == 0  # searching for another tenant's customer finds nothing
        lookups = (await api.get(f'/api/conversations/{mine.conversation_id}/lookups', headers=headers)).json()
        assert {c['conversation_id'] for c in lookups} == {mine.conversation_id}


async def _cache_values(api: httpx.AsyncClient, member: Member, vin: str) -> list[str]:
    page = (await api.get('/api/cache', params={'q': vin}, headers=bearer(member.token))).json()
    return [row['value'] for row in page['items']]


async def test_the_shared_cache_shows_each_tenant_its_own_part(api: httpx.AsyncClient, world: World) -> None:
    vin = random_vin()
    cached_result(vin, oem='0B5300057')
    used_by(world.a, vin)
    assert await _cache_values(api, world.a.members['viewer'], vin) == [vin]
    assert await _cache_values(api, world.b.members['viewer'], vin) == []  # B never asked for it
    page = (await api.get('/api/cache', params={'q': vin}, headers=bearer(world.a.members['viewer'].token))).json()
    row = page['items'][0]
    assert set(row) == {'key', 'id_type', 'value', 'outcome', 'source', 'make', 'model', 'gearbox_model', 'oem',
                        'fetched_at', 'expires_at', 'result'}
    assert row['result'] is None
    text = str(page)
    for member in (*world.a.members.values(), *world.b.members.values()):
        assert member.username not in text
    assert world.a.slug not in text and world.b.slug not in text
    # the cache stays shared: B's lookup of that VIN is answered from it (one site visit serves everyone), without
    # A's conversation, user or tag, and from then on the row is part of B's view too
    case = (await api.post(f'/api/conversations/{world.b.conversation_id}/lookups', json={'value': vin},
                           headers=bearer(world.b.members['manager'].token))).json()
    assert case['from_cache'] and case['conversation_id'] == world.b.conversation_id
    assert case['result']['tag'] is None
    assert await _cache_values(api, world.b.members['viewer'], vin) == [vin]


async def test_another_tenant_cannot_invalidate_a_tenants_rows(api: httpx.AsyncClient, world: World) -> None:
    vin = random_vin()
    cached_result(vin)
    used_by(world.a, vin)
    r = await api.delete(f'/api/cache/VIN:{vin}', headers=bearer(world.b.members['manager'].token))
    assert r.status_code == 404
    r = await api.delete('/api/cache', headers=bearer(world.b.members['admin'].token))  # B's "all" is B's rows
    assert r.status_code == 200
    assert await _cache_values(api, world.a.members['viewer'], vin) == [vin]
    r = await api.delete('/api/cache', headers=bearer(world.a.members['admin'].token))
    assert r.status_code == 200 and r.json()['deleted'] >= 1
    assert await _cache_values(api, world.a.members['viewer'], vin) == []


async def test_only_a_platform_operator_empties_the_whole_cache(api: httpx.AsyncClient, world: World) -> None:
    vin = random_vin()
    cached_result(vin)  # no tenant's case used it: no tenant admin reaches it
    operator = make_member(tenant_slug=world.a.slug, role='viewer', tag=f'op{secrets.token_hex(3)}')
    with session_scope() as s:
        s.get(UserRow, operator.user_id).is_operator = True
    assert (await api.delete('/api/cache', headers=bearer(world.a.members['admin'].token))).status_code == 200
    with session_scope() as s:
        assert s.exec(select(LookupCache).where(LookupCache.value == vin)).first() is not None
    # an operator reads every row, even as a viewer of their own tenant; writing still needs a writing role
    assert await _cache_values(api, operator, vin) == [vin]
    assert (await api.delete(f'/api/cache/VIN:{vin}', headers=bearer(operator.token))).status_code == 403
    admin_operator = make_member(tenant_slug=world.b.slug, role='admin', tag=f'op{secrets.token_hex(3)}')
    with session_scope() as s:
        s.get(UserRow, admin_operator.user_id).is_operator = True
    assert (await api.delete('/api/cache', headers=bearer(admin_operator.token))).json()['deleted'] >= 1
    with session_scope() as s:
        assert s.exec(select(LookupCache).where(LookupCache.value == vin)).first() is None


async def test_the_ui_session_reads_screenshots_of_its_own_tenant_only(visitor: Callable[[], User],
                                                                       world: World) -> None:
    """The case card loads `/api/lookups/{id}/screenshot` with the session cookie, not a token."""
    user = visitor()
    assert (await user.http_client.get(f'/api/lookups/{world.a.failed_case_id}/screenshot')).status_code == 401
    await log_in(user, world.a.members['viewer'])
    r = await user.http_client.get(f'/api/lookups/{world.a.failed_case_id}/screenshot')
    assert r.status_code == 200 and r.headers['content-type'] == 'image/png'
    r = await user.http_client.get(f'/api/lookups/{world.b.failed_case_id}/screenshot')
    assert r.status_code == 404 and r.json()['error']['code'] == 'NOT_FOUND'
    assert (await user.http_client.get('/api/conversations')).status_code == 401  # the rest of the API wants a token


# --- pages --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageCheck:
    name: str
    path: str
    see: Callable[[World, str], list[dict]]
    """should_see() keyword sets for a role."""
    not_see: Callable[[World, str], list[dict]]


def _own_conv(w: World, role: str) -> list[dict]:
    return [{'content': w.a.message_text}] + ([{'marker': 'lookup-button'}] if role != 'viewer' else [])


PAGES = [
    PageCheck('conversations', '/', lambda w, r: [{'marker': 'conversations'}], lambda w, r: []),
    PageCheck('own-conversation', '/conversations/{a}', _own_conv,
              lambda w, r: [{'marker': 'not-found'}] + ([{'marker': 'lookup-button'}] if r == 'viewer' else [])),
    PageCheck('other-conversation', '/conversations/{b}', lambda w, r: [{'marker': 'not-found'}],
              lambda w, r: [{'content': w.b.message_text}, {'content': w.b.customer}, {'marker': 'lookup-button'}]),
    PageCheck('cache', '/cache', lambda w, r: [{'marker': 'cache-table'}] +
              ([{'marker': 'cache-invalidate-all'}] if r == 'admin' else []),
              lambda w, r: [] if r == 'admin' else [{'marker': 'cache-invalidate-all'}]),
    PageCheck('dashboard', '/dashboard', lambda w, r: [{'marker': 'per-hour-chart'}], lambda w, r: []),
    PageCheck('users', '/admin/users',
              lambda w, r: [{'marker': f'user-{w.a.members["viewer"].username}'}, {'marker': 'tokens'}]
              if r == 'admin' else [{'marker': 'forbidden'}],
              lambda w, r: [{'marker': f'user-{w.b.members["viewer"].username}'}, {'content': w.b.slug}]
              + ([] if r == 'admin' else [{'marker': 'users'}, {'marker': 'tokens'}])),
]


@pytest.mark.parametrize('role', ROLES)
@pytest.mark.parametrize('check', PAGES, ids=lambda p: p.name)
async def test_page_matrix(visitor: Callable[[], User], world: World, check: PageCheck, role: str) -> None:
    user = await log_in(visitor(), world.a.members[role])
    if role == 'admin':
        await user.should_see(marker='nav-admin/users')
    else:
        await user.should_not_see(marker='nav-admin/users')
    await user.open(check.path.format(a=world.a.conversation_id, b=world.b.conversation_id))
    for kwargs in check.see(world, role):
        await user.should_see(**kwargs)
    for kwargs in check.not_see(world, role):
        await user.should_not_see(**kwargs)


async def test_conversation_list_page_shows_only_own_tenant(visitor: Callable[[], User], world: World) -> None:
    from nicegui import ui
    user = await log_in(visitor(), world.b.members['viewer'])
    table = user.find(marker='conversations').elements.pop()
    assert isinstance(table, ui.table)
    customers = {row['customer'] for row in table.rows}
    assert world.b.customer in customers and world.a.customer not in customers


async def test_a_viewer_cannot_retry_a_lookup_from_the_page(visitor: Callable[[], User], api: httpx.AsyncClient,
                                                           world: World) -> None:
    headers = bearer(world.a.members['viewer'].token)
    before = (await api.get(f'/api/conversations/{world.a.conversation_id}/lookups', headers=headers)).json()
    user = await log_in(visitor(), world.a.members['viewer'])
    await user.open(f'/conversations/{world.a.conversation_id}')
    await user.should_see(marker=f'case-{world.a.failed_case_id}')
    # The page hides the action buttons from viewers (read-only cards) ...
    await user.should_not_see(marker='case-retry')
    await user.should_not_see(marker='case-refresh')
    # ... and the service refuses a retry anyway (the API path of the same action).
    r = await api.post(f'/api/conversations/{world.a.conversation_id}/lookups', headers=headers,
                       json={'value': 'WVWZZZ1KZAW000321', 'force_refresh': True})
    assert r.status_code == 403
    after = (await api.get(f'/api/conversations/{world.a.conversation_id}/lookups', headers=headers)).json()
    assert [c['id'] for c in after] == [c['id'] for c in before]
