"""Push across processes (worker → Redis pub/sub → web → browser), readiness and metrics."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import sync_playwright

from tests.production import livepages
from tests.production.helpers import final, first_conversation, found_scenarios, new_conversation, submit
from tests.stack import METRICS_TOKEN, Stack, wait_until

pytestmark = [pytest.mark.production, pytest.mark.browser]


def test_worker_change_reaches_an_open_page_in_the_web_process(prod: Stack) -> None:
    sc = found_scenarios()[6]
    conv = new_conversation(prod.api, 'push-chat')
    with sync_playwright() as pw:
        browser = livepages.launch(pw)
        try:
            page = livepages.open_conversation(livepages.logged_in_context(browser, prod.url), prod.url, conv)
            latencies = []
            for _ in range(3):
                livepages.arm(page, livepages.card_count(page) + 1)
                case_id = submit(prod.api, conv, sc.id, force_refresh=True).json()['id']
                shown = livepages.done_at_ms(page)
                done = final(prod.api, case_id)
                assert done['status'] == 'completed'
                latencies.append(shown - livepages.epoch_ms(done['finished_at']))
        finally:
            browser.close()
    print(f'push latency worker→browser: {", ".join(f"{ms:.0f} ms" for ms in latencies)}')
    # Pages only poll when the channel is down (every 3 s); a push is well under that even on a loaded machine.
    assert all(0 <= ms < 1500 for ms in latencies), latencies


def test_ready_reports_each_dependency_and_503_without_a_worker(prod: Stack) -> None:
    r = prod.api.get('/api/ready')
    assert r.status_code == 200, r.text
    checks = r.json()['checks']
    assert checks['database'] == 'ok'
    assert checks['queue']['status'] == 'ok' and checks['queue']['depth'] >= 0
    assert checks['worker']['status'] == 'ok' and checks['worker']['workers'] == 1
    assert 0 <= checks['worker']['heartbeat_age_s'] < 10
    assert 'current_case' not in checks['worker']  # no tenant data without credentials
    assert checks['browser'] in ('ok', 'remote', 'bundled?')

    prod.stop('worker', timeout=30)  # idle: a graceful stop is quick
    r = prod.api.get('/api/ready')
    assert r.status_code == 503 and r.json()['checks']['worker']['status'] == 'gone', r.text
    prod.start_worker()
    wait_until(lambda: prod.api.get('/api/ready').status_code == 200, 30, 'readiness with a new worker')


def test_metrics_expose_outcomes_durations_cache_hits_and_queue_depth(prod: Stack) -> None:
    sc = found_scenarios()[7]
    conv = first_conversation(prod.api)
    assert final(prod.api, submit(prod.api, conv, sc.id, force_refresh=True).json()['id'])['status'] == 'completed'
    assert submit(prod.api, conv, sc.id).json()['from_cache'] is True
    assert prod.api.get('/metrics').status_code == 401  # a user's API token is not the metrics token
    text = httpx.get(f'{prod.url}/metrics', headers={'Authorization': f'Bearer {METRICS_TOKEN}'}, timeout=30).text

    def value(pattern: str) -> float:
        m = re.search(rf'^{pattern} (\S+)$', text, re.M)
        assert m, f'{pattern} missing from /metrics:\n{text}'
        return float(m.group(1))

    assert value(r'podzamenu_lookups_total\{outcome="FOUND",status="completed"\}') >= 2
    assert value('podzamenu_cache_hits_total') >= 1
    assert value(r'podzamenu_lookup_duration_seconds\{quantile="0.95"\}') > 0
    assert value('podzamenu_queue_depth') >= 0
    assert value('podzamenu_workers_alive') == 1
