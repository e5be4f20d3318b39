"""Every /api error is JSON `{"error": {"code", "message"}}` with a stable code, never HTML or a stack trace."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from lookup import service
from lookup.web import api as api_module
from tests.api.conftest import World, bearer

pytestmark = pytest.mark.asyncio(loop_scope='module')


def assert_error(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    assert r.headers['content-type'].startswith('application/json')
    body = r.json()
    assert set(body) == {'error'} and set(body['error']) == {'code', 'message'}
    assert body['error']['code'] == code and body['error']['message']
    assert 'Traceback' not in r.text and '<html' not in r.text.lower()
    return body['error']


@pytest.mark.parametrize(('method', 'path', 'status', 'code'), [
    pytest.param('GET', '/api/nope', 404, 'NOT_FOUND', id='unknown-path'),
    pytest.param('POST', '/api/nope/deeper', 404, 'NOT_FOUND', id='unknown-path-post'),
    pytest.param('GET', '/api', 404, 'NOT_FOUND', id='api-root'),
    pytest.param('GET', '/api/', 404, 'NOT_FOUND', id='api-root-slash'),
    pytest.param('PUT', '/api/conversations', 405, 'METHOD_NOT_ALLOWED', id='wrong-method'),
    pytest.param('DELETE', '/api/lookups/1', 405, 'METHOD_NOT_ALLOWED', id='wrong-method-with-id'),
    pytest.param('GET', '/api/lookups/abc', 422, 'VALIDATION_ERROR', id='id-not-a-number'),
    pytest.param('GET', '/api/lookups/0', 422, 'VALIDATION_ERROR', id='id-zero'),
    pytest.param('GET', '/api/lookups/99999999999999999999', 422, 'VALIDATION_ERROR', id='id-overflow'),
    pytest.param('GET', '/api/conversations?page=0', 422, 'VALIDATION_ERROR', id='page-zero'),
    pytest.param('GET', '/api/conversations?page_size=100000', 422, 'VALIDATION_ERROR', id='page-size-huge'),
    pytest.param('GET', '/api/conversations?lookup_status=weird', 422, 'VALIDATION_ERROR', id='bad-enum'),
    pytest.param('GET', '/api/cache?q=%00', 422, 'VALIDATION_ERROR', id='nul-in-query'),
    pytest.param('DELETE', '/api/cache/not-a-key', 422, 'VALIDATION_ERROR', id='bad-cache-key'),
    pytest.param('GET', '/api/lookups/2147483647', 404, 'NOT_FOUND', id='missing-lookup'),
    pytest.param('GET', '/api/conversations/2147483647/messages', 404, 'NOT_FOUND', id='missing-conversation'),
    pytest.param('DELETE', '/api/cache/VIN:WVWZZZ1KZAW000000', 404, 'NOT_FOUND', id='missing-cache-row'),
])
async def test_errors_are_json_with_stable_codes(api: httpx.AsyncClient, world: World, method: str, path: str,
                                                 status: int, code: str) -> None:
    r = await api.request(method, path, headers=bearer(world.a.members['manager'].token))
    assert_error(r, status, code)
    if status == 405:
        assert r.headers['allow']


@pytest.mark.parametrize(('content', 'ctype'), [
    pytest.param(b'{not json', 'application/json', id='broken-json'),
    pytest.param(b'[]', 'application/json', id='array'),
    pytest.param(b'value=x', 'application/x-www-form-urlencoded', id='form'),
    pytest.param(b'{"value": 17}', 'application/json', id='wrong-type'),
])
async def test_malformed_bodies_are_422(api: httpx.AsyncClient, world: World, content: bytes, ctype: str) -> None:
    r = await api.post(f'/api/conversations/{world.a.conversation_id}/lookups', content=content,
                       headers={**bearer(world.a.members['manager'].token), 'content-type': ctype})
    assert_error(r, 422, 'VALIDATION_ERROR')


@pytest.mark.parametrize(('value', 'id_type', 'code'), [
    pytest.param('WVWZZZ1KZAW00012', None, 'VIN_LENGTH', id='short-vin'),
    pytest.param('JTMBD33V00512345', None, 'VIN_LENGTH', id='near-vin-is-not-a-frame'),
    pytest.param('JTMBD33V00512345', 'FRAME', 'VIN_LENGTH', id='near-vin-sent-as-frame'),
    pytest.param('WVWZZZ1KZOW000123', None, 'VIN_FORBIDDEN_LETTERS', id='letter-o'),
    pytest.param('   ', None, 'EMPTY', id='blank'),
    pytest.param('ZZT240', None, 'FRAME_FORMAT', id='frame-without-serial'),
])
async def test_invalid_identifiers_have_their_own_codes(api: httpx.AsyncClient, world: World, value: str,
                                                        id_type: str | None, code: str) -> None:
    before = await api.get(f'/api/conversations/{world.a.conversation_id}/lookups',
                           headers=bearer(world.a.members['manager'].token))
    r = await api.post(f'/api/conversations/{world.a.conversation_id}/lookups',
                       json={'value': value, **({'id_type': id_type} if id_type else {})},
                       headers=bearer(world.a.members['manager'].token))
    assert_error(r, 422, code)
    after = await api.get(f'/api/conversations/{world.a.conversation_id}/lookups',
                          headers=bearer(world.a.members['manager'].token))
    assert len(after.json()) == len(before.json())  # nothing queued


@pytest.mark.expect_error_log
async def test_an_unhandled_exception_is_a_json_500(api: httpx.AsyncClient, world: World,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError('secret internals: password=hunter2')

    monkeypatch.setattr(service, 'list_conversations', explode)
    r = await api.get('/api/conversations', headers=bearer(world.a.members['viewer'].token))
    error = assert_error(r, 500, 'INTERNAL_ERROR')
    assert 'hunter2' not in r.text and 'RuntimeError' not in r.text
    assert 'ref ' in error['message']  # a reference to find the logged traceback


@pytest.mark.expect_error_log
async def test_a_failing_database_in_auth_is_a_json_500(api: httpx.AsyncClient,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def down(**_: object) -> None:
        raise OperationalError('SELECT 1', {}, Exception('connection refused'))

    monkeypatch.setattr(api_module, 'actor_for_token', down)
    r = await api.get('/api/cache', headers=bearer('pzl_whatever'))
    assert_error(r, 500, 'INTERNAL_ERROR')
    assert 'connection refused' not in r.text


async def test_rate_limit_is_429_with_retry_after(api: httpx.AsyncClient, world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from lookup.errors import RateLimited

    def refuse(**_: object) -> None:
        raise RateLimited('Lookup limit reached (30 per minute).', retry_after=17)

    monkeypatch.setattr(service.limits, 'check_rate', refuse)
    r = await api.post(f'/api/conversations/{world.a.conversation_id}/lookups', json={'value': 'ZZT240-0000001'},
                       headers=bearer(world.a.members['manager'].token))
    assert_error(r, 429, 'RATE_LIMITED')
    assert r.headers['retry-after'] == '17'


async def test_open_endpoints_and_pages_outside_the_api(api: httpx.AsyncClient) -> None:
    assert (await api.get('/api/health')).json() == {'status': 'ok'}
    assert (await api.get('/openapi.json')).json()['components']['securitySchemes']['HTTPBearer']['scheme'] == 'bearer'
    assert (await api.get('/docs')).status_code == 200
    # pages keep NiceGUI's behaviour: anonymous visitors go to the login page, with the way back
    r = await api.get('/cache?x=1')
    assert r.status_code == 307 and r.headers['location'] == '/login?redirect_to=%2Fcache%3Fx%3D1'
    r = await api.get('/no-such-page', follow_redirects=True)
    assert r.status_code == 200 and 'text/html' in r.headers['content-type']
