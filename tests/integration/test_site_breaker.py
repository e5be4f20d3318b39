"""Issue 10 #10 and #12 end to end, on both backends (web + real Huey consumer + engine in real Chromium): a site
that stops answering is paused after a few timeouts, waiting cases say until when, `/api/ready` shows it, and one
probe re-opens it once the site answers; the failure's screenshot is served by any web process."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from urllib.parse import urlparse

import pytest

from lookup.sandbox.scenarios import load_scenarios
from tests.backends import fresh_postgres, fresh_redis
from tests.integration.hangproxy import HangProxy
from tests.stack import Stack, free_port, start_stack, wait_until

pytestmark = pytest.mark.browser
ENV = dict(LOOKUP_DEADLINE_S='12', LOOKUP_RETRIES='0', SITE_BREAKER_FAILURES='2', SITE_BREAKER_COOLDOWN_S='8')


@pytest.fixture(scope='module', params=['embedded', 'production'])
def site(request, sandbox):  # noqa: ANN001, ANN201
    up = urlparse(sandbox.url)
    proxy = HangProxy((up.hostname, up.port))
    if request.param == 'production':
        st = start_stack(sandbox_url=proxy.url, database_url=fresh_postgres(), redis_url=fresh_redis(),
                         extra_env=ENV)
    else:
        st = start_stack(sandbox_url=proxy.url, extra_env=ENV)
    st.backend = request.param
    yield st, proxy
    st.close()
    proxy.close()


def _found_vins(n: int) -> list[str]:
    return [s.id for s in load_scenarios() if s.expect.get('outcome') == 'FOUND' and s.id_type == 'VIN'
            and not s.slow and s.page.get('kind', 'vehicle') == 'vehicle' and not s.profrf][:n]


def _case(stack: Stack, case_id: int) -> dict:
    return stack.api.get(f'/api/lookups/{case_id}').json()


def test_a_hanging_site_is_paused_then_one_probe_reopens_it(site) -> None:  # noqa: ANN001
    stack, proxy = site
    conv = stack.api.get('/api/conversations', params={'page_size': 1}).json()['items'][0]['id']
    a, b, c = _found_vins(3)
    proxy.hang = True
    first = [stack.api.post(f'/api/conversations/{conv}/lookups', json={'value': v, 'force_refresh': True}).json()
             for v in (a, b)]
    for case in first:
        wait_until(lambda case=case: _case(stack, case['id'])['status'] == 'failed', 60, f'case {case["id"]} failing')
        assert _case(stack, case['id'])['error']['code'] == 'TIMEOUT'

    sites = wait_until(lambda: stack.api.get('/api/ready').json()['checks'].get('sites', {}).get('podzamenu'), 10,
                       'the breaker in readiness')
    assert sites['state'] == 'open' and sites['reason'] == 'TIMEOUT'
    until = datetime.fromisoformat(sites['until'])

    waiting = stack.api.post(f'/api/conversations/{conv}/lookups', json={'value': c}).json()
    paused = wait_until(lambda: (x := _case(stack, waiting['id']))['stage'] == 'site_paused' and x, 30,
                        'the case to wait for the site')
    assert paused['status'] == 'pending'
    assert datetime.fromisoformat(paused['next_attempt_at']) == until

    proxy.hang = False  # the site answers again: after the cool-down one probe runs and re-opens it
    done = wait_until(lambda: (x := _case(stack, waiting['id']))['status'] in ('completed', 'failed') and x, 60,
                      'the probe lookup')
    assert done['status'] == 'completed' and done['outcome'] == 'FOUND'
    assert datetime.fromisoformat(done['started_at']) >= until or done['attempts'] >= 1
    assert stack.api.get('/api/ready').json()['checks']['sites']['podzamenu']['state'] == 'closed'



def test_a_failures_screenshot_is_served_by_any_web_process(site) -> None:  # noqa: ANN001
    """Issue 12: the worker moves the evidence into the database; a web process on "another host" (its own
    DATA_DIR) serves it. (The hanging site above leaves no screenshot: the page never got anything to show.)"""
    stack, _ = site
    conv = stack.api.get('/api/conversations', params={'page_size': 1}).json()['items'][0]['id']
    error500 = next(s.id for s in load_scenarios() if s.page.get('kind') == 'error500')
    case = stack.api.post(f'/api/conversations/{conv}/lookups', json={'value': error500, 'force_refresh': True}).json()
    failed = wait_until(lambda: (x := _case(stack, case['id']))['status'] == 'failed' and x, 60, 'the failure')
    assert failed['result']['evidence']['screenshot']
    shot = f'/api/lookups/{case["id"]}/screenshot'
    assert stack.api.get(shot).status_code == 200
    if stack.backend == 'production':
        other_dir = tempfile.mkdtemp(prefix='pzl-other-host-')
        other = Stack(url='', env={**stack.env, 'DATA_DIR': other_dir, 'PORT': str(port := free_port()),
                                   'NICEGUI_STORAGE_PATH': f'{other_dir}/nicegui'})
        other.url = f'http://127.0.0.1:{port}'
        other.start_web()
        try:
            r = other.api.get(shot)
            assert r.status_code == 200 and r.headers['content-type'] == 'image/png' and r.content[:4] == b'\x89PNG'
        finally:
            other.close()
            shutil.rmtree(other_dir, ignore_errors=True)
