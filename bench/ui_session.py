"""A logged-in Chromium page on a running app, for the UI benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, sync_playwright

from lookup.engine.browser import find_executable
from lookup.settings import Settings

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run']


@contextmanager
def logged_in_page(url: str, username: str) -> Iterator[Page]:
    """A 1280×720 page logged in as a demo user (`<username>-demo-1`)."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable(Settings()), args=ARGS)
        page = browser.new_page(viewport={'width': 1280, 'height': 720})
        page.goto(f'{url}/login')
        page.get_by_label('Логин').fill(username)
        page.get_by_label('Пароль').fill(f'{username}-demo-1')
        page.get_by_role('button', name='Войти').click()
        page.wait_for_url(f'{url}/')
        try:
            yield page
        finally:
            browser.close()
