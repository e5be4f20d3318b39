"""Case-changed notifications from workers and services to web processes.

Embedded mode: local sinks (the UI registers one that hops onto NiceGUI's loop).
Production: Redis pub/sub on CHANNEL; every web process listens and fans out to its own sinks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import redis

from lookup.settings import get_settings

if TYPE_CHECKING:
    from models import LookupCase

logger = logging.getLogger(__name__)
CHANNEL = 'podzamenu:events'


@dataclass(frozen=True)
class Change:
    kind: str
    """`case` (a lookup case changed), `message` (a message arrived) or `cache` (cache rows changed)."""
    tenant_id: int | None = None
    conversation_id: int | None = None
    case_id: int | None = None
    status: str | None = None
    stage: str | None = None
    case: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    """The changed case as the API shows it (`CaseOut` JSON), so that N open pages need no N database reads."""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Change:
        data = json.loads(raw)
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})  # tolerate fields of newer/older versions


_FIELDS = {f.name for f in fields(Change)}


def case_changed(case: LookupCase) -> Change:
    """The notification for a case row as it was just committed (with its API snapshot)."""
    from lookup.schemas import CaseOut
    return Change(kind='case', tenant_id=case.tenant_id, conversation_id=case.conversation_id, case_id=case.id,
                  status=case.status, stage=case.stage, case=CaseOut.of(case).model_dump(mode='json'))


_local_sinks: list[Callable[[Change], None]] = []


def add_local_sink(sink: Callable[[Change], None]) -> None:
    """Register a callable that receives every change published in (or relayed to) this process (once)."""
    if sink not in _local_sinks:
        _local_sinks.append(sink)


def deliver_locally(change: Change) -> None:
    for sink in list(_local_sinks):
        try:
            sink(change)
        except Exception:  # a broken page must not break the worker
            logger.exception('event sink failed')


@lru_cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def publish(change: Change) -> None:
    """Tell every web process that something changed. Never raises: the DB row stays the truth."""
    url = get_settings().redis_url
    if not url:
        deliver_locally(change)
        return
    try:
        _redis(url).publish(CHANNEL, change.to_json())
    except redis.RedisError as exc:
        # Pages fall back to polling while the channel is down; nothing is lost.
        logger.warning('could not publish %s: %s', change, exc)
        deliver_locally(change)
