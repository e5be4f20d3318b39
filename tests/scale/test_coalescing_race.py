"""Issue 10 #11: a case that attaches to a visit whose fan-out has already selected its cases completes with that
visit (or is enqueued at once) instead of staying orphaned until the sweep. Both backends, real databases; the race
is forced by running the other side's commit inside the window instead of hoping for a timing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lookup import cases, service, worker
from lookup.db import session_scope
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.settings import get_settings
from models import LookupCase

VIN = 'WVWZZZ1KZ8W123456'


def _conversation(actor) -> int:  # noqa: ANN001
    return service.list_conversations(actor, page_size=1).items[0].id


def _status(case_id: int) -> tuple[str, str | None]:
    with session_scope() as s:
        c = s.get(LookupCase, case_id)
        return c.status, c.stage


@pytest.mark.parametrize('outcome', [Outcome.FOUND, Outcome.TIMEOUT])
def test_a_case_attaching_after_the_fan_out_selected_is_not_orphaned(manager, queue, monkeypatch,  # noqa: ANN001
                                                                      outcome: Outcome) -> None:
    conv = _conversation(manager)
    holder = service.submit_lookup(manager, conv, VIN)
    assert queue == [holder.id]
    with session_scope() as s:
        assert cases.claim(session=s, case_id=holder.id, worker_id='w1', lease=timedelta(minutes=1)) is not None

    late: list[int] = []
    real = cases.active_for_key

    def select_then_attach(**kw):  # noqa: ANN003, ANN202
        rows = real(**kw)
        if kw.get('for_update') and not late:  # the fan-out's selection is made: a submit attaches now
            late.append(service.submit_lookup(manager, conv, VIN).id)
        return rows

    monkeypatch.setattr(cases, 'active_for_key', select_then_attach)
    result = LookupResult(query=VIN, id_type='VIN', outcome=outcome)
    worker._record(f'VIN:{VIN}', result, retries_left=0, settings=get_settings())

    status, _ = _status(late[0])
    assert _status(holder.id)[0] in ('completed', 'failed')
    # Finished together with the visit, or (the other ordering) enqueued at once: never left running on nobody.
    assert status in ('completed', 'failed') or late[0] in queue, (status, queue)
    if outcome is Outcome.FOUND:
        assert status == 'completed'


def test_a_case_attaching_after_the_visit_committed_is_enqueued_at_once(backend: str, manager, queue,  # noqa: ANN001
                                                                         monkeypatch) -> None:  # noqa: ANN001
    """The mirror ordering: the submit saw the visit still running, the visit then finished before it committed.
    (Only PostgreSQL can interleave so: on SQLite the submit holds the write lock from its insert to its commit.)"""
    if backend == 'sqlite':
        pytest.skip('SQLite serialises the two writers; the ordering cannot occur')
    conv = _conversation(manager)
    holder = service.submit_lookup(manager, conv, VIN)
    with session_scope() as s:
        cases.claim(session=s, case_id=holder.id, worker_id='w1', lease=timedelta(minutes=1))
    stale = {}
    real = cases.active_for_key

    def snapshot_then_finish(**kw):  # noqa: ANN003, ANN202
        rows = real(**kw)
        if not kw.get('for_update') and not stale:
            stale['rows'] = rows  # what the submit saw: the holder running
            # ... and the visit finishes right now (a fresh session: the submit's own rows are not committed yet)
            with session_scope() as s:
                h = s.get(LookupCase, holder.id)
                cases.fail(h, code='TIMEOUT', message='timed out')
        return rows

    monkeypatch.setattr(service.cases, 'active_for_key', snapshot_then_finish)
    late = service.submit_lookup(manager, conv, VIN)
    assert stale['rows'], 'the submit did not coalesce'
    assert late.id in queue
