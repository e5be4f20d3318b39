"""Real Chromium (pytest-playwright) against the real app started as a subprocess on the embedded default."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.stack import Stack, start_stack

# Not test-results/: pytest-playwright empties that folder at the start of every session.
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / 'artifacts' / 'screens'


def chromium_path() -> str | None:
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        if found := shutil.which(name):
            return found
    return None


@pytest.fixture(scope='session')
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {**browser_type_launch_args,
            'args': ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
                     '--disable-component-update', '--no-first-run', '--disable-sync']}
    if path := chromium_path():
        args['executable_path'] = path
    return args


@pytest.fixture(scope='session')
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, 'viewport': {'width': 1280, 'height': 720}, 'locale': 'ru-RU'}


@pytest.fixture(scope='session')
def app_stack(sandbox) -> Stack:  # noqa: ANN001
    stack = start_stack(sandbox_url=sandbox.url)
    yield stack
    stack.close()


@pytest.fixture(scope='session')
def base_url(app_stack: Stack) -> str:
    return app_stack.url


@pytest.fixture
def shot(page):  # noqa: ANN001, ANN201
    """`shot(name)` saves a full-page PNG under artifacts/screens (kept as a CI artifact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f'{name}.png'
        page.screenshot(path=str(path), full_page=True)
        return path
    return take
