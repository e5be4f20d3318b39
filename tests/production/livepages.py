"""Real Chromium pages subscribed to a conversation, for push-latency checks (test_push_and_ops) and the benchmark.

Playwright's *sync* API in plain functions: no pytest-playwright fixtures (their event loop breaks asyncio tests).
The latency is the time from the case's `finished_at` (stamped by the worker process just before its commit and
publish) to the moment the browser's DOM shows the finished card (a MutationObserver's `Date.now()`): worker →
Redis pub/sub → web process → NiceGUI websocket → DOM. Same machine, same clock.
"""

from __future__ import annotations

import shutil
from datetime import datetime

from playwright.sync_api import Browser, BrowserContext, Page

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-sync']

# Armed before a submit: the newest card (cards are newest first) is the new case once there is one card more.
ARM_JS = """([expected]) => {
  window.__doneAt = null;
  const check = () => {
    const cards = document.querySelectorAll('.case-card');
    if (window.__doneAt === null && cards.length === expected && /готово|completed/i.test(cards[0].innerText))
      window.__doneAt = Date.now();
  };
  if (window.__observer) window.__observer.disconnect();
  window.__observer = new MutationObserver(check);
  window.__observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def launch(pw) -> Browser:  # noqa: ANN001
    exe = next((p for p in (shutil.which(n) for n in ('chromium', 'chromium-browser', 'google-chrome')) if p), None)
    return pw.chromium.launch(executable_path=exe, args=ARGS)


def logged_in_context(browser: Browser, url: str, username: str = 'manager',
                      password: str = 'manager-demo-1') -> BrowserContext:  # noqa: S107
    ctx = browser.new_context(viewport={'width': 1280, 'height': 720}, locale='ru-RU')
    page = ctx.new_page()
    page.goto(f'{url}/login')
    page.get_by_label('Логин').fill(username)
    page.get_by_label('Пароль').fill(password)
    page.get_by_role('button', name='Войти').click()
    page.wait_for_url(f'{url}/')
    page.close()
    return ctx


def open_conversation(ctx: BrowserContext, url: str, conversation_id: int) -> Page:
    page = ctx.new_page()
    page.goto(f'{url}/conversations/{conversation_id}')
    page.wait_for_function('() => window.did_handshake === true')  # the websocket is up: pushes can arrive
    return page


def card_count(page: Page) -> int:
    return page.locator('.case-card').count()


def arm(page: Page, expected_cards: int) -> None:
    page.evaluate(ARM_JS, [expected_cards])


def done_at_ms(page: Page, timeout_ms: float = 60_000) -> float:
    """Wait until the armed page shows the finished card; returns the browser's epoch ms at that moment."""
    page.wait_for_function('() => window.__doneAt !== null', timeout=timeout_ms, polling=50)
    return float(page.evaluate('window.__doneAt'))


def epoch_ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp() * 1000
