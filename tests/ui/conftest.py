"""NiceGUI `user` fixture helpers: log in as a demo user, put results in the cache."""

from __future__ import annotations

import pytest
from nicegui.testing import User

from lookup import cache
from lookup.auth import Actor
from lookup.db import session_scope
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Evidence, Gearbox, LookupResult, OemCandidate, Vehicle
from lookup.settings import get_settings


async def login(user: User, username: str = 'manager', password: str | None = None) -> None:
    await user.open('/login')
    user.find(marker='username').type(username)
    user.find(marker='password').type(password or f'{username}-demo-1')
    user.find(marker='login-submit').click()
    await user.should_see('Диалоги', retries=50)


def demo_actor(username: str = 'manager') -> Actor:
    """A demo user as the service sees an API caller (re-checked at every call like everyone else)."""
    from lookup import users
    with session_scope() as s:
        return Actor.of(users.find_user(session=s, username=username))


def used_by_demo(vin: str) -> None:
    """A completed case of the demo tenant for this VIN: its cache row is then part of the tenant's cache view."""
    import uuid

    from sqlmodel import select

    from models import Conversation, LookupCase, Tenant
    with session_scope() as s:
        tenant = s.exec(select(Tenant).where(Tenant.slug == 'demo')).one()
        conv = Conversation(tenant_id=tenant.id, channel='telegram', external_chat_id=uuid.uuid4().hex)
        s.add(conv)
        s.flush()
        s.add(LookupCase(tenant_id=tenant.id, conversation_id=conv.id, id_type='VIN', raw_value=vin, value=vin,
                         cache_key=f'VIN:{vin}', status='completed', outcome='FOUND', from_cache=True))


def cached_result(vin: str, oem: str = '09G300035M', make: str = 'VOLKSWAGEN') -> LookupResult:
    result = LookupResult(query=vin, id_type='VIN', outcome=Outcome.FOUND,
                          vehicle=Vehicle(make=make, model='GOLF', year='2010'),
                          gearbox=Gearbox(model='KCK', raw_model='KCK(6S)', factory_code='KCK', oem=oem,
                                          oem_status=OemStatus.FOUND,
                                          oem_candidates=[OemCandidate(oem=oem, name='Коробка передач в сборе')]),
                          evidence=Evidence(source='podzamenu', final_url='http://sandbox/x', duration_ms=2100))
    with session_scope() as s:
        cache.store(session=s, cache_key=f'VIN:{vin}', result=result, settings=get_settings())
    return result


@pytest.fixture(autouse=True)
def fresh_login_throttle() -> None:
    from lookup import throttle
    from tests.api.conftest import forget_stale_subscriptions
    throttle.get_throttle.cache_clear()
    forget_stale_subscriptions()  # pages of earlier tests must not react to this test's changes


@pytest.fixture
async def manager(user: User) -> User:
    await login(user)
    return user


async def eventually(condition, timeout: float = 5.0) -> None:  # noqa: ANN001
    """Await until `condition()` holds (handlers run io_bound work in threads)."""
    import asyncio
    import time
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError('condition not met in time')
        await asyncio.sleep(0.05)


@pytest.fixture
def conversation_id() -> int:
    """A fresh conversation of the demo tenant (tests share one database, so each gets its own)."""
    import uuid

    from sqlmodel import select

    from models import Conversation, Message, Tenant
    with session_scope() as s:
        tenant = s.exec(select(Tenant).where(Tenant.slug == 'demo')).one()
        conv = Conversation(tenant_id=tenant.id, channel='telegram', external_chat_id=uuid.uuid4().hex,
                            customer_name='Тестовый клиент', last_message_text='Нужна коробка')
        s.add(conv)
        s.flush()
        s.add(Message(tenant_id=tenant.id, conversation_id=conv.id, text='Нужна коробка', author='Тестовый клиент'))
        return conv.id


@pytest.fixture(autouse=True)
def forget_stale_subscriptions() -> None:
    """Pages of earlier tests must not react to this test's changes (their clients are gone): drop the callbacks
    left on `ui.live.changed` and hand the event back to NiceGUI's reset (see tests/api/conftest.py)."""
    from nicegui.event import Event

    from ui import live
    live.changed.callbacks.clear()
    Event.instances.add(live.changed)
