"""The login page speaks the browser's language before anybody is known (issue 11, mixed languages)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(('header', 'lang'), [
    pytest.param('en-US,en;q=0.9', 'en', id='english'),
    pytest.param('ru-RU,ru;q=0.9,en;q=0.8', 'ru', id='russian-first'),
    pytest.param('de-DE,en;q=0.5,ru;q=0.4', 'en', id='english-before-russian'),
    pytest.param('fr', 'ru', id='neither'),
    pytest.param('', 'ru', id='none'),
])
def test_login_page_speaks_the_browsers_language(header: str, lang: str) -> None:
    from ui.pages.login import browser_language
    assert browser_language(header) == lang
