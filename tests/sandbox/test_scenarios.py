"""The scenario catalogue: coverage of site-anatomy §11, realistic identifiers, consistent expect blocks."""

from __future__ import annotations

import pytest

from lookup.engine.identifiers import IdType, parse
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.sites.podzamenu.selectors import FORD_WMIS, VW_WMIS
from lookup.sandbox.scenarios import Scenario, get_scenario, load_scenarios, scenario_key

SCENARIOS = load_scenarios()
VARIANTS = {str(n) for n in range(1, 25) if n != 22} | {'22a', '22b', '22c', '22d'}
GEARBOX_KEYS = {'model', 'factory_code', 'oem', 'oem_status', 'needs_manual_kpp_code'}
# Realistic WMIs per make (first three VIN characters), so make-based logic meets plausible input.
WMIS = {
    'NISSAN': ('SJN', 'Z8N', 'JN1', 'JNK'), 'HONDA': ('JHM', 'SHS'), 'BMW': ('WBA',), 'VOLVO': ('YV1',),
    'TOYOTA': ('JTM', '4T1', 'XW7', 'NMT'), 'MITSUBISHI': ('JMB',), 'CHEVROLET': ('XUF', 'KL1'), 'OPEL': ('W0L',),
    'CADILLAC': ('1G6',), 'HYUNDAI': ('Z94', 'TMA'), 'KIA': ('U5Y', 'Z94'), 'SSANGYONG': ('KPT',),
    'MAZDA': ('JMZ',), 'VOLKSWAGEN': ('WVW', '3VW', '9BW'), 'AUDI': ('WAU',), 'SKODA': ('TMB',),
    'FORD': ('1FM', 'WF0', 'X9F'), 'LAND ROVER': ('SAL',), 'MERCEDES-BENZ': ('WDD',), 'JEEP': ('1J4',),
    'RENAULT': ('VF1',),
}


def ids(scenarios: list[Scenario]) -> list[str]:
    return [f'{s.variant}-{s.id}' for s in scenarios]


def title_make(s: Scenario) -> str | None:
    titles = s.page.get('titles') or []
    return titles[0].split(' / ')[0] if titles and ' / ' in titles[0] else None


def test_at_least_thirty_scenarios_cover_every_variant() -> None:
    assert len(SCENARIOS) >= 30
    assert {s.variant for s in SCENARIOS} >= VARIANTS


@pytest.mark.parametrize('s', SCENARIOS, ids=ids(SCENARIOS))
def test_identifier_is_valid(s: Scenario) -> None:
    ident = parse(s.id, s.id_type)
    assert ident.kind == IdType(s.id_type)
    assert ident.hints == ()  # North-American VINs carry a correct check digit
    assert get_scenario(ident.value) == s


@pytest.mark.parametrize('s', SCENARIOS, ids=ids(SCENARIOS))
def test_expect_block_follows_the_contract(s: Scenario) -> None:
    outcome = Outcome(s.expect['outcome'])
    gearbox = s.expect.get('gearbox', {})
    assert set(gearbox) <= GEARBOX_KEYS
    if 'oem_status' in gearbox:
        OemStatus(gearbox['oem_status'])
    if outcome in (Outcome.FOUND, Outcome.NOT_FOUND, Outcome.NOT_AVAILABLE, Outcome.MODEL_ONLY):
        assert 'oem' in gearbox
    if outcome is Outcome.FOUND:
        assert gearbox['oem'] in offered_oems(s)
    if s.expect.get('source') == 'profrf':
        assert s.profrf and s.kind == 'unknown'


def offered_oems(s: Scenario) -> set[str]:
    oems = {str(r['oem']) for view in (s.page.get('parts') or {}).values() for r in view.get('rows', [])}
    if s.profrf:
        oems |= {str(r[0]) for r in s.profrf.get('rows', [])}
        oems |= {str(r[0]) for rows in (s.profrf.get('blocks') or {}).values() for r in rows}
        heading = s.profrf.get('heading', '')
        oems |= {heading.split()[-1]} if heading else set()
    return oems


VINS = [s for s in SCENARIOS if s.id_type == 'VIN']


@pytest.mark.parametrize('s', VINS, ids=ids(VINS))
def test_wmi_is_realistic_and_shortcuts_match_the_lists(s: Scenario) -> None:
    wmi = scenario_key(s.id)[:3]
    make = title_make(s)
    if make:
        assert wmi in WMIS[make]
    if s.variant.startswith(('21', '22')):
        assert wmi.startswith('L')
    if s.expect['outcome'] == 'MODEL_ONLY':
        assert wmi in VW_WMIS | FORD_WMIS


def test_table_cells_are_text() -> None:
    """Unquoted YAML dates like 03.2012 would turn into floats and render as 3.2012."""
    for s in SCENARIOS:
        for table in s.page.get('tables', []):
            for row in table['rows']:
                assert all(isinstance(c, (str, dict)) for c in row), s.id
        for view in (s.page.get('parts') or {}).values():
            for row in view['rows']:
                assert all(isinstance(c, str) for c in row.get('cells', [])), s.id
        for pairs in s.page.get('pairs', []):
            assert all(isinstance(x, str) for item in pairs['items'] for x in item), s.id


def test_lookup_ignores_case_spaces_and_hyphens() -> None:
    assert get_scenario('nt31012345') is get_scenario('NT31-012345') is not None
    assert get_scenario(' Z94CB41ABER012345 ') is not None
    assert get_scenario('WVWZZZ1KZ8W000000') is None


def test_special_shapes_are_scenarios_with_the_right_outcomes() -> None:
    by_kind = {s.kind: s for s in SCENARIOS}
    assert by_kind['error500'].expect['outcome'] == 'SITE_ERROR'
    assert by_kind['captcha'].expect['outcome'] == 'BLOCKED'
    assert by_kind['hang'].expect['outcome'] == 'TIMEOUT'
    slow = [s for s in SCENARIOS if s.slow]
    assert slow and all(s.expect['outcome'] == 'FOUND' for s in slow)
