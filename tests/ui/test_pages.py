"""Every page through NiceGUI's simulated user: login, conversations, a conversation with cases, cache."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from lookup import service
from lookup.db import session_scope
from models import Message
from tests.ui.conftest import cached_result, demo_actor, eventually, login, used_by_demo


async def test_pages_need_login(user: User) -> None:
    await user.open('/')
    await user.should_see('Войти')
    await user.should_not_see('Диалоги')


async def test_wrong_password_is_refused(user: User) -> None:
    await user.open('/login')
    user.find(marker='username').type('manager')
    user.find(marker='password').type('wrong-password')
    user.find(marker='login-submit').click()
    await user.should_see('Неверный логин или пароль', retries=50)


async def test_conversation_list_shows_customers_and_searches(manager: User) -> None:
    table = manager.find(marker='conversations').elements.pop()
    assert isinstance(table, ui.table)
    from sqlmodel import func, select

    from lookup.db import session_scope
    from lookup.demo import DEMO_TENANT
    from models import BATCH_CHANNEL, Conversation, Tenant
    with session_scope() as s:  # the demo's 20 plus any an earlier test of this session added; batches aside
        total = s.exec(select(func.count()).select_from(Conversation).join(Tenant).where(
            Tenant.slug == DEMO_TENANT, Conversation.channel != BATCH_CHANNEL)).one()
    from ui.pages.conversations import PAGE_SIZE
    assert len(table.rows) == min(total, PAGE_SIZE)  # the first page
    assert table.pagination['rowsNumber'] == total >= 20
    manager.find(marker='conv-search').type('Рустам')
    await eventually(lambda: [r['customer'] for r in table.rows] == ['Рустам'])


async def test_lookup_from_cache_completes_at_once(manager: User, conversation_id: int) -> None:
    conv_id = conversation_id
    cached_result('WVWZZZ1KZAW000123')
    await manager.open(f'/conversations/{conv_id}')
    await manager.should_see('Поиск по VIN')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-value').type('wvwzzz1kzaw000123')
    await manager.should_see('VIN, 17 символов: WVWZZZ1KZAW000123')
    manager.find(marker='lookup-tag').type('KCK 123')
    manager.find(marker='lookup-submit').click()
    await manager.should_see(marker='case-completed')
    await manager.should_see('09G300035M')
    await manager.should_see('Из кэша')
    await manager.should_see('Маркировка совпала')


async def test_bad_vin_shows_the_reason_and_queues_nothing(manager: User, conversation_id: int) -> None:
    conv_id = conversation_id
    await manager.open(f'/conversations/{conv_id}')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-value').type('WVWZZZ1KZOW000123')
    await manager.should_see('В VIN не бывает букв I, O, Q')
    manager.find(marker='lookup-submit').click()
    await manager.should_not_see(marker='case-card')


async def test_new_lookup_appears_pending(manager: User, conversation_id: int) -> None:
    conv_id = conversation_id
    await manager.open(f'/conversations/{conv_id}')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-value').type('ZZT240-0099999')
    manager.find(marker='lookup-submit').click()
    await manager.should_see(marker='case-pending')
    await manager.should_see('FRAME ZZT240-0099999')


async def test_case_card_updates_live_when_the_worker_finishes(manager: User, conversation_id: int) -> None:
    conv_id = conversation_id
    await manager.open(f'/conversations/{conv_id}')
    actor = demo_actor()
    case = service.submit_lookup(actor, conv_id, 'WVWZZZ1KZAW000777', force_refresh=True)
    await manager.should_see(marker=f'case-{case.id}')
    # What the worker does when the site answers: store, complete every waiting case, notify.
    from lookup import worker
    worker._record(f'VIN:{case.value}', cached_result('WVWZZZ1KZAW000777', oem='0AM300058H'), retries_left=0,
                   settings=__import__('lookup.settings', fromlist=['x']).get_settings())
    await manager.should_see('0AM300058H')
    await manager.should_see('Поиск WVWZZZ1KZAW000777: Найдено')


async def test_viewer_cannot_look_up(user: User, conversation_id: int) -> None:
    cached_result('WVWZZZ1KZAW000321')
    service.submit_lookup(demo_actor(), conversation_id, 'WVWZZZ1KZAW000321')
    await login(user, 'viewer')
    await user.open(f'/conversations/{conversation_id}')
    await user.should_see(marker='case-completed')
    await user.should_not_see(marker='lookup-button')
    await user.should_not_see(marker='case-refresh')


async def test_message_html_is_shown_as_text(manager: User, conversation_id: int) -> None:
    conv_id = conversation_id
    with session_scope() as s:
        s.add(Message(tenant_id=1, conversation_id=conv_id,
                      text='<script>alert(1)</script><img src=x onerror=alert(2)>'))
    await manager.open(f'/conversations/{conv_id}')
    await manager.should_see('<script>alert(1)</script><img src=x onerror=alert(2)>')


async def test_cache_page_lists_and_invalidates(manager: User) -> None:
    cached_result('WVWZZZ1KZAW000555', oem='02Q300012X')
    used_by_demo('WVWZZZ1KZAW000555')  # a tenant sees the cache rows its own cases used
    await manager.open('/cache')
    table = manager.find(marker='cache-table').elements.pop()
    await eventually(lambda: any(r['oem'] == '02Q300012X' for r in table.rows))
    row = next(r for r in table.rows if r['oem'] == '02Q300012X')
    manager.find(marker='cache-table').trigger('selection', args={'rows': [row], 'keys': [row['key']], 'added': True})
    manager.find(marker='cache-invalidate-selected').click()
    await manager.should_see('Сбросить 1 запись кэша?')  # the plural form for one (not «1 записей»)
    manager.find(marker='confirm-yes').click()
    await manager.should_see('Сброшена 1 запись')
    await eventually(lambda: all(r['oem'] != '02Q300012X' for r in table.rows))


async def test_language_switch_is_remembered(manager: User) -> None:
    manager.find(marker='lang-switch').click()
    await manager.should_see('Conversations', retries=50)  # the switch reloads the page
    assert _locale('manager') == 'en'  # stored on the user: the next login starts in English
    manager.find(marker='lang-switch').click()
    await manager.should_see('Диалоги', retries=50)
    assert _locale('manager') == 'ru'


def _locale(username: str) -> str:
    from sqlmodel import select

    from models import User as UserRow
    with session_scope() as s:
        return s.exec(select(UserRow).where(UserRow.username == username)).one().locale


async def test_dashboard_counts_the_tenants_lookups(manager: User, conversation_id: int) -> None:
    cached_result('WVWZZZ1KZAW000999', oem='0B5300012')
    actor = demo_actor()
    service.submit_lookup(actor, conversation_id, 'WVWZZZ1KZAW000999')
    await manager.open('/dashboard')
    await manager.should_see('Пульс воркера')
    total = manager.find(marker='dash-total').elements.pop()
    hit_rate = manager.find(marker='dash-hit-rate').elements.pop()
    assert int(total.text) >= 1
    assert hit_rate.text.endswith('%')
