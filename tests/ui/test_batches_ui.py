"""Issue 12 #4/#5 through NiceGUI's simulated user: a manager checks and starts a batch, follows it and exports it;
a viewer only reads; the cache exports; an admin sees the site-change banner on every page and the dashboard names
the step with links to the evidence."""

from __future__ import annotations

import io
import secrets

import openpyxl
from nicegui import ui
from nicegui.testing import User

from lookup.db import session_scope
from models import SiteAlarm
from tests.ui.conftest import cached_result, eventually, login, used_by_demo


def vin() -> str:
    return 'WVWZZZ1KZAW' + ''.join(secrets.choice('0123456789') for _ in range(6))


async def test_a_manager_checks_starts_follows_and_exports_a_batch(manager: User) -> None:
    hit, fresh = vin(), vin()
    cached_result(hit, oem='0AM300050X')
    await manager.open('/batches')
    manager.find(marker='batch-name').type('Склад, март')
    manager.find(marker='batch-input').type(f'{hit}\nWVWZZZ1KZ8W12345\n{fresh}\n{hit}')
    manager.find(marker='batch-check').click()
    await manager.should_see('Верных строк: 2, с ошибками: 2')
    preview = manager.find(marker='batch-preview').elements.pop()
    assert [(r['line'], r['error']) for r in preview.rows] == [(2, 'В VIN 17 символов, а здесь 16'),
                                                               (4, 'Повтор строки 1')]
    manager.find(marker='batch-start').click()
    await manager.should_see(marker='batch-title', retries=50)
    await manager.should_see('Склад, март')
    await manager.should_see('Готово 1 · в очереди 1 · ждут 0 · ошибки 0 · неверных 2')
    table = manager.find(marker='batch-table').elements.pop()
    assert isinstance(table, ui.table)
    rows = {r['line']: r for r in table.rows}
    assert rows[1]['oem'] == '0AM300050X' and rows[1]['state'] == 'готово'
    assert rows[3]['state'] == 'в очереди' and rows[2]['error'] == 'В VIN 17 символов, а здесь 16'

    manager.find(marker='batch-export-xlsx').click()
    response = await manager.download.next(timeout=5)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[:3] == ('Строка', 'Ввод', 'VIN/FRAME') and first[12] == '0AM300050X'
    manager.find(marker='batch-export-csv').click()
    response = await manager.download.next(timeout=5)
    assert hit in response.content.decode('utf-8-sig')

    await manager.open('/batches')
    await manager.should_see('Склад, март')


async def test_a_bad_batch_says_why(manager: User) -> None:
    await manager.open('/batches')
    manager.find(marker='batch-input').type('hello\nworld')
    manager.find(marker='batch-start').click()
    await manager.should_see('Ни одной верной строки')
    manager.find(marker='batch-input').clear()
    manager.find(marker='batch-check').click()
    await manager.should_see('В пакете нет ни одного значения')


async def test_a_viewer_reads_but_cannot_start(user: User) -> None:
    await login(user, 'viewer')
    await user.open('/batches')
    await user.should_see(marker='batch-list')
    await user.should_not_see(marker='batch-input')
    await user.should_not_see(marker='site-alarm-banner')


async def test_the_cache_exports_what_the_page_shows(manager: User) -> None:
    v = vin()
    cached_result(v, oem='0CK300040T')
    used_by_demo(v)
    await manager.open('/cache')
    manager.find(marker='cache-search').type(v)
    table = manager.find(marker='cache-table').elements.pop()
    await eventually(lambda: [r['oem'] for r in table.rows] == ['0CK300040T'])
    manager.find(marker='cache-export').click()
    manager.find(marker='cache-export-csv').click()
    response = await manager.download.next(timeout=5)
    lines = response.content.decode('utf-8-sig').splitlines()
    assert lines[0].startswith('Ключ,Тип,VIN/FRAME') and len(lines) == 2 and '0CK300040T' in lines[1]


async def test_admins_see_the_site_alarm_everywhere(user: User) -> None:
    with session_scope() as s:
        s.add(SiteAlarm(site='podzamenu', signal='dead_end', open_key='podzamenu:dead_end', share_hour=0.6,
                        share_week=0.05, samples_hour=20, step='wait:l1-children'))
    try:
        await login(user, 'admin')
        await user.should_see(marker='site-alarm-banner')
        await user.should_see('Похоже, сайт podzamenu изменился: тупики навигации (путь к КПП не найден) — 60% '
                              'поисков за час (обычно 5%), шаг «wait:l1-children»')
        await user.open('/cache')
        await user.should_see(marker='site-alarm-banner')
        await user.open('/dashboard')
        await user.should_see(marker='dash-alarm')
        await user.should_see('поисков за час: 20')
    finally:
        with session_scope() as s:
            s.execute(SiteAlarm.__table__.delete())


async def test_managers_do_not_see_the_alarm(manager: User) -> None:
    with session_scope() as s:
        s.add(SiteAlarm(site='podzamenu', signal='parse_fallback', open_key='podzamenu:parse_fallback'))
    try:
        await manager.open('/dashboard')
        await manager.should_see('Мониторинг')
        await eventually(lambda: True)
        await manager.should_not_see(marker='site-alarm-banner')
        await manager.should_not_see(marker='dash-alarm')
    finally:
        with session_scope() as s:
            s.execute(SiteAlarm.__table__.delete())
