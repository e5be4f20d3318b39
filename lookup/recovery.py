"""Nothing lost: take back cases of dead workers and enqueue cases the queue never got."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

import psutil

from lookup import cases, events
from lookup.db import session_scope
from lookup.settings import get_settings
from models import CaseStatus, LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
LOST_AFTER = timedelta(minutes=10)
"""A pending case untouched this long lost its queue message (e.g. Redis was flushed)."""


def _dead_local_worker(worker_id: str | None) -> bool:
    """True when the worker ran on this host and its process is gone (a SIGKILL, an OOM kill, a crash)."""
    if not worker_id:
        return False
    host, _, rest = worker_id.partition(':')
    pid = rest.partition(':')[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return int(pid) != os.getpid() and not psutil.pid_exists(int(pid))


def sweep(*, enqueue: Callable[[int], None], startup: bool = False) -> int:
    """Re-enqueue lost cases; fail those that used up their attempts. Returns how many were touched."""
    settings = get_settings()
    max_attempts = settings.lookup_retries + 2  # the Huey retries plus one recovery run
    touched: list[LookupCase] = []
    to_enqueue: list[int] = []
    with session_scope() as s:
        now = utcnow()
        running = s.exec(cases.select_running()).all()
        for case in running:
            expired = case.lease_until is not None and case.lease_until < now
            if not (expired or _dead_local_worker(case.worker_id)):
                continue
            if case.attempts >= max_attempts:
                cases.fail(case, code='TIMEOUT',
                           message='The lookup did not finish in time on several attempts.')
            else:
                case.status = CaseStatus.PENDING
                case.stage = 'queued'
                case.lease_until = None
                case.updated_at = now
                to_enqueue.append(case.id)
            touched.append(case)
        for case in cases.unqueued_pending(session=s, older_than=LOST_AFTER):
            to_enqueue.append(case.id)
            touched.append(case)
    for case_id in dict.fromkeys(to_enqueue):
        try:
            enqueue(case_id)
            mark_queued(case_id)
        except Exception as exc:  # the queue is still down: try again on the next sweep
            logger.warning('could not re-enqueue case %s: %s', case_id, exc)
            mark_queue_unavailable(case_id)
    for case in touched:
        events.publish(events.Change(kind='case', tenant_id=case.tenant_id, conversation_id=case.conversation_id,
                                     case_id=case.id, status=case.status, stage=case.stage))
    if touched:
        logger.info('recovery: %s case(s) re-enqueued or failed%s', len(touched), ' at startup' if startup else '')
    return len(touched)


def mark_queued(case_id: int) -> None:
    with session_scope() as s:
        case = s.get(LookupCase, case_id)
        if case and case.status == CaseStatus.PENDING and case.stage in ('queue_unavailable', None, 'queued'):
            case.stage = 'queued'
            case.updated_at = utcnow()


def mark_queue_unavailable(case_id: int) -> None:
    with session_scope() as s:
        case = s.get(LookupCase, case_id)
        if case and case.status == CaseStatus.PENDING:
            case.stage = 'queue_unavailable'
            case.updated_at = utcnow()
