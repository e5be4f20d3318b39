"""Rendering modes without a browser: names, validation, the client config, the lazy data API."""

from __future__ import annotations

import json

import httpx
import pytest

from lookup.sandbox import MODES, SWITCHES, Sandbox, pages, parse_mode
from lookup.sandbox.__main__ import main as cli_main
from lookup.sandbox.app import create_app
from lookup.sandbox.scenarios import Scenario, load_scenarios

SUCCESS = [s for s in load_scenarios() if s.kind == 'vehicle']
QASHQAI = 'SJNFAAJ10U2123456'


def app_config(html: str) -> dict:
    return json.loads(html.split('__APP_CONFIG__ = ')[1].split(';</script>')[0])


def test_presets_and_switches() -> None:
    assert {'rebuild', 'lazy', 'case', 'labels', 'zero_height', 'trusted', 'pushstate'} == SWITCHES
    assert {'keyed': frozenset(), 'rebuild': {'rebuild'}, 'harsh': SWITCHES} == MODES
    assert parse_mode('keyed') == frozenset()
    assert parse_mode(' lazy , trusted ') == {'lazy', 'trusted'}
    assert parse_mode('rebuild,case') == {'rebuild', 'case'}
    sb = Sandbox()  # the constructor's default stays the well-behaved replica
    try:
        assert (sb.mode, sb.switches) == ('keyed', frozenset())
    finally:
        sb.stop()


@pytest.mark.parametrize('bad', ['nope', 'lazy,nope', 'Harsh'])
def test_unknown_names_raise(bad: str) -> None:
    with pytest.raises(ValueError, match='unknown sandbox mode'):
        parse_mode(bad)
    with pytest.raises(ValueError):
        Sandbox(mode=bad)
    with pytest.raises(ValueError):
        create_app(mode=bad)


def test_cli_rejects_an_unknown_mode(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli_main(['--port', '0', '--mode', 'nope'])
    assert exc.value.code == 2 and 'unknown sandbox mode' in capsys.readouterr().err


@pytest.mark.parametrize(('mode', 'switches'), [('keyed', []), ('harsh', sorted(SWITCHES)),
                                                 ('lazy,trusted', ['lazy', 'trusted'])])
def test_client_gets_the_switches(sandbox_in, mode: str, switches: list[str]) -> None:
    sb = sandbox_in(mode)
    assert sb.switches == set(switches)
    with httpx.Client(base_url=sb.url) as c:
        html = c.get('/search-vehicle', params={'vin': QASHQAI}).text
    assert app_config(html)['switches'] == switches
    assert 'QASHQAI' not in html  # still an empty app shell


def test_lazy_vehicle_data_has_no_children_until_asked(sandbox_in) -> None:
    with httpx.Client(base_url=sandbox_in('lazy').url) as c:
        page = c.get('/api/vehicle', params={'vin': QASHQAI}).json()
        groups = page['catalog']['groups']
        assert [g['title'] for g in groups] == ['Двигатель', 'Трансмиссия', 'Тормозная система', 'Подвеска', 'Кузов']
        assert all(set(g) == {'title', 'lazy'} for g in groups)
        assert all('cards' not in sec for sec in page['catalog']['sections'])
        piece = c.get('/api/catalog', params={'vin': QASHQAI, 'group': 1}).json()
        assert [ch['title'] for ch in piece['children']][0] == 'Механическая коробка передач'
        assert piece['children'][0]['items'][0] == {'label': 'Коробка передач в сборе', 'key': 'gearbox'}
        cards = c.get('/api/catalog', params={'vin': QASHQAI, 'section': 0}).json()['cards']
        assert cards and all('target' in card for card in cards)
        for bad in ({'group': 99}, {'section': -1}, {'group': 'x'}, {}):
            assert c.get('/api/catalog', params={'vin': QASHQAI, **bad}).status_code == 404
        assert c.get('/api/catalog', params={'vin': 'WVWZZZ1KZ8W000000', 'group': 0}).status_code == 404


def test_keyed_vehicle_data_is_complete_except_for_lazy_scenarios(client: httpx.Client) -> None:
    groups = client.get('/api/vehicle', params={'vin': QASHQAI}).json()['catalog']['groups']
    assert all('children' in g and 'items' in g for g in groups)
    dead_end = client.get('/api/vehicle', params={'vin': 'JMBXLCY4A8U012345'}).json()['catalog']['groups']
    assert all(g.get('lazy') for g in dead_end)
    transmission = client.get('/api/catalog', params={'vin': 'JMBXLCY4A8U012345', 'group': 1}).json()
    labels = [c['title'] for c in transmission['children']] + [
        it['label'] for c in transmission['children'] for it in c['items']]
    assert labels and not [t for t in labels if 'коробк' in t.lower() or 'кпп' in t.lower()]


@pytest.mark.parametrize('s', SUCCESS, ids=[s.id for s in SUCCESS])
def test_lazy_pieces_carry_no_not_found_phrase(s: Scenario, assert_no_not_found_phrase) -> None:
    """§3.1 over the JSON the harsh mode serves (the HTTP layer only wraps these functions)."""
    page = pages.vehicle_page(s, s.id, switches=SWITCHES)
    assert_no_not_found_phrase(json.dumps(page, ensure_ascii=False), 'lazy vehicle JSON')
    for i in range(len(page['catalog']['groups'])):
        assert_no_not_found_phrase(json.dumps(pages.catalog_part(s, group=i), ensure_ascii=False), f'group {i}')
    for i in range(len(page['catalog']['sections'])):
        assert_no_not_found_phrase(json.dumps(pages.catalog_part(s, section=i), ensure_ascii=False), f'section {i}')


def test_vehicle_pairs_reach_the_client(client: httpx.Client) -> None:
    page = client.get('/api/vehicle', params={'vin': 'VF1KZ1A0H44123456'}).json()
    assert page['pairs'] == [{'layout': 'lines',
                              'items': [['Комплектация', 'Expression'], ['Тип коробки передач', 'JR5123']]}]
    assert client.get('/api/vehicle', params={'vin': QASHQAI}).json()['pairs'] == []
