"""Engine test setup: own sandboxes in several rendering modes on two seeds (hashed class names differ per seed),
settings factory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lookup.sandbox import Sandbox
from lookup.settings import Settings

SEEDS = (11, 12)
RUNS = [('keyed', 11), ('keyed', 12), ('harsh', 11), ('harsh', 12), ('rebuild', 11)]
"""Every scenario runs in each of these (mode, seed) sandboxes: nodes patched in place (the React way), every
harsh switch at once (rebuilt content, lazy children, CSS case, nbsp labels, zero-height collapse, trusted-only
input, pushState parts view), and rebuilt content alone."""
RENDER_DELAY_MS = 100
DEADLINE_S = 20.0


def engine_settings(sb: Sandbox, **overrides: object) -> Settings:
    """Settings pointing at a sandbox; data under a fresh temp dir."""
    values: dict[str, object] = dict(
        storage_secret='engine-tests', podzamenu_base_url=sb.url, prof_rf_base_url=sb.profrf_url,
        data_dir=Path(tempfile.mkdtemp(prefix='engine-')), lookup_deadline_s=DEADLINE_S)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope='module', params=RUNS, ids=[f'{m}-seed{s}' for m, s in RUNS])
def seeded_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    mode, seed = request.param
    with Sandbox(seed=seed, render_delay_ms=RENDER_DELAY_MS, mode=mode) as sb:
        yield sb


@pytest.fixture(scope='module')
def engine_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=SEEDS[0], render_delay_ms=RENDER_DELAY_MS, mode='harsh') as sb:
        yield sb
