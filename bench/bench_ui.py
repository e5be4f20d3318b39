"""UI tables at 100k rows: time to the first rendered page and to the next page, conversations and cache.

    python -m bench.bench_ui [--rows 100000]
Targets: first page ≤ 1 s, next page ≤ 200 ms (measured in real Chromium, from navigation/click to rows shown).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.seed import seed
from bench.ui_session import logged_in_page
from lookup.sandbox import Sandbox
from tests.stack import start_stack


def _first_cell(page, table: str) -> str:  # noqa: ANN001
    return page.locator(f'{table} tbody tr').first.inner_text()


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {k: [] for k in ('conv_first', 'conv_next', 'cache_first', 'cache_next')}
    with logged_in_page(url, 'admin') as page:
        for _ in range(rounds):
            for name, path in (('conv', '/'), ('cache', '/cache')):
                t0 = time.perf_counter()
                page.goto(f'{url}{path}')
                page.locator('.q-table tbody tr').nth(5).wait_for()
                out[f'{name}_first'].append(time.perf_counter() - t0)
                before = _first_cell(page, '.q-table')
                t0 = time.perf_counter()
                page.locator('.q-table__bottom button[aria-label="Следующая страница"]').click()
                page.wait_for_function(
                    'b => { const r = document.querySelector(".q-table tbody tr"); return r && r.innerText !== b; }',
                    arg=before, polling='raf')
                out[f'{name}_next'].append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--rows', type=int, default=100_000)
    ap.add_argument('--rounds', type=int, default=5)
    args = ap.parse_args()
    with Sandbox(seed=1, render_delay_ms=100) as sb:
        stack = start_stack(sandbox_url=sb.url)
        try:
            t0 = time.perf_counter()
            seed(f'sqlite:///{Path(stack.env["DATA_DIR"]) / "app.db"}', args.rows)
            print(f'seeded {args.rows} conversations + {args.rows} cache rows in {time.perf_counter() - t0:.1f} s')
            res = measure(stack.url, args.rounds)
        finally:
            stack.close()
    targets = {'first': 1.0, 'next': 0.2}
    print(f'UI tables with {args.rows} rows each (SQLite, real Chromium, {args.rounds} rounds, median / max):')
    for key, values in res.items():
        kind = key.split('_')[1]
        med = statistics.median(values)
        flag = 'ok' if med <= targets[kind] else 'OVER TARGET'
        print(f'  {key:12s} {med * 1000:7.0f} ms / {max(values) * 1000:7.0f} ms'
              f'   target ≤ {targets[kind] * 1000:.0f} ms  {flag}')


if __name__ == '__main__':
    main()
