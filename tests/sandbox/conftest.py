"""Fixtures for the sandbox's own tests: one running sandbox, an HTTP client and (module-scoped) Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import httpx
import pytest

from lookup.sandbox import Sandbox

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
                 '--no-first-run']
NOT_FOUND_PHRASES = ('не найдено', 'ничего не найдено', 'данные не найдены', 'автомобиль не найден', 'не найден',
                     'vehicle not found', 'no results')
"""site-anatomy §3.1: none of these may appear anywhere on a successful page."""


@pytest.fixture
def assert_no_not_found_phrase() -> Callable[[str, str], None]:
    """Checker for the §11 pitfall: one stray phrase turns a success into «not found» under whole-DOM matching."""

    def check(text: str, where: str) -> None:
        hits = [p for p in NOT_FOUND_PHRASES if p in text.lower()]
        assert not hits, f'{where} contains {hits}'
    return check


@pytest.fixture(scope='session')
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=1, render_delay_ms=150) as sb:
        yield sb


@pytest.fixture(scope='session')
def sandbox_in() -> Iterator[Callable[[str], Sandbox]]:
    """One sandbox per rendering mode (`sandbox_in('harsh').url`), started on first use, all stopped at the end."""
    started: dict[str, Sandbox] = {}

    def get(mode: str) -> Sandbox:
        if mode not in started:
            started[mode] = Sandbox(seed=1, render_delay_ms=150, mode=mode).start()
        return started[mode]

    yield get
    for sb in started.values():
        sb.stop()


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    sandbox.reset_log()
    with httpx.Client(base_url=sandbox.url, timeout=10) as c:
        yield c


@pytest.fixture(scope='module')
def chromium() -> Iterator[object]:
    """A real Chromium via Playwright's sync API (module scope: it must not outlive the browser tests)."""
    if not shutil.which(CHROMIUM):
        pytest.skip('Debian Chromium not installed')
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, sandbox: Sandbox) -> Iterator[Callable[..., object]]:
    """Open a sandbox path in a fresh context (like one lookup); contexts are closed after the test."""
    contexts = []

    def _open(path: str, *, base: str | None = None, wait: str | None = None, init_script: str | None = None):  # noqa: ANN202
        context = chromium.new_context(locale='ru-RU', viewport={'width': 1280, 'height': 900})
        contexts.append(context)
        page = context.new_page()
        if init_script:
            page.add_init_script(init_script)
        page.goto((base or sandbox.url) + path, wait_until='domcontentloaded')
        if wait:
            page.wait_for_selector(wait, timeout=10_000)
        return page

    yield _open
    for context in contexts:
        context.close()
