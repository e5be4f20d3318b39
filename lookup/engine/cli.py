"""`python -m lookup VALUE [VALUE ...] [--tag TAG] [--json]`: look values up with one browser, one line each."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from lookup.engine.identifiers import InvalidIdentifier, parse
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.engine.settings import EngineSettings


def _row(result: LookupResult) -> str:
    gb, v = result.gearbox, result.vehicle
    car = ' '.join(x for x in (v.make, v.model, v.year) if x) or '-'
    return (f'{result.query:<20} {result.outcome.value:<18} {car[:32]:<32} model={gb.model or "-"} '
            f'factory={gb.factory_code or "-"} oem={gb.oem or "-"} {result.evidence.duration_ms / 1000:.1f}s'
            + (f' tag={result.tag_verification.value}' if result.tag else ''))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m lookup', description='Look up VINs/frames on podzamenu.')
    parser.add_argument('values', nargs='+', metavar='VALUE', help='VIN or FRAME numbers')
    parser.add_argument('--tag', help='gearbox tag to verify against the result')
    parser.add_argument('--type', choices=['VIN', 'FRAME'], help='force the identifier type')
    parser.add_argument('--json', action='store_true', help='one JSON object per line (LookupResult)')
    parser.add_argument('-v', '--verbose', action='store_true', help='log progress to stderr')
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format='%(asctime)s %(levelname)s %(name)s: %(message)s')

    settings = EngineSettings()
    from lookup.engine.engine import Engine  # Playwright is imported only when something is looked up

    failures = 0
    with Engine(settings) as engine:
        for raw in args.values:
            try:
                ident = parse(raw, args.type)
            except InvalidIdentifier as exc:
                failures += 1
                error = {'query': raw, 'error': {'code': exc.code, 'message': exc.message}}
                print(json.dumps(error, ensure_ascii=False) if args.json else f'{raw:<20} ERROR {exc.code}: '
                      f'{exc.message}', flush=True)
                continue
            result = engine.lookup(ident, args.tag)
            print(result.model_dump_json() if args.json else _row(result), flush=True)
            if result.outcome is Outcome.BROWSER_UNAVAILABLE:
                # Every further value would fail the same way: say what to fix and stop.
                print(f'error: {result.error.message if result.error else result.outcome}', file=sys.stderr)
                return 3
    return 1 if failures == len(args.values) else 0


if __name__ == '__main__':
    sys.exit(main())
