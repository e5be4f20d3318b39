"""Engine test setup: own sandboxes on two seeds (hashed class names differ per seed), settings factory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lookup.sandbox import Sandbox
from lookup.settings import Settings

SEEDS = (11, 12)
RENDER_DELAY_MS = 100
DEADLINE_S = 20.0


def engine_settings(sb: Sandbox, **overrides: object) -> Settings:
    """Settings pointing at a sandbox; data under a fresh temp dir."""
    values: dict[str, object] = dict(
        storage_secret='engine-tests', podzamenu_base_url=sb.url, prof_rf_base_url=sb.profrf_url,
        data_dir=Path(tempfile.mkdtemp(prefix='engine-')), lookup_deadline_s=DEADLINE_S)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope='module', params=SEEDS, ids=[f'seed{s}' for s in SEEDS])
def seeded_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with Sandbox(seed=request.param, render_delay_ms=RENDER_DELAY_MS) as sb:
        yield sb


@pytest.fixture(scope='module')
def engine_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=SEEDS[0], render_delay_ms=RENDER_DELAY_MS) as sb:
        yield sb
