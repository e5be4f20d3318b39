"""What the queue worker does with one case: claim, cache check, one site visit, fan-out, notify."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from lookup import cache, cases, events
from lookup.db import session_scope
from lookup.engine.identifiers import parse
from lookup.engine.outcomes import Outcome
from lookup.engine.result import LookupResult
from lookup.errors import TransientLookupFailure
from lookup.limits import site_slot
from lookup.settings import Settings, get_settings
from models import CaseStatus, LookupCase
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
_local = threading.local()
LEASE_MARGIN_S = 30


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
        waiting = cases.set_stage(session=s, cache_key=key, stage='opening')
        hit = None if force else cache.get_fresh(session=s, cache_key=key)
        if hit is not None:  # another job filled the cache while this one waited in the queue
            result = LookupResult.model_validate(hit.result)
            for c in waiting:
                cases.finish_from_result(c, result, cache_row=hit, from_cache=True)
    for c in waiting:
        notify(c)
    if hit is not None:
        return

    ident = parse(case.value, case.id_type)

    def on_stage(stage: str) -> None:
        try:
            with session_scope() as s2:
                for c2 in cases.set_stage(session=s2, cache_key=key, stage=stage):
                    notify(c2)
        except Exception as exc:  # noqa: BLE001  (progress is cosmetic: a database blip must not fail the lookup)
            logger.warning('case %s: could not record stage %s: %s', case_id, stage, exc)

    with site_slot('podzamenu', settings, timeout=slot_timeout(settings), holder=wid) as got_slot:
        if not got_slot:
            result = LookupResult(query=ident.value, id_type=ident.kind.value, outcome=Outcome.TIMEOUT,
                                  error={'code': 'SITE_BUSY', 'message': 'No free browser slot for the site.'})
        else:
            with session_scope() as s:
                cases.renew_lease(session=s, cache_key=key, worker_id=wid,
                                  lease=_lease(settings, waiting_for_slot=False))
            result = engine().lookup(ident, None, on_stage=on_stage)
    _record(key, result, retries_left=retries_left, settings=settings)


def _record(key: str, result: LookupResult, *, retries_left: int, settings: Settings) -> None:
    with session_scope() as s:
        waiting = cases.active_for_key(session=s, cache_key=key, for_update=True)
        if result.outcome.transient and retries_left > 0:
            delay = _retry_delay(settings, retries_left)
            for c in waiting:
                c.status = CaseStatus.PENDING
                c.stage = 'retry_wait'
                c.outcome = result.outcome.value
                c.error_code = result.outcome.value
                c.error_message = result.error.message if result.error else result.outcome.value
                c.next_attempt_at = utcnow() + timedelta(seconds=delay)
                c.lease_until = None
                c.updated_at = utcnow()
        elif not result.outcome.definitive:
            for c in waiting:
                cases.fail(c, code=result.outcome.value, result=result,
                           message=result.error.message if result.error else result.outcome.value)
        else:
            row = cache.store(session=s, cache_key=key, result=result, settings=settings)
            for c in waiting:
                cases.finish_from_result(c, result, cache_row=row, from_cache=False)
    for c in waiting:
        notify(c)
    if result.outcome.transient and retries_left > 0:
        raise TransientLookupFailure(result.outcome, result.error.message if result.error else '')


def _retry_delay(settings: Settings, retries_left: int) -> float:
    attempt = settings.lookup_retries - retries_left  # 0 for the first retry
    return settings.lookup_retry_delay_s * (2 ** attempt)
