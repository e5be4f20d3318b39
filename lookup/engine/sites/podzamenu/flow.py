"""Playwright steps on podzamenu: open the vehicle page, wait for its first settled state, navigate to the
gearbox parts (accordion route, then СХЕМЫ УЗЛОВ route) and snapshot the DOM for the pure parsers."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lookup.engine.outcomes import Outcome
from lookup.engine.run import PageProblem, Run
from lookup.engine.sites.dom_js import SNAPSHOT_JS
from lookup.engine.sites.podzamenu import selectors as S

logger = logging.getLogger(__name__)

STEP_CAP_S = 15.0
"""Longest wait for one navigation effect (an expanded accordion, a parts view) before trying the next target."""
EMPTY_QUIET_MS = 500
"""An app that rendered, shows no spinner and no data, and stays unchanged this long, has settled empty."""
SNAPSHOT_ARG = {'chrome': S.CHROME, 'headings': 'h1, h2, h3, h4, h5, h6, [class*="title"], [class*="Title"]',
                'detail': S.DETAIL_CELL, 'vcell': S.VEHICLE_CELL, 'link': S.PART_LINK}


def search_url(base_url: str, value: str) -> str:
    # `-` and `/` stay as they are, a space becomes %20 (site-anatomy §1).
    return f'{base_url}{S.SEARCH_PATH}?{S.SEARCH_PARAM}={quote(value, safe="-/")}'


def snapshot(page: Page, run: Run) -> dict[str, Any]:
    with run.step('snapshot'):
        return page.evaluate(SNAPSHOT_JS, SNAPSHOT_ARG)


def open_vehicle(page: Page, run: Run, base_url: str, value: str) -> str:
    """Go to the search page; returns 'vehicle', 'catalogue', 'not_found' or 'empty', raises PageProblem."""
    url = search_url(base_url, value)
    with run.step('goto', url):
        response = page.goto(url, wait_until='domcontentloaded', timeout=run.ms())
    status = response.status if response is not None else 0
    if status in (401, 403, 429):
        raise PageProblem(Outcome.BLOCKED, f'HTTP {status} on the search page')
    if status >= 500:
        raise PageProblem(Outcome.SITE_ERROR, f'HTTP {status} on the search page')
    with run.step('wait:vehicle'):
        state = page.wait_for_function('q => window.__lk && window.__lk.state(q)', arg=EMPTY_QUIET_MS,
                                       polling='raf', timeout=run.ms()).json_value()
    run.steps[-1].detail = state
    if state == 'blocked':
        raise PageProblem(Outcome.BLOCKED, 'captcha or challenge page')
    if state == 'error':
        raise PageProblem(Outcome.SITE_ERROR, 'the site shows an error screen')
    return state


def _marks(page: Page, expr: str, arg: Any = None) -> list[str]:
    return page.evaluate(f'a => window.__lk.{expr}', arg) or []


def _click(page: Page, run: Run, mark: str, name: str) -> bool:
    """A trusted click on a marked element; False when it cannot be clicked within the step cap."""
    loc = page.locator(f'[data-lk="{mark}"]')
    with run.step(f'click:{name}', mark) as step:
        try:
            step.detail = (loc.inner_text(timeout=run.ms(STEP_CAP_S)) or '').strip()[:80]
            loc.click(timeout=run.ms(STEP_CAP_S))
            return True
        except PlaywrightTimeout:
            step.detail = f'{step.detail} (not clickable)'
            return False


def _wait(page: Page, run: Run, name: str, js: str, arg: Any = None, cap: float = STEP_CAP_S) -> bool:
    """Wait on every animation frame for a condition; False when the step cap passes (the deadline raises)."""
    with run.step(f'wait:{name}') as step:
        try:
            page.wait_for_function(js, arg=arg, polling='raf', timeout=run.ms(cap))
            return True
        except PlaywrightTimeout:
            run.ms()  # raise DeadlineExceeded if the whole budget is gone, not just the step cap
            step.detail = 'gave up'
            return False


PARTS = 'window.__lk.partsReady()'
LEFT_QUIET_MS = 300


def _wait_parts(page: Page, run: Run, anchor: str) -> bool:
    """Parts markers, or the view around `anchor` replaced by one that settled (parsed anyway: an unknown
    layout must not cost the whole step cap)."""
    js = f'a => window.__lk.partsReady() || window.__lk.left(a, {LEFT_QUIET_MS})'
    if not _wait(page, run, 'parts', js, anchor):
        return False
    if not page.evaluate(PARTS):
        run.flags['partsMarkersMissing'] = True
    return True


def _expand(page: Page, run: Run, mark: str, name: str) -> bool:
    if page.evaluate('m => window.__lk.expanded(m)', mark):
        return True
    if not _click(page, run, mark, name):
        return False
    return _wait(page, run, f'{name}-expanded', 'm => window.__lk.expanded(m)', mark)


def accordion_route(page: Page, run: Run) -> bool:
    """Трансмиссия → nested gearbox accordions → a Level-3 item; True once a parts view is shown."""
    for l1 in _marks(page, 'l1()'):
        run.use(f'accordion-l1:{l1}')
        if not _expand(page, run, l1, 'accordion-l1'):
            continue
        for l2 in _marks(page, 'l2(a)', l1):
            if not _expand(page, run, l2, 'accordion-l2'):
                continue
            _wait(page, run, 'l3-visible', f'm => window.__lk.l3Shown(m) || window.__lk.settled({LEFT_QUIET_MS})', l2)
            for l3 in _marks(page, 'l3(a)', l2):
                if _click(page, run, l3, 'accordion-l3') and _wait_parts(page, run, l1):
                    run.use(f'route:accordion:{run.steps[-2].detail}')
                    return True
    return False


def shortcut_route(page: Page, run: Run) -> bool:
    for mark in _marks(page, 'shortcut()'):
        if _click(page, run, mark, 'shortcut') and _wait_parts(page, run, mark):
            run.use(f'route:shortcut:{run.steps[-2].detail}')
            return True
    return False


def _open_card(page: Page, run: Run, mark: str) -> bool:
    page.evaluate('window.__lk.seen()')
    if not _click(page, run, mark, 'card'):
        return False
    if not _wait(page, run, 'card-opened', 'window.__lk.partsReady() || window.__lk.fresh().length > 0'):
        return False
    if page.evaluate(PARTS):
        return True
    for deep in _marks(page, 'deeper()')[:3]:
        if _click(page, run, deep, 'deeper') and _wait_parts(page, run, deep):
            run.flags['deeperClick'] = True
            return True
    return False


def schemes_route(page: Page, run: Run) -> bool:
    """СХЕМЫ УЗЛОВ tab → a gearbox section → the best card (→ one deeper link); True once parts are shown."""
    tabs = _marks(page, 'schemesTab()')
    if not tabs or not _click(page, run, tabs[0], 'schemes-tab'):
        return False
    # A panel without gearbox sections is a dead end as soon as it has settled, not after a step cap.
    ready = (f'm => window.__lk.selected(m) && (window.__lk.sections().length > 0 || window.__lk.cardCount() > 0'
             f' || window.__lk.settled({LEFT_QUIET_MS}))')
    if not _wait(page, run, 'sections', ready, tabs[0]) or not _marks(page, 'sections()'):
        return False
    for section in _marks(page, 'sections()')[:4]:
        page.evaluate('window.__lk.seen()')
        if not _click(page, run, section, 'section'):
            continue
        if not _wait(page, run, 'cards', 'window.__lk.partsReady() || window.__lk.cards().length > 0'):
            continue
        if page.evaluate(PARTS):
            run.use('route:schemes:section-without-cards')
            return True
        for card in _marks(page, 'cards()')[:3]:
            if _open_card(page, run, card):
                run.use(f'route:schemes:{run.steps[-2].detail if len(run.steps) > 1 else card}')
                return True
    return False


def navigate(page: Page, run: Run) -> bool:
    """Reach a gearbox parts view by any route; False is a navigation dead end."""
    for route in (accordion_route, shortcut_route, schemes_route):
        try:
            if route(page, run):
                return True
        except PlaywrightError as exc:
            if isinstance(exc, PlaywrightTimeout):
                raise
            # A detached or re-rendered target: note it and try the next route.
            logger.info('%s failed: %s', route.__name__, exc)
            run.flags[f'{route.__name__}Error'] = True
    return False
