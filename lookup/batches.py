"""Batch lookups (issue 12 #4): the service's entry point for batches, for the UI and the REST API.

create → every line read (lookup/batch_input.py) and validated with `identifiers.parse` (the one rule; per-line
errors, a repeated value is rejected as DUPLICATE of its first line) → the valid ones go through the service's own
submit path (`service.start_lookup`) in line order: cache hits complete at once, the rest while the tenant's rate
limit admits them. What the limit does not admit *waits* (`ItemState.WAITING`, `Batch.next_admit_at`): a Huey task
scheduled for when the limit frees up (`admit`) starts the next ones, and the periodic sweep starts overdue ones
if that message was lost. A batch is never refused for the per-minute limit.

Every batch has its own internal conversation (channel `batch`, left out of the conversation list): a case always
belongs to a conversation, tenancy and the case pages keep working unchanged, and a batch's cases stay apart from
customer chats.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from lookup import batch_input, events, exports, service
from lookup.auth import Actor, active_actor
from lookup.db import session_scope
from lookup.engine import identifiers
from lookup.engine.result import ErrorInfo
from lookup.errors import InvalidBatch, InvalidIdentifier, NotFound, RateLimited
from lookup.schemas import BatchCounts, BatchItemOut, BatchOut
from lookup.sessions import recheck
from models import BATCH_CHANNEL, Batch, BatchItem, CaseStatus, Conversation, ItemState, LookupCase
from models.dbtypes import saved_id, utcnow

logger = logging.getLogger(__name__)
OVERDUE = timedelta(seconds=60)
"""A batch whose admission is this late lost its scheduled message: the sweep starts its waiting lines."""
_schedule: Callable[[int, float], None] | None = None


def set_scheduler(fn: Callable[[int, float], None] | None) -> None:
    """Wire the queue in: `fn(batch_id, delay_s)` runs `admit(batch_id)` later (tasks.py; tests pass a list)."""
    global _schedule
    _schedule = fn


def _scheduler() -> Callable[[int, float], None]:
    if _schedule is None:
        from tasks import schedule_batch
        set_scheduler(schedule_batch)
    assert _schedule is not None
    return _schedule


@dataclass(frozen=True)
class CheckedLine:
    line: int
    raw: str
    tag: str | None
    ident: identifiers.Identifier | None
    error: ErrorInfo | None = None
    params: dict[str, Any] | None = None


def check(lines: list[batch_input.Line]) -> list[CheckedLine]:
    """Validate every line with the one identifier rule; a repeat of an earlier valid value is DUPLICATE."""
    seen: dict[str, int] = {}
    out: list[CheckedLine] = []
    for ln in lines:
        try:
            ident = identifiers.parse(ln.value)
        except InvalidIdentifier as exc:
            out.append(CheckedLine(ln.line, ln.value, ln.tag, None, ErrorInfo(code=exc.code, message=exc.message),
                                   dict(exc.params) or None))
            continue
        first = seen.setdefault(ident.cache_key, ln.line)
        if first != ln.line:
            out.append(CheckedLine(ln.line, ln.value, ln.tag, None, ErrorInfo(
                code='DUPLICATE', message=f'The same value as line {first}.'), {'line': first}))
            continue
        out.append(CheckedLine(ln.line, ln.value, ln.tag, ident))
    return out


def read_input(*, text: str | None = None, values: list[str] | None = None) -> list[CheckedLine]:
    """The lines of a paste/CSV (`text`) or a list (`values`), validated. Raises InvalidBatch when unreadable."""
    lines = batch_input.from_values(values) if values is not None else batch_input.read(text or '')
    return check(lines)


def preview(actor: Actor, *, text: str | None = None, values: list[str] | None = None) -> list[BatchItemOut]:
    """What `create` would do with each line, without creating anything (the per-line errors up front)."""
    with session_scope() as s:
        recheck(session=s, actor=actor)
    return [_draft_out(c) for c in read_input(text=text, values=values)]


def _draft_out(c: CheckedLine) -> BatchItemOut:
    return BatchItemOut(line=c.line, raw=c.raw, value=c.ident.value if c.ident else None,
                        id_type=c.ident.kind.value if c.ident else None, tag=c.tag,
                        state=ItemState.WAITING if c.ident else ItemState.INVALID, error=c.error,
                        error_params=c.params)


def create(actor: Actor, *, text: str | None = None, values: list[str] | None = None, name: str = '') -> BatchOut:
    """Create a batch and start what can start now. Forbidden for viewers; InvalidBatch when no line is valid."""
    actor = service.may_lookup(actor)
    checked = read_input(text=text, values=values)
    if not any(c.ident for c in checked):
        first = checked[0]
        raise InvalidBatch(f'No line holds a valid VIN or frame number (line {first.line}: '
                           f'{first.error.message if first.error else "?"}).', code='NO_VALID_LINES')
    now = utcnow()
    name = (name or '').strip()[:200] or f'Batch {now:%Y-%m-%d %H:%M}'
    with session_scope() as s:
        conv = Conversation(tenant_id=actor.tenant_id, channel=BATCH_CHANNEL, external_chat_id=uuid.uuid4().hex,
                            customer_name=name[:200], last_message_text=name[:300])
        s.add(conv)
        s.flush()
        batch = Batch(tenant_id=actor.tenant_id, created_by_id=actor.user_id, conversation_id=saved_id(conv), name=name,
                      total=len(checked), next_admit_at=now)
        s.add(batch)
        s.flush()
        s.add_all([BatchItem(batch_id=saved_id(batch), line=c.line, raw=c.raw[:200], tag=c.tag,
                             value=c.ident.value if c.ident else None,
                             id_type=c.ident.kind.value if c.ident else None,
                             state=ItemState.WAITING if c.ident else ItemState.INVALID,
                             error_code=c.error.code if c.error else None,
                             error_message=c.error.message if c.error else None, error_params=c.params)
                   for c in checked])
        batch_id = saved_id(batch)
    logger.info('%s created batch %s (%s lines)', actor.username or actor.user_id, batch_id, len(checked))
    _admit(batch_id, actor)
    return get(actor, batch_id)


class _Taken(Exception):
    """Another admission run started this item first: this case is rolled back."""


def _claim(item_id: int) -> Callable[[Session, LookupCase], None]:
    def link(s: Session, case: LookupCase) -> None:
        n = s.exec(sa.update(BatchItem).where(col(BatchItem.id) == item_id, col(BatchItem.state) == ItemState.WAITING)
                   .values(state=ItemState.SUBMITTED, case_id=case.id)).rowcount
        if not n:
            raise _Taken()
    return link


def _admit(batch_id: int, actor: Actor) -> int:
    """Start the batch's waiting lines in order (cache hits always; the rest while the rate limit admits them) and
    schedule the next run for the rest. Returns how many started."""
    with session_scope() as s:
        batch = s.get(Batch, batch_id)
        if batch is None:
            return 0
        conv_id = batch.conversation_id
        waiting = list(s.exec(select(BatchItem).where(BatchItem.batch_id == batch_id,
                                                      BatchItem.state == ItemState.WAITING)
                              .order_by(col(BatchItem.line))).all())
    limited: RateLimited | None = None
    started = 0
    for item in waiting:
        ident = identifiers.parse(item.value or '', item.id_type)
        try:
            try:
                case = service.start_lookup(actor, conv_id, ident, tag=item.tag, cached_only=limited is not None,
                                            link=_claim(saved_id(item)))
            except RateLimited as exc:
                limited = exc  # the rest waits; a cache hit among it still completes now (it costs no budget)
                case = service.start_lookup(actor, conv_id, ident, tag=item.tag, cached_only=True,
                                            link=_claim(saved_id(item)))
        except _Taken:
            continue
        started += case is not None
    with session_scope() as s:
        left = s.exec(select(func.count()).select_from(BatchItem).where(
            BatchItem.batch_id == batch_id, BatchItem.state == ItemState.WAITING)).one()
        delay = float(limited.retry_after) if (limited and left) else 0.0
        batch = s.get(Batch, batch_id)
        if batch is not None:
            batch.next_admit_at = utcnow() + timedelta(seconds=delay) if left else None
    if left:
        if limited is None:  # nothing refused, yet lines wait (another run holds them): look again soon
            delay = 1.0
        try:
            _scheduler()(batch_id, delay)
        except Exception as exc:  # noqa: BLE001  (queue down: the sweep starts the batch once it is overdue)
            logger.warning('could not schedule batch %s: %s', batch_id, exc)
    if started or left:
        events.publish(events.Change(kind='batch', tenant_id=actor.tenant_id, conversation_id=conv_id))
    return started


def admit(batch_id: int) -> int:
    """The scheduled run: start waiting lines on behalf of the batch's creator, with their rights as of now.
    A creator who was deactivated or can no longer start lookups gets nothing started: the lines are cancelled."""
    with session_scope() as s:
        batch = s.get(Batch, batch_id)
        if batch is None:
            return 0
        actor = active_actor(session=s, user_id=batch.created_by_id)
        if actor is None or actor.tenant_id != batch.tenant_id or not actor.can_lookup:
            n = s.exec(sa.update(BatchItem).where(col(BatchItem.batch_id) == batch_id,
                                                  col(BatchItem.state) == ItemState.WAITING)
                          .values(state=ItemState.CANCELLED, error_code='FORBIDDEN',
                                  error_message='The batch\'s creator can no longer start lookups.')).rowcount
            batch.next_admit_at = None
            if n:
                logger.warning('batch %s: %s waiting line(s) cancelled (creator lost the right)', batch_id, n)
            return 0
    return _admit(batch_id, actor)


def admit_overdue(limit: int = 50) -> int:
    """The sweep's part: batches whose scheduled admission is overdue (its queue message was lost)."""
    with session_scope() as s:
        ids = list(s.exec(select(Batch.id).where(col(Batch.next_admit_at) < utcnow() - OVERDUE)
                          .order_by(col(Batch.next_admit_at)).limit(limit)).all())
    return sum(admit(i) for i in ids if i is not None)


# --- reading ------------------------------------------------------------------------------------------------------

def _batch(s: Session, actor: Actor, batch_id: int) -> Batch:
    batch = s.get(Batch, batch_id)
    if batch is None or batch.tenant_id != actor.tenant_id:
        raise NotFound('Batch not found.')
    return batch


def _counts(s: Session, batch_ids: list[int]) -> dict[int, BatchCounts]:
    """Progress per batch from one aggregate (item state × case status; no result JSON)."""
    out = {i: BatchCounts() for i in batch_ids}
    if not batch_ids:
        return out
    rows = s.exec(select(BatchItem.batch_id, BatchItem.state, LookupCase.status, func.count())
                  .join(LookupCase, col(LookupCase.id) == BatchItem.case_id, isouter=True)
                  .where(col(BatchItem.batch_id).in_(batch_ids))
                  .group_by(col(BatchItem.batch_id), col(BatchItem.state), col(LookupCase.status))).all()
    for batch_id, state, status, n in rows:
        c = out[batch_id]
        c.total += n
        if state == ItemState.INVALID:
            c.invalid += n
        elif state == ItemState.WAITING:
            c.waiting += n
        elif state == ItemState.CANCELLED or status == CaseStatus.FAILED:
            c.failed += n
        elif status == CaseStatus.COMPLETED:
            c.done += n
        else:
            c.queued += n
    return out


def _out(batch: Batch, counts: BatchCounts, items: list[BatchItemOut] | None = None) -> BatchOut:
    return BatchOut(id=batch.id, name=batch.name, conversation_id=batch.conversation_id, created_at=batch.created_at,
                    next_admit_at=batch.next_admit_at, counts=counts, finished=counts.finished, items=items)


def _item_out(item: BatchItem, case: LookupCase | None) -> BatchItemOut:
    out = BatchItemOut(line=item.line, raw=item.raw, value=item.value, id_type=item.id_type, tag=item.tag,
                       state=case.status if case is not None else item.state,
                       error=ErrorInfo(code=item.error_code, message=item.error_message or '')
                       if item.error_code else None, error_params=item.error_params, case_id=item.case_id)
    if case is None:
        return out
    result = case.result or {}
    vehicle, gearbox = result.get('vehicle') or {}, result.get('gearbox') or {}
    return out.model_copy(update=dict(
        stage=case.stage, outcome=case.outcome, from_cache=case.from_cache, make=vehicle.get('make'),
        model=vehicle.get('model'), year=vehicle.get('year'), gearbox_model=gearbox.get('model'),
        factory_code=gearbox.get('factory_code'), oem=gearbox.get('oem'), tag_verification=case.tag_verification,
        finished_at=case.finished_at,
        error=ErrorInfo(code=case.error_code, message=case.error_message or '') if case.error_code else None))


def get(actor: Actor, batch_id: int, *, items: bool = True) -> BatchOut:
    """A batch of the caller's tenant with its progress and (by default) every line's state and result."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        batch = _batch(s, actor, batch_id)
        counts = _counts(s, [batch_id])[batch_id]
        if not items:
            return _out(batch, counts)
        rows = s.exec(select(BatchItem, LookupCase).join(LookupCase, col(LookupCase.id) == BatchItem.case_id,
                                                         isouter=True)
                      .where(BatchItem.batch_id == batch_id).order_by(col(BatchItem.line))).all()
        return _out(batch, counts, [_item_out(item, case) for item, case in rows])


def list_batches(actor: Actor, *, limit: int = 50) -> list[BatchOut]:
    """The tenant's latest batches, newest first, with their progress."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        rows = list(s.exec(select(Batch).where(Batch.tenant_id == actor.tenant_id)
                           .order_by(col(Batch.created_at).desc(), col(Batch.id).desc()).limit(limit)).all())
        counts = _counts(s, [saved_id(b) for b in rows])
        return [_out(b, counts[saved_id(b)]) for b in rows]


COLUMNS = [('line', 'line'), ('raw', 'input'), ('value', 'value'), ('id_type', 'type'), ('tag', 'tag'),
           ('state', 'status'), ('outcome', 'outcome'), ('make', 'make'), ('model', 'model'), ('year', 'year'),
           ('gearbox_model', 'gearbox_model'), ('factory_code', 'factory_code'), ('oem', 'oem'),
           ('tag_verification', 'tag_verification'), ('from_cache', 'from_cache'), ('error_code', 'error_code'),
           ('error', 'error'), ('case_id', 'case_id'), ('finished_at', 'finished_at')]
"""Export columns: stable keys, English headers unless the caller passes its own (`labels`, the UI's language)."""


def export(actor: Actor, batch_id: int, fmt: str, *, labels: dict[str, str] | None = None) -> exports.File:
    """The batch's results table as CSV or XLSX (any role of the tenant)."""
    batch = get(actor, batch_id)
    rows = [{**i.model_dump(), 'error_code': i.error.code if i.error else None,
             'error': i.error.message if i.error else None} for i in batch.items or []]
    columns = [(k, (labels or {}).get(k, h)) for k, h in COLUMNS]
    return exports.render(columns, rows, fmt, name=f'batch-{batch_id}')
