"""What a careful product does: a message for an empty submit, no controls a role cannot use, a friendly empty
state, text styled as text, and a near-VIN that is not taken for a FRAME (issue 11).

Named to run after test_pages.py: it adds conversations, and test_pages counts the demo ones.
"""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User

from lookup import cache, service
from lookup.db import session_scope
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Evidence, Gearbox, LookupResult, Vehicle
from lookup.settings import get_settings
from tests.ui.conftest import cached_result, demo_actor, eventually, login, used_by_demo


async def test_empty_submit_says_what_is_missing(manager: User, conversation_id: int) -> None:
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-submit').click()
    await manager.should_see('Введите VIN или номер кузова')
    await manager.should_not_see(marker='case-card')


async def test_whitespace_only_submit_says_what_is_missing(manager: User, conversation_id: int) -> None:
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-value').type('   ')
    manager.find(marker='lookup-value').trigger('keydown.enter')
    await manager.should_see('Введите VIN или номер кузова')
    await manager.should_not_see(marker='case-card')


async def test_near_vin_is_not_offered_as_a_frame(manager: User, conversation_id: int) -> None:
    await manager.open(f'/conversations/{conversation_id}')
    manager.find(marker='lookup-button').click()
    manager.find(marker='lookup-value').type('JTMBD33V00512345')
    await manager.should_see('В VIN 17 символов, а здесь 16')
    await manager.should_not_see('Номер кузова (FRAME)')
    manager.find(marker='lookup-submit').click()
    await manager.should_see('В VIN 17 символов, а здесь 16')
    await manager.should_not_see(marker='case-card')
    assert service.list_cases(demo_actor('manager'), conversation_id) == []


async def test_viewer_gets_no_cache_controls_it_cannot_use(user: User) -> None:
    cached_result('WVWZZZ1KZAW000432', oem='0AM300432')
    used_by_demo('WVWZZZ1KZAW000432')  # a tenant sees the cache rows its own cases used
    await login(user, 'viewer')
    await user.open('/cache')
    table = user.find(marker='cache-table').elements.pop()
    assert isinstance(table, ui.table)
    await eventually(lambda: any(r['oem'] == '0AM300432' for r in table.rows))
    assert table.props.get('selection') in (None, 'none')  # no row checkboxes
    await user.should_not_see(marker='cache-invalidate-selected')
    await user.should_not_see(marker='cache-invalidate-all')
    # The row's actions hold the history button only (issue 12 #6): no per-row delete, and never the raw key
    actions = table.slots['body-cell-actions'].template or ''
    assert 'icon="history"' in actions and 'delete' not in actions


async def test_manager_still_gets_the_cache_controls(manager: User) -> None:
    cached_result('WVWZZZ1KZAW000433', oem='0AM300433')
    await manager.open('/cache')
    table = manager.find(marker='cache-table').elements.pop()
    assert table.props.get('selection') == 'multiple'
    await manager.should_see(marker='cache-invalidate-selected')


async def test_empty_tables_say_what_would_be_there(manager: User) -> None:
    await manager.open('/cache')
    table = manager.find(marker='cache-table').elements.pop()
    slot = table.slots['no-data'].template or ''
    assert 'В кэше пока ничего нет' in slot and 'q-icon' in slot
    manager.find(marker='cache-search').type('NOTHING-MATCHES-THIS')
    await eventually(lambda: table.rows == [] and 'Ничего не найдено' in (table.slots['no-data'].template or ''))
    manager.find(marker='cache-search').clear()
    await eventually(lambda: 'В кэше пока ничего нет' in (table.slots['no-data'].template or ''))
    await manager.open('/')
    conversations = manager.find(marker='conversations').elements.pop()
    assert 'Здесь появятся диалоги' in (conversations.slots['no-data'].template or '')


async def test_empty_states_are_translated(manager: User) -> None:
    manager.find(marker='lang-switch').click()
    await manager.should_see('Conversations', retries=50)  # the switch is saved off the loop, then the page reloads
    await manager.open('/cache')
    table = manager.find(marker='cache-table').elements.pop()
    assert 'Nothing in the cache yet' in (table.slots['no-data'].template or '')
    # The footer's words come from the page's Quasar language pack (checked in real Chromium by tests/e2e)
    assert '$q.lang.table.pagination' in (table.slots['no-data'].template or '')
    manager.find(marker='lang-switch').click()
    await manager.should_see('Диалоги', retries=50)  # back to Russian for the tests after this one


async def test_no_gearbox_sentence_is_text_not_a_code(manager: User, conversation_id: int) -> None:
    vin = 'WVWZZZ1KZAW000434'
    result = LookupResult(query=vin, id_type='VIN', outcome=Outcome.NOT_AVAILABLE,
                          vehicle=Vehicle(make='VOLKSWAGEN', model='GOLF'),
                          gearbox=Gearbox(oem_status=OemStatus.NOT_AVAILABLE, needs_manual_kpp_code=True),
                          evidence=Evidence(source='podzamenu', final_url='http://sandbox/x', duration_ms=900))
    with session_scope() as s:
        cache.store(session=s, cache_key=f'VIN:{vin}', result=result, settings=get_settings())
    service.submit_lookup(demo_actor('manager'), conversation_id, vin)
    await manager.open(f'/conversations/{conversation_id}')
    await manager.should_see('КПП на странице не указана')
    label = manager.find(marker='case-gearbox').elements.pop()
    assert 'mono' not in label.classes


async def test_phone_menu_holds_navigation_language_and_logout(manager: User) -> None:
    """Below the `md` breakpoint the header shows only the title and a menu button (CSS, checked in real Chromium
    by tests/e2e/test_layout_and_docs.py); the menu must carry everything the wide header has."""
    menu = manager.find(marker='nav-menu-items').elements.pop()
    texts = [el.text for el in menu.descendants() if isinstance(el, ui.item_section) and el.text]
    # no «Пользователи» for a manager
    assert texts == ['Диалоги', 'Пакеты', 'Кэш', 'Мониторинг', 'manager · менеджер', 'English', 'Сменить пароль',
                     'Выйти']
    manager.find(marker='menu-cache').click()
    await manager.should_see('Кэш результатов')
