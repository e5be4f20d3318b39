"""Playwright steps on podzamenu, written as the steps a person takes: open the vehicle page and wait until it has
settled, then reach the gearbox parts (the accordion route, the «коробка передач» shortcut, the СХЕМЫ УЗЛОВ route)
and snapshot the DOM for the pure parsers.

Every target is described by what a person sees (`Target`, built from selectors.py) and found afresh for every
action and every check: a click is a Playwright `locator.click()` on the `lk=` selector engine, re-resolved on each
attempt, and each effect is checked on freshly found elements. The site may rebuild its DOM on every state change;
nothing here depends on a node surviving a click. Each wait ends as soon as its effect shows, or as soon as the page
has settled without it (no spinner, no content request, no DOM change for a quiet period), never at a fixed cap.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lookup.engine.outcomes import Outcome
from lookup.engine.result import Step
from lookup.engine.run import PageProblem, Run, open_page
from lookup.engine.sites.dom_js import SNAPSHOT_JS
from lookup.engine.sites.podzamenu import selectors as S

logger = logging.getLogger(__name__)

Spec = dict[str, Any]

EMPTY_QUIET_MS = 500
"""An app that rendered, shows no spinner and no data, and stays unchanged this long, has settled empty."""
EFFECT_QUIET_MS = 450
"""After an action, the page has answered it once nothing changed for this long (no spinner, no request)."""
PARTS_QUIET_MS = 900
"""A parts view may take longer to appear than an accordion to open: a wrong «dead end» here is costly."""
SNAPSHOT_QUIET_MS = 60
"""Before reading a view: no spinner and no DOM change for this long. React commits a render at once and effects
re-render within a frame or two; a pass that waits for its own request shows a spinner or skeleton meanwhile (the
network itself is no signal here: analytics beacons keep it busy)."""
SNAPSHOT_PATIENCE_S = 3.0
CLICK_CAP_S = 4.0
"""Longest wait for a shown target to become clickable (scrolling, an animation finishing)."""
MAX_SECTIONS, MAX_CARDS, MAX_DEEPER = 4, 3, 3
SNAPSHOT_ARG = {'chrome': f'{S.CHROME}, {S.CHROME_NAV}',
                'headings': 'h1, h2, h3, h4, h5, h6, [class*="title"], [class*="Title"]',
                'detail': S.DETAIL_CELL, 'vcell': S.VEHICLE_CELL, 'link': S.PART_LINK,
                'catalogue': f'{S.ACCORDION}, [role="tablist"], [role="tabpanel"], {S.CARD}'}
STILL_SNAPSHOT_JS = (f'a => window.__lk.still(a.quiet) && '
                     f'({{...({SNAPSHOT_JS.strip()})(a.o), link_count: window.__lk.linkCount()}})')
"""The snapshot, taken in the first animation frame the DOM is still (one round trip), plus the part-link count."""


def search_url(base_url: str, value: str) -> str:
    # `-` and `/` stay as they are, a space becomes %20 (site-anatomy §1).
    return f'{base_url}{S.SEARCH_PATH}?{S.SEARCH_PARAM}={quote(value, safe="-/")}'


def snapshot(page: Page, run: Run) -> dict[str, Any]:
    """The DOM for the parsers, once the view has stopped changing (a view may render in several passes)."""
    with run.step('snapshot') as step:
        try:  # one round trip: the page reads itself in the first animation frame it is still
            return page.wait_for_function(STILL_SNAPSHOT_JS, arg={'quiet': SNAPSHOT_QUIET_MS, 'o': SNAPSHOT_ARG},
                                          polling='raf', timeout=run.ms(SNAPSHOT_PATIENCE_S)).json_value()
        except PlaywrightTimeout:
            run.ms()  # the deadline passed: that raises; a DOM that never stops changing is read as it is
            step.detail = 'never still'
        return page.evaluate(SNAPSHOT_JS, SNAPSHOT_ARG)


def open_vehicle(page: Page, run: Run, base_url: str, value: str) -> str:
    """Go to the search page; returns 'vehicle', 'catalogue', 'not_found' or 'empty', raises PageProblem."""
    open_page(page, run, search_url(base_url, value), step='goto', where='the search page')
    with run.step('wait:vehicle') as step:
        state = page.wait_for_function('q => window.__lk && window.__lk.state(q)', arg=EMPTY_QUIET_MS,
                                       polling='raf', timeout=run.ms()).json_value()
        step.detail = state
    if state == 'blocked':
        raise PageProblem(Outcome.BLOCKED, 'captcha or challenge page')
    if state == 'error':
        raise PageProblem(Outcome.SITE_ERROR, 'the site shows an error screen')
    return str(state)


# --- targets -----------------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Text as the page helpers compare it: whitespace (non-breaking spaces, line breaks) folded, lowercased."""
    return re.sub(r'[\s\u200b]+', ' ', text).strip().lower()


def target(css: str, **keys: Any) -> Spec:
    """A target description (see scripts.py for the keys); text keys are lowercased like the page's text."""
    spec: Spec = {'css': css}
    for key, value in keys.items():
        if value is None:
            continue
        if key in ('words', 'not', 'exact'):
            value = [fold(v) for v in ([value] if isinstance(value, str) else value)]
        spec[key] = value
    return spec


def _label(spec: Spec) -> str:
    return (spec.get('exact') or spec.get('words') or [''])[0][:80]


def rank(text: str, words: Sequence[str]) -> float | None:
    """Lower is better: an exact keyword first, then a keyword inside a short text; «в сборе» breaks ties."""
    if text in words:
        score: float = words.index(text)
    else:
        hits = [i for i, w in enumerate(words) if w in text]
        if not hits or len(text) >= 200:
            return None
        score = 100 + hits[0]
    return score - (0.5 if 'в сборе' in text else 0)


def ranked(texts: Iterable[str], words: Sequence[str]) -> list[str]:
    scored = [(r, i, t) for i, t in enumerate(texts) if (r := rank(t, words)) is not None]
    return [t for _, _, t in sorted(scored)]


class Catalogue:
    """A person's view of the vehicle page: find what is shown, click it, wait for what the click should do."""

    def __init__(self, page: Page, run: Run) -> None:
        self.page = page
        self.run = run
        self.baseline_links = 0

    def locator(self, spec: Spec):  # noqa: ANN201 (a Playwright Locator)
        return self.page.locator('lk=' + json.dumps(spec, ensure_ascii=False))

    def texts(self, spec: Spec) -> list[str]:
        """The texts of the matching targets right now, in page order, without repeats."""
        return self.page.evaluate('s => window.__lk.texts(s)', spec)

    def exists(self, spec: Spec) -> bool:
        return bool(self.page.evaluate('s => window.__lk.find(s).length > 0', spec))

    def click(self, name: str, spec: Spec) -> bool:
        """A trusted click on the first shown target; False when none is shown or it cannot be clicked."""
        shown = {**spec, 'shown': True}
        # Shown now? Then the settle clock starts here (one round trip for both).
        if not self.page.evaluate('s => window.__lk.find(s).length > 0 && window.__lk.mark()', shown):
            if not self.exists(spec) or not self.until(f'{name}-shown', [shown]):
                self.run.steps.append(Step(name=f'click:{name}', detail=f'{_label(spec)} (not shown)',
                                           started_ms=self.run.elapsed_ms()))
                return False
            self.page.evaluate('window.__lk.mark()')
        with self.run.step(f'click:{name}', _label(spec)) as step:
            try:
                self.locator(shown).first.click(timeout=self.run.ms(CLICK_CAP_S))
                return True
            except PlaywrightTimeout:
                self.run.ms()  # the whole budget gone raises DeadlineExceeded, a slow control does not
                step.detail = f'{step.detail} (not clickable)'
                return False

    def until(self, name: str, effects: Sequence[Spec] = (), *, parts: bool = False,
              quiet_ms: int = EFFECT_QUIET_MS) -> bool:
        """Wait until one of the effects shows (True) or the page settles without any of them (False)."""
        arg = {'specs': list(effects), 'parts': self.baseline_links if parts else None, 'quiet': quiet_ms}
        with self.run.step(f'wait:{name}') as step:
            got = self.page.wait_for_function('a => window.__lk.until(a)', arg=arg, polling='raf',
                                              timeout=self.run.ms()).json_value()
            step.detail = got
        return got == 'yes'

    def parts_shown(self) -> bool:
        return bool(self.page.evaluate('b => window.__lk.parts(b)', self.baseline_links))

    def expand(self, name: str, summary: Spec, children: Sequence[Spec]) -> bool:
        """Open an accordion unless it is open; True once the children we look for show.

        Not once it merely reads expanded: children may load lazily behind their own spinner, and an accordion that
        settles without them is as much a dead end as one that never opened (one wait, not two)."""
        expanded = {**summary, 'attr': {'aria-expanded': 'true'}}
        if not self.exists(expanded) and not self.click(name, summary):
            return False
        return self.until(f'{name}-children', children)


# --- routes (site-anatomy §4) --------------------------------------------------------------------------------
def _summary(text: str) -> Spec:
    return target(S.ACCORDION_SUMMARY, exact=text)


def _accordion_of(summary: Spec) -> Spec:
    return {**summary, 'of': S.ACCORDION}


def _items(acc: Spec) -> Spec:
    """Level-3 items of one accordion (not of its nested accordions); div-like, never links."""
    return target(S.CONTENT_LINK, within=acc, direct=S.ACCORDION, tagNot=['a'])


def _sub_summaries(acc: Spec) -> Spec:
    return target(S.ACCORDION_SUMMARY, within=acc, nested=S.ACCORDION)


def _open_item(cat: Catalogue, name: str, items: Spec, words: Sequence[str]) -> bool:
    """Click the best-matching item of a list and wait for a parts view; True once one is shown."""
    for text in ranked(cat.texts(items), words):
        if cat.click(name, {**items, 'exact': [text]}) and cat.until('parts', parts=True, quiet_ms=PARTS_QUIET_MS):
            cat.run.use(f'route:{name}:{text}')
            return True
    return False


def accordion_route(cat: Catalogue) -> bool:
    """Трансмиссия → nested gearbox accordions → a Level-3 item; True once a parts view is shown."""
    level1 = target(S.ACCORDION_SUMMARY, words=S.L1_INCLUDE, **{'not': S.L1_EXCLUDE})
    for l1 in cat.texts(level1):
        cat.run.use(f'accordion-l1:{l1}')
        acc1 = _accordion_of(_summary(l1))
        l2_all, l3_all = _sub_summaries(acc1), _items(acc1)
        if not cat.expand('accordion-l1', _summary(l1), [{**l2_all, 'shown': True}, {**l3_all, 'shown': True}]):
            continue
        level2 = target(S.ACCORDION_SUMMARY, within=acc1, nested=S.ACCORDION, words=S.L2_WORDS)
        for l2 in ranked(cat.texts(level2), S.L2_WORDS):
            acc2 = _accordion_of({**level2, 'exact': [l2]})
            items = _items(acc2)
            gearbox_items = {**items, 'words': S.L3_WORDS, 'shown': True}
            if not cat.expand('accordion-l2', {**level2, 'exact': [l2]}, [gearbox_items]):
                continue
            if _open_item(cat, 'accordion-l3', items, S.L3_WORDS):
                return True
        # A gearbox item right under Трансмиссия (no Level-2 accordion in between).
        if _open_item(cat, 'accordion-l3', l3_all, S.L3_WORDS):
            return True
    return False


def shortcut_route(cat: Catalogue) -> bool:
    """A content link reading exactly «коробка передач (в сборе)» (site-anatomy §4.3)."""
    links = target(S.ANY_CONTENT_LINK, exact=S.SHORTCUT_TEXTS)
    return _open_item(cat, 'shortcut', links, S.SHORTCUT_TEXTS)


def _cards() -> Spec:
    return target(S.CARD, words=S.CARD_WORDS, shown=True)


def _card_order(texts: list[str]) -> list[str]:
    with_assembly = [t for t in texts if any(w in t for w in S.CARD_ASSEMBLY_WORDS)]
    return with_assembly + [t for t in texts if t not in with_assembly]


def _open_card(cat: Catalogue, card_text: str) -> bool:
    card = target(S.CARD, exact=card_text)
    # The card's own control: its action area, link, or «Посмотреть схему» button, else the card itself.
    controls = [target(S.CARD_ACTION, within=card), target(S.LINK, within=card),
                target(S.BUTTON, within=card, words=S.VIEW_SCHEME_TEXT), card]
    before = set(cat.texts(_clickables()))
    for control in controls:
        if cat.click('card', control):
            break
    else:
        return False
    if cat.until('card-opened', parts=True, quiet_ms=PARTS_QUIET_MS):
        return True
    # Sometimes one more «deeper» link is needed: one matching a card keyword, else the first new one.
    fresh = [t for t in cat.texts(_clickables()) if t not in before and not any(w in t for w in S.BACK_WORDS)]
    deeper = ranked(fresh, S.CARD_WORDS) or fresh[:1]
    for text in deeper[:MAX_DEEPER]:
        if cat.click('deeper', {**_clickables(), 'exact': [text]}) and \
                cat.until('parts', parts=True, quiet_ms=PARTS_QUIET_MS):
            cat.run.flags['deeperClick'] = True
            return True
    return False


def _clickables() -> Spec:
    return target(S.CLICKABLE, notIn=S.TAB, shown=True,
                  maxLen=120)


def schemes_route(cat: Catalogue) -> bool:
    """СХЕМЫ УЗЛОВ tab → a gearbox section → the best card (→ one deeper link); True once parts are shown."""
    tab = target(S.TAB_LIKE, words=S.SCHEMES_TAB_WORDS, maxLen=30)
    tabs = cat.texts({**tab, 'shown': True})
    if not tabs:
        return False
    sections = target(f'{S.CONTENT_LINK}, {S.MENU_ITEM}', words=S.SECTION_WORDS, maxLen=80, notIn=S.CARD,
                      notMatch=f'{S.TAB}, {S.ACCORDION_SUMMARY}', shown=True)
    sections_any = {k: v for k, v in sections.items() if k != 'words'}
    selected = {**tab, 'exact': [tabs[0]], 'attr': {'aria-selected': 'true'}}
    if not cat.exists(selected):
        if not cat.click('schemes-tab', {**tab, 'exact': [tabs[0]]}):
            return False
        cat.until('schemes-tab-selected', [selected, _cards()])
    # A panel without gearbox sections is a dead end as soon as it has settled.
    cat.until('sections', [sections, _cards()])
    if cat.parts_shown():
        return True
    for section in [t for t in ranked(cat.texts(sections), S.SECTION_WORDS) if t not in tabs][:MAX_SECTIONS]:
        if not cat.click('section', {**sections_any, 'exact': [section]}):
            continue
        if not cat.until('cards', [_cards()], parts=True, quiet_ms=PARTS_QUIET_MS):
            continue
        if cat.parts_shown():
            cat.run.use(f'route:schemes:section-without-cards:{section}')
            return True
        for card in _card_order(cat.texts(_cards()))[:MAX_CARDS]:
            if _open_card(cat, card):
                cat.run.use(f'route:schemes:{section}:{card}')
                return True
    return False


class NavigationError(Exception):
    """Every route ended, and at least one ended through an error rather than a dead end: not a final answer."""


def navigate(page: Page, run: Run, baseline_links: int | None = None) -> bool:
    """Reach a gearbox parts view by any route; False is a real navigation dead end.

    `baseline_links`: the part links the page showed before any click (the vehicle snapshot's `link_count`); a
    parts view is one that shows more."""
    cat = Catalogue(page, run)
    cat.baseline_links = int(page.evaluate('window.__lk.linkCount()') if baseline_links is None else baseline_links)
    # The catalogue may render after the vehicle block (its own request): wait for it or for the page to settle.
    cat.until('catalogue', [target(S.CATALOGUE_AREA, shown=True)])
    errors: list[str] = []
    for route in (accordion_route, shortcut_route, schemes_route):
        try:
            if route(cat):
                return True
        except PlaywrightTimeout:
            raise
        except PlaywrightError as exc:
            logger.info('%s failed: %s', route.__name__, exc)
            run.flags[f'{route.__name__}Error'] = True
            errors.append(f'{route.__name__}: {str(exc).strip().splitlines()[0][:200]}')
    if errors:
        raise NavigationError('; '.join(errors))
    return False
