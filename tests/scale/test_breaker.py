"""Issue 10 #10: the per-site circuit breaker, shared through the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lookup import breaker, cases, service, worker
from lookup.db import session_scope
from lookup.engine.outcomes import Outcome
from lookup.settings import get_settings
from models import LookupCase
from models.dbtypes import utcnow
from models.lookups import SiteState

SITE = 'podzamenu'


def _fail(n: int, outcome: Outcome = Outcome.TIMEOUT, worker_id: str = 'w1') -> None:
    for i in range(n):
        breaker.record(SITE, outcome, cache_key=f'VIN:KEY{i}', worker=worker_id)


def _cool_down_over() -> None:
    with session_scope() as s:
        s.execute(sa.update(SiteState).values(open_until=utcnow() - timedelta(seconds=1)))


def test_consecutive_failures_of_different_lookups_pause_the_site(backend: str) -> None:
    settings = get_settings()
    _fail(settings.site_breaker_failures - 1)
    assert breaker.admit(SITE, 'w1').allowed
    _fail(1)
    refused = breaker.admit(SITE, 'w2')
    assert not refused.allowed
    cool = (refused.retry_at - utcnow()).total_seconds()
    assert settings.site_breaker_cooldown_s - 5 < cool <= settings.site_breaker_cooldown_s
    st = breaker.state()[SITE]
    assert st['state'] == 'open' and st['reason'] == 'TIMEOUT' and st['until']


def test_retries_of_one_lookup_count_once_and_an_answer_resets(backend: str) -> None:
    for _ in range(5):
        breaker.record(SITE, Outcome.TIMEOUT, cache_key='VIN:SAME', worker='w1')
    assert breaker.admit(SITE, 'w1').allowed
    _fail(get_settings().site_breaker_failures - 1)
    breaker.record(SITE, Outcome.VEHICLE_NOT_FOUND, cache_key='VIN:OTHER', worker='w1')
    _fail(get_settings().site_breaker_failures - 1)
    assert breaker.admit(SITE, 'w1').allowed
    assert breaker.state()[SITE]['state'] == 'closed'


def test_blocked_backs_off_far_longer(backend: str) -> None:
    settings = get_settings()
    _fail(settings.site_breaker_failures, Outcome.BLOCKED)
    retry_at = breaker.admit(SITE, 'w1').retry_at
    assert (retry_at - utcnow()).total_seconds() > settings.site_breaker_blocked_cooldown_s - 5
    assert settings.site_breaker_blocked_cooldown_s >= 10 * settings.site_breaker_cooldown_s


def test_after_the_cool_down_one_probe_reopens_the_site(backend: str) -> None:
    _fail(get_settings().site_breaker_failures)
    _cool_down_over()
    assert breaker.admit(SITE, 'w1') == breaker.Admission(True, probe=True)
    assert not breaker.admit(SITE, 'w2').allowed, 'only one probe at a time'
    assert breaker.state()[SITE]['state'] == 'probing'
    breaker.record(SITE, Outcome.FOUND, cache_key='VIN:PROBE', worker='w1')
    assert breaker.admit(SITE, 'w2').allowed
    assert breaker.state()[SITE]['state'] == 'closed'


def test_a_failed_probe_pauses_the_site_again(backend: str) -> None:
    _fail(get_settings().site_breaker_failures)
    _cool_down_over()
    assert breaker.admit(SITE, 'w1').probe
    breaker.record(SITE, Outcome.SITE_ERROR, cache_key='VIN:PROBE', worker='w1')
    refused = breaker.admit(SITE, 'w2')
    assert not refused.allowed and refused.retry_at > utcnow() + timedelta(seconds=10)


def test_a_worker_does_not_visit_a_paused_site_and_the_case_says_when_it_retries(manager, queue) -> None:  # noqa: ANN001
    conv = service.list_conversations(manager, page_size=1).items[0].id
    case = service.submit_lookup(manager, conv, 'WVWZZZ1KZ8W123456')
    _fail(get_settings().site_breaker_failures)
    with pytest.raises(worker.SitePaused) as paused:
        worker.run_case(case.id, retries_left=2)  # no engine is started: the breaker refuses before the browser
    assert getattr(worker._local, 'engine', None) is None
    with session_scope() as s:
        row = s.get(LookupCase, case.id)
    assert (row.status, row.stage, row.worker_id) == ('pending', 'site_paused', None)
    assert row.attempts == 0, 'no site visit happened'
    assert row.next_attempt_at == paused.value.retry_at
    out = service.get_case(manager, case.id)
    assert out.next_attempt_at == paused.value.retry_at

    # The site answers again (a probe elsewhere): waiting cases are enqueued at once, not at their scheduled time.
    worker.set_enqueuer(queue.append)
    with session_scope() as s:
        assert cases.active_for_key(session=s, cache_key=row.cache_key)
    assert worker.release_paused() == 1 and queue[-1] == case.id
