"""The real app as subprocesses on each backend: embedded (SQLite + in-process SqliteHuey consumer) and
production (PostgreSQL + RedisHuey + a separate huey_consumer process)."""

from __future__ import annotations

import pytest

from tests.backends import fresh_postgres, fresh_redis
from tests.stack import Stack, start_stack


@pytest.fixture(scope='module', params=['embedded', 'production'])
def stack(request, sandbox) -> Stack:  # noqa: ANN001
    if request.param == 'production':
        st = start_stack(sandbox_url=sandbox.url, database_url=fresh_postgres(), redis_url=fresh_redis())
    else:
        st = start_stack(sandbox_url=sandbox.url)
    st.backend = request.param
    yield st
    st.close()


@pytest.fixture
def conversation_id(stack: Stack) -> int:
    return stack.api.get('/api/conversations', params={'page_size': 1}).json()['items'][0]['id']
