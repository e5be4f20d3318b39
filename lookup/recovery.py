"""Nothing lost: take back cases of dead workers and enqueue cases the queue never got (or lost).

The database row is the truth and Huey only carries case ids, so recovery is: find rows that should be moving and
are not, and enqueue their ids again. Enqueuing twice is harmless (`cases.claim` makes a duplicate message a no-op);
several sweepers at once are harmless too (rows are locked with SKIP LOCKED on PostgreSQL and stamped when handled).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from lookup import events, heartbeat, limits
from lookup.db import session_scope
from lookup.settings import get_settings
from models import CaseStatus, LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
GRACE = timedelta(seconds=60)
"""A pending case younger than this may still be on its way into the queue (or out of it into a worker)."""
LOST_AFTER = timedelta(minutes=10)
"""When the queue cannot be listed: a pending case untouched this long lost its queue message."""
ORPHAN_AFTER = timedelta(seconds=30)
"""A case that joined another case's site visit (coalescing) is re-run when no live worker holds its key this long."""
PARKED = 'queue_unavailable'


def _locked(session: Session, stmt):  # noqa: ANN001, ANN202
    """Rows another sweeper is handling right now are skipped, not waited for (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name == 'postgresql':
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.exec(stmt).all())


def _requeue(case: LookupCase, now) -> None:  # noqa: ANN001
    case.status = CaseStatus.PENDING
    case.stage = 'queued'
    case.lease_until = None
    case.updated_at = now


def sweep(*, enqueue: Callable[[int], None], queued_ids: Callable[[], set[int]] | None = None,
          startup: bool = False) -> int:
    """Re-enqueue lost cases; fail those that used up their attempts. Returns how many were touched.

    `queued_ids` lists the case ids waiting in the queue (pending or scheduled for a retry): a pending case missing
    from it lost its message (Redis restarted without persistence, a worker died between dequeue and claim).
    """
    settings = get_settings()
    max_attempts = settings.lookup_retries + 2  # the Huey retries plus one recovery run
    beats = heartbeat.snapshot()
    in_queue: set[int] | None = None
    if queued_ids is not None:
        try:
            in_queue = queued_ids()
        except Exception as exc:  # noqa: BLE001  (queue down: fall back to the age rule)
            logger.warning('cannot list the queue: %s', exc)
    touched: list[LookupCase] = []
    to_enqueue: list[int] = []
    with session_scope() as s:
        now = utcnow()
        running = _locked(s, select(LookupCase).where(LookupCase.status == CaseStatus.RUNNING))

        def claimed(c: LookupCase) -> bool:
            return bool(c.worker_id) and c.lease_until is not None

        def gone(c: LookupCase) -> bool:
            return (c.lease_until is not None and c.lease_until < now) or heartbeat.dead(c.worker_id, beats)

        live_keys = {c.cache_key for c in running if claimed(c) and not gone(c)}
        for case in running:
            if claimed(case) and gone(case):
                if case.attempts >= max_attempts:
                    from lookup import cases
                    cases.fail(case, code='TIMEOUT', message='The lookup did not finish in time on several attempts.')
                else:
                    logger.warning('case %s: worker %s is gone (lease until %s); re-enqueuing', case.id,
                                   case.worker_id, case.lease_until)
                    _requeue(case, now)
                    to_enqueue.append(case.id)
                touched.append(case)
            elif not claimed(case) and case.cache_key not in live_keys and case.updated_at < now - ORPHAN_AFTER:
                _requeue(case, now)  # joined a visit whose worker died or gave up: run it on its own
                to_enqueue.append(case.id)
                touched.append(case)
        pending = _locked(s, select(LookupCase).where(LookupCase.status == CaseStatus.PENDING))
        for case in pending:
            if case.stage == PARKED:
                lost = True
            elif case.updated_at >= now - GRACE or (case.next_attempt_at and case.next_attempt_at >= now - GRACE):
                lost = False
            elif in_queue is not None:
                lost = case.id not in in_queue
            else:
                lost = case.updated_at < now - LOST_AFTER
            if lost:
                case.stage, case.updated_at = 'queued', now
                to_enqueue.append(case.id)
                touched.append(case)
    for case_id in dict.fromkeys(to_enqueue):
        try:
            enqueue(case_id)
        except Exception as exc:  # noqa: BLE001  (the queue is still down: the next sweep tries again)
            logger.warning('could not re-enqueue case %s: %s', case_id, exc)
            mark_queue_unavailable(case_id)
    try:
        limits.clear_stale_slots(settings, beats)
    except Exception as exc:  # noqa: BLE001
        logger.warning('could not check site slots: %s', exc)
    _publish(touched)
    if touched:
        logger.info('recovery: %s case(s) re-enqueued or failed%s', len(touched), ' at startup' if startup else '')
    return len(touched)


def requeue_parked(*, enqueue: Callable[[int], None], limit: int = 100) -> int:
    """Enqueue cases parked while the queue was down (run by every web process every few seconds; cheap when idle).

    The enqueue happens while the rows are locked, so two web processes do not both enqueue a case.
    """
    done: list[LookupCase] = []
    with session_scope() as s:
        parked = _locked(s, select(LookupCase).where(LookupCase.status == CaseStatus.PENDING,
                                                     LookupCase.stage == PARKED)
                         .order_by(col(LookupCase.id)).limit(limit))
        for case in parked:
            try:
                enqueue(case.id)
            except Exception as exc:  # noqa: BLE001  (still down: stop here, try again next time)
                logger.debug('queue still unavailable: %s', exc)
                break
            case.stage, case.updated_at = 'queued', utcnow()
            done.append(case)
    _publish(done)
    if done:
        logger.info('queue is back: enqueued %s parked case(s)', len(done))
    return len(done)


def release(case_id: int) -> None:
    """A worker gives a case back without finishing it (it was interrupted): pending again, ready to be claimed."""
    with session_scope() as s:
        s.exec(sa.update(LookupCase).where(col(LookupCase.id) == case_id, col(LookupCase.status) == CaseStatus.RUNNING)
                  .values(status=CaseStatus.PENDING, stage='queued', lease_until=None, updated_at=utcnow()))


def mark_queue_unavailable(case_id: int) -> None:
    with session_scope() as s:
        case = s.get(LookupCase, case_id)
        if case and case.status == CaseStatus.PENDING:
            case.stage = PARKED
            case.updated_at = utcnow()


def _publish(cases: list[LookupCase]) -> None:
    for case in cases:
        events.publish(events.case_changed(case))
