"""Screenshots of every page, desktop (1366×900) and phone (390×844), Russian and English, in real Chromium.

    python scripts/screenshots.py                  start `main.py demo` (own ports, temp data) and shoot it
    python scripts/screenshots.py --url URL        shoot an app that is already running in demo mode

PNGs land in artifacts/screens/ as `{lang}-{device}-{page}.png`. The conversation page shows a card with three vehicle
variants (one selected by the tag; also shot alone as `variants`), a completed card, a card without a gearbox code
and a failed card (lookups started through the API with the demo token and awaited).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stack import TOKEN, free_port, wait_until  # noqa: E402

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run']
DEVICES = {'desktop': {'viewport': {'width': 1366, 'height': 900}},
           'phone': {'viewport': {'width': 390, 'height': 844}, 'device_scale_factor': 2, 'is_mobile': True,
                     'has_touch': True}}
CUSTOMER = 'Игорь'
# Sandbox scenarios (lookup/sandbox/scenarios.yaml): three vehicle variants with a plate tag matching the second
# (on top), FOUND, NOT_AVAILABLE (no gearbox code), HTTP 500. (value, expected status, tag)
LOOKUPS = [('W0LPD6EA5C8012346', 'completed', 'MR6 0412'), ('SJNFAAJ10U2123456', 'completed', None),
           ('KL1SF69DJ9B012345', None, None), ('KMHDN41AP8U012345', 'failed', None)]


def start_demo() -> tuple[str, subprocess.Popen]:
    """`python main.py demo` on free ports with a throw-away data directory; returns (url, process)."""
    port, data = free_port(), tempfile.mkdtemp(prefix='pzl-shots-')
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_', 'NICEGUI_'))}
    env.update(PORT=str(port), HOST='127.0.0.1', DATA_DIR=data, SANDBOX_PORT=str(free_port()),
               NICEGUI_STORAGE_PATH=os.path.join(data, 'nicegui'), LOOKUP_RETRIES='0', LOOKUP_DEADLINE_S='30')
    for key in ('DATABASE_URL', 'REDIS_URL', 'EMBEDDED_WORKER'):
        env.pop(key, None)
    log = open(Path(data) / 'web.log', 'w')  # noqa: SIM115  (lives as long as the process)
    proc = subprocess.Popen([sys.executable, 'main.py', 'demo'], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'

    def healthy() -> bool:
        if proc.poll() is not None:
            raise SystemExit(f'demo exited:\n{(Path(data) / "web.log").read_text()[-3000:]}')
        try:
            return httpx.get(f'{url}/api/health', timeout=1).status_code == 200
        except httpx.HTTPError:
            return False
    wait_until(healthy, 90, 'the demo app')
    return url, proc


def prepare_cases(url: str) -> int:
    """Run the lookups of LOOKUPS in the first conversation of CUSTOMER; returns its id."""
    api = httpx.Client(base_url=url, headers={'Authorization': f'Bearer {TOKEN}'}, timeout=30)
    conv = next(c for c in api.get('/api/conversations', params={'q': CUSTOMER}).json()['items']
                if c['customer_name'] == CUSTOMER)
    if not api.get(f'/api/conversations/{conv["id"]}/lookups').json():
        for value, _, tag in reversed(LOOKUPS):
            case = api.post(f'/api/conversations/{conv["id"]}/lookups', json={'value': value, 'tag': tag}).json()
            wait_until(lambda cid=case['id']: api.get(f'/api/lookups/{cid}').json()['status'] in
                       ('completed', 'failed'), 120, f'lookup {value}', interval=0.5)
    return conv['id']


def log_in(page: Page, url: str, lang: str) -> None:
    page.goto(f'{url}/login')
    page.locator('[data-testid=username], input').first.fill('admin')
    page.locator('input[type=password]').fill('admin-demo-1')
    page.keyboard.press('Enter')
    expect(page.get_by_text(CUSTOMER).first).to_be_visible()
    expect(page.locator('.q-header').get_by_text('English' if lang == 'ru' else 'Русский', exact=True)
           .or_(page.locator('.q-header').get_by_text('English', exact=True)).first).to_be_attached()
    if lang == 'ru' or page.locator('.q-header').get_by_text('Русский', exact=True).count():
        return  # Russian wanted, or the user already chose English (stored on the user)
    switch = page.locator('.q-header').get_by_text('English', exact=True)
    if not switch.is_visible():  # on a phone the switch sits in the menu
        menu_button(page).click()
        switch = page.locator('.q-menu').get_by_text('English', exact=True)
    switch.click()
    expect(page.locator('.q-header').get_by_text('Русский', exact=True)).to_be_attached()


def menu_button(page: Page):  # noqa: ANN201
    return page.locator('.q-header .q-btn', has=page.locator('i', has_text=re.compile(r'^menu$')))


def shoot(url: str, out: Path, conversation_id: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which('chromium') or None, args=ARGS)
        for lang in ('ru', 'en'):
            for device, options in DEVICES.items():
                ctx = browser.new_context(locale='ru-RU' if lang == 'ru' else 'en-US', **options)
                page = ctx.new_page()

                def save(name: str, *, full: bool = True, _p: Page = page, _l: str = lang, _d: str = device) -> None:
                    path = out / f'{_l}-{_d}-{name}.png'
                    _p.screenshot(path=path, full_page=full, animations='disabled')  # menus mid-fade
                    taken.append(path)

                page.goto(f'{url}/login')
                expect(page.locator('input[type=password]')).to_be_visible()
                save('login')
                log_in(page, url, lang)
                # Users start in Russian; the English set switched above and the choice is stored on the user.
                page.goto(f'{url}/')
                expect(page.get_by_text(CUSTOMER).first).to_be_visible()
                save('conversations')
                if device == 'phone':
                    menu_button(page).click()
                    expect(page.locator('.q-menu')).to_be_visible()
                    save('menu', full=False)
                    page.keyboard.press('Escape')
                page.goto(f'{url}/conversations/{conversation_id}')
                expect(page.locator('.case-completed').first).to_be_visible()
                expect(page.locator('.case-failed').first).to_be_visible()
                save('conversation')
                variants = page.locator('.case-card', has=page.locator('.variant-card')).first
                expect(variants).to_be_visible()
                variants.screenshot(path=out / f'{lang}-{device}-variants.png', animations='disabled')
                taken.append(out / f'{lang}-{device}-variants.png')
                page.locator('[data-testid=lookup-button], .q-btn:has-text("VIN")').first.click()
                dialog_value = page.locator('.q-dialog input').first
                dialog_value.fill('JTMBD33V00512345')
                expect(page.locator('.q-dialog').get_by_text('16').first).to_be_visible()
                save('lookup-dialog', full=False)
                page.keyboard.press('Escape')
                for name, path, ready in (('cache', '/cache', '.q-table'), ('cache-empty', '/cache?q=', '.q-table'),
                                          ('dashboard', '/dashboard', '.q-card'),
                                          ('batches', '/batches', '.q-card'),
                                          ('replies-admin', '/admin/replies', '.q-card'),
                                          ('users', '/admin/users', '.q-card')):
                    page.goto(f'{url}{path}')
                    expect(page.locator(ready).first).to_be_visible()
                    if name == 'cache-empty':
                        page.locator('input').first.fill('NOTHING-MATCHES')
                        expect(page.locator('.empty-state')).to_be_visible()
                    else:
                        page.wait_for_load_state('networkidle')
                    save(name)
                page.goto(f'{url}/docs')
                expect(page.locator('.swagger-ui .opblock').first).to_be_visible()
                save('docs', full=False)
                ctx.close()
        browser.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', help='a running demo app (default: start one)')
    parser.add_argument('--out', type=Path, default=ROOT / 'artifacts' / 'screens')
    args = parser.parse_args()
    proc = None
    url = args.url
    if not url:
        url, proc = start_demo()
    try:
        started = time.monotonic()
        conversation_id = prepare_cases(url)
        for path in shoot(url, args.out, conversation_id):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        print(f'done in {time.monotonic() - started:.0f} s')
    finally:
        if proc:
            proc.send_signal(signal.SIGINT)
            proc.wait(30)


if __name__ == '__main__':
    main()
