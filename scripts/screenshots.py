"""Take screenshots of every page of a running app (e.g. `make demo`): python scripts/screenshots.py URL OUTDIR."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run']


def main(url: str, out: Path, vin: str | None = None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path='/usr/bin/chromium', args=ARGS)
        page = browser.new_page(viewport={'width': 1280, 'height': 720}, locale='ru-RU')
        page.goto(f'{url}/login')
        page.screenshot(path=out / 'login.png')
        page.get_by_label('Логин').fill('admin')
        page.get_by_label('Пароль').fill('admin-demo-1')
        page.get_by_role('button', name='Войти').click()
        expect(page.get_by_text('Игорь')).to_be_visible()
        page.screenshot(path=out / 'conversations.png')
        page.get_by_role('cell', name='Игорь').click()
        expect(page.get_by_text('Сообщения')).to_be_visible()
        page.get_by_role('button', name='Поиск по VIN').first.click()
        if vin:
            page.get_by_label('VIN или FRAME').fill(vin)
            page.get_by_label('Маркировка КПП (необязательно)').fill('KCK')
        page.screenshot(path=out / 'lookup-dialog.png')
        if vin:
            page.get_by_role('button', name='Искать').click()
            page.wait_for_timeout(300)  # screenshot helper: catch the pending card on purpose
            page.screenshot(path=out / 'case-pending.png')
            expect(page.locator('.case-card').first).to_contain_text(r'готово', timeout=60_000)
            page.locator('.case-card').first.get_by_text('Кандидаты OEM').click()
            page.screenshot(path=out / 'case-completed.png', full_page=True)
        for name, path in (('cache', '/cache'), ('dashboard', '/dashboard'), ('users', '/admin/users')):
            page.goto(f'{url}{path}')
            page.wait_for_load_state('networkidle')
            page.screenshot(path=out / f'{name}.png', full_page=True)
        browser.close()


if __name__ == '__main__':
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
