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
