"""Batch and site-alarm tests of the core on both backends (the scale suite's migrated SQLite / PostgreSQL+Redis)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.scale.conftest import backend, manager, queue  # noqa: F401  (shared fixtures)


@pytest.fixture
def scheduled() -> Iterator[list[tuple[int, float]]]:
    """The batch scheduler, as a list of (batch id, delay) it was asked to run later."""
    from lookup import batches
    calls: list[tuple[int, float]] = []
    batches.set_scheduler(lambda batch_id, delay: calls.append((batch_id, delay)))
    yield calls
    batches.set_scheduler(None)
