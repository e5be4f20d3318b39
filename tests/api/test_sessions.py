"""Issue 10 points 1-4 and 6 through the app as a browser sees it (NiceGUI's simulated user, httpx): open tabs lose
their rights the moment the user does, sessions are renewed at login and logout, the throttle counts per source
address, passwords can be changed and reset, /metrics and /api/ready show nothing to strangers."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from nicegui.testing import User
from sqlmodel import select

from lookup import auth, throttle, users
from lookup.db import get_engine, session_scope
from lookup.settings import Settings, get_settings
from models import LookupCache, UserSession
from models import User as UserRow
from models.dbtypes import utcnow
from tests.api.conftest import Member, World, log_in, random_vin, used_by
from tests.api.test_auth import fresh, try_login
from tests.ui.conftest import cached_result

pytestmark = pytest.mark.asyncio(loop_scope='module')


def _row(user_id: int) -> UserRow:
    with session_scope() as s:
        return s.get(UserRow, user_id)


def _set(user_id: int, **values: object) -> None:
    """Change the user row directly (as another web process, the CLI or SQL would)."""
    with session_scope() as s:
        row = s.get(UserRow, user_id)
        for k, v in values.items():
            setattr(row, k, v)


# --- point 1: every action re-checks the user --------------------------------------------------------------------

async def test_a_deactivated_admin_cannot_create_a_user_from_an_open_tab(visitor: Callable[..., User],
                                                                         world: World) -> None:
    admin = fresh(world, 'admin')
    tab = await log_in(visitor(), admin)
    await tab.open('/admin/users')
    await tab.should_see(marker='create-user')
    _set(admin.user_id, is_active=False)
    name = f'sneaky-{secrets.token_hex(3)}'
    tab.find(marker='new-username').type(name)
    tab.find(marker='new-password').type('long-enough-1')
    tab.find(marker='create-user').click()
    await tab.should_see(marker='login-submit', retries=100)
    with session_scope() as s:
        assert users.find_user(session=s, username=name, tenant_id=world.a.id) is None


async def test_an_admin_demoted_to_viewer_cannot_empty_the_cache_from_an_open_tab(visitor: Callable[..., User],
                                                                                  world: World) -> None:
    admin = fresh(world, 'admin')
    vin = random_vin()
    cached_result(vin)
    used_by(world.a, vin)
    tab = await log_in(visitor(), admin)
    await tab.open('/cache')
    await tab.should_see(marker='cache-invalidate-all')
    _set(admin.user_id, role='viewer')
    tab.find(marker='cache-invalidate-all').click()
    await tab.should_see(marker='confirm-dialog')
    tab.find(marker='confirm-yes').click()
    await tab.should_see(marker='login-submit', retries=100)
    with session_scope() as s:
        assert s.exec(select(LookupCache).where(LookupCache.cache_key == f'VIN:{vin}')).first() is not None


async def test_logging_out_in_one_tab_ends_the_other_tabs(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world, 'manager')
    first = await log_in(visitor(), member)
    second = visitor(tab_of=first)  # the same browser: the same cookie
    await second.open('/cache')
    await second.should_see(marker='cache-table')
    first.find(marker='logout').click()
    await first.should_see(marker='login-submit', retries=100)
    await second.should_see(marker='session-ended', retries=100)  # pushed: it did not have to click first
    await second.should_not_see(marker='cache-table')
    await second.open('/cache')
    await second.should_see(marker='login-submit')


@pytest.mark.parametrize('how', ['deactivate', 'role'])
async def test_deactivation_and_role_change_end_open_sessions(visitor: Callable[..., User], world: World,
                                                              how: str) -> None:
    member = fresh(world, 'manager')
    victim = await log_in(visitor(), member)
    await victim.open(f'/conversations/{world.a.conversation_id}')
    await victim.should_see(marker='lookup-button')
    admin = await log_in(visitor(), world.a.members['admin'])
    await admin.open('/admin/users')
    if how == 'deactivate':
        admin.find(marker=f'toggle-{member.username}').click()
    else:
        admin.find(marker=f'role-{member.username}').elements.pop().set_value('viewer')
    await victim.should_see(marker='session-ended', retries=100)
    await victim.should_not_see(marker='lookup-button')
    if how == 'role':  # logging in again gives the new role
        assert _row(member.user_id).role == 'viewer'
        await log_in(victim, member)
        await victim.open(f'/conversations/{world.a.conversation_id}')
        await victim.should_see(world.a.message_text)
        await victim.should_not_see(marker='lookup-button')


async def test_an_idle_session_ends(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world, 'viewer')
    user = await log_in(visitor(), member)
    with session_scope() as s:
        s.execute(sa.update(UserSession).where(UserSession.user_id == member.user_id).values(
            last_seen_at=utcnow() - timedelta(minutes=get_settings().session_idle_timeout_min + 1)))
    await user.open('/cache')
    await user.should_see(marker='login-submit')


# --- point 2: a new session id at login and at logout -------------------------------------------------------------

def _session_cookie(client: httpx.AsyncClient):  # noqa: ANN202
    (cookie,) = [c for c in client.cookies.jar if c.name == 'session']
    return cookie


async def test_a_cookie_from_before_the_login_is_not_logged_in(visitor: Callable[..., User], world: World) -> None:
    attacker = visitor()
    assert (await attacker.http_client.get('/login')).status_code == 200
    planted = _session_cookie(attacker.http_client)
    victim = visitor()
    victim.http_client.cookies.jar.set_cookie(planted)  # fixed on the victim's browser
    await log_in(victim, world.a.members['admin'])
    assert _session_cookie(victim.http_client).value != planted.value
    r = await attacker.http_client.get('/admin/users')
    assert r.status_code == 307 and r.headers['location'].startswith('/login')

    logged_in = _session_cookie(victim.http_client)  # and the logged-in cookie is worthless after logout
    victim.find(marker='logout').click()
    await victim.should_see(marker='login-submit', retries=100)
    assert _session_cookie(victim.http_client).value != logged_in.value
    copy = visitor()
    copy.http_client.cookies.jar.set_cookie(logged_in)
    assert (await copy.http_client.get('/admin/users')).status_code == 307


async def test_a_login_ticket_works_once(visitor: Callable[..., User], world: World) -> None:
    user = visitor()
    await user.open('/login')
    bad = await user.http_client.get('/auth/session', params={'ticket': 'forged', 'redirect_to': '/cache'})
    assert bad.status_code == 303 and bad.headers['location'].startswith('/login')
    assert (await user.http_client.get('/cache')).status_code == 307
    r = await user.http_client.get('/auth/logout')  # a link elsewhere cannot log a live session out either
    assert r.status_code == 303


async def test_the_session_cookie_is_httponly_and_samesite_lax(api: httpx.AsyncClient) -> None:
    cookie = (await api.get('/login')).headers['set-cookie'].lower()
    assert 'httponly' in cookie and 'samesite=lax' in cookie
    assert 'secure' not in cookie.replace('samesite', '')  # the embedded default runs on plain http://localhost
    assert Settings(redis_url='redis://x', storage_secret='s3cret-value').cookie_secure  # production: on
    assert Settings(redis_url='redis://x', storage_secret='s3cret-value', session_cookie_secure=False).cookie_secure \
        is False
    assert Settings(session_cookie_secure=True).cookie_secure


# --- point 3: throttling per source address, passwords ----------------------------------------------------------

async def test_a_stranger_cannot_lock_a_user_out(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world)
    stranger = visitor(address='203.0.113.7')
    for _ in range(throttle.PAIR_LIMIT):
        await try_login(stranger, member.username, 'wrong-password')
        await stranger.should_see('Неверный логин или пароль', retries=50)
    await try_login(stranger, member.username, member.password)  # even the right password waits, from there
    await stranger.should_see('Слишком много попыток', retries=50)
    await stranger.should_not_see(marker='nav-home')
    await log_in(visitor(address='198.51.100.20'), member)  # the user, elsewhere, gets in (a little slowed)


async def test_spraying_usernames_from_one_address_is_throttled(visitor: Callable[..., User], world: World) -> None:
    sprayer = visitor(address='203.0.113.66')
    for i in range(throttle.ADDRESS_LIMIT):
        await try_login(sprayer, f'guess-{i}-{secrets.token_hex(2)}', 'Password1')
        await sprayer.should_see('Неверный логин или пароль', retries=50)
    member = fresh(world)
    await try_login(sprayer, member.username, member.password)
    await sprayer.should_see('Слишком много попыток', retries=50)


async def test_changing_ones_password_ends_the_other_sessions(visitor: Callable[..., User], world: World) -> None:
    member = fresh(world)
    here = await log_in(visitor(), member)
    elsewhere = await log_in(visitor(), member)
    here.find(marker='password-change').click()
    here.find(marker='password-current').type('not-my-password')
    here.find(marker='password-new').type('brand-new-password-1')
    here.find(marker='password-save').click()
    await here.should_see('Текущий пароль неверен', retries=50)
    here.find(marker='password-current').clear().type(member.password)
    here.find(marker='password-save').click()
    await here.should_see('Пароль изменён', retries=50)
    await elsewhere.open('/')
    await elsewhere.should_see(marker='login-submit')
    await here.open('/')  # this session stays
    await here.should_see(marker='conversations')
    again = visitor()
    await try_login(again, member.username, member.password)
    await again.should_see('Неверный логин или пароль', retries=50)
    await log_in(visitor(), Member(member.username, 'brand-new-password-1', member.role, member.user_id, '', 0))


async def test_an_admin_resets_a_password_and_the_users_sessions_end(visitor: Callable[..., User],
                                                                      world: World) -> None:
    member = fresh(world, 'viewer')
    victim = await log_in(visitor(), member)
    await victim.open('/cache')
    admin = await log_in(visitor(), world.a.members['admin'])
    await admin.open('/admin/users')
    admin.find(marker=f'reset-{member.username}').click()
    admin.find(marker='reset-password').type('reset-by-admin-1')
    admin.find(marker='reset-save').click()
    await admin.should_see(f'Пароль {member.username} изменён', retries=50)
    await victim.should_see(marker='session-ended', retries=100)
    await log_in(visitor(), Member(member.username, 'reset-by-admin-1', member.role, member.user_id, '', 0))


# --- point 6: usernames per tenant --------------------------------------------------------------------------------

async def test_a_name_taken_in_another_tenant_says_nothing(visitor: Callable[..., User], world: World) -> None:
    taken = fresh(world, 'viewer')  # not a shared member: its name becomes ambiguous here
    admin = await log_in(visitor(), world.b.members['admin'])
    await admin.open('/admin/users')
    admin.find(marker='new-username').type(taken.username)
    admin.find(marker='new-password').type('b-tenant-pass-1')
    admin.find(marker='create-user').click()
    await admin.should_see(marker=f'user-{taken.username}', retries=50)  # created in B: nothing was revealed
    await admin.should_not_see('This username is taken')
    # The name alone is ambiguous now: it fails like a wrong password; the organisation field tells them apart.
    plain = visitor()
    await try_login(plain, taken.username, taken.password)
    await plain.should_see('Неверный логин или пароль', retries=50)
    for tenant, password in ((world.a, taken.password), (world.b, 'b-tenant-pass-1')):
        user = visitor()
        await user.open('/login')
        user.find(marker='username').type(taken.username)
        user.find(marker='password').type(password)
        user.find(marker='tenant').type(tenant.slug)
        user.find(marker='login-submit').click()
        await user.should_see(marker='nav-home', retries=100)
        await user.open('/admin/users')
        await user.should_see(marker='forbidden')  # both are viewers... of their own tenant
    with session_scope() as s:
        assert users.find_user(session=s, username=taken.username) is None  # ambiguous without a tenant
        assert users.find_user(session=s, username=taken.username, tenant_id=world.b.id).tenant_id == world.b.id


# --- point 4: metrics and readiness ---------------------------------------------------------------------------

async def test_metrics_need_the_token_and_readiness_shows_no_tenant_data(api: httpx.AsyncClient, world: World,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert (await api.get('/metrics')).status_code == 404  # no METRICS_TOKEN: off on the app port
    monkeypatch.setattr(get_settings(), 'metrics_token', 'metrics-secret-1')
    monkeypatch.setattr(get_settings(), 'metrics_cache_s', 0.0)
    assert (await api.get('/metrics')).status_code == 401
    r = await api.get('/metrics', headers={'Authorization': 'Bearer wrong'})
    assert r.status_code == 401
    # a user's API token is not the metrics token either
    assert (await api.get('/metrics', headers={'Authorization': f'Bearer {world.a.members["admin"].token}'})
            ).status_code == 401
    ok = {'Authorization': 'Bearer metrics-secret-1'}
    assert 'podzamenu_lookups_total' in (await api.get('/metrics', headers=ok)).text

    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)
    sa.event.listen(get_engine(), 'before_cursor_execute', record)
    try:
        text = (await api.get('/metrics', headers=ok)).text
    finally:
        sa.event.remove(get_engine(), 'before_cursor_execute', record)
    assert 'podzamenu_cache_hits_total' in text
    assert statements and not any('GROUP BY' in st.upper() for st in statements), statements  # incremental

    checks = (await api.get('/api/ready')).json()['checks']
    assert set(checks['worker']) == {'status', 'workers', 'heartbeat_age_s'}  # no case ids, no tenant data


async def test_user_passwords_are_bounded_and_checked(world: World) -> None:
    member = fresh(world)
    with session_scope() as s:
        actor = auth.Actor.of(s.get(UserRow, member.user_id))
    with pytest.raises(ValueError, match='at most'):
        users.change_password(actor, current=member.password, new='x' * 2000)
    with pytest.raises(ValueError, match='at least'):
        users.change_password(actor, current=member.password, new='short')
