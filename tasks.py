"""The Huey instance and its tasks. Tasks take ids and re-load state from the database (the truth).

Embedded default: SqliteHuey under DATA_DIR, consumed by a thread inside the web process (see lookup/queue.py).
Production: RedisHuey, consumed by `huey_consumer tasks.huey -w 1 -k thread -g TERM` (`make worker`).
"""

from __future__ import annotations

import logging
import signal
import threading

from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.signals import SIGNAL_INTERRUPTED
from redis import ConnectionPool

from lookup import delivery, recovery, worker
from lookup.db import session_scope
from lookup.errors import TransientLookupFailure
from lookup.settings import get_settings
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
settings = get_settings()


class LookupConsumer(Consumer):
    """`huey_consumer` for this app: SIGINT and SIGTERM are both graceful (the running lookup finishes; a second
    signal interrupts it, and the interrupted case is given back and re-enqueued). Huey makes only one of the two
    graceful (`-g`); Docker/systemd send TERM, a terminal or `kill -INT` sends INT."""

    def _set_signal_handlers(self) -> None:
        # huey 3.5 (pinned): signum -> (restart, graceful).
        self._signal_actions[signal.SIGINT] = (False, True)
        self._signal_actions[signal.SIGTERM] = (False, True)
        super()._set_signal_handlers()


class _ConsumerFactory:
    def create_consumer(self, **options):  # noqa: ANN003, ANN201
        return LookupConsumer(self, **options)


class LookupRedisHuey(_ConsumerFactory, RedisHuey):
    pass


class LookupSqliteHuey(_ConsumerFactory, SqliteHuey):
    pass


if settings.redis_url:
    # Bounded socket timeouts: an unreachable Redis fails an enqueue in seconds (the case is parked), never hangs.
    # The read timeout stays above the consumer's 1 s blocking pop.
    _pool = ConnectionPool.from_url(settings.redis_url, socket_connect_timeout=3, socket_timeout=10,
                                    health_check_interval=30)
    huey = LookupRedisHuey('podzamenu', connection_pool=_pool, store_none=False, results=False)
else:
    huey = LookupSqliteHuey('podzamenu', filename=str(settings.data_dir / 'queue.db'), results=False)


@huey.task(retries=settings.lookup_retries, retry_delay=settings.lookup_retry_delay_s, retry_backoff=2,
           context=True)
def run_lookup(case_id: int, task=None) -> None:  # noqa: ANN001 (huey passes its Task)
    """Look one case up (and every case coalesced with it). Transient outcomes raise, and Huey retries."""
    try:
        worker.run_case(case_id, retries_left=task.retries if task else 0)
    except worker.SitePaused as exc:  # not a failure: try again when the cool-down ends (retries untouched)
        delay = max(1.0, (exc.retry_at - utcnow()).total_seconds())
        logger.info('case %s: %s; rescheduled in %.0f s', case_id, exc, delay)
        run_lookup.schedule(args=(case_id,), delay=delay)
    except TransientLookupFailure as exc:
        logger.info('case %s: %s; retrying (%s left)', case_id, exc, task.retries if task else 0)
        raise


# A reply is a few hundred bytes to one URL, a lookup up to a minute of browser work: on the embedded queue (one
# worker thread, SQLite storage supports priorities) replies go first. RedisHuey's list storage has no priorities.
_DELIVERY_PRIORITY = None if settings.redis_url else 10


@huey.task(retries=settings.reply_delivery_retries, retry_delay=settings.reply_delivery_retry_delay_s,
           retry_backoff=2, priority=_DELIVERY_PRIORITY, context=True)
def deliver_message(message_id: int, task=None) -> None:  # noqa: ANN001 (huey passes its Task)
    """POST one outgoing message to the tenant's webhook; a failed attempt raises and Huey retries it."""
    delivery.attempt(message_id, retries_left=task.retries if task else 0,
                     retry_in_s=task.retry_delay if task else 0)


def enqueue_delivery(message_id: int) -> None:
    """lookup.replies hands outgoing messages here (it imports this lazily; tests wire a list instead)."""
    deliver_message(message_id)


@huey.task(retries=2, retry_delay=5)
def admit_batch(batch_id: int) -> None:
    """Start a batch's waiting lines now that the tenant's rate limit has room (it re-schedules itself for more)."""
    from lookup import batches
    batches.admit(batch_id)


def schedule_batch(batch_id: int, delay_s: float) -> None:
    """A delayed admission run (Huey's scheduler; a lost message is caught by the sweep once it is overdue)."""
    admit_batch.schedule(args=(batch_id,), delay=max(0.0, delay_s))


@huey.periodic_task(crontab(minute='*'))
def sweep() -> None:
    """Take back cases of dead workers, re-enqueue lost ones (and lost reply deliveries), start overdue batch lines,
    free stale slots, purge expired cache rows and evidence past its retention."""
    recovery.sweep(enqueue=enqueue_case, queued_ids=queued_case_ids)
    delivery.requeue_overdue(enqueue_delivery)
    from lookup import batches
    try:
        batches.admit_overdue()
    except Exception as exc:  # noqa: BLE001  (the next sweep tries again)
        logger.warning('could not start overdue batch lines: %s', exc)
    from lookup import cache, evidence
    purged = 0
    while True:  # batch after batch, each its own short transaction
        with session_scope() as s:
            batch = cache.purge_expired(session=s)
        purged += batch
        if batch < cache.PURGE_BATCH:
            break
    if purged:
        logger.info('purged %s expired cache rows', purged)
    try:
        gone = evidence.purge()
    except Exception as exc:  # noqa: BLE001  (the next sweep tries again)
        logger.warning('could not purge old evidence: %s', exc)
    else:
        if gone:
            logger.info('deleted %s evidence file(s) past their retention', gone)


@huey.periodic_task(crontab(minute='*'))
def site_alarm_check() -> None:
    """Compare each site's last hour with its last 7 days; open/end alarms, send onsets to the webhook once."""
    from lookup import site_health
    site_health.check()


_startup_lock = threading.Lock()
_migrated = False


@huey.on_startup()
def _worker_startup() -> None:
    """Before this worker thread takes jobs: heartbeat, schema, and re-enqueue what a killed worker left running."""
    global _migrated
    worker.start_heartbeat()
    with _startup_lock:
        if not _migrated and not settings.run_embedded_worker:
            # A separate worker may start before any web process has migrated a fresh database.
            from lookup import db
            db.migrate()
            _migrated = True
    recovery.sweep(enqueue=enqueue_case, queued_ids=queued_case_ids, startup=True)


@huey.on_shutdown()
def _worker_shutdown() -> None:
    worker.stop_heartbeat()
    worker.close_engine()


@huey.signal(SIGNAL_INTERRUPTED)
def _requeue_interrupted(_signal, task, *_) -> None:  # noqa: ANN001
    """A forced stop interrupted a running lookup: give the case back and put it in the queue for the next worker."""
    if isinstance(task, run_lookup.task_class):  # (`run_lookup.name` is None: no name= on the decorator)
        try:
            recovery.release(task.args[0])
        except Exception as exc:  # noqa: BLE001  (the sweep takes it back once this process is gone)
            logger.warning('could not release case %s: %s', task.args[0], exc)
        huey.enqueue(task)
    elif isinstance(task, deliver_message.task_class):  # the attempt is repeated (same Idempotency-Key)
        huey.enqueue(task)


def enqueue_case(case_id: int) -> None:
    run_lookup(case_id)


worker.set_enqueuer(enqueue_case)


def queued_case_ids() -> set[int]:
    """Case ids waiting in the queue or scheduled for a retry (for recovery's lost-message check)."""
    return {t.args[0] for t in [*huey.pending(), *huey.scheduled()] if isinstance(t, run_lookup.task_class)}
