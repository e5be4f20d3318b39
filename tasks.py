"""The Huey instance and its tasks. Tasks take ids and re-load state from the database (the truth).

Embedded default: SqliteHuey under DATA_DIR, consumed by a thread inside the web process (see lookup/queue.py).
Production: RedisHuey, consumed by `huey_consumer tasks.huey -w 1 -k thread` (`make worker`).
"""

from __future__ import annotations

import logging

from huey import RedisHuey, SqliteHuey, crontab
from huey.signals import SIGNAL_INTERRUPTED

from lookup import recovery, worker
from lookup.db import session_scope
from lookup.errors import TransientLookupFailure
from lookup.settings import get_settings

logger = logging.getLogger(__name__)
settings = get_settings()

if settings.redis_url:
    huey = RedisHuey('podzamenu', url=settings.redis_url, store_none=False, results=False)
else:
    huey = SqliteHuey('podzamenu', filename=str(settings.data_dir / 'queue.db'), results=False)


@huey.task(retries=settings.lookup_retries, retry_delay=settings.lookup_retry_delay_s, retry_backoff=2,
           context=True)
def run_lookup(case_id: int, task=None) -> None:  # noqa: ANN001 (huey passes its Task)
    """Look one case up (and every case coalesced with it). Transient outcomes raise, and Huey retries."""
    try:
        worker.run_case(case_id, retries_left=task.retries if task else 0)
    except TransientLookupFailure as exc:
        logger.info('case %s: %s; retrying (%s left)', case_id, exc, task.retries if task else 0)
        raise


@huey.periodic_task(crontab(minute='*'))
def sweep() -> None:
    """Take back cases of dead workers, re-enqueue lost ones, purge expired cache rows."""
    recovery.sweep(enqueue=enqueue_case)
    from lookup import cache
    with session_scope() as s:
        purged = cache.purge_expired(session=s)
    if purged:
        logger.info('purged %s expired cache rows', purged)


@huey.on_startup()
def _worker_startup() -> None:
    """Before this worker thread takes jobs: start its heartbeat, re-enqueue cases a killed worker left running."""
    worker.start_heartbeat()
    recovery.sweep(enqueue=enqueue_case, startup=True)


@huey.on_shutdown()
def _worker_shutdown() -> None:
    worker.stop_heartbeat()
    worker.close_engine()


@huey.signal(SIGNAL_INTERRUPTED)
def _requeue_interrupted(signal, task, *_) -> None:  # noqa: ANN001
    """SIGTERM interrupted a running lookup: put it back so the next consumer runs it."""
    if task.name == run_lookup.name:
        huey.enqueue(task)


def enqueue_case(case_id: int) -> None:
    run_lookup(case_id)
