"""HTTP-level behaviour of the sandbox: shells, data API, failure shapes, request log, concurrency."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from lookup.sandbox import Sandbox
from lookup.sandbox.scenarios import Scenario, load_scenarios

SCENARIOS = load_scenarios()
SUCCESS = [s for s in SCENARIOS if s.kind == 'vehicle']
QASHQAI = 'SJNFAAJ10U2123456'


def test_vehicle_page_is_an_app_shell_without_data(client: httpx.Client) -> None:
    r = client.get('/search-vehicle', params={'vin': QASHQAI})
    assert r.status_code == 200
    assert '<div id="root"></div>' in r.text
    assert 'QASHQAI' not in r.text and 'searchDetailCell' not in r.text


def test_data_api_serves_the_vehicle(client: httpx.Client) -> None:
    page = client.get('/api/vehicle', params={'vin': QASHQAI}).json()
    assert page['kind'] == 'vehicle'
    assert page['titles'][0] == 'NISSAN / QASHQAI'
    assert page['tables'][0]['columns'][3] == 'КПП'
    titles = [g['title'] for g in page['catalog']['groups']]
    assert titles == ['Двигатель', 'Трансмиссия', 'Тормозная система', 'Подвеска', 'Кузов']
    parts = client.get('/api/parts', params={'vin': QASHQAI, 'key': 'gearbox'}).json()
    assert parts['rows'][0]['oem'] == '320101KA0A'


def test_unknown_identifier_gets_the_empty_app(client: httpx.Client) -> None:
    r = client.get('/search-vehicle', params={'vin': 'WVWZZZ1KZ8W000000'})
    assert r.status_code == 200
    assert client.get('/api/vehicle', params={'vin': 'WVWZZZ1KZ8W000000'}).json() == {
        'kind': 'unknown', 'query': 'WVWZZZ1KZ8W000000'}


def test_lookup_is_case_and_hyphen_insensitive(client: httpx.Client) -> None:
    assert client.get('/api/vehicle', params={'vin': 'nt31012345'}).json()['kind'] == 'vehicle'
    assert client.get('/api/vehicle', params={'vin': 'Z94CB41ABER012345'}).json()['titles'][0] == 'KIA / RIO'


@pytest.mark.parametrize('s', SUCCESS, ids=[s.id for s in SUCCESS])
def test_success_pages_carry_no_not_found_phrase(client: httpx.Client, s: Scenario, assert_no_not_found_phrase) -> None:
    assert_no_not_found_phrase(client.get('/search-vehicle', params={'vin': s.id}).text, 'shell')
    page = client.get('/api/vehicle', params={'vin': s.id}).json()
    assert_no_not_found_phrase(json.dumps(page, ensure_ascii=False), 'vehicle JSON')
    for key in s.page.get('parts', {}):
        view = client.get('/api/parts', params={'vin': s.id, 'key': key}).json()
        assert_no_not_found_phrase(json.dumps(view, ensure_ascii=False), f'parts {key}')


def test_static_bundle_carries_no_not_found_phrase(client: httpx.Client, assert_no_not_found_phrase) -> None:
    for path in ('/static/kit.js', '/static/parts.js', '/static/catalog.js', '/static/app.js', '/static/app.css',
                 '/profrf/static/profrf.js'):
        assert_no_not_found_phrase(client.get(path).text, path)


def test_explicit_not_found_text(client: httpx.Client) -> None:
    assert client.get('/api/vehicle', params={'vin': 'XWEPH81ABK0012345'}).json()['message'] == 'Ничего не найдено'


def test_failure_shapes(client: httpx.Client) -> None:
    assert client.get('/search-vehicle', params={'vin': 'KMHDN41AP8U012345'}).status_code == 500
    captcha = client.get('/search-vehicle', params={'vin': 'VF7SA5FS0BW012345'})
    assert captcha.status_code == 403 and 'smart-captcha' in captcha.text
    assert client.get('/api/vehicle', params={'vin': 'KNAKU811DD5012345'}).json()['kind'] == 'hang'
    assert client.get('/api/vehicle', params={'vin': 'NMTBZ3JE00R012345'}).json()['renderDelayMs'] == 4000


def test_unknown_parts_view_is_404(client: httpx.Client) -> None:
    assert client.get('/api/parts', params={'vin': QASHQAI, 'key': 'nope'}).status_code == 404


@pytest.mark.parametrize(('vin', 'shape'), [('LSYNTH00000ZZ9999', 'heading'), ('LVVDB11B0DD012345', 'missing'),
                                             ('LGXC16DF0E0012345', 'blocks'), ('LB37624S0KX012345', 'empty'),
                                             ('WVWZZZ1KZ8W000000', 'missing')])
def test_fallback_site_shapes(client: httpx.Client, vin: str, shape: str) -> None:
    assert client.get('/profrf/search', params={'query': vin, 'type': 'vin'}).status_code == 200
    data = client.get('/profrf/api/search', params={'query': vin, 'type': 'vin'}).json()
    assert data['shape'] == shape
    assert ('отсутствует в базе данных' in data.get('message', '')) == (shape == 'missing')


def test_request_log_records_site_visits_only(client: httpx.Client, sandbox: Sandbox) -> None:
    client.get('/search-vehicle', params={'vin': QASHQAI})
    client.get('/api/vehicle', params={'vin': QASHQAI})
    client.post('/api/collect')
    client.get('/profrf/search', params={'query': 'LSYNTH00000ZZ9999', 'type': 'vin'})
    log = sandbox.request_log()
    assert [(e['path'], e['query']) for e in log] == [
        ('/search-vehicle', {'vin': QASHQAI}), ('/api/vehicle', {'vin': QASHQAI}),
        ('/profrf/search', {'query': 'LSYNTH00000ZZ9999', 'type': 'vin'})]
    assert all(isinstance(e['time'], float) for e in log)
    assert client.get('/__sandbox/requests').json() == log
    assert client.post('/__sandbox/reset').json() == {'ok': True}
    assert sandbox.request_log() == []


def test_home_part_search_and_menu_links_do_not_404(client: httpx.Client) -> None:
    for path in ('/', '/search?query=320101KA0A', '/catalog/kpp', '/cart', '/profrf/', '/static/scheme.svg'):
        assert client.get(path).status_code == 200, path


def test_seed_changes_the_build(sandbox: Sandbox) -> None:
    with Sandbox(seed=2, render_delay_ms=150) as other:
        mine = httpx.get(sandbox.url + '/').text
        theirs = httpx.get(other.url + '/').text
    assert other.port not in (0, sandbox.port)
    assert json.loads(mine.split('__APP_CONFIG__ = ')[1].split(';')[0])['build'] != \
        json.loads(theirs.split('__APP_CONFIG__ = ')[1].split(';')[0])['build']


def test_starts_fast_and_serves_concurrently() -> None:
    started = time.monotonic()
    with Sandbox(render_delay_ms=0) as sb:
        assert time.monotonic() - started < 1.0
        with ThreadPoolExecutor(max_workers=10) as pool:
            t0 = time.monotonic()
            # The beacon holds each request 250 ms: ten of them in parallel must not queue up.
            codes = list(pool.map(lambda _: httpx.post(sb.url + '/api/collect').status_code, range(10)))
            assert codes == [204] * 10 and time.monotonic() - t0 < 1.5
            assert len(list(pool.map(lambda _: httpx.get(sb.url + '/api/vehicle?vin=' + QASHQAI), range(20)))) == 20
        assert len(sb.request_log()) == 20


def test_cli_prints_its_url_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen([sys.executable, '-m', 'lookup.sandbox', '--port', '0', '--seed', '7', '--mode', 'harsh'],
                            stdout=subprocess.PIPE, text=True)
    try:
        banner = proc.stdout.readline()
        url = banner.split()[1]
        assert 'mode: harsh' in banner
        shell = httpx.get(url + '/search-vehicle', params={'vin': QASHQAI})
        assert shell.status_code == 200 and '"switches": ["case", "labels", "lazy"' in shell.text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
