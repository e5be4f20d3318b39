"""Live updates: changes from workers reach every open page over NiceGUI's websocket.

Embedded mode: the worker thread hands each change to NiceGUI's event loop (call_soon_threadsafe).
Production: a Redis pub/sub listener (reconnecting) in the web process emits the same Event.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable

from nicegui import Client, Event, app, background_tasks, context, core

from lookup import events
from lookup.settings import get_settings

logger = logging.getLogger(__name__)
changed = Event[events.Change]()
state = {'channel_ok': True}
"""False while the pub/sub channel is down: pages then poll the database."""
DRAIN_MAX = 200
"""At most this many already-arrived messages are read (and collapsed) before their changes are emitted."""


def latest_only(batch: list[events.Change]) -> list[events.Change]:
    """Of several changes read at once, keep the newest per case (each carries the whole case, so the older ones
    are stale): while 50 pages re-render one stage, the next stages of the same lookup collapse into one update."""
    latest: dict[object, events.Change] = {}
    for change in batch:
        key = ('case', change.case_id) if change.kind == 'case' and change.case_id else (len(latest), id(change))
        latest.pop(key, None)
        latest[key] = change
    return list(latest.values())


REFRESH_INTERVAL_S = 0.5
"""A page refreshes at most this often however many changes arrive (issue 10 #8: a burst of stage events of 20
lookups re-ran a page's count and page query 100 times)."""


class Coalesced:
    """Run a page's refresh at most once per `interval`: a request while one runs or waits is folded into one more
    run afterwards (the trailing run sees the newest state), an idle page refreshes at once."""

    def __init__(self, fn: Callable[[], Awaitable[None] | None], interval: float = REFRESH_INTERVAL_S) -> None:
        self._fn, self._interval = fn, interval
        self._task: asyncio.Task | None = None
        self._again = False
        self._last = -math.inf
        self.runs = 0
        try:
            self._client: Client | None = context.client
        except RuntimeError:  # created outside a page
            self._client = None

    def _gone(self) -> bool:
        return self._client is not None and self._client.is_deleted

    def request(self) -> None:
        """Ask for a refresh (call it from an event handler on the loop; cheap)."""
        if self._gone():
            return
        if self._task is not None:
            self._again = True
            return
        self._task = background_tasks.create(self._drain(), name='coalesced-refresh')

    async def _drain(self) -> None:
        try:
            while True:
                wait = self._last + self._interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)  # the rate limit itself (not waiting for a page)
                self._again = False
                self._last = time.monotonic()
                if self._gone():
                    return
                self.runs += 1
                # In the page's own context, as if the page ran it (its actions re-check the user through it).
                with self._client if self._client is not None else contextlib.nullcontext():
                    result = self._fn()
                    if inspect.isawaitable(result):
                        await result
                if not self._again:
                    return
        except Exception:  # a failed refresh must not end future ones
            logger.exception('page refresh failed')
        finally:
            self._task = None


def on_tenant_changes(fn: Callable[[], Awaitable[None] | None], *, tenant_id: int, kinds: Iterable[str],
                      when: Callable[[events.Change], bool] | None = None,
                      interval: float = REFRESH_INTERVAL_S, any_tenant: bool = False) -> Coalesced:
    """Subscribe the current page to changes of its own tenant (plus tenant-less ones such as a whole-cache
    invalidation) of the given kinds, refreshing through a `Coalesced`. Call it inside the page function: the
    subscription ends with the page's client."""
    refresh, wanted = Coalesced(fn, interval), frozenset(kinds)

    def handler(change: events.Change) -> None:
        mine = any_tenant or change.tenant_id in (tenant_id, None)
        if change.kind in wanted and mine and (when is None or when(change)):
            refresh.request()

    changed.subscribe(handler)
    return refresh


def _hop_onto_loop(change: events.Change) -> None:
    loop = core.loop
    if loop is None or loop.is_closed():
        return
    loop.call_soon_threadsafe(changed.emit, change)


async def _listen_redis(url: str) -> None:
    import redis.asyncio as aioredis
    delay = 0.5
    while True:
        client = aioredis.Redis.from_url(url, health_check_interval=10, socket_connect_timeout=3)
        try:
            async with client.pubsub() as ps:
                await ps.subscribe(events.CHANNEL)
                state['channel_ok'] = True
                delay = 0.5
                logger.info('listening for changes on redis channel %s', events.CHANNEL)
                while True:
                    msg = await ps.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    batch: list[events.Change] = []
                    while msg is not None and len(batch) < DRAIN_MAX:
                        if msg.get('type') == 'message':
                            batch.append(events.Change.from_json(msg['data']))
                        msg = await ps.get_message(ignore_subscribe_messages=True, timeout=0)
                    for change in latest_only(batch):
                        changed.emit(change)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            state['channel_ok'] = False
            logger.warning('event channel down (%s); pages poll until it is back', exc)
            await asyncio.sleep(delay)  # reconnect backoff (not a page wait)
            delay = min(delay * 2, 5.0)
        finally:
            await client.aclose()


GC_THRESHOLDS = (50_000, 20, 10)
"""CPython's default (700, 10, 10) ran a full collection every ~1.5 s in a web process with 50 open conversation
pages during lookups (each one rebuilds cards: cyclic garbage), pausing the event loop 150-450 ms each time, i.e.
every push behind it. With these, full collections are rare (minutes apart) and young ones short."""


def tune_gc() -> None:
    """For the web process only (the composition root calls it before `ui.run`): objects that live as long as the
    process (modules, routes, settings) leave the collector's view, and full collections become rare."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def install() -> None:
    """Called once by the composition root."""
    events.add_local_sink(_hop_onto_loop)
    url = get_settings().redis_url
    if url:
        app.on_startup(lambda: background_tasks.create(_listen_redis(url), name='redis-events'))
