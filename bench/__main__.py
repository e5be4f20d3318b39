"""`make bench`: run every benchmark module (bench/bench_*.py) in turn and print its figures.

Speed targets live here, not in timed tests: the machines are shared and noisy, so each module measures
its own baseline in the same run and prints the ratio next to the absolute figures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    only = set(sys.argv[1:])
    failed = 0
    for path in sorted(HERE.glob('bench_*.py')):
        name = path.stem
        if only and name not in only and name.removeprefix('bench_') not in only:
            continue
        print(f'\n=== {name} ===', flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, '-m', f'bench.{name}'], cwd=HERE.parent)
        print(f'--- {name}: exit {rc}, {time.monotonic() - t0:.0f} s', flush=True)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
