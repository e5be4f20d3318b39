"""Engine, sessions and migrations (SQLite embedded, PostgreSQL in production)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session
from sqlmodel.sql.expression import Select

from lookup.settings import get_settings

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / 'models' / 'migrations'


def _fold(fn):  # noqa: ANN001, ANN202
    return lambda value: fn(value) if isinstance(value, str) else value


def make_engine(url: str) -> sa.Engine:
    if url.startswith('sqlite'):
        engine = sa.create_engine(url, connect_args={'check_same_thread': False, 'timeout': 30})

        @sa.event.listens_for(engine, 'connect')
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute('PRAGMA journal_mode=WAL')
            cur.execute('PRAGMA foreign_keys=ON')
            cur.execute('PRAGMA busy_timeout=30000')
            cur.execute('PRAGMA synchronous=NORMAL')
            cur.close()
            # SQLite's lower()/upper() only fold ASCII; customers and managers write Cyrillic.
            dbapi_conn.create_function('lower', 1, _fold(str.lower), deterministic=True)
            dbapi_conn.create_function('upper', 1, _fold(str.upper), deterministic=True)

        return engine
    # pool_pre_ping + a short connect timeout: a PostgreSQL restart costs one failed request, not a restart.
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_recycle=1800,
                            connect_args={'connect_timeout': 5})


def select_columns(*columns: Any) -> Select[*tuple[Any, ...]]:
    """`select(a, b, c, d, e, ...)`: the same statement; sqlmodel's `select` is typed for at most four columns."""
    return Select(*columns)


@lru_cache
def get_engine() -> sa.Engine:
    return make_engine(get_settings().db_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option('script_location', str(MIGRATIONS_DIR))
    cfg.set_main_option('sqlalchemy.url', (url or get_settings().db_url).replace('%', '%%'))
    return cfg


def migrate(url: str | None = None) -> None:
    """Apply Alembic revisions up to head (idempotent; PostgreSQL serialises concurrent callers with a lock)."""
    url = url or get_settings().db_url
    if url.startswith('sqlite'):
        Path(url.removeprefix('sqlite:///')).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), 'head')
