"""Real-Chromium proof of each rendering switch (lookup/sandbox/modes.py), one test per behaviour, real clicks only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lookup.sandbox import MODES, Sandbox

pytestmark = pytest.mark.browser

SUMMARY = '[class*="MuiAccordionSummary-root"]'
LEVEL3 = '[class*="selectorPaperContentLink"]'
PARTS = '[class*="searchDetailCell"]'
SPINNER = '[role="progressbar"]'
QASHQAI_VIN = 'SJNFAAJ10U2123456'
QASHQAI = f'/search-vehicle?vin={QASHQAI_VIN}'
LACETTI = '/search-vehicle?vin=KL1JF69E9BK012345'
GEARBOX_ITEM = re.compile(r'коробка\s+передач\s+в\s+сборе', re.I)
STAMP = "() => document.querySelectorAll('[class*=SearchPage_content] *').forEach(e => e.setAttribute('data-x', '1'))"
SURVIVORS = "() => document.querySelectorAll('[data-x]').length"
TEXTS = 'e => [e.textContent, e.innerText]'


def summary(page: Page, pattern: str):  # noqa: ANN201
    return page.locator(SUMMARY).filter(has_text=re.compile(pattern, re.I))


def watch(page: Page, selector: str) -> None:
    """Record (in window.__seen) whether `selector` ever matched: spinners may come and go between two polls."""
    page.evaluate("""sel => { window.__seen = false; new MutationObserver(() => {
        if (document.querySelector(sel)) window.__seen = true;
    }).observe(document.body, {childList: true, subtree: true}); }""", selector)


def open_gearbox_parts(page: Page) -> None:
    """The accordion route with real clicks and condition waits, as a scraper should walk it."""
    transmission = summary(page, '^трансмиссия')
    transmission.click()
    expect(transmission).to_have_attribute('aria-expanded', 'true')
    box = summary(page, 'механическая')
    box.click()
    expect(box).to_have_attribute('aria-expanded', 'true')
    page.locator(LEVEL3).filter(has_text=GEARBOX_ITEM).click()
    expect(page.locator(PARTS).first).to_be_visible()


# --- rebuild -----------------------------------------------------------------------------------------------------
def test_rebuild_recreates_every_node_on_each_state_change(open_page, sandbox_in) -> None:
    page = open_page(QASHQAI, base=sandbox_in('rebuild').url, wait=SUMMARY)
    transmission = summary(page, '^трансмиссия')
    steps = [
        (lambda: transmission.click(), lambda: expect(transmission).to_have_attribute('aria-expanded', 'true')),
        (lambda: summary(page, 'механическая').click(),
         lambda: expect(summary(page, 'механическая')).to_have_attribute('aria-expanded', 'true')),
        (lambda: page.locator(LEVEL3).filter(has_text=GEARBOX_ITEM).click(),
         lambda: expect(page.locator(PARTS).first).to_be_visible()),
        (lambda: page.get_by_role('button', name=re.compile('назад', re.I)).click(),
         lambda: expect(transmission).to_be_visible()),
        (lambda: page.get_by_role('tab', name=re.compile('схемы', re.I)).click(),
         lambda: expect(page.get_by_role('tab', name=re.compile('схемы', re.I))).to_have_attribute(
             'aria-selected', 'true')),
        (lambda: page.locator(LEVEL3).filter(has_text=re.compile('двигатель', re.I)).click(),
         lambda: expect(page.locator('[class*="Card-root"]').first).to_be_visible()),
    ]
    for act, settled in steps:
        page.evaluate(STAMP)
        act()
        settled()
        assert page.evaluate(SURVIVORS) == 0


def test_rebuild_when_a_lazy_load_finishes(open_page) -> None:
    # A slower sandbox of its own: the stamp must land between the spinner and the children (≥ 0.6 s apart here).
    with Sandbox(seed=1, render_delay_ms=1200, mode='rebuild,lazy') as sb:
        page = open_page(QASHQAI, base=sb.url, wait=SUMMARY)
        summary(page, '^трансмиссия').click()
        expect(page.locator(f'[class*="MuiAccordionDetails-root"] {SPINNER}')).to_be_visible()
        page.evaluate(STAMP)
        expect(summary(page, 'механическая')).to_have_count(1, timeout=10_000)
        assert page.evaluate(SURVIVORS) == 0


def test_rebuild_keeps_state_across_re_creation(open_page, sandbox_in) -> None:
    page = open_page(QASHQAI, base=sandbox_in('rebuild').url, wait=SUMMARY)
    summary(page, '^трансмиссия').click()
    summary(page, 'механическая').click()
    expect(summary(page, 'механическая')).to_have_attribute('aria-expanded', 'true')
    expect(summary(page, '^трансмиссия')).to_have_attribute('aria-expanded', 'true')


def test_keyed_default_patches_nodes_in_place(open_page) -> None:
    page = open_page(QASHQAI, wait=SUMMARY)
    transmission = summary(page, '^трансмиссия')
    transmission.evaluate("e => e.setAttribute('data-x', '1')")
    transmission.click()
    expect(page.locator('[data-x]')).to_have_attribute('aria-expanded', 'true')


# --- lazy --------------------------------------------------------------------------------------------------------
def test_lazy_accordion_children_load_behind_their_own_spinner(open_page, sandbox_in) -> None:
    sb = sandbox_in('lazy')
    sb.reset_log()
    page = open_page(QASHQAI, base=sb.url, wait=SUMMARY)
    assert page.locator(LEVEL3).count() == 0  # no Level-3 item is in the DOM before the first expand
    watch(page, f'[class*="MuiAccordionDetails-root"] {SPINNER}')
    summary(page, '^трансмиссия').click()
    expect(summary(page, 'механическая')).to_have_count(1)
    assert page.evaluate('window.__seen')
    expect(page.locator(f'[class*="MuiAccordionDetails-root"] {SPINNER}')).to_have_count(0)
    pieces = [e['query'] for e in sb.request_log() if e['path'] == '/api/catalog' and e['query']['vin'] == QASHQAI_VIN]
    assert pieces == [{'vin': QASHQAI_VIN, 'group': '1'}]
    summary(page, 'механическая').click()
    page.locator(LEVEL3).filter(has_text=GEARBOX_ITEM).click()
    expect(page.locator(PARTS).first).to_be_visible()


def test_lazy_scheme_cards_load_behind_a_spinner(open_page, sandbox_in) -> None:
    page = open_page(LACETTI, base=sandbox_in('lazy').url, wait='[role="tab"]')
    page.get_by_role('tab', name=re.compile('схемы', re.I)).click()
    watch(page, f'[class*="Schemes_schemesContent"] {SPINNER}')
    page.locator(LEVEL3).filter(has_text=re.compile('трансмиссия', re.I)).click()
    card = page.locator('[class*="Card-root"]').filter(has_text=re.compile('part 1 d16', re.I))
    expect(card).to_have_count(1)
    assert page.evaluate('window.__seen')
    card.get_by_role('button', name=re.compile('посмотреть', re.I)).click()
    expect(page.locator('a[href*="/search?query="]').first).to_have_attribute('href', '/search?query=96984001')


def test_lazy_dead_end_scenario_holds_no_gearbox_item(open_page) -> None:
    page = open_page('/search-vehicle?vin=JMBXLCY4A8U012345', wait=SUMMARY)  # lazy by scenario, even when keyed
    assert page.locator(LEVEL3).count() == 0
    summary(page, '^трансмиссия').click()
    expect(summary(page, 'сцепление')).to_have_count(1)
    level2 = page.locator(f'[class*="MuiAccordionDetails-root"] {SUMMARY}').all_text_contents()
    assert level2 and not [t for t in level2 if re.search('коробк|кпп|вариатор|transmission|gearbox', t, re.I)]
    assert not [t for t in page.locator(LEVEL3).all_text_contents() if 'коробка передач' in t.lower()]


# --- case --------------------------------------------------------------------------------------------------------
def test_case_keeps_mixed_case_in_the_dom_and_uppercases_in_css(open_page, sandbox_in) -> None:
    page = open_page(LACETTI, base=sandbox_in('case').url, wait=SUMMARY)
    assert page.get_by_role('tab', name=re.compile('схемы', re.I)).evaluate(TEXTS) == ['Схемы узлов', 'СХЕМЫ УЗЛОВ']
    assert summary(page, 'тормозная').locator('h6').evaluate(TEXTS) == ['Тормозная система', 'ТОРМОЗНАЯ СИСТЕМА']
    assert page.locator('th').nth(1).evaluate(TEXTS) == ['Дата выпуска', 'ДАТА ВЫПУСКА']
    assert page.locator('h6').first.evaluate(TEXTS) == ['CHEVROLET / LACETTI'] * 2  # data values untouched
    page.get_by_role('tab', name=re.compile('схемы', re.I)).click()
    section = page.locator(LEVEL3).filter(has_text=re.compile('трансмиссия', re.I))
    assert section.evaluate(TEXTS) == ['Трансмиссия', 'ТРАНСМИССИЯ']
    section.click()
    title = page.locator('[class*="schemeTitle"]').filter(has_text=re.compile('part 1', re.I))
    assert title.evaluate(TEXTS) == ['Part 1 D16 сборка коробки передач(MFH)', 'PART 1 D16 СБОРКА КОРОБКИ ПЕРЕДАЧ(MFH)']
    card = page.locator('[class*="Card-root"]').filter(has=title)
    button = card.get_by_role('button', name=re.compile('посмотреть', re.I))
    assert button.evaluate(TEXTS) == ['Посмотреть схему', 'ПОСМОТРЕТЬ СХЕМУ']
    button.click()
    expect(page.locator('a[href*="/search?query="]').first).to_have_attribute('href', '/search?query=96984001')


# --- labels ------------------------------------------------------------------------------------------------------
def test_labels_carry_nbsp_and_line_breaks(open_page, sandbox_in) -> None:
    page = open_page('/search-vehicle?vin=Z94K241CBMR123456', base=sandbox_in('labels').url, wait=SUMMARY)
    headers = page.locator('th').evaluate_all('els => els.map(e => [e.textContent, e.innerHTML])')
    assert ['Модель\u00a0КПП', 'Модель&nbsp;КПП'] in headers
    assert ['Заводской\u00a0номер\u00a0КПП', 'Заводской&nbsp;номер&nbsp;КПП'] in headers
    assert ['Датавыпуска', 'Дата<br>выпуска'] in headers
    summary(page, '^трансмиссия').click()
    box = summary(page, 'механическая').locator('h6')
    assert box.evaluate('e => e.children.length') == 2
    assert box.evaluate(TEXTS) == ['Механическаякоробка\u00a0передач', 'Механическая\nкоробка\u00a0передач']
    item = page.locator(LEVEL3).filter(has_text=GEARBOX_ITEM)
    assert item.evaluate('e => e.textContent') == 'Коробка передач в\u00a0сборе'
    assert page.get_by_role('tab', name=re.compile('схемы', re.I)).evaluate('e => e.textContent') == 'Схемы\u00a0узлов'


def test_labels_in_label_value_pairs(open_page, sandbox_in) -> None:
    page = open_page('/search-vehicle?vin=WDD2050421R123456', base=sandbox_in('labels').url, wait='dl')
    assert page.locator('dt').nth(1).evaluate('e => e.innerHTML') == 'Используемые<br>агрегаты'


# --- zero_height -------------------------------------------------------------------------------------------------
def test_zero_height_hides_collapsed_content_by_geometry_only(open_page, sandbox_in) -> None:
    page = open_page(QASHQAI, base=sandbox_in('zero_height').url, wait=SUMMARY)
    transmission = summary(page, '^трансмиссия')
    collapse = transmission.locator(
        'xpath=ancestor::div[contains(@class,"MuiAccordion-root")][1]/div[contains(@class,"MuiCollapse-root")]')
    style = 'e => [getComputedStyle(e).height, getComputedStyle(e).overflow, getComputedStyle(e).visibility]'
    assert collapse.evaluate(style) == ['0px', 'hidden', 'visible']
    item = page.locator(LEVEL3).filter(has_text=GEARBOX_ITEM)
    assert item.evaluate('e => [getComputedStyle(e).visibility, e.offsetParent !== null]') == ['visible', True]
    assert item.is_visible()  # Playwright's own check is fooled: only the clipping ancestor says it is hidden
    transmission.click()
    expect(transmission).to_have_attribute('aria-expanded', 'true')
    page.wait_for_function('e => e.getBoundingClientRect().height > 0', arg=collapse.element_handle())


# --- trusted -----------------------------------------------------------------------------------------------------
def test_trusted_controls_ignore_synthetic_clicks(open_page, sandbox_in) -> None:
    sb = sandbox_in('trusted')
    sb.reset_log()
    page = open_page(QASHQAI, base=sb.url, wait=SUMMARY)
    transmission = summary(page, '^трансмиссия')
    transmission.evaluate('e => e.click()')
    transmission.dispatch_event('click')
    assert transmission.get_attribute('aria-expanded') == 'false'  # handlers are synchronous: nothing happened
    transmission.click()
    expect(transmission).to_have_attribute('aria-expanded', 'true')
    summary(page, 'механическая').click()
    item = page.locator(LEVEL3).filter(has_text=GEARBOX_ITEM)
    item.evaluate('e => e.click()')
    item.evaluate("e => e.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))")
    assert page.locator(SPINNER).count() == 0
    assert not [e for e in sb.request_log() if e['path'] == '/api/parts' and e['query']['vin'] == QASHQAI_VIN]
    item.click()
    expect(page.locator(PARTS).first).to_be_visible()
    back = page.get_by_role('button', name=re.compile('назад', re.I))
    back.evaluate('e => e.click()')
    assert page.locator(PARTS).count() > 0
    back.click()
    expect(transmission).to_be_visible()
    tab = page.get_by_role('tab', name=re.compile('схемы', re.I))
    tab.evaluate('e => e.click()')
    assert tab.get_attribute('aria-selected') == 'false'
    tab.click()
    expect(tab).to_have_attribute('aria-selected', 'true')


# --- pushstate ---------------------------------------------------------------------------------------------------
def test_pushstate_changes_the_url_and_back_returns(open_page, sandbox_in) -> None:
    page = open_page(QASHQAI, base=sandbox_in('pushstate').url, wait=SUMMARY)
    start = page.url
    open_gearbox_parts(page)
    assert page.url == start + '&part=gearbox'
    page.go_back()
    expect(summary(page, '^трансмиссия')).to_be_visible()
    assert page.url == start and page.locator(PARTS).count() == 0
    page.go_forward()
    expect(page.locator(PARTS).first).to_be_visible()
    page.get_by_role('button', name=re.compile('назад', re.I)).click()
    expect(summary(page, '^трансмиссия')).to_be_visible()
    assert page.url == start
    page.goto(start + '&part=gearbox', wait_until='domcontentloaded')  # a pushed URL opens its parts view again
    expect(page.locator(PARTS).first).to_be_visible()


def test_parts_view_keeps_the_url_by_default(open_page) -> None:
    page = open_page(QASHQAI, wait=SUMMARY)
    start = page.url
    open_gearbox_parts(page)
    assert page.url == start


# --- presets -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('mode', list(MODES))
def test_every_preset_walks_to_the_parts_without_a_not_found_phrase(open_page, sandbox_in, mode: str,
                                                                     assert_no_not_found_phrase) -> None:
    page = open_page(QASHQAI, base=sandbox_in(mode).url, wait=SUMMARY)
    assert_no_not_found_phrase(page.content(), f'{mode}: vehicle page')
    open_gearbox_parts(page)
    assert_no_not_found_phrase(page.content(), f'{mode}: parts view')
    hrefs = page.locator('a[href*="/search?query="]').evaluate_all('els => els.map(a => a.getAttribute("href"))')
    assert hrefs == ['/search?query=320101KA0A', '/search?query=32010JD00A']
    page.get_by_role('tab', name=re.compile('схемы', re.I)).click()
    page.locator(LEVEL3).filter(has_text=re.compile('двигатель', re.I)).click()
    expect(page.locator('[class*="Card-root"]').first).to_be_visible()
    assert_no_not_found_phrase(page.content(), f'{mode}: schemes')
