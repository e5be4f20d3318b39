"""Playwright steps on the fallback site: open the VIN search, wait until it settles, snapshot the DOM."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from playwright.sync_api import Page

from lookup.engine.run import Run, open_page
from lookup.engine.sites.podzamenu.flow import snapshot
from lookup.engine.sites.profrf import selectors as S


def search_url(base_url: str, vin: str) -> str:
    return f'{base_url}{S.SEARCH_PATH}?query={quote(vin, safe="")}&type=vin'


def open_answer(page: Page, run: Run, base_url: str, vin: str) -> dict[str, Any]:
    """Go to the VIN search, wait for its answer (or a long quiet without one), and return the settled page's DOM
    snapshot."""
    open_page(page, run, search_url(base_url, vin), step='goto:fallback', where='the fallback site')
    with run.step('wait:fallback-answer') as step:
        step.detail = page.wait_for_function(S.ANSWER_JS, arg={'phrases': list(S.NOT_FOUND_PHRASES),
                                                                'quiet': S.EMPTY_QUIET_MS},
                                             polling='raf', timeout=run.ms()).json_value()
    with run.step('wait:fallback-settled'):
        page.wait_for_function('q => window.__lk && window.__lk.settled(q)', arg=S.SETTLE_QUIET_MS, polling='raf',
                               timeout=run.ms())
    return snapshot(page, run)
