"""CLI: `python -m lookup.sandbox --port N [--seed S] [--host H] [--render-delay-ms MS] [--mode M]`."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys

from lookup.sandbox.modes import MODES, SWITCHES, mode_label, parse_mode
from lookup.sandbox.requestlog import RequestLog
from lookup.sandbox.server import bind_socket, make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='python -m lookup.sandbox', description=__doc__)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8765, help='0 picks a free port')
    parser.add_argument('--seed', type=int, default=0, help='changes every hashed class name')
    parser.add_argument('--render-delay-ms', type=int, default=1200, help='client-side render delay')
    presets, switches = ', '.join(MODES), ', '.join(sorted(SWITCHES))
    parser.add_argument('--mode', default='keyed', help=f'a preset ({presets}) or comma-separated ({switches})')
    args = parser.parse_args(argv)
    try:
        chosen = parse_mode(args.mode)
    except ValueError as exc:
        parser.error(str(exc))
    sock = bind_socket(args.host, args.port)
    url = f'http://{args.host}:{sock.getsockname()[1]}'
    print(f'sandbox: {url}  (fallback site: {url}/profrf, mode: {mode_label(chosen)})', flush=True)
    # uvicorn (in the main thread) shuts down on Ctrl-C/SIGTERM, then re-raises the signal: end quietly with 0.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        make_server(seed=args.seed, render_delay_ms=args.render_delay_ms, log=RequestLog(),
                    mode=args.mode).run(sockets=[sock])
    print('sandbox: stopped', flush=True)


if __name__ == '__main__':
    main()
