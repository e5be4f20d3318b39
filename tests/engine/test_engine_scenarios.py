"""Every sandbox scenario in real Chromium on two seeds: outcome and the `expect` fields."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from lookup.engine.engine import Engine
from lookup.engine.identifiers import parse
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.engine.tagcheck import auto_variant
from lookup.sandbox import Sandbox
from lookup.sandbox.scenarios import Scenario, load_scenarios
from tests.engine.conftest import engine_settings

pytestmark = pytest.mark.browser

SCENARIOS = load_scenarios()
HANG_DEADLINE_S = 5.0


def _ids(s: Scenario) -> str:
    return f'{s.variant}-{s.id}'


@pytest.fixture(scope='module')
def engine(seeded_sandbox: Sandbox) -> Iterator[Engine]:
    eng = Engine(engine_settings(seeded_sandbox))
    yield eng
    eng.close()


def check(result: LookupResult, expect: dict[str, Any]) -> None:
    """Compare only the keys the scenario states."""
    got = result.model_dump(mode='json')
    problems = []
    if 'outcome' in expect and got['outcome'] != expect['outcome']:
        problems.append(f"outcome {got['outcome']} != {expect['outcome']}")
    if 'source' in expect and got['evidence']['source'] != expect['source']:
        problems.append(f"source {got['evidence']['source']} != {expect['source']}")
    if 'tag_verification' in expect and got['tag_verification'] != expect['tag_verification']:
        problems.append(f"tag_verification {got['tag_verification']} != {expect['tag_verification']}")
    for part in ('vehicle', 'gearbox'):
        for key, want in (expect.get(part) or {}).items():
            if got[part][key] != want:
                problems.append(f'{part}.{key} {got[part][key]!r} != {want!r}')
    if 'variants' in expect:
        problems += _variant_problems(got['variants'], expect['variants'])
    if 'auto_variant' in expect and (auto := auto_variant(result.tag, result.variants)) != expect['auto_variant']:
        problems.append(f"auto_variant {auto} != {expect['auto_variant']}")
    assert not problems, f'{problems}\nsteps: {[(s["name"], s["detail"]) for s in got["evidence"]["steps"]]}\n' \
                         f'selectors: {got["evidence"]["selectors_used"]}\nerror: {got["error"]}'


def _variant_problems(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[str]:
    """Same number of variants, in order; each one's stated keys (and its stated vehicle keys)."""
    if len(got) != len(want):
        return [f'{len(got)} variants != {len(want)}: {got}']
    problems = []
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        for key, value in w.items():
            if key == 'vehicle':
                problems += [f'variants[{i}].vehicle.{k} {g["vehicle"][k]!r} != {v!r}'
                             for k, v in value.items() if g['vehicle'][k] != v]
            elif g[key] != value:
                problems.append(f'variants[{i}].{key} {g[key]!r} != {value!r}')
    return problems


@pytest.mark.parametrize('scenario', [s for s in SCENARIOS if s.kind != 'hang'], ids=_ids)
def test_scenario(engine: Engine, scenario: Scenario) -> None:
    ident = parse(scenario.id, scenario.id_type)
    result = engine.lookup(ident, scenario.tag)
    check(result, scenario.expect)
    if result.outcome not in (Outcome.FOUND, Outcome.MODEL_ONLY):
        assert result.evidence.screenshot and result.evidence.html_snapshot
    else:
        assert result.evidence.screenshot is None


@pytest.mark.parametrize('scenario', [s for s in SCENARIOS if s.kind == 'hang'], ids=_ids)
def test_hanging_page_times_out_and_the_next_lookup_succeeds(seeded_sandbox: Sandbox, scenario: Scenario) -> None:
    found = next(s for s in SCENARIOS if s.expect.get('outcome') == 'FOUND' and not s.slow)
    with Engine(engine_settings(seeded_sandbox, lookup_deadline_s=HANG_DEADLINE_S)) as eng:
        started = time.monotonic()
        result = eng.lookup(parse(scenario.id, scenario.id_type))
        assert time.monotonic() - started < HANG_DEADLINE_S + 3
        check(result, scenario.expect)
        assert result.error is not None and result.evidence.waiting_for
        eng.settings.lookup_deadline_s = 30  # the next lookup relaunches the browser
        check(eng.lookup(parse(found.id, found.id_type)), found.expect)


def test_model_only_never_navigates(engine: Engine, seeded_sandbox: Sandbox) -> None:
    seeded_sandbox.reset_log()
    result = engine.lookup(parse('WVWZZZ1KZ8W123456'))
    assert result.outcome is Outcome.MODEL_ONLY and result.evidence.flags.get('vwGroupEarlyExit')
    paths = [e['path'] for e in seeded_sandbox.request_log()]
    assert '/api/parts' not in paths and not any(p.startswith('/profrf') for p in paths)


def test_fallback_only_for_chinese_vins(engine: Engine, seeded_sandbox: Sandbox) -> None:
    seeded_sandbox.reset_log()
    assert engine.lookup(parse('XTA210740Y1234567')).outcome is Outcome.VEHICLE_NOT_FOUND
    assert not any(e['path'].startswith('/profrf') for e in seeded_sandbox.request_log())
    result = engine.lookup(parse('LSYNTH00000ZZ9999'))
    assert result.evidence.sources_tried == ['podzamenu', 'profrf']
