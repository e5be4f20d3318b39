"""`python -m bench.bench_engine [--lookups N]`: engine vs a bare Playwright floor on the same sandbox pages,
plus worker + browser RSS across consecutive lookups. Prints plain figures."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import psutil
from playwright.sync_api import Browser, sync_playwright

from lookup.engine.browser import ASSET_RE, LAUNCH_ARGS, USER_AGENT, find_executable
from lookup.engine.engine import Engine
from lookup.engine.identifiers import parse
from lookup.engine.outcomes import Outcome
from lookup.sandbox import Sandbox
from lookup.sandbox.scenarios import Scenario, load_scenarios
from lookup.settings import Settings

PARTS_JS = ("() => { const a = document.querySelector('[class*=\"searchDetailCell\"] a, a[href*=\"/search?query=\"]');"
            " return a && new URL(a.href).searchParams.get('query'); }")
VEHICLE_JS = ("() => Array.from(document.querySelectorAll('button[aria-expanded]'))"
              ".some(b => b.innerText.includes('Трансмиссия'))")


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
    total = 0
    for pid in set(pids):
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog='python -m bench.bench_engine')
    ap.add_argument('--lookups', type=int, default=30, help='timed lookups per side (engine and floor)')
    ap.add_argument('--rss-lookups', type=int, default=300, help='consecutive engine lookups for the RSS figure')
    ap.add_argument('--render-delay-ms', type=int, default=300)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args(argv)
    pages = bench_pages()
    with Sandbox(seed=args.seed, render_delay_ms=args.render_delay_ms) as sb:
        settings = Settings(storage_secret='bench', podzamenu_base_url=sb.url, prof_rf_base_url=sb.profrf_url,
                            data_dir=tempfile.mkdtemp(prefix='bench-'))
        engine_times: list[float] = []
        floor_times: list[float] = []
        with Engine(settings) as engine:
            engine.lookup(parse(pages[0].id))  # warm-up: browser launch
            for i in range(args.lookups):
                s = pages[i % len(pages)]
                t = time.perf_counter()
                result = engine.lookup(parse(s.id))
                engine_times.append(time.perf_counter() - t)
                assert result.outcome is Outcome.FOUND, (s.id, result.outcome, result.error)
            rss = _rss_run(engine, pages, args.rss_lookups)
        floor_times = _floor_run(sb.url, pages, args.lookups)
    em, fm = statistics.median(engine_times), statistics.median(floor_times)
    print(f'pages: {len(pages)} accordion-route FOUND scenarios, render delay {args.render_delay_ms} ms, '
          f'{args.lookups} lookups per side')
    print(f'engine median s/lookup: {em:.3f}  (p90 {_p90(engine_times):.3f})')
    print(f'floor  median s/lookup: {fm:.3f}  (p90 {_p90(floor_times):.3f})')
    print(f'ratio engine/floor: {em / fm:.2f}  (target <= 1.3)')
    print(f'RSS worker+browser over {args.rss_lookups} lookups (MB): start {rss["start"]:.0f}  max {rss["max"]:.0f}  '
          f'end {rss["end"]:.0f}  growth {rss["end"] - rss["start"]:+.0f}  (target <= 50)')
    return 0


def _rss_run(engine: Engine, pages: list[Scenario], n: int) -> dict[str, float]:
    samples = []
    for i in range(n):
        engine.lookup(parse(pages[i % len(pages)].id))
        samples.append(rss_mb(engine.pool.pids()))
    return {'start': samples[0], 'max': max(samples), 'end': samples[-1]} if samples else \
        {'start': 0.0, 'max': 0.0, 'end': 0.0}


def _floor_run(base: str, pages: list[Scenario], n: int) -> list[float]:
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable(Settings(storage_secret='bench')),
                                     args=LAUNCH_ARGS)
        floor_lookup(browser, base, pages[0])  # warm-up
        for i in range(n):
            s = pages[i % len(pages)]
            t = time.perf_counter()
            oem = floor_lookup(browser, base, s)
            times.append(time.perf_counter() - t)
            assert oem == s.expect['gearbox']['oem'], (s.id, oem)
        browser.close()
    return times


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


if __name__ == '__main__':
    raise SystemExit(main())
