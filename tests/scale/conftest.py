"""In-process tests of the core at scale on both backends: a migrated SQLite file or PostgreSQL database (and, for
production mode, Redis), with `get_settings()` and the engine pointed at it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lookup import db
from lookup.settings import get_settings
from tests.backends import fresh_postgres, fresh_redis


@pytest.fixture(params=['sqlite', 'postgresql'])
def backend(request, tmp_path: Path, monkeypatch) -> Iterator[str]:  # noqa: ANN001
    """Migrated database of the given kind; REDIS_URL set on PostgreSQL (production mode)."""
    if request.param == 'postgresql':
        url = fresh_postgres()
        monkeypatch.setenv('REDIS_URL', fresh_redis())
    else:
        url = f'sqlite:///{tmp_path / "app.db"}'
        monkeypatch.delenv('REDIS_URL', raising=False)
    monkeypatch.setenv('DATABASE_URL', url)
    monkeypatch.setenv('DATA_DIR', str(tmp_path / 'data'))
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.migrate(url)
    yield request.param
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()
    os.environ.pop('DATABASE_URL', None)


@pytest.fixture
def queue() -> Iterator[list[int]]:
    """The service's queue, as a list of the case ids it enqueued."""
    from lookup import service
    enqueued: list[int] = []
    service.set_enqueuer(enqueued.append)
    yield enqueued
    service.set_enqueuer(None)


@pytest.fixture
def manager(backend: str, queue: list[int]):  # noqa: ANN201
    """The demo manager (tenant, users, conversations seeded) as an Actor."""
    from lookup import auth, demo
    from lookup.db import session_scope
    demo.seed()
    with session_scope() as s:
        return auth.actor_for_token(session=s, token=demo.DEMO_API_TOKEN)
