"""Production mode as real processes: main.py + a separate huey_consumer on PostgreSQL + Redis (and, where the
issue asks for it, the embedded default), driven through the REST API and checked against the database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.backends import fresh_postgres, fresh_redis
from tests.stack import Stack, start_stack


@pytest.fixture(scope='module')
def prod(sandbox) -> Iterator[Stack]:  # noqa: ANN001
    """One production stack per module (modules run one after the other, each on a freshly emptied database)."""
    st = start_stack(sandbox_url=sandbox.url, database_url=fresh_postgres(), redis_url=fresh_redis())
    yield st
    st.close()
