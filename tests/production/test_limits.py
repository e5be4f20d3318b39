"""Per-tenant rate limit, on both backends: Redis sliding window (production) and database counting (embedded)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.backends import fresh_postgres, fresh_redis
from tests.production.helpers import (
    create_tenant_token,
    final,
    first_conversation,
    found_scenarios,
    new_conversation,
    submit,
)
from tests.stack import Stack, start_stack

pytestmark = [pytest.mark.production, pytest.mark.browser]
LIMIT = 3


@pytest.fixture(scope='module', params=['embedded', 'production'])
def limited(request, sandbox) -> Iterator[Stack]:  # noqa: ANN001
    env = {'RATE_LIMIT_PER_MINUTE': str(LIMIT)}
    if request.param == 'production':
        st = start_stack(sandbox_url=sandbox.url, database_url=fresh_postgres(), redis_url=fresh_redis(),
                         extra_env=env)
    else:
        st = start_stack(sandbox_url=sandbox.url, extra_env=env)
    yield st
    st.close()


def test_tenant_limit_answers_429_other_tenants_and_cache_hits_pass(limited: Stack) -> None:
    first, *others = [s.id for s in found_scenarios()[:LIMIT + 1]]
    conv = first_conversation(limited.api)
    r = submit(limited.api, conv, first, force_refresh=True)
    assert r.status_code == 202, r.text
    assert final(limited.api, r.json()['id'])['status'] == 'completed'  # cached now
    for value in others[:LIMIT - 1]:
        assert submit(limited.api, conv, value, force_refresh=True).status_code == 202

    over = submit(limited.api, conv, others[-1])
    assert over.status_code == 429
    assert 1 <= int(over.headers['Retry-After']) <= 60
    assert over.json()['error']['code'] == 'RATE_LIMITED' and over.json()['error']['message']

    hit = submit(limited.api, conv, first)  # a cache hit costs the site nothing: neither counted nor refused
    assert hit.status_code == 200 and hit.json()['from_cache'] is True
    assert submit(limited.api, conv, others[-1]).status_code == 429

    with limited.client(create_tenant_token(limited, 'other-tenant')) as other:
        other_conv = new_conversation(other, 'other-chat')
        assert submit(other, other_conv, others[-1]).status_code == 202


def test_concurrent_submits_cannot_overshoot_the_limit(limited: Stack) -> None:
    """The check and the count are one atomic step: 8 simultaneous submits of a fresh tenant admit exactly LIMIT."""
    with limited.client(create_tenant_token(limited, 'burst-tenant')) as client:
        conv = new_conversation(client, 'burst-chat')
        values = [s.id for s in found_scenarios()[LIMIT + 1:LIMIT + 9]]

        def one(value: str) -> int:
            return submit(client, conv, value, force_refresh=True).status_code

        with ThreadPoolExecutor(max_workers=len(values)) as pool:
            codes = list(pool.map(one, values))
    assert sorted(codes) == [202] * LIMIT + [429] * (len(values) - LIMIT), codes
