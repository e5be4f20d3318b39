"""What the queue worker does with one case: claim, cache check, one site visit, fan-out, notify."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlmodel import col, select

from lookup import breaker, cache, cases, events, evidence, site_health
from lookup.db import session_scope
from lookup.engine.identifiers import parse
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.errors import TransientLookupFailure
from lookup.limits import site_slot
from lookup.settings import Settings, get_settings
from models import CaseStatus, LookupCache, LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
_local = threading.local()
LEASE_MARGIN_S = 30
SITE = 'podzamenu'
"""The site every lookup starts on (its breaker gates the visit; the engine decides on the fallback site itself)."""
PAUSED = 'site_paused'
_enqueue: Callable[[int], None] | None = None


class SitePaused(Exception):
    """The site's breaker is open: the case waits (`site_paused`) and the task re-schedules itself for `retry_at`."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f'site paused until {retry_at.isoformat()}')
        self.retry_at = retry_at


def set_enqueuer(fn: Callable[[int], None]) -> None:
    """Wire the queue in (tasks.py does): a successful probe enqueues every case that waited for the site."""
    global _enqueue
    _enqueue = fn


def worker_id() -> str:
    return f'{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}'


def engine():  # noqa: ANN201  (lookup.engine.Engine; imported lazily: Playwright is heavy)
    """The Playwright engine of this worker thread (created on first use, one browser per thread)."""
    if getattr(_local, 'engine', None) is None:
        from lookup.engine.engine import Engine
        _local.engine = Engine(get_settings())
    return _local.engine


def close_engine() -> None:
    eng = getattr(_local, 'engine', None)
    if eng is not None:
        _local.engine = None
        eng.close()


def start_heartbeat() -> None:
    from lookup.heartbeat import Heartbeat
    _local.heartbeat = Heartbeat(worker_id())
    _local.heartbeat.start()


def stop_heartbeat() -> None:
    """Stop beating and leave the heartbeat table (a graceful stop: readiness notices at once)."""
    hb = getattr(_local, 'heartbeat', None)
    if hb is not None:
        _local.heartbeat = None
        hb.stop()


def _current(case_id: int | None) -> None:
    from lookup import heartbeat
    hb = getattr(_local, 'heartbeat', None)
    eng = getattr(_local, 'engine', None)
    problem = eng.browser_problem if eng is not None else None
    if hb is not None:
        hb.current, hb.browser = case_id, problem
    heartbeat.beat(worker_id(), case_id, problem)


_browsing = 0
"""Worker threads inside a Playwright call right now."""


@contextlib.contextmanager
def _in_browser() -> Iterator[None]:
    global _browsing
    _browsing += 1
    try:
        yield
    finally:
        _browsing -= 1


@atexit.register
def _leave_without_finalising() -> None:
    """A forced stop (a second Ctrl-C or SIGTERM) leaves a worker thread inside a Playwright call; tearing down the
    interpreter under its greenlet crashes the process (SIGSEGV) after the case was already given back. Once the
    consumer has exited, leave at once instead (logs flushed), so the stop is a clean exit."""
    if _browsing:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def notify(case: LookupCase) -> None:
    events.publish(events.case_changed(case))


def run_case(case_id: int, *, retries_left: int) -> None:
    """Run one attempt for a case and every case coalesced with it (same cache key)."""
    _current(case_id)
    try:
        _run_case(case_id, retries_left=retries_left)
    finally:
        _current(None)


def _lease(settings: Settings, *, waiting_for_slot: bool) -> timedelta:
    """How long a running case may go without news before recovery takes it back (a dead worker is noticed sooner,
    by its pid or its heartbeat). While waiting for a browser slot, the wait counts too."""
    seconds = settings.lookup_deadline_s + LEASE_MARGIN_S
    return timedelta(seconds=seconds + (slot_timeout(settings) if waiting_for_slot else 0))


def slot_timeout(settings: Settings) -> float:
    return settings.lookup_deadline_s * 2


def _is_dead(worker: str | None) -> bool:
    """Is the worker holding a case provably gone? (Only asked when another claim exists: reads heartbeats then.)"""
    from lookup import heartbeat
    return heartbeat.dead(worker, heartbeat.snapshot())


def _run_case(case_id: int, *, retries_left: int) -> None:
    settings = get_settings()
    wid = worker_id()
    with session_scope() as s:
        case = cases.claim(session=s, case_id=case_id, worker_id=wid, is_dead=_is_dead,
                           lease=_lease(settings, waiting_for_slot=True))
        if case is None:
            logger.info('case %s is final or already being looked up; nothing to do', case_id)
            return
        key, force = case.cache_key, case.force_refresh
        hit = None if force else cache.get_fresh(session=s, cache_key=key)
        if hit is not None:  # another job filled the cache while this one waited in the queue
            result = LookupResult.model_validate(hit.result)
            waiting = cases.active_for_key(session=s, cache_key=key)
            for c in waiting:
                cases.finish_from_result(c, result, cache_row=hit, from_cache=True)
    if hit is not None:
        for c in waiting:
            notify(c)
        return
    # The site's breaker first (its own transaction: on SQLite the claim above held the write lock until commit).
    admission = breaker.admit(SITE, wid, settings=settings)
    if not admission.allowed:
        retry_at = admission.retry_at
        assert retry_at is not None, 'a refusal always says when to retry'
        _pause(key, retry_at, wid)
        raise SitePaused(retry_at)
    with session_scope() as s:
        waiting = cases.set_stage(session=s, cache_key=key, stage='opening')
    for c in waiting:
        notify(c)

    ident = parse(case.value, case.id_type)

    def on_stage(stage: str) -> None:
        try:
            with session_scope() as s2:
                for c2 in cases.set_stage(session=s2, cache_key=key, stage=stage):
                    notify(c2)
        except Exception as exc:  # noqa: BLE001  (progress is cosmetic: a database blip must not fail the lookup)
            logger.warning('case %s: could not record stage %s: %s', case_id, stage, exc)

    visited = False
    with site_slot(SITE, settings, timeout=slot_timeout(settings), holder=wid) as got_slot:
        if not got_slot:
            result = LookupResult(query=ident.value, id_type=ident.kind.value, outcome=Outcome.TIMEOUT,
                                  error={'code': 'SITE_BUSY', 'message': 'No free browser slot for the site.'})
        else:
            with session_scope() as s:
                cases.renew_lease(session=s, cache_key=key, worker_id=wid,
                                  lease=_lease(settings, waiting_for_slot=False))
            with _in_browser():
                result = engine().lookup(ident, None, on_stage=on_stage)
            visited = True
    if visited:
        evidence.keep(result, settings=settings)
        site_health.record(result, case_id=case_id, tenant_id=case.tenant_id)
        try:
            # A transient failure on the fallback site, or of our own browser (crash, failed launch, engine bug),
            # says nothing about podzamenu.ru; any answer says it works.
            flags = result.evidence.flags
            ours = flags.get('browserCrashed') or flags.get('engineError')
            if not (result.outcome.transient and (ours or result.evidence.source not in (None, SITE))):
                breaker.record(SITE, result.outcome, cache_key=key, worker=wid, settings=settings)
        except Exception as exc:  # noqa: BLE001  (the breaker is protection, not a reason to lose the result)
            logger.warning('case %s: could not record the outcome for the breaker: %s', case_id, exc)
    _record(key, result, retries_left=retries_left, settings=settings)
    if admission.probe and not result.outcome.transient:
        release_paused()


def _pause(key: str, retry_at: datetime, wid: str) -> None:
    """The site is paused: the key's cases wait, showing when the next try is (no worker holds them meanwhile)."""
    with session_scope() as s:
        waiting = cases.active_for_key(session=s, cache_key=key, for_update=True)
        for c in waiting:
            if c.worker_id == wid:
                c.attempts = max(0, c.attempts - 1)  # the claim counted a site visit that did not happen
            c.status, c.stage, c.next_attempt_at = CaseStatus.PENDING, PAUSED, retry_at
            c.worker_id, c.lease_until, c.updated_at = None, None, utcnow()
    for c in waiting:
        notify(c)


def release_paused(limit: int = 500) -> int:
    """The site answers again: enqueue the cases that wait for it now, not at their scheduled time (a duplicate
    of their scheduled message is harmless: a claim of a final or running case is a no-op)."""
    if _enqueue is None:
        return 0
    with session_scope() as s:
        ids = [i for i in s.exec(select(LookupCase.id).where(LookupCase.status == CaseStatus.PENDING,
                                                             LookupCase.stage == PAUSED)
                                 .order_by(col(LookupCase.id)).limit(limit)).all() if i is not None]
    for case_id in ids:
        try:
            _enqueue(case_id)
        except Exception as exc:  # noqa: BLE001  (its scheduled message still runs it)
            logger.warning('could not enqueue paused case %s: %s', case_id, exc)
    if ids:
        logger.info('site is back: enqueued %s waiting case(s)', len(ids))
    return len(ids)


def _record(key: str, result: LookupResult, *, retries_left: int, settings: Settings) -> None:
    retry = result.outcome.transient and retries_left > 0
    next_at = utcnow() + timedelta(seconds=_retry_delay(settings, retries_left)) if retry else None
    message = result.error.message if result.error else result.outcome.value
    # Issue 10 #11: a case whose submit attached to this visit and committed after the first pass selected the
    # key's cases would stay orphaned until the sweep. So a second pass after our commit takes the cases that
    # still wait on no worker (the submit side does the mirror check after its own commit, so one of the two
    # always sees the other). A pending case with its own queue message is left to it unless we have the answer.
    for second in (False, True):
        with session_scope() as s:
            waiting = [c for c in cases.active_for_key(session=s, cache_key=key, for_update=True)
                       if not second or (not c.worker_id
                                         and (not result.outcome.transient or c.status == CaseStatus.RUNNING))]
            if not waiting:
                break
            if retry:
                for c in waiting:
                    c.status, c.stage, c.next_attempt_at, c.lease_until = CaseStatus.PENDING, 'retry_wait', \
                        next_at, None
                    c.outcome = c.error_code = result.outcome.value
                    c.error_message, c.updated_at = message, utcnow()
            elif not result.outcome.definitive:
                for c in waiting:
                    cases.fail(c, code=result.outcome.value, result=result, message=message)
            else:
                row = cache.store(session=s, cache_key=key, result=result, settings=settings) if not second \
                    else s.exec(select(LookupCache).where(LookupCache.cache_key == key)).one()
                for c in waiting:
                    cases.finish_from_result(c, result, cache_row=row, from_cache=False)
        for c in waiting:
            if second:
                logger.info('case %s attached after the fan-out; finished with this visit', c.id)
            notify(c)
    if retry:
        raise TransientLookupFailure(result.outcome, message)


def _retry_delay(settings: Settings, retries_left: int) -> float:
    attempt = settings.lookup_retries - retries_left  # 0 for the first retry
    return settings.lookup_retry_delay_s * (2 ** attempt)
