"""Login, throttling, logout, deactivation, token lifecycle and user administration (UI, REST, service, CLI)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

import httpx
import pytest
from nicegui.testing import User
from sqlmodel import select

from lookup import auth, throttle, users
from lookup.db import session_scope
from models import ApiToken
from models import User as UserRow
from tests.api.conftest import Member, World, bearer, log_in, make_member
from tests.api.test_auth_rules import FakeClock

pytestmark = pytest.mark.asyncio(loop_scope='module')


def fresh(world: World, role: str = 'manager') -> Member:
    """A new member of tenant A (tests that change a user must not change the shared ones)."""
    return make_member(tenant_slug=world.a.slug, role=role, tag=secrets.token_hex(4))


async def try_login(user: User, username: str, password: str) -> None:
    await user.open('/login')
    user.find(marker='username').type(username)
    user.find(marker='password').type(password)
    user.find(marker='login-submit').click()


# --- throttling ---------------------------------------------------------------------------------------------------

async def test_login_is_throttled_after_repeated_failures(visitor: Callable[..., User], world: World,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    monkeypatch.setattr(throttle.get_throttle(), 'clock', clock)
    member = fresh(world)
    user = visitor(address='192.0.2.44')
    for _ in range(throttle.PAIR_LIMIT):
        await try_login(user, member.username, 'wrong-password')
        await user.should_see('Неверный логин или пароль', retries=50)
    await try_login(user, member.username, member.password)  # even the right password waits now
    await user.should_see('Слишком много попыток', retries=50)
    await user.should_not_see(marker='nav-home')
    other = fresh(world)
    await log_in(visitor(address='192.0.2.44'), other)  # another username is not locked out
    clock.now += throttle.PAIR_WINDOW_S + 1
    await log_in(user, member)


async def test_unknown_and_inactive_users_get_the_same_answer(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world)
    with session_scope() as s:
        s.get(UserRow, member.user_id).is_active = False
    for name, password in ((f'nobody-{secrets.token_hex(3)}', 'whatever-123'), (member.username, member.password)):
        user = visitor()
        await try_login(user, name, password)
        await user.should_see('Неверный логин или пароль', retries=50)


async def test_usernames_are_case_insensitive(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world)
    user = visitor()
    await try_login(user, member.username.upper(), member.password)
    await user.should_see(marker='nav-home', retries=100)


# --- sessions -----------------------------------------------------------------------------------------------------

async def test_logout_ends_the_session(visitor: Callable[..., User], world: World) -> None:
    user = await log_in(visitor(), world.a.members['viewer'])
    user.find('Выйти').click()
    await user.should_see(marker='login-submit')
    await user.open('/cache')
    await user.should_see(marker='login-submit')
    await user.should_not_see(marker='cache-table')


async def test_login_returns_to_the_requested_page(visitor: Callable[..., User], world: World) -> None:
    user = visitor()
    await user.open('/cache')  # → /login?redirect_to=/cache
    user.find(marker='username').type(world.a.members['viewer'].username)
    user.find(marker='password').type(world.a.members['viewer'].password)
    user.find(marker='login-submit').click()
    await user.should_see(marker='cache-table', retries=100)


async def test_deactivated_user_loses_session_and_tokens(visitor: Callable[..., User], api: httpx.AsyncClient,
                                                         world: World) -> None:
    member = fresh(world)
    victim = await log_in(visitor(), member)
    assert (await api.get('/api/conversations', headers=bearer(member.token))).status_code == 200
    admin = await log_in(visitor(), world.a.members['admin'])
    await admin.open('/admin/users')
    admin.find(marker=f'toggle-{member.username}').click()
    await admin.should_see(marker=f'state-{member.username}', content='отключён', retries=50)

    await victim.open('/')  # the next page load
    await victim.should_see(marker='login-submit')
    await victim.should_not_see(marker='conversations')
    r = await api.get('/api/conversations', headers=bearer(member.token))
    assert r.status_code == 401 and r.json()['error']['code'] == 'UNAUTHORIZED'
    again = visitor()
    await try_login(again, member.username, member.password)  # and cannot log in again
    await again.should_see('Неверный логин или пароль', retries=50)

    admin.find(marker=f'toggle-{member.username}').click()  # reactivated: tokens work again
    await admin.should_see(marker=f'token-for-{member.username}', retries=50)
    assert (await api.get('/api/conversations', headers=bearer(member.token))).status_code == 200


async def test_role_change_ends_the_session(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world, 'manager')
    user = await log_in(visitor(), member)
    await user.open(f'/conversations/{world.a.conversation_id}')
    await user.should_see(marker='lookup-button')
    with session_scope() as s:  # changed behind the app's back (SQL, another process): still noticed
        s.get(UserRow, member.user_id).role = 'viewer'
    await user.open(f'/conversations/{world.a.conversation_id}')
    await user.should_see(marker='login-submit')
    await log_in(user, member)  # the new role from the next login on
    await user.open(f'/conversations/{world.a.conversation_id}')
    await user.should_see(world.a.message_text)
    await user.should_not_see(marker='lookup-button')


# --- tokens -------------------------------------------------------------------------------------------------------

async def test_admin_issues_and_revokes_a_token_in_the_ui(visitor: Callable[..., User], api: httpx.AsyncClient,
                                                          world: World) -> None:
    member = fresh(world, 'viewer')
    admin = await log_in(visitor(), world.a.members['admin'])
    await admin.open('/admin/users')
    admin.find(marker=f'token-for-{member.username}').click()
    await admin.should_see(marker='new-token', retries=50)
    token = admin.find(marker='new-token').elements.pop().text
    assert token.startswith(auth.TOKEN_PREFIX)
    admin.find(marker='token-dialog-ok').click()  # shown once
    await admin.should_not_see(marker='new-token')
    r = await api.get(f'/api/conversations/{world.a.conversation_id}', headers=bearer(token))
    assert r.status_code == 200

    with session_scope() as s:  # stored hashed: the plaintext is nowhere in the row
        row = s.exec(select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest())).one()
        assert token not in (row.token_hash, row.prefix, row.name) and row.last_used_at is not None
        token_id = row.id
    admin.find(marker=f'revoke-{token_id}').click()
    await admin.should_see('отозван', retries=50)
    r = await api.get(f'/api/conversations/{world.a.conversation_id}', headers=bearer(token))
    assert r.status_code == 401 and r.headers['www-authenticate'] == 'Bearer'
    assert r.json()['error']['code'] == 'UNAUTHORIZED'


@pytest.mark.parametrize('header', [
    pytest.param('', id='empty'),
    pytest.param('Bearer', id='no-token'),
    pytest.param('Bearer pzl_not_a_token', id='unknown'),
    pytest.param('Basic YWRtaW46YWRtaW4tZGVtby0x', id='basic'),
    pytest.param('Bearer ' + 'x' * 5000, id='huge'),
])
async def test_bad_credentials_answer_401(api: httpx.AsyncClient, header: str) -> None:
    r = await api.get('/api/conversations', headers={'Authorization': header} if header else {})
    assert r.status_code == 401
    assert r.json()['error']['code'] == 'UNAUTHORIZED'


async def test_the_demo_token_still_works(api: httpx.AsyncClient) -> None:
    r = await api.get('/api/conversations', headers=bearer('pzl_demo_token_for_local_use_only'))
    assert r.status_code == 200 and r.json()['total'] >= 1


# --- user administration ------------------------------------------------------------------------------------------

async def test_admin_creates_a_user_in_their_own_tenant(visitor: Callable[..., User], world: World) -> None:
    name = f'new-{secrets.token_hex(3)}'
    admin = await log_in(visitor(), world.a.members['admin'])
    await admin.open('/admin/users')
    admin.find(marker='new-username').type(name)
    admin.find(marker='new-password').type('short')
    admin.find(marker='create-user').click()
    await admin.should_see('минимальная длина 8', retries=50)
    admin.find(marker='new-password').clear().type('long-enough-1')
    admin.find(marker='new-role').elements.pop().value = 'viewer'
    admin.find(marker='create-user').click()
    await admin.should_see(marker=f'user-{name}', retries=50)
    with session_scope() as s:
        row = users.find_user(session=s, username=name)
        assert (row.tenant_id, row.role) == (world.a.id, 'viewer')
    admin.find(marker='new-username').type(name.upper())  # taken, whatever the case
    admin.find(marker='new-password').type('long-enough-1')
    admin.find(marker='create-user').click()
    await admin.should_see('Это имя пользователя уже занято', retries=50)
    await log_in(visitor(), Member(username=name, password='long-enough-1', role='viewer', user_id=row.id,
                                   token='', token_id=0))


