"""Production mode (PostgreSQL + Redis, web + a separate huey_consumer) against the offline sandbox.

    python -m bench.bench_production [--hits 200] [--pages 50] [--browser-pages 5] [--rounds 10] [--jobs 200]

1. cache-hit latency: POST lookups answered from the cache, one client, p50/p95 (target p95 ≤ 100 ms);
2. push latency: the worker finishes a case → every one of N open conversation sessions receives the finished card;
   from the case's finished_at (stamped by the worker) to the websocket update arriving, p50/p95 (target p95 ≤ 300 ms).
   N real websocket sessions (python-socketio speaking nicegui.js's protocol: 50 Chromium renderers on a 2-core
   machine measure the renderers), plus a few real Chromium pages measured up to the DOM change;
3. per-job overhead: N distinct lookups queued at once; (wall time − Σ engine durations) / N, i.e. what the queue,
   claim, database, slot, notifications and pickup cost beyond the site time.
Uses TEST_DATABASE_URL / TEST_REDIS_URL (their contents are dropped), like the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from playwright.sync_api import sync_playwright

from lookup.sandbox import Sandbox
from lookup.sandbox.scenarios import load_scenarios
from tests.backends import fresh_postgres, fresh_redis
from tests.production import livepages, wsclients
from tests.stack import Stack, start_stack, wait_until

ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'
VERBOSE = bool(os.environ.get('BENCH_VERBOSE'))
FINAL_BADGES = ('готово', 'ошибка')
"""The status badge of a completed or failed case (the demo manager's locale is Russian)."""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def figure(name: str, values: list[float], target: float | None = None, unit: str = 'ms') -> None:
    p50, p95 = pct(values, 0.5), pct(values, 0.95)
    flag = '' if target is None else ('  ok' if p95 <= target else '  OVER TARGET')
    tgt = '' if target is None else f'   target p95 ≤ {target:.0f} {unit}'
    print(f'  {name:34s} p50 {p50:7.1f} {unit}   p95 {p95:7.1f} {unit}   max {max(values):7.1f} {unit}'
          f'   (n={len(values)}){tgt}{flag}', flush=True)


def conversation(api: httpx.Client, chat: str) -> int:
    r = api.post('/api/inbound/messages', json={'channel': 'telegram', 'external_chat_id': chat,
                                               'external_message_id': f'{chat}-1', 'text': 'Здравствуйте!'})
    return r.json()['message']['conversation_id']


def finished(api: httpx.Client, case_id: int, timeout: float = 120) -> dict:
    return wait_until(lambda: (c := api.get(f'/api/lookups/{case_id}').json())['status'] in ('completed', 'failed')
                      and c, timeout, f'case {case_id}', interval=0.05)


def cache_hits(stack: Stack, n: int) -> list[float]:
    found = [s.id for s in load_scenarios() if s.expect.get('outcome') == 'FOUND' and not s.slow
             and s.id_type == 'VIN' and s.kind == 'vehicle'][:10]
    api = stack.api
    conv = conversation(api, 'bench-cache')
    for value in found:  # fill the cache
        r = api.post(f'/api/conversations/{conv}/lookups', json={'value': value})
        if r.status_code == 202:
            finished(api, r.json()['id'])
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        r = api.post(f'/api/conversations/{conv}/lookups', json={'value': found[i % len(found)]})
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200 and r.json()['from_cache'], r.text
    return out


def _found(n: int) -> list[str]:
    return [s.id for s in load_scenarios() if s.expect.get('outcome') == 'FOUND' and not s.slow
            and s.id_type == 'VIN' and s.kind == 'vehicle'][:n]


def push_browser(stack: Stack, n_pages: int, rounds: int) -> tuple[list[float], dict[str, str]]:
    """N real Chromium pages on one conversation: finished_at → DOM. Also returns the login cookies."""
    conv = conversation(stack.api, 'bench-push-browser')
    out: list[float] = []
    with sync_playwright() as pw:
        browser = livepages.launch(pw)
        ctx = livepages.logged_in_context(browser, stack.url)
        cookies = {c['name']: c['value'] for c in ctx.cookies()}
        pages = [livepages.open_conversation(ctx, stack.url, conv) for _ in range(n_pages)]
        for value in _found(rounds):
            expected = livepages.card_count(pages[0]) + 1
            for p in pages:
                livepages.arm(p, expected)
            case_id = stack.api.post(f'/api/conversations/{conv}/lookups',
                                     json={'value': value, 'force_refresh': True}).json()['id']
            shown = [livepages.done_at_ms(p) for p in pages]
            done_ms = livepages.epoch_ms(finished(stack.api, case_id)['finished_at'])
            out += [s - done_ms for s in shown]
        browser.close()
    return out, cookies


def push_sessions(stack: Stack, cookies: dict[str, str], n: int, rounds: int) -> list[float]:
    """N websocket sessions (python-socketio, as nicegui.js) on one conversation: finished_at → update received."""
    conv = conversation(stack.api, 'bench-push-sessions')

    async def run() -> list[float]:
        sessions = await wsclients.open_sessions(stack.url, f'/conversations/{conv}', cookies, n)
        out: list[float] = []
        async with httpx.AsyncClient(base_url=stack.url, headers=stack.api.headers, timeout=30) as api:
            for value in _found(rounds):
                for s in sessions:
                    s.arm(f'VIN {value}', *FINAL_BADGES)
                case_id = (await api.post(f'/api/conversations/{conv}/lookups',
                                          json={'value': value, 'force_refresh': True})).json()['id']
                deadline = time.monotonic() + 60
                while any(s.seen_at is None for s in sessions):
                    if time.monotonic() > deadline:
                        late = [s for s in sessions if s.seen_at is None]
                        state = (await api.get(f'/api/lookups/{case_id}')).json()['status']
                        raise AssertionError(f'{len(late)} sessions did not see {value} finish ({state}), connected: '
                                             f'{[x.sio.connected for x in late]}; one has: '
                                             f'{late[0].texts()[:20]}')
                    await asyncio.sleep(0.01)  # the sessions' own handlers stamp the arrival
                case = (await api.get(f'/api/lookups/{case_id}')).json()
                done_ms = livepages.epoch_ms(case['finished_at'])
                out += [s.seen_at * 1000 - done_ms for s in sessions]
                if VERBOSE:
                    r = sorted(out[-len(sessions):])
                    print(f'    round {value}: min {r[0]:.0f} p50 {r[len(r) // 2]:.0f} max {r[-1]:.0f} ms', flush=True)
        await wsclients.close_sessions(sessions)
        return out

    return asyncio.run(run())


def overhead(stack: Stack, n: int) -> tuple[float, float, float, int]:
    """Queue n distinct unknown VINs at once: returns (wall s, Σ engine s, overhead ms/job, failures)."""
    rng = random.Random(7)
    values = {'XW8' + ''.join(rng.choice(ALPHABET) for _ in range(14)) for _ in range(n * 2)}
    values = sorted(values)[:n]
    api = stack.api
    conv = conversation(api, 'bench-jobs')
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda v: api.post(f'/api/conversations/{conv}/lookups', json={'value': v}).json()['id'],
                            values))
    cases = [finished(api, i, timeout=max(120, n * 10)) for i in ids]
    wall = time.perf_counter() - t0
    engine = sum((c['result'] or {}).get('evidence', {}).get('duration_ms', 0) for c in cases) / 1000
    bad = sum(1 for c in cases if c['outcome'] != 'VEHICLE_NOT_FOUND')
    return wall, engine, (wall - engine) / n * 1000, bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--hits', type=int, default=200)
    ap.add_argument('--pages', type=int, default=50, help='websocket sessions for the push figure')
    ap.add_argument('--browser-pages', type=int, default=5, help='real Chromium pages for the DOM figure')
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--jobs', type=int, default=200)
    args = ap.parse_args()
    with Sandbox(seed=1, render_delay_ms=150) as sb:
        stack = start_stack(sandbox_url=sb.url, database_url=fresh_postgres(), redis_url=fresh_redis(),
                            extra_env={'RATE_LIMIT_PER_MINUTE': '1000000', 'LOG_LEVEL': 'WARNING'})
        try:
            print('production mode: PostgreSQL + Redis, web + 1 huey_consumer (1 thread), sandbox render 150 ms; '
                  f'load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs',
                  flush=True)
            figure('cache-hit POST latency', cache_hits(stack, args.hits), target=100)
            browser_values, cookies = push_browser(stack, args.browser_pages, args.rounds)
            figure(f'push latency, {args.pages} ws sessions', push_sessions(stack, cookies, args.pages, args.rounds),
                   target=300)
            figure(f'push latency, {args.browser_pages} Chromium pages (DOM)', browser_values)
            wall, engine, per_job, bad = overhead(stack, args.jobs)
            print(f'  {args.jobs} queued lookups: wall {wall:.1f} s, engine {engine:.1f} s '
                  f'({engine / args.jobs * 1000:.0f} ms/job), overhead {per_job:.0f} ms/job'
                  f'{f", {bad} unexpected outcomes" if bad else ""}', flush=True)
        finally:
            stack.close()


if __name__ == '__main__':
    main()
