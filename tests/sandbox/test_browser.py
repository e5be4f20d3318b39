"""Real-Chromium checks: client-side rendering, MUI-like accordions, trusted-only controls, busy network."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lookup.sandbox import Sandbox

pytestmark = pytest.mark.browser

SUMMARY = '[class*="MuiAccordionSummary-root"]'
LEVEL3 = '[class*="selectorPaperContentLink"]'
QASHQAI = '/search-vehicle?vin=SJNFAAJ10U2123456'


def test_accordion_route_renders_after_load_and_opens_the_parts_view(open_page) -> None:
    count_at_dcl = ("document.addEventListener('DOMContentLoaded',"
                    " () => { window.h6AtDcl = document.querySelectorAll('h6').length; })")
    page = open_page(QASHQAI, wait='h6', init_script=count_at_dcl)
    assert page.evaluate('window.h6AtDcl') == 0  # the data is drawn only after DOMContentLoaded
    transmission = page.locator(SUMMARY, has_text='Трансмиссия')
    assert transmission.get_attribute('aria-expanded') == 'false'
    collapse = transmission.locator(
        'xpath=ancestor::div[contains(@class,"MuiAccordion-root")][1]/div[contains(@class,"MuiCollapse-root")]')
    assert collapse.evaluate('e => [e.style.height, getComputedStyle(e).visibility]') == ['0px', 'hidden']
    # Collapsed Level-3 items are not display:none: offsetParent is set although they are invisible.
    assert page.locator(LEVEL3).first.evaluate('e => e.offsetParent !== null')
    transmission.click()
    assert transmission.get_attribute('aria-expanded') == 'true'
    page.locator(SUMMARY, has_text='Механическая коробка передач').click()
    page.locator(LEVEL3, has_text='Коробка передач в сборе').click()
    page.wait_for_selector('[class*="searchDetailCell"]')
    hrefs = [a.get_attribute('href') for a in page.locator('a[href*="/search?query="]').all()]
    assert hrefs == ['/search?query=320101KA0A', '/search?query=32010JD00A']
    cells = page.locator('[class*="vehicleCell"]').all_inner_texts()
    assert cells == ['J10E', 'Europe', '03.2010', 'J10E', 'Europe', '11.2006']
    assert page.locator('h6', has_text='NISSAN / QASHQAI').evaluate(
        'e => !e.closest("[class*=Accordion]")')


def test_scheme_cards_ignore_synthetic_clicks(open_page, sandbox: Sandbox) -> None:
    page = open_page('/search-vehicle?vin=U5YPC81ABGL012345', wait='[role="tab"]')
    page.locator('[role="tab"]', has_text='Схемы узлов').click()
    page.locator(LEVEL3, has_text='Трансмиссия').click()
    card = page.locator('[class*="Card-root"]', has_text='ВЕДУЩИЙ МОСТ ТРАНСМИССИИ')
    action = card.locator('[class*="MuiCardActionArea-root"]')
    action.evaluate('e => e.click()')
    action.dispatch_event('click')
    page.wait_for_timeout(300)
    assert page.locator('[class*="searchDetailCell"]').count() == 0
    assert not [e for e in sandbox.request_log() if e['path'] == '/api/parts'
                and e['query']['vin'] == 'U5YPC81ABGL012345']
    action.click()
    page.wait_for_selector('[class*="searchDetailCell"]')
    assert page.locator('a[href*="/search?query="]').first.get_attribute('href') == '/search?query=4500026710'


def test_trusted_only_tabs_in_variant_24(open_page) -> None:
    page = open_page('/search-vehicle?vin=Z94G2811BKR012345', wait='[role="tab"]')
    tab = page.locator('[role="tab"]', has_text='Схемы узлов')
    tab.evaluate('e => e.click()')
    assert tab.get_attribute('aria-selected') == 'false'
    tab.click()
    assert tab.get_attribute('aria-selected') == 'true'


def test_network_never_goes_idle(open_page) -> None:
    page = open_page(QASHQAI, wait='h6')
    with pytest.raises(PlaywrightTimeout):
        page.wait_for_load_state('networkidle', timeout=2500)


def test_unknown_vin_page_has_no_vehicle_data_and_no_not_found_phrase(open_page, assert_no_not_found_phrase) -> None:
    page = open_page('/search-vehicle?vin=WVWZZZ1KZ8W000000', wait='[class*="emptyState"]')
    assert page.locator('h6').count() == 0 and page.locator('table').count() == 0
    assert page.locator('[role="progressbar"]').count() == 0
    assert_no_not_found_phrase(page.content(), 'unknown-VIN DOM')


def test_gm_cell_text_ends_with_a_block_podrobnee(open_page) -> None:
    page = open_page('/search-vehicle?vin=W0LGT6EM1B1012345', wait='table')
    cell = page.locator('td', has_text='(MYB)')
    assert cell.inner_text() == '(MYB) КОРОБКА ПЕРЕДАЧ АВТОМАТИЧЕСКАЯ 6-СТУПЕНЧАТАЯ\nПодробнее'


def test_hashed_class_names_change_with_the_seed(open_page, chromium) -> None:
    selector = '[class*="MuiAccordion-root"]'
    first = open_page(QASHQAI, wait=selector).locator(selector).first.get_attribute('class')
    with Sandbox(seed=99, render_delay_ms=100) as other:
        second = open_page(QASHQAI, base=other.url, wait=selector).locator(selector).first.get_attribute('class')
    assert 'MuiAccordion-root' in first and 'MuiAccordion-root' in second
    assert first != second


def test_hanging_page_keeps_its_spinner(open_page) -> None:
    page = open_page('/search-vehicle?vin=KNAKU811DD5012345', wait='[role="progressbar"]')
    page.wait_for_timeout(800)
    assert page.locator('[role="progressbar"]').count() == 1 and page.locator('h6').count() == 0


def test_fallback_site_heading_shape(open_page, sandbox: Sandbox) -> None:
    page = open_page('/search?query=LSYNTH00000ZZ9999&type=vin', base=sandbox.profrf_url, wait='h2')
    assert page.locator('h2').inner_text() == 'Коробка передач 3043001700'
    assert 'Марка: CHERY' in page.locator('main').inner_text()


@pytest.mark.parametrize(('vin', 'label', 'value'), [
    ('WDD2050421R123456', 'Используемые агрегаты', 'GA - автоматическая КП: 722964 04 060017 (722.964 W7 X 700...)'),
    ('VF1KZ1A0H44123456', 'Тип коробки передач', 'JR5123'),
    ('VF1LZBR0H44123456', 'Коробка передач', 'DP0123'),
    ('VF14SRAP451234567', 'КП', 'JR5456'),
])
def test_gearbox_codes_as_label_value_pairs_outside_the_tables(open_page, vin: str, label: str, value: str) -> None:
    page = open_page(f'/search-vehicle?vin={vin}', wait='[class*="VehicleInfo_spec"]')
    block = page.locator('[class*="VehicleInfo_vehicleInfo"]')
    pair = block.locator('[class*="VehicleInfo_spec"]').filter(has_text=value)
    assert pair.last.evaluate('e => e.closest("table")') is None
    text = block.inner_text()
    assert value in text and label in text
    if vin == 'VF1KZ1A0H44123456':
        assert f'{label}: {value}' in text
    if vin == 'WDD2050421R123456':
        assert page.locator('dt', has_text=label).evaluate('e => e.nextElementSibling.tagName') == 'DD'


def test_empty_frame_page_shows_the_catalogue_unlike_an_unknown_frame(open_page, assert_no_not_found_phrase) -> None:
    empty = open_page('/search-vehicle?vin=JZX100-0054321', wait='[role="tab"]')
    assert empty.locator('[role="tab"]').count() == 2 and empty.locator(SUMMARY).count() >= 3
    assert empty.locator('h6').evaluate_all('els => els.filter(e => !e.closest("[class*=Accordion]")).length') == 0
    unknown = open_page('/search-vehicle?vin=ZZE150-9999999', wait='[class*="emptyState"]')
    assert unknown.locator('[role="tab"]').count() == 0 and unknown.locator('h6').count() == 0
    assert_no_not_found_phrase(unknown.content(), 'unknown-FRAME DOM')
