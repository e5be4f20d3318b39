"""API/UI read models (what leaves the service), built from table rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from lookup.engine.result import ErrorInfo
from models import Conversation, LookupCache, LookupCase, Message


class CaseOut(BaseModel):
    id: int
    conversation_id: int
    message_id: int | None
    id_type: str
    value: str
    raw_value: str
    tag: str | None
    force_refresh: bool
    status: str
    stage: str | None
    outcome: str | None
    result: dict[str, Any] | None
    tag_verification: str | None
    selected_variant: int | None = None
    """Index into `result.variants` of the customer's car, when the site showed several and one was chosen."""
    variant_selected_by: str | None = None
    """`tag`: the plate marking matched exactly that variant; `manager`: marked by a manager."""
    error: ErrorInfo | None
    attempts: int
    from_cache: bool
    cached_at: datetime | None = None
    """When the served result was fetched from the site (for `from_cache` cases)."""
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    next_attempt_at: datetime | None = None
    """When a waiting case is tried again (stage `retry_wait`, or `site_paused`: the site's breaker is open)."""

    @classmethod
    def of(cls, case: LookupCase) -> CaseOut:
        return cls(id=case.id, conversation_id=case.conversation_id, message_id=case.message_id,
                   id_type=case.id_type, value=case.value, raw_value=case.raw_value, tag=case.tag,
                   force_refresh=case.force_refresh, status=case.status, stage=case.stage, outcome=case.outcome,
                   result=case.result,
                   tag_verification=case.tag_verification, selected_variant=case.selected_variant,
                   variant_selected_by=case.variant_selected_by,
                   error=ErrorInfo(code=case.error_code, message=case.error_message or '') if case.error_code
                   else None,
                   attempts=case.attempts, from_cache=case.from_cache, cached_at=case.result_fetched_at,
                   created_at=case.created_at, started_at=case.started_at, finished_at=case.finished_at,
                   updated_at=case.updated_at, next_attempt_at=case.next_attempt_at)


class ConversationOut(BaseModel):
    id: int
    channel: str
    external_chat_id: str
    customer_name: str
    needs_clarification: bool
    unread_count: int
    last_message_text: str
    last_lookup_status: str | None
    created_at: datetime
    last_message_at: datetime

    @classmethod
    def of(cls, c: Conversation) -> ConversationOut:
        return cls.model_validate(c, from_attributes=True)


class MessageOut(BaseModel):
    id: int
    conversation_id: int
    external_message_id: str | None
    direction: str
    author: str
    text: str
    created_at: datetime
    case_id: int | None = None
    """The lookup an outgoing reply answers."""
    reply_kind: str | None = None
    delivery_status: str | None = None
    """Outgoing messages: `pending` (being delivered to the tenant's webhook, retried), `delivered` or `failed`."""
    delivery_error: str | None = None
    """Why the last attempt failed (while retrying) or why the delivery failed."""
    delivery_attempts: int = 0
    delivered_at: datetime | None = None

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls.model_validate(m, from_attributes=True)


class CacheOut(BaseModel):
    key: str
    id_type: str
    value: str
    outcome: str
    source: str
    make: str | None
    model: str | None
    gearbox_model: str | None
    oem: str | None
    fetched_at: datetime
    expires_at: datetime
    result: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: LookupCache, *, with_result: bool = False) -> CacheOut:
        return cls(key=row.cache_key, id_type=row.id_type, value=row.value, outcome=row.outcome, source=row.source,
                   make=row.make, model=(row.result.get('vehicle') or {}).get('model') if row.result else None,
                   gearbox_model=row.gearbox_model, oem=row.oem, fetched_at=row.fetched_at,
                   expires_at=row.expires_at, result=row.result if with_result else None)


T = TypeVar('T')


class Page(BaseModel, Generic[T]):
    total: int
    page: int
    page_size: int
    items: list[T]


# --- batches (issue 12 #4) ----------------------------------------------------------------------------------------

class BatchCounts(BaseModel):
    total: int = 0
    """Lines read."""
    invalid: int = 0
    """Rejected up front (per-line errors)."""
    waiting: int = 0
    """Valid, not yet started: the tenant's lookups per minute are used up (they start by themselves)."""
    queued: int = 0
    """Cases pending or running."""
    done: int = 0
    failed: int = 0
    """Cases that ended without a gearbox answer, and items cancelled before they started."""

    @property
    def finished(self) -> bool:
        return self.waiting == 0 and self.queued == 0


class BatchItemOut(BaseModel):
    line: int
    raw: str
    value: str | None
    id_type: str | None
    tag: str | None
    state: str
    """invalid | waiting | cancelled | pending | running | completed | failed (the case's status once it exists)."""
    error: ErrorInfo | None = None
    error_params: dict[str, Any] | None = None
    case_id: int | None = None
    stage: str | None = None
    outcome: str | None = None
    from_cache: bool = False
    make: str | None = None
    model: str | None = None
    year: str | None = None
    gearbox_model: str | None = None
    factory_code: str | None = None
    oem: str | None = None
    tag_verification: str | None = None
    finished_at: datetime | None = None


class BatchOut(BaseModel):
    id: int
    name: str
    conversation_id: int
    """The batch's internal conversation: its cases are there too (`GET /api/conversations/{id}/lookups`)."""
    created_at: datetime
    next_admit_at: datetime | None
    """When waiting lines are started (the tenant's rate limit frees up)."""
    counts: BatchCounts
    finished: bool
    items: list[BatchItemOut] | None = None
