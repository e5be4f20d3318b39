"""`python -m bench.bench_engine [--lookups N] [--modes keyed,rebuild,harsh]`: in every sandbox rendering mode,
the engine vs a bare Playwright floor script on the same pages, lookups taken in turns (ratio of medians), the median
time of a navigation dead end and of an unknown VIN; then worker + browser RSS across consecutive lookups. Prints
plain figures."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import psutil
from playwright.sync_api import Browser

from lookup.engine.browser import ASSET_RE, LAUNCH_ARGS, USER_AGENT, find_executable, thread_driver
from lookup.engine.engine import Engine
from lookup.engine.identifiers import parse
from lookup.engine.outcomes import Outcome
from lookup.engine.settings import EngineSettings
from lookup.sandbox import MODES, Sandbox
from lookup.sandbox.scenarios import Scenario, load_scenarios

PARTS_JS = ("() => { const a = document.querySelector('[class*=\"searchDetailCell\"] a, a[href*=\"/search?query=\"]');"
            " return a && new URL(a.href).searchParams.get('query'); }")
VEHICLE_JS = ("() => Array.from(document.querySelectorAll('button[aria-expanded]'))"
              ".some(b => b.textContent.replace(/\\s+/g, ' ').toLowerCase().includes('трансмиссия'))")


def bench_pages() -> list[Scenario]:
    """Accordion-route FOUND pages whose parts view has links: the floor can script them without hazards."""
    out = []
    for s in load_scenarios():
        cat = s.page.get('catalog') or {}
        parts = (s.page.get('parts') or {}).get('gearbox') or {}
        if (s.expect.get('outcome') == 'FOUND' and not s.slow and s.kind == 'vehicle' and s.id_type == 'VIN'
                and cat.get('route', 'accordion') in ('accordion', 'both') and not cat.get('transfer_case')
                and parts.get('layout', 'detail') in ('detail', 'links')):
            out.append(s)
    return out


def floor_lookup(browser: Browser, base: str, s: Scenario) -> str | None:
    """The fewest steps a script that already knows the page needs: goto, three clicks, one read."""
    cat = s.page.get('catalog') or {}
    ctx = browser.new_context(locale='ru-RU', user_agent=USER_AGENT, viewport={'width': 1280, 'height': 720})
    ctx.route(ASSET_RE, lambda route: route.abort())
    try:
        page = ctx.new_page()
        page.goto(f'{base}/search-vehicle?vin={s.id}', wait_until='domcontentloaded')
        page.wait_for_function(VEHICLE_JS, polling='raf')
        page.get_by_role('button', name='Трансмиссия').click()
        page.get_by_role('button', name=cat.get('box', 'Автоматическая коробка передач')).click()
        page.get_by_text(cat.get('item', 'Коробка передач в сборе'), exact=True).click()
        return page.wait_for_function(PARTS_JS, polling='raf').json_value()
    finally:
        ctx.close()


def rss_mb(pids: list[int]) -> float:
    """Memory of a process tree in MB: the sum of PSS (shared pages split between their users, so a Chromium tree
    is not counted several times over), RSS where PSS cannot be read."""
    total = 0
    for pid in set(pids):
        try:
            proc = psutil.Process(pid)
            try:
                total += proc.memory_full_info().pss
            except (psutil.AccessDenied, AttributeError):
                total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def outcome_pages(outcome: str, id_type: str = 'VIN') -> list[Scenario]:
    """Scenarios the site answers with `outcome` on podzamenu alone (no fallback detour), not slow."""
    return [s for s in load_scenarios() if s.expect.get('outcome') == outcome and not s.slow and s.id_type == id_type
            and s.expect.get('source', 'podzamenu') == 'podzamenu' and not s.id.startswith('L')
            and s.kind in ('vehicle', 'unknown')]


def engine_run(engine: Engine, pages: list[Scenario], n: int, outcome: Outcome) -> list[float]:
    times = []
    for i in range(n):
        s = pages[i % len(pages)]
        t = time.perf_counter()
        result = engine.lookup(parse(s.id, s.id_type))
        times.append(time.perf_counter() - t)
        assert result.outcome is outcome, (s.id, result.outcome, result.error)
    return times


def settings_for(sb: Sandbox) -> EngineSettings:
    return EngineSettings(podzamenu_base_url=sb.url, prof_rf_base_url=sb.profrf_url,
                          data_dir=tempfile.mkdtemp(prefix='bench-'))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog='python -m bench.bench_engine')
    ap.add_argument('--lookups', type=int, default=20, help='timed FOUND lookups per side (engine, floor) per mode')
    ap.add_argument('--others', type=int, default=6, help='timed dead ends and unknown VINs per mode')
    ap.add_argument('--rss-lookups', type=int, default=300, help='consecutive engine lookups for the RSS figure')
    ap.add_argument('--render-delay-ms', type=int, default=300)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--modes', default=','.join(MODES), help='sandbox rendering modes to measure')
    args = ap.parse_args(argv)
    pages = bench_pages()
    dead_ends, unknown = outcome_pages('NOT_AVAILABLE'), outcome_pages('VEHICLE_NOT_FOUND')
    print(f'pages: {len(pages)} accordion-route FOUND scenarios, {len(dead_ends)} dead ends, {len(unknown)} unknown '
          f'VINs; render delay {args.render_delay_ms} ms; {args.lookups} FOUND lookups per side per mode')
    print(f'{"mode":<10} {"engine s":>9} {"floor s":>8} {"ratio":>6} {"dead end s":>11} {"unknown VIN s":>14}')
    rss = None
    for mode in args.modes.split(','):
        with Sandbox(seed=args.seed, render_delay_ms=args.render_delay_ms, mode=mode) as sb, \
                Engine(settings_for(sb)) as engine:
            engine.lookup(parse(pages[0].id))  # warm-up: browser launch
            engine_times, floor_times = _paired_run(engine, sb.url, pages, args.lookups)
            dead = engine_run(engine, dead_ends, args.others, Outcome.NOT_AVAILABLE)
            unk = engine_run(engine, unknown, args.others, Outcome.VEHICLE_NOT_FOUND)
            if mode == 'harsh' and args.rss_lookups:
                rss = _rss_run(engine, pages, args.rss_lookups)
        em, fm = statistics.median(engine_times), statistics.median(floor_times)
        print(f'{mode:<10} {em:9.3f} {fm:8.3f} {em / fm:6.2f} {statistics.median(dead):11.3f} '
              f'{statistics.median(unk):14.3f}', flush=True)
    print('target: ratio <= 1.3 in every mode; a dead end costs at most ~3 s beyond the page load')
    if rss:
        print(f'Memory (PSS) of worker+driver+browser over {args.rss_lookups} lookups, harsh mode (MB): '
              f'start {rss["start"]:.0f}  '
              f'max {rss["max"]:.0f}  end {rss["end"]:.0f}; right after each of {rss["recycles"]:.0f} browser '
              f'recycles: first {rss["fresh_first"]:.0f}, last {rss["fresh_last"]:.0f}, growth '
              f'{rss["fresh_last"] - rss["fresh_first"]:+.0f}  (target <= 50; a browser grows within its cycle until '
              f'it is recycled)')
    return 0


def _rss_run(engine: Engine, pages: list[Scenario], n: int) -> dict[str, float]:
    """RSS after each lookup; `fresh` are the samples right after the browser was relaunched (recycled), so their
    drift is what the worker and driver keep across recycles, independent of where in a cycle the run stops."""
    samples: list[float] = []
    fresh: list[float] = []
    session = engine.pool.session()  # this thread's browser, the one engine.lookup uses here
    launches = session.launches
    for i in range(n):
        engine.lookup(parse(pages[i % len(pages)].id))
        samples.append(rss_mb(engine.pool.pids()))
        if session.launches != launches:
            launches = session.launches
            fresh.append(samples[-1])
    if not samples:
        return {'start': 0.0, 'max': 0.0, 'end': 0.0, 'fresh_first': 0.0, 'fresh_last': 0.0, 'recycles': 0}
    return {'start': samples[0], 'max': max(samples), 'end': samples[-1], 'recycles': len(fresh),
            'fresh_first': fresh[0] if fresh else samples[0], 'fresh_last': fresh[-1] if fresh else samples[-1]}


def _paired_run(engine: Engine, base: str, pages: list[Scenario], n: int) -> tuple[list[float], list[float]]:
    """Engine and floor lookups of the same page, alternately (in turns, which one goes first), on the same
    Playwright driver: a shared, noisy machine loads both sides alike, so their ratio stays meaningful."""
    browser = thread_driver().pw.chromium.launch(executable_path=find_executable(EngineSettings()), args=LAUNCH_ARGS)
    engine_times: list[float] = []
    floor_times: list[float] = []
    try:
        floor_lookup(browser, base, pages[0])  # warm-up
        for i in range(n):
            s = pages[i % len(pages)]
            for side in ((0, 1) if i % 2 == 0 else (1, 0)):
                t = time.perf_counter()
                if side == 0:
                    result = engine.lookup(parse(s.id, s.id_type))
                    engine_times.append(time.perf_counter() - t)
                    assert result.outcome is Outcome.FOUND, (s.id, result.outcome, result.error)
                else:
                    oem = floor_lookup(browser, base, s)
                    floor_times.append(time.perf_counter() - t)
                    assert oem == s.expect['gearbox']['oem'], (s.id, oem)
    finally:
        browser.close()
    return engine_times, floor_times


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


if __name__ == '__main__':
    raise SystemExit(main())
