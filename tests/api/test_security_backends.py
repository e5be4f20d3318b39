"""Issue 10 points 1-6 where the backend matters, on SQLite and on PostgreSQL (+ Redis for the throttle):
session rows (revocation, role/tenant/active re-check, idle timeout, single-use tickets), per-tenant usernames,
the tenant's view of the shared cache, and the login throttle shared across web processes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from sqlmodel import Session

from lookup import auth, cache, db, sessions, throttle, users
from lookup.settings import get_settings
from models import LookupCache, LookupCase, User, UserSession
from models.dbtypes import utcnow
from tests.api.test_auth_rules import FakeClock
from tests.backends import fresh_postgres, fresh_redis


@pytest.fixture(scope='module', params=['sqlite', 'postgresql'])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A freshly migrated database of each kind (Alembic up to head, i.e. through 0003_security)."""
    url = f'sqlite:///{tmp_path_factory.mktemp("sec") / "sec.db"}' if request.param == 'sqlite' else fresh_postgres()
    db.migrate(url)
    eng = db.make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture
def s(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.commit()


def _user(s: Session, slug: str, name: str, role: str = 'admin', password: str = 'password-123') -> User:
    tenant = users.get_or_create_tenant(session=s, slug=slug)
    return users.create_user(session=s, tenant=tenant, username=name, password=password, role=role)


def _logged_in(s: Session, user: User, browser: str = 'browser-1') -> tuple[str, auth.Actor]:
    token = sessions.redeem(session=s, ticket=sessions.ticket(sessions.begin(session=s, user=user), browser),
                            browser_id=browser)
    assert token is not None
    actor = sessions.actor_for(session=s, token=token)
    assert actor is not None and actor.session_id is not None
    return token, actor


# --- point 1: the user as of now, never the page's copy -----------------------------------------------------------

@pytest.mark.parametrize('change', ['deactivated', 'demoted', 'moved-tenant', 'deleted-session', 'idle'])
def test_a_session_ends_when_its_user_changes(s: Session, change: str) -> None:
    tag = secrets.token_hex(3)
    user = _user(s, f'sec-{tag}', f'admin-{tag}')
    token, page_actor = _logged_in(s, user)
    assert sessions.recheck(session=s, actor=page_actor).is_admin
    if change == 'deactivated':
        user.is_active = False
    elif change == 'demoted':
        user.role = 'viewer'
    elif change == 'moved-tenant':
        user.tenant_id = users.get_or_create_tenant(session=s, slug=f'other-{tag}').id
    elif change == 'deleted-session':
        sessions.revoke(session=s, session_id=page_actor.session_id)
    else:
        row = s.get(UserSession, page_actor.session_id)
        row.last_seen_at = utcnow() - timedelta(minutes=get_settings().session_idle_timeout_min + 1)
    s.commit()
    with pytest.raises(sessions.SessionEnded):
        sessions.recheck(session=s, actor=page_actor)
    assert sessions.actor_for(session=s, token=token) is None
    if change == 'demoted':  # changing the role back does not bring the old session back
        user.role = 'admin'
        s.commit()
        assert sessions.actor_for(session=s, token=token) is None


def test_revoking_a_users_sessions_ends_them_all_but_the_kept_one(s: Session) -> None:
    tag = secrets.token_hex(3)
    user = _user(s, f'sec-{tag}', f'manager-{tag}', role='manager')
    (t1, a1), (t2, _), (t3, _) = (_logged_in(s, user, f'b{i}') for i in range(3))
    assert sessions.revoke_all(session=s, user_id=user.id, keep=a1.session_id) == 2
    s.commit()
    assert sessions.actor_for(session=s, token=t1) is not None
    assert sessions.actor_for(session=s, token=t2) is None and sessions.actor_for(session=s, token=t3) is None


# --- point 2: tickets are single-use, bound to the browser that logged in ---------------------------------------

def test_a_login_ticket_is_redeemed_once_and_only_by_its_browser(s: Session) -> None:
    tag = secrets.token_hex(3)
    user = _user(s, f'sec-{tag}', f'viewer-{tag}', role='viewer')
    ticket = sessions.ticket(sessions.begin(session=s, user=user), 'victim-browser')
    assert sessions.redeem(session=s, ticket=ticket, browser_id='attacker-browser') is None
    assert sessions.redeem(session=s, ticket=ticket + 'x', browser_id='victim-browser') is None
    token = sessions.redeem(session=s, ticket=ticket, browser_id='victim-browser')
    assert token and sessions.redeem(session=s, ticket=ticket, browser_id='victim-browser') is None
    row = s.exec(sa.select(UserSession).where(UserSession.user_id == user.id)).scalars().one()
    assert token not in (row.token_hash or '')  # only the hash is stored


# --- point 6: usernames are unique per tenant; the login form says nothing about other tenants ----------------

def test_the_same_username_in_two_tenants(s: Session) -> None:
    tag = secrets.token_hex(3)
    name = f'alice-{tag}'
    a = _user(s, f'a-{tag}', name, password='alice-in-a-1')
    with pytest.raises(ValueError, match='taken'):  # within a tenant, whatever the case
        _user(s, f'a-{tag}', name.upper())
    b = _user(s, f'b-{tag}', name, password='alice-in-b-1')  # another tenant's name is not looked at
    assert a.id != b.id
    s.commit()
    # the name alone is now ambiguous: it fails like a wrong password; the organisation picks one
    assert auth.authenticate(session=s, username=name, password='alice-in-a-1') is None
    assert auth.authenticate(session=s, username=name, password='alice-in-a-1', tenant=f'a-{tag}').id == a.id
    assert auth.authenticate(session=s, username=name, password='alice-in-b-1', tenant=f'B-{tag}').id == b.id
    assert auth.authenticate(session=s, username=name, password='alice-in-a-1', tenant=f'b-{tag}') is None


# --- point 5: a tenant's view of the shared cache -----------------------------------------------------------------

def _case(s: Session, tenant_id: int, vin: str) -> None:
    from models import Conversation
    conv = Conversation(tenant_id=tenant_id, channel='telegram', external_chat_id=secrets.token_hex(6))
    s.add(conv)
    s.flush()
    s.add(LookupCase(tenant_id=tenant_id, conversation_id=conv.id, id_type='VIN', raw_value=vin, value=vin,
                     cache_key=f'VIN:{vin}', status='completed', outcome='FOUND'))
    s.flush()


def test_a_tenant_sees_and_invalidates_only_the_rows_its_cases_used(s: Session) -> None:
    from tests.api.conftest import random_vin
    tag = secrets.token_hex(3)
    ta, tb = (users.get_or_create_tenant(session=s, slug=f'{x}-{tag}') for x in ('ca', 'cb'))
    va, vb, shared = random_vin(), random_vin(), random_vin()
    for vin in (va, vb, shared):
        cache.store(session=s, cache_key=f'VIN:{vin}', result=_result(vin), settings=get_settings())
    _case(s, ta.id, va)
    _case(s, tb.id, vb)
    _case(s, ta.id, shared)
    _case(s, tb.id, shared)

    def values(tenant_id: int | None) -> set[str]:
        return {r.value for r in cache.page(session=s, limit=200, tenant_id=tenant_id).rows} & {va, vb, shared}

    assert values(ta.id) == {va, shared} and values(tb.id) == {vb, shared}
    assert values(None) == {va, vb, shared}  # the platform operator's view
    assert cache.invalidate(session=s, keys=[f'VIN:{va}'], tenant_id=tb.id) == 0  # B cannot touch A's row
    assert cache.invalidate(session=s, keys=None, tenant_id=tb.id) == 2  # B's "all": its own and the shared one
    left = set(s.exec(sa.select(LookupCache.value).where(LookupCache.value.in_([va, vb, shared]))).scalars())
    assert left == {va}


def _result(vin: str):  # noqa: ANN202
    from lookup.engine.result import Evidence, LookupResult
    from lookup.errors import Outcome
    return LookupResult(query=vin, id_type='VIN', outcome=Outcome.FOUND, evidence=Evidence(source='podzamenu'))


# --- point 3: the login throttle, in memory (embedded) and in Redis (shared by web processes) ---------------------

@pytest.fixture(params=['memory', 'redis'])
def store(request: pytest.FixtureRequest) -> Iterator[throttle.Store]:
    if request.param == 'memory':
        yield throttle.MemoryStore()
        return
    client = redis.Redis.from_url(fresh_redis())
    yield throttle.RedisStore(client)
    client.close()


def test_one_address_guessing_one_name_waits(store: throttle.Store) -> None:
    clock = FakeClock()
    t = throttle.LoginThrottle(store, clock)
    for _ in range(throttle.PAIR_LIMIT):
        attempt = t.attempt('Alice', '10.0.0.1')
        assert attempt.wait_s == 0
        t.failed(attempt)
        clock.now += 1
    wait = t.attempt('alice ', '10.0.0.1').wait_s  # case and spaces do not make a new name
    assert 0 < wait <= throttle.PAIR_WINDOW_S
    assert t.attempt('alice', '10.0.0.2').wait_s == 0  # a stranger elsewhere cannot lock alice out ...
    clock.now += wait
    assert t.attempt('alice', '10.0.0.1').wait_s == 0  # ... and the oldest attempt has left the window


def test_spraying_names_from_one_address_waits(store: throttle.Store) -> None:
    clock = FakeClock()
    t = throttle.LoginThrottle(store, clock)
    for i in range(throttle.ADDRESS_LIMIT):
        t.failed(t.attempt(f'user-{i}', '10.0.0.9'))
    assert t.attempt('one-more', '10.0.0.9').wait_s > 0
    assert t.attempt('one-more', '10.0.0.10').wait_s == 0


def test_many_failures_for_one_name_slow_it_down_but_never_lock_it(store: throttle.Store) -> None:
    clock = FakeClock()
    t = throttle.LoginThrottle(store, clock)
    for i in range(throttle.USER_SLOW_AFTER + 3):  # from many addresses (a botnet)
        attempt = t.attempt('bob', f'10.1.0.{i}')
        assert attempt.wait_s == 0
        t.failed(attempt)
    attempt = t.attempt('bob', '192.168.1.5')  # bob himself, from his office
    assert attempt.wait_s == 0 and 0 < attempt.delay_s <= throttle.USER_MAX_DELAY_S


def test_two_throttles_on_one_redis_share_the_count() -> None:
    """Two web processes (two throttles on one Redis) count one address together."""
    url = fresh_redis()
    clock = FakeClock()
    first, second = (throttle.LoginThrottle(throttle.RedisStore(redis.Redis.from_url(url)), clock) for _ in '12')
    for i in range(throttle.PAIR_LIMIT):
        (first if i % 2 else second).attempt('carol', '10.2.0.1')
    assert first.attempt('carol', '10.2.0.1').wait_s > 0
    assert second.attempt('carol', '10.2.0.1').wait_s > 0
