"""The walking-skeleton path in real Chromium: login → conversation → lookup → live card → cache → invalidate."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from lookup.sandbox.scenarios import load_scenarios


def _found_vin() -> tuple[str, str]:
    sc = next(s for s in load_scenarios() if s.expect.get('outcome') == 'FOUND' and s.id_type == 'VIN'
              and not s.slow and (s.expect.get('gearbox') or {}).get('oem'))
    return sc.id.upper(), sc.expect['gearbox']['oem']


def _login(page: Page, username: str = 'manager') -> None:
    page.goto('/login')
    page.get_by_label('Логин').fill(username)
    page.get_by_label('Пароль').fill(f'{username}-demo-1')
    page.get_by_role('button', name='Войти').click()
    expect(page.get_by_text('Диалоги').first).to_be_visible()


def test_manager_looks_up_a_vin_end_to_end(page: Page, shot) -> None:  # noqa: ANN001
    vin, oem = _found_vin()
    _login(page)
    shot('01-conversations')
    page.get_by_role('cell', name='Игорь').click()
    expect(page.get_by_text('Сообщения')).to_be_visible()
    page.get_by_role('button', name='Поиск по VIN').first.click()
    page.get_by_label('VIN или FRAME').fill(vin.lower())
    expect(page.get_by_text(f'VIN, 17 символов: {vin}')).to_be_visible()
    shot('02-lookup-dialog')
    page.get_by_label('VIN или FRAME').press('Enter')
    card = page.locator('.case-card').first
    expect(card).to_contain_text(re.compile('в очереди|выполняется|открываем сайт|ищем КПП|разбираем'))
    expect(card).to_contain_text('готово', timeout=60_000)   # no reload: pushed over the websocket
    expect(card).to_contain_text(oem)
    shot('03-case-completed')

    page.get_by_role('button', name='Поиск по VIN').first.click()
    page.get_by_label('VIN или FRAME').fill(vin)
    page.get_by_role('button', name='Искать').click()
    expect(page.locator('.case-card').first).to_contain_text('Из кэша')

    page.get_by_role('button', name='Поиск по VIN').first.click()
    page.get_by_label('VIN или FRAME').fill('XW8ZZZ61ZUNKN0WN2')
    page.get_by_role('button', name='Искать').click()
    failed = page.locator('.case-card').first
    expect(failed).to_contain_text('ошибка', timeout=60_000)
    expect(failed).to_contain_text('Сайт не знает этот VIN')
    shot('04-case-failed')

    page.get_by_role('button', name='Кэш').click()
    row = page.get_by_role('row').filter(has_text=vin)
    expect(row).to_contain_text(oem)
    shot('05-cache')
    row.get_by_role('button', name='Сбросить').click()
    page.get_by_role('button', name='Да').click()
    expect(page.get_by_role('row').filter(has_text=vin)).to_have_count(0)

    page.go_back()
    page.get_by_role('button', name='Поиск по VIN').first.click()
    page.get_by_label('VIN или FRAME').fill(vin)
    page.get_by_role('button', name='Искать').click()
    again = page.locator('.case-card').first
    expect(again).to_contain_text('готово', timeout=60_000)
    expect(again).not_to_contain_text('Из кэша')


def test_dashboard_shows_queue_worker_and_failures(page: Page, shot) -> None:  # noqa: ANN001
    _login(page, 'admin')
    page.get_by_role('button', name='Мониторинг').click()
    expect(page.get_by_text('Пульс воркера')).to_be_visible()
    expect(page.locator('.nicegui-echart canvas').first).to_be_visible()  # lookups per hour
    # The embedded worker beats every few seconds: its age is a number of seconds (Russian: «1,5 с»), not "no worker".
    expect(page.locator('text=/^\\d+(,\\d+)? с$/').first).to_be_visible()
    expect(page.get_by_text('Последние ошибки')).to_be_visible()
    shot('06-dashboard')


def test_every_page_renders_for_an_admin(page: Page, shot) -> None:  # noqa: ANN001
    page.goto('/login')
    shot('00-login')
    _login(page, 'admin')
    for name, path, text in (('07-users', '/admin/users', 'API-токены'), ('08-cache', '/cache', 'Кэш результатов'),
                             ('09-conversations', '/', 'Последнее сообщение')):
        page.goto(path)
        expect(page.get_by_text(text).first).to_be_visible()
        shot(name)
    page.get_by_role('button', name='English').click()
    expect(page.get_by_text('Last message')).to_be_visible()
    shot('10-conversations-en')
    page.get_by_role('button', name='Русский').click()
    expect(page.get_by_text('Последнее сообщение')).to_be_visible()
