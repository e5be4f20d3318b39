"""Browser lifecycle: the hard deadline, crash recovery, recycling, a remote CDP browser and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from lookup.engine.engine import Engine
from lookup.engine.identifiers import parse
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.engine.sites.podzamenu import site as podzamenu_site
from lookup.sandbox import Sandbox
from tests.engine.conftest import engine_settings

pytestmark = pytest.mark.browser

UNKNOWN_VIN = 'XTA21099SYNTH0001'


def test_hard_deadline_holds_when_playwright_hangs(engine_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Playwright call that never returns is ended by the watchdog; the next lookup gets a new browser."""
    engine = Engine(engine_settings(engine_sandbox, lookup_deadline_s=4))
    try:
        def hang(page, run, ident, base_url):  # noqa: ANN001, ANN202
            page.goto(f'{base_url}/', wait_until='domcontentloaded')
            return page.evaluate('() => new Promise(() => {})')  # no timeout exists for evaluate

        monkeypatch.setattr(podzamenu_site, 'lookup', hang)
        started = time.monotonic()
        result = engine.lookup(parse(UNKNOWN_VIN))
        elapsed = time.monotonic() - started
        assert result.outcome is Outcome.TIMEOUT
        assert result.error is not None and result.error.code == 'TIMEOUT'
        assert elapsed < 4 + 4
        monkeypatch.undo()
        engine.settings.lookup_deadline_s = 30  # the follow-up relaunches the browser: a loaded machine needs time
        session = engine.pool.session()
        launches = session.launches
        after = engine.lookup(parse(UNKNOWN_VIN))
        assert after.outcome is Outcome.VEHICLE_NOT_FOUND
        assert session.launches == launches + 1
    finally:
        engine.close()


def test_crashed_browser_is_relaunched(engine_sandbox: Sandbox) -> None:
    engine = Engine(engine_settings(engine_sandbox))
    try:
        assert engine.lookup(parse(UNKNOWN_VIN)).outcome is Outcome.VEHICLE_NOT_FOUND
        session = engine.pool.session()
        pids = session.browser_pids()
        assert pids
        for pid in pids:
            psutil.Process(pid).kill()
        result = engine.lookup(parse(UNKNOWN_VIN))
        assert result.outcome is Outcome.VEHICLE_NOT_FOUND, result.error
        assert session.launches == 2
    finally:
        engine.close()


def test_browser_is_recycled(engine_sandbox: Sandbox) -> None:
    engine = Engine(engine_settings(engine_sandbox, browser_recycle_every=2))
    try:
        for _ in range(3):
            assert engine.lookup(parse(UNKNOWN_VIN)).outcome is Outcome.VEHICLE_NOT_FOUND
        assert engine.pool.session().launches == 2
    finally:
        engine.close()


def test_an_outgrown_driver_is_restarted_at_a_recycle(engine_sandbox: Sandbox) -> None:
    """The Playwright driver keeps memory of every closed context; past its limit a recycle restarts it too."""
    def run() -> tuple[list[int | None], list[Outcome]]:  # a thread of its own: its own driver, no other users
        engine = Engine(engine_settings(engine_sandbox, browser_recycle_every=2, driver_rss_limit_mb=50))
        try:
            drivers, outcomes = [], []
            for _ in range(5):
                outcomes.append(engine.lookup(parse(UNKNOWN_VIN)).outcome)
                drivers.append(engine.pool.session()._driver_pid)
            return drivers, outcomes
        finally:
            engine.close()

    with ThreadPoolExecutor(1) as pool:
        drivers, outcomes = pool.submit(run).result(timeout=120)
    assert outcomes == [Outcome.VEHICLE_NOT_FOUND] * 5
    # lookups 1-2 on the first driver; the recycles before lookups 3 and 5 each start a new one (a Node process is
    # always above the 50 MB floor)
    assert drivers[0] == drivers[1] != drivers[2] == drivers[3] != drivers[4]
    assert all(pid is not None for pid in drivers)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def cdp_chromium() -> Iterator[str]:
    exe = shutil.which('chromium') or '/usr/bin/chromium'
    port = _free_port()
    profile = tempfile.mkdtemp(prefix='cdp-')
    proc = subprocess.Popen([exe, '--headless', '--no-sandbox', '--disable-gpu', f'--remote-debugging-port={port}',
                             f'--user-data-dir={profile}', 'about:blank'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f'{url}/json/version', timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def test_remote_browser_over_cdp(engine_sandbox: Sandbox, cdp_chromium: str) -> None:
    engine = Engine(engine_settings(engine_sandbox, browser_cdp_url=cdp_chromium))
    try:
        result = engine.lookup(parse(UNKNOWN_VIN))
        assert result.outcome is Outcome.VEHICLE_NOT_FOUND
        assert engine.pool.session().remote
    finally:
        engine.close()


def test_cli_prints_one_result_per_line(engine_sandbox: Sandbox) -> None:
    env = {**os.environ, 'PODZAMENU_BASE_URL': engine_sandbox.url, 'PROF_RF_BASE_URL': engine_sandbox.profrf_url,
           'STORAGE_SECRET': 'change-me', 'DEMO_MODE': '0', 'DATA_DIR': tempfile.mkdtemp(prefix='cli-')}
    out = subprocess.run([sys.executable, '-m', 'lookup', UNKNOWN_VIN, 'NOT-A-VIN!!', '--json', '--tag', 'AT'],
                         capture_output=True, text=True, env=env, timeout=120, cwd=os.getcwd())
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == 2, out.stderr
    result = LookupResult.model_validate(lines[0])
    assert result.outcome is Outcome.VEHICLE_NOT_FOUND and result.tag == 'AT'
    assert result.evidence.source == 'podzamenu' and result.evidence.steps
    assert lines[1]['error']['code'] and lines[1]['query'] == 'NOT-A-VIN!!'


def test_a_browser_that_cannot_start_is_named(engine_sandbox: Sandbox, tmp_path) -> None:  # noqa: ANN001
    """A wrong Chromium path ends BROWSER_UNAVAILABLE (not SITE_ERROR, not an «engine bug»), saying what and why."""
    missing = tmp_path / 'no-such-chromium'
    with Engine(engine_settings(engine_sandbox, browser_executable=str(missing))) as engine:
        result = engine.lookup(parse(UNKNOWN_VIN))
        assert result.outcome is Outcome.BROWSER_UNAVAILABLE
        assert not result.outcome.transient and not result.outcome.definitive
        assert result.error is not None and result.error.code == 'BROWSER_UNAVAILABLE'
        assert 'Chromium' in result.error.message and str(missing) in result.error.message
        assert not result.evidence.flags.get('engineError')
        assert engine.browser_problem == result.error.message


def test_cli_names_a_browser_that_cannot_start(engine_sandbox: Sandbox, tmp_path) -> None:  # noqa: ANN001
    env = {**os.environ, 'PODZAMENU_BASE_URL': engine_sandbox.url, 'PROF_RF_BASE_URL': engine_sandbox.profrf_url,
           'BROWSER_EXECUTABLE': str(tmp_path / 'chromium'), 'DATA_DIR': str(tmp_path)}
    out = subprocess.run([sys.executable, '-m', 'lookup', UNKNOWN_VIN, '--json'], capture_output=True, text=True,
                         env=env, timeout=120, cwd=os.getcwd())
    result = LookupResult.model_validate(json.loads(out.stdout.splitlines()[0]))
    assert result.outcome is Outcome.BROWSER_UNAVAILABLE
    assert result.error and 'could not start' in result.error.message
    assert out.returncode != 0


def test_only_the_site_hosts_are_reachable(engine_sandbox: Sandbox) -> None:
    """Requests and navigations to any host but the configured sites are aborted in the lookup browser."""
    from lookup.engine.browser import BrowserPool

    settings = engine_settings(engine_sandbox)
    other = engine_sandbox.url.replace('127.0.0.1', 'localhost')  # the same server under a host name not allowed
    pool = BrowserPool(settings)
    try:
        with pool.session().context(timeout_ms=10_000) as ctx:
            page = ctx.new_page()
            page.goto(engine_sandbox.url + '/', wait_until='domcontentloaded')
            fetched = page.evaluate('u => fetch(u).then(() => "ok", e => "blocked: " + e)', other + '/')
            assert fetched.startswith('blocked')
            with pytest.raises(Exception, match='ERR_BLOCKED_BY_CLIENT'):
                page.goto(other + '/', wait_until='domcontentloaded')
            page = ctx.new_page()
            page.goto(engine_sandbox.url + '/', wait_until='domcontentloaded')
            assert page.evaluate('u => fetch(u).then(r => r.status)', engine_sandbox.url + '/') == 200
    finally:
        pool.close()


def test_look_alike_urls_of_an_allowed_host_reach_the_gate(engine_sandbox: Sandbox) -> None:
    """The driver-side pattern lets only exact site hosts through unrouted: a userinfo or suffix trick that resolves
    elsewhere is still routed to the gate and blocked (real Chromium resolves the URLs as the page would)."""
    from lookup.engine.browser import BrowserPool

    pool = BrowserPool(engine_settings(engine_sandbox))
    port = engine_sandbox.url.rsplit(':', 1)[1]
    tricks = [f'http://127.0.0.1@localhost:{port}/', f'http://127.0.0.1.localhost:{port}/']
    try:
        with pool.session().context(timeout_ms=10_000) as ctx:
            page = ctx.new_page()
            for url in tricks:
                with pytest.raises(Exception, match='ERR_BLOCKED_BY_CLIENT'):
                    page.goto(url, wait_until='domcontentloaded')
            ctx.new_page().goto(engine_sandbox.url + '/', wait_until='domcontentloaded')  # the site still loads
    finally:
        pool.close()
