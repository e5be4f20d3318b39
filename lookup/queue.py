"""The web process's side of the queue: the embedded Huey consumer (default mode, one worker thread inside the
web process) and the periodic re-enqueue of cases parked while the queue was down (every mode)."""

from __future__ import annotations

import asyncio
import logging

from huey.consumer import Consumer

logger = logging.getLogger(__name__)
REQUEUE_INTERVAL_S = 3.0
"""How often each web process looks for cases parked as `queue_unavailable` (one indexed query when there are none)."""


class EmbeddedConsumer(Consumer):
    """A consumer that leaves the signals to uvicorn (huey's own handlers would swallow Ctrl-C)."""

    def _set_signal_handlers(self) -> None:
        pass


_consumer: EmbeddedConsumer | None = None


def queue_depth() -> int:
    """Jobs waiting in the Huey queue (shared by every process in production)."""
    from tasks import huey
    return int(huey.pending_count())


def start_embedded() -> None:
    global _consumer
    from tasks import huey

    # Sole consumer of this queue: locks left by a crash are stale (tasks.py re-enqueues lost cases at start).
    _consumer = EmbeddedConsumer(huey, workers=1, worker_type='thread', periodic=True, flush_locks=True,
                                 check_worker_health=True, health_check_interval=5, shutdown_timeout=5,
                                 max_delay=0.5)  # idle polling of the SQLite queue: pick a job up within 0.5 s
    _consumer.start()
    logger.info('embedded Huey consumer started (1 worker thread)')


def stop_embedded() -> None:
    global _consumer
    if _consumer is None:
        return
    from tasks import huey
    _consumer.stop(graceful=False)
    huey.notify_interrupted_tasks()
    _consumer = None
    logger.info('embedded Huey consumer stopped')


async def requeue_parked() -> None:
    """Enqueue parked cases once the queue answers again (an `app.timer` callback; the work runs off the loop)."""
    from lookup import recovery
    from tasks import enqueue_case
    try:
        await asyncio.to_thread(recovery.requeue_parked, enqueue=enqueue_case)
    except Exception as exc:  # noqa: BLE001  (the database may be down too: try again next tick)
        logger.warning('could not re-enqueue parked cases: %s', exc)
