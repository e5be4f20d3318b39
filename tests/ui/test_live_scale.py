"""Issue 10 #8-#10 through NiceGUI's simulated user: pages refresh only for their own tenant and coalesce bursts of
events; the language switch does not write on the event loop; the dashboard shows the site breaker."""

from __future__ import annotations

import asyncio
import threading

import pytest
from nicegui.testing import User

from lookup import breaker, events, service, stats
from lookup.engine.outcomes import Outcome
from lookup.settings import get_settings
from tests.ui.conftest import eventually
from ui import live

OWN, OTHER = 1, 999


def _counting(monkeypatch, module, name: str) -> list[int]:  # noqa: ANN001
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        return real(*a, **kw)
    monkeypatch.setattr(module, name, counted)
    return calls


def _refreshing() -> bool:
    return any(t.get_name() == 'coalesced-refresh' and not t.done() for t in asyncio.all_tasks())


async def _settled() -> None:
    await eventually(lambda: not _refreshing())


@pytest.mark.parametrize(('path', 'module', 'name', 'change'), [
    ('/', service, 'list_conversations', dict(kind='message', conversation_id=1)),
    ('/', service, 'list_conversations', dict(kind='case', status='completed', case_id=1)),
    ('/dashboard', stats, 'dashboard', dict(kind='case', status='completed', case_id=1)),
    ('/cache', service, 'cache_page', dict(kind='case', status='failed', case_id=1)),
], ids=['conversations-messages', 'conversations-cases', 'dashboard', 'cache'])
async def test_a_page_refreshes_for_its_own_tenant_only_and_a_burst_is_one_or_two_refreshes(
        manager: User, monkeypatch, path: str, module, name: str, change: dict) -> None:  # noqa: ANN001
    await manager.open(path)
    await _settled()
    calls = _counting(monkeypatch, module, name)

    for _ in range(30):  # another tenant's activity: nothing to do for this page
        live.changed.emit(events.Change(tenant_id=OTHER, **change))
    assert not _refreshing() and calls == []

    for _ in range(30):  # a burst of this tenant's changes
        live.changed.emit(events.Change(tenant_id=OWN, **change))
    await eventually(lambda: len(calls) >= 1)
    await _settled()
    assert 1 <= len(calls) <= 2, f'{len(calls)} refreshes for one burst'


async def test_stage_steps_do_not_reload_the_conversation_list(manager: User, monkeypatch) -> None:  # noqa: ANN001
    await _settled()
    calls = _counting(monkeypatch, service, 'list_conversations')
    for stage in ('opening', 'navigating', 'parsing') * 10:
        live.changed.emit(events.Change(kind='case', tenant_id=OWN, case_id=1, status='running', stage=stage))
    with pytest.raises(AssertionError):  # no reload shows up (handlers could also be scheduled tasks: give them 1 s)
        await eventually(lambda: calls, timeout=1.0)


async def test_the_language_switch_writes_off_the_event_loop(manager: User, monkeypatch) -> None:  # noqa: ANN001
    from lookup import users
    threads: list[threading.Thread] = []
    real = users.set_locale

    def recording(actor, lang: str) -> None:  # noqa: ANN001
        threads.append(threading.current_thread())
        real(actor, lang)
    monkeypatch.setattr(users, 'set_locale', recording)
    manager.find(marker='lang-switch').click()
    await eventually(lambda: threads)
    assert threads[0] is not threading.main_thread(), 'the database write ran on the event loop thread'
    await manager.should_see('Conversations', retries=50)
    manager.find(marker='lang-switch').click()  # back to Russian: the locale is stored on the shared demo user
    await manager.should_see('Диалоги', retries=50)


async def test_the_dashboard_shows_a_paused_site(manager: User) -> None:
    for i in range(get_settings().site_breaker_failures):
        breaker.record('podzamenu', Outcome.TIMEOUT, cache_key=f'VIN:UI{i}', worker='w-ui')
    try:
        await manager.open('/dashboard')
        await manager.should_see('пауза до')
        await manager.should_see('Сайт podzamenu')
    finally:
        breaker.record('podzamenu', Outcome.FOUND, cache_key='VIN:UI-OK', worker='w-ui')


async def test_detection_in_a_message_runs_off_the_event_loop(manager: User, monkeypatch) -> None:  # noqa: ANN001
    from sqlmodel import select

    from lookup.db import session_scope
    from models import Message
    with session_scope() as s:  # a demo conversation with a customer message (no new rows: other tests count them)
        conversation_id = s.exec(select(Message.conversation_id).where(Message.direction == 'in')).first()
    from lookup import detect
    threads: list[threading.Thread] = []
    real = detect.detect

    def recording(text: str):  # noqa: ANN202
        threads.append(threading.current_thread())
        return real(text)
    monkeypatch.setattr(detect, 'detect', recording)
    await manager.open(f'/conversations/{conversation_id}')
    await manager.should_see(marker='message')
    manager.find(marker='message-lookup').click()
    await eventually(lambda: threads)
    assert all(th is not threading.main_thread() for th in threads)


async def test_cards_say_what_they_wait_for(manager: User) -> None:
    """A running card names what it waits for and the deadline; a paused site's card says when it retries."""
    from datetime import timedelta

    from sqlmodel import select

    from lookup.db import session_scope
    from models import LookupCase, Message
    from models.dbtypes import utcnow
    retry_at = utcnow() + timedelta(minutes=3)
    with session_scope() as s:
        conv = s.exec(select(Message.conversation_id).where(Message.direction == 'in')).first()
        for value, status, stage, at in (('WVWZZZ1KZ8W000001', 'running', 'opening', None),
                                         ('WVWZZZ1KZ8W000002', 'pending', 'site_paused', retry_at)):
            s.add(LookupCase(tenant_id=OWN, conversation_id=conv, id_type='VIN', raw_value=value, value=value,
                             cache_key=f'VIN:{value}', status=status, stage=stage, next_attempt_at=at))
    await manager.open(f'/conversations/{conv}')
    deadline = f'{get_settings().lookup_deadline_s:.0f}'
    await manager.should_see(f'открываем сайт: ждём ответа podzamenu.ru (не дольше {deadline} с)')
    await manager.should_see(f'сайт недоступен, повтор в {retry_at.astimezone().strftime("%H:%M")}')
