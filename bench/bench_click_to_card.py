"""A demo lookup as a manager sees it: from pressing Enter in the dialog to the completed card (no reload).

    python -m bench.bench_click_to_card [--lookups 6]
Runs the real app (embedded default) against the sandbox with its demo render delay (1.2 s per page render),
so the figure is what `make demo` feels like; the engine's own time is printed next to it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx
from playwright.sync_api import expect

from bench.ui_session import logged_in_page
from lookup.sandbox import Sandbox
from lookup.sandbox.scenarios import load_scenarios
from tests.stack import TOKEN, start_stack


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--lookups', type=int, default=6)
    args = ap.parse_args()
    vins = [s.id.upper() for s in load_scenarios() if s.expect.get('outcome') in ('FOUND', 'MODEL_ONLY')
            and s.id_type == 'VIN' and not s.slow][:args.lookups]
    wall, engine = [], []
    with Sandbox(seed=1) as sb:  # the demo's default render delay
        stack = start_stack(sandbox_url=sb.url)
        try:
            with logged_in_page(stack.url, 'manager') as page:
                page.goto(f'{stack.url}/conversations/1')
                for vin in vins:
                    page.get_by_role('button', name='Поиск по VIN').first.click()
                    page.get_by_label('VIN или FRAME').fill(vin)
                    before = page.locator('.case-card').count()
                    t0 = time.perf_counter()
                    page.get_by_label('VIN или FRAME').press('Enter')
                    expect(page.locator('.case-card')).to_have_count(before + 1)
                    expect(page.locator('.case-card').first).to_contain_text('готово', timeout=60_000)
                    wall.append(time.perf_counter() - t0)
            cases = httpx.get(f'{stack.url}/api/conversations/1/lookups',
                              headers={'Authorization': f'Bearer {TOKEN}'}).json()
            engine = [c['result']['evidence']['duration_ms'] / 1000 for c in cases if c.get('result')]
        finally:
            stack.close()
    print(f'demo lookup, Enter → completed card, {len(wall)} lookups (first includes the browser launch):')
    print(f'  first {wall[0]:.2f} s; median of the rest {statistics.median(wall[1:]):.2f} s; max {max(wall):.2f} s')
    print(f'  engine time per lookup (median) {statistics.median(engine):.2f} s; '
          f'UI + queue overhead (median) {statistics.median(wall[1:]) - statistics.median(engine[:-1]):.2f} s')
    print('  baseline (old in-house scraper on the live site): 14-70 s per lookup')


if __name__ == '__main__':
    main()
