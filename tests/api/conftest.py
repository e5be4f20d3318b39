"""Tenancy/API test world: two fresh tenants with an admin, a manager and a viewer each (passwords and API tokens),
a conversation with a message, a completed lookup and a failed one with a screenshot per tenant.

The demo tenant is left alone: other suites count its conversations and spend its rate limit.

`app` runs main.py once per module through NiceGUI's user simulation (the machinery behind the `user` fixture), so a
table of a hundred requests costs one app start; `visitor()` gives each test its own simulated browser (cookies,
session) against it.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from nicegui import core
from nicegui.testing import User
from nicegui.testing.user_simulation import user_simulation

from lookup import auth, db, demo, users
from lookup.db import session_scope
from lookup.settings import get_settings
from models import Conversation, LookupCase, Message, Role
from tests.ui.conftest import cached_result

ROOT = Path(__file__).resolve().parents[2]
ROLES = ('admin', 'manager', 'viewer')
PNG = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=')


@dataclass
class Member:
    username: str
    password: str
    role: str
    user_id: int
    token: str
    token_id: int


@dataclass
class Tenant:
    slug: str
    id: int
    conversation_id: int
    chat_id: str
    message_text: str
    customer: str
    case_id: int
    failed_case_id: int
    members: dict[str, Member] = field(default_factory=dict)


@dataclass
class World:
    a: Tenant
    b: Tenant
    cached_vin: str = ''
    """A VIN some test has just put in the cache."""

    def tenant(self, which: str) -> Tenant:
        return self.a if which == 'own' else self.b


def random_vin() -> str:
    """A valid European VIN nobody else uses (the cache is global and shared by all tests)."""
    # a random plant letter too (23 × 10**6): with hundreds drawn per run, six digits alone collided between tenants
    return 'WVWZZZ1KZA' + secrets.choice('ABCDEFGHJKLMNPRSTUVWXYZ') + ''.join(secrets.choice('0123456789')
                                                                           for _ in range(6))


def make_member(*, tenant_slug: str, role: str, tag: str, password: str | None = None) -> Member:
    """A user (with a token) in the given tenant; `tag` keeps usernames unique across runs."""
    password = password or f'pw-{role}-{tag}-secret'
    with session_scope() as s:
        tenant = users.get_or_create_tenant(session=s, slug=tenant_slug)
        user = users.create_user(session=s, tenant=tenant, username=f'{role}-{tag}', password=password,
                                 role=role, full_name=f'{role.title()} {tag}')
        row, token = auth.create_token(session=s, user=user, name='tests')
        return Member(username=user.username, password=password, role=role, user_id=user.id, token=token,
                      token_id=row.id)


def used_by(tenant: Tenant, vin: str) -> int:
    """A completed case of the tenant for this VIN: its cache row is then part of what the tenant sees."""
    with session_scope() as s:
        case = LookupCase(tenant_id=tenant.id, conversation_id=tenant.conversation_id, id_type='VIN', raw_value=vin,
                          value=vin, cache_key=f'VIN:{vin}', status='completed', outcome='FOUND', from_cache=True)
        s.add(case)
        s.flush()
        return case.id


def _tenant(label: str) -> Tenant:
    tag = f'{label}{secrets.token_hex(3)}'
    slug = f'tenant-{tag}'
    members = {role: make_member(tenant_slug=slug, role=role, tag=tag) for role in ROLES}
    vin = random_vin()
    cached_result(vin)
    chat_id = f'chat-{tag}'
    customer = f'Клиент {tag}'
    text = f'Сообщение тенанта {tag}'
    with session_scope() as s:
        tenant = users.get_or_create_tenant(session=s, slug=slug)
        conv = Conversation(tenant_id=tenant.id, channel='telegram', external_chat_id=chat_id, customer_name=customer,
                            last_message_text=text)
        s.add(conv)
        s.flush()
        s.add(Message(tenant_id=tenant.id, conversation_id=conv.id, external_message_id='m-1', author=customer,
                      text=text))
        shot = Path('evidence') / f'{tag}.png'
        (get_settings().data_dir / shot).parent.mkdir(parents=True, exist_ok=True)
        (get_settings().data_dir / shot).write_bytes(PNG)
        failed = LookupCase(tenant_id=tenant.id, conversation_id=conv.id, id_type='VIN', raw_value=vin, value=vin,
                            cache_key=f'VIN:{vin}', status='failed', outcome='SITE_ERROR', error_code='SITE_ERROR',
                            error_message='boom', result={'query': vin, 'id_type': 'VIN', 'outcome': 'SITE_ERROR',
                                                          'evidence': {'screenshot': shot.as_posix()}})
        s.add(failed)
        s.flush()
        tenant_id, conv_id, failed_id = tenant.id, conv.id, failed.id
    from lookup import service
    manager = members['manager']
    case = service.submit_lookup(auth.Actor(user_id=manager.user_id, tenant_id=tenant_id, role=Role.MANAGER),
                                 conv_id, vin)
    assert case.status == 'completed' and case.from_cache
    return Tenant(slug=slug, id=tenant_id, conversation_id=conv_id, chat_id=chat_id, message_text=text,
                  customer=customer, case_id=case.id, failed_case_id=failed_id, members=members)


@pytest.fixture(scope='session')
def world() -> World:
    db.migrate()
    demo.seed()
    return World(a=_tenant('a'), b=_tenant('b'))


def forget_stale_subscriptions() -> None:
    """Drop page subscriptions left on `ui.live.changed` by earlier simulations, and hand the event back to NiceGUI's
    reset. (ui.live is imported once; after the first reset its module-level Event is no longer in
    `Event.instances`, so NiceGUI stops clearing it, and callbacks of garbage-collected pages would fire.)"""
    from nicegui.event import Event

    from ui import live
    live.changed.callbacks.clear()
    Event.instances.add(live.changed)


@pytest_asyncio.fixture(scope='module', loop_scope='module')
async def app() -> AsyncIterator[User]:
    """main.py running once for the whole module (user simulation, lifespan started)."""
    forget_stale_subscriptions()
    async with user_simulation(main_file=ROOT / 'main.py') as first:
        yield first


@pytest_asyncio.fixture(loop_scope='module')
async def visitor(app: User) -> AsyncIterator[Callable[[], User]]:
    """`visitor()` → a fresh simulated browser (own cookie jar, so its own session) against the module's app;
    `visitor(address='10.0.0.7')` comes from that source address; `visitor(tab_of=other)` is another tab of the
    same browser (same cookie jar)."""
    made: list[User] = []

    def new(address: str = '127.0.0.1', tab_of: User | None = None) -> User:
        if tab_of is not None:
            made.append(User(tab_of.http_client))
            return made[-1]
        transport = httpx.ASGITransport(core.app, client=(address, 40000))
        made.append(User(httpx.AsyncClient(transport=transport, base_url='http://test')))
        return made[-1]

    yield new
    for u in made:
        if not u.http_client.is_closed:
            await u.http_client.aclose()


@pytest_asyncio.fixture(loop_scope='module')
async def api(app: User) -> AsyncIterator[httpx.AsyncClient]:
    """A plain REST client inside the same process (no session cookie)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url='http://test') as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {'Authorization': f'Bearer {token}'}


async def log_in(user: User, member: Member) -> User:
    await user.open('/login')
    user.find(marker='username').type(member.username)
    user.find(marker='password').type(member.password)
    user.find(marker='login-submit').click()
    await user.should_see(marker='nav-home', retries=100)
    return user


@pytest.fixture(autouse=True)
def fresh_login_throttle() -> None:
    """Each test starts with an empty login throttle (tests log in a lot from 127.0.0.1)."""
    from lookup import throttle
    throttle.get_throttle.cache_clear()


@pytest.fixture(autouse=True)
def no_error_logs(caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest):  # noqa: ANN201
    """Like the `user` fixture: an ERROR log from the app fails the test (unless the test expects one)."""
    yield
    if request.node.get_closest_marker('expect_error_log'):
        return
    errors = [r for r in caplog.get_records('call') if r.levelno >= logging.ERROR]
    if errors:
        import traceback
        details = [r.getMessage() + ('\n' + ''.join(traceback.format_exception(*r.exc_info))[-1500:]
                                     if r.exc_info else '') for r in errors]
        pytest.fail('unexpected ERROR logs:\n' + '\n'.join(details), pytrace=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line('markers', 'expect_error_log: the test provokes an ERROR log on purpose')
