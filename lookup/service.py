"""The one entry point for the UI, the REST API and inbound messages.

submit → (fresh cache hit: the case completes at once, no queue, no browser)
       → (same key already pending/running: the case attaches to it; one site visit serves all)
       → otherwise a pending case + enqueue; if the queue is down the case waits as `queue_unavailable`
         and the recovery sweep enqueues it once the queue is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from lookup import cache, cases, events, exports, limits
from lookup.auth import Actor
from lookup.db import session_scope
from lookup.engine import identifiers
from lookup.engine.result import LookupResult
from lookup.errors import Forbidden, NotFound, RateLimited
from lookup.schemas import CacheOut, CaseOut, ConversationOut, MessageOut, Page
from lookup.sessions import recheck
from lookup.settings import get_settings
from models import ACTIVE_STATUSES, BATCH_CHANNEL, Conversation, LookupCase, Message
from models.dbtypes import saved_id, utcnow

logger = logging.getLogger(__name__)

_enqueue: Callable[[int], None] | None = None


def set_enqueuer(fn: Callable[[int], None]) -> None:
    """Wire the queue in (the composition root does it; keeps this module free of Huey imports)."""
    global _enqueue
    _enqueue = fn


def _enqueuer() -> Callable[[int], None]:
    if _enqueue is None:
        from tasks import enqueue_case
        set_enqueuer(enqueue_case)
    assert _enqueue is not None
    return _enqueue


def _conversation(session: Session, actor: Actor, conversation_id: int) -> Conversation:
    conv = session.get(Conversation, conversation_id)
    if conv is None or conv.tenant_id != actor.tenant_id:
        raise NotFound('Conversation not found.')
    return conv


def _case(session: Session, actor: Actor, case_id: int) -> LookupCase:
    case = session.get(LookupCase, case_id)
    if case is None or case.tenant_id != actor.tenant_id:
        raise NotFound('Lookup not found.')
    return case


def _notify(case: LookupCase) -> None:
    events.publish(events.case_changed(case))  # carries the case: open pages render it without a query each


def submit_lookup(actor: Actor, conversation_id: int, value: str, *, id_type: str | None = None,
                  tag: str | None = None, force_refresh: bool = False, message_id: int | None = None) -> CaseOut:
    """Start a lookup for a conversation. Raises InvalidIdentifier (422), NotFound, Forbidden, RateLimited."""
    actor = may_lookup(actor)
    ident = identifiers.parse(value, id_type)
    case = start_lookup(actor, conversation_id, ident, tag=tag, force_refresh=force_refresh, message_id=message_id)
    assert case is not None
    return get_case(actor, saved_id(case))


def may_lookup(actor: Actor) -> Actor:
    """The caller as of now (session and user re-read), if they may start lookups; else Forbidden."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
    if not actor.can_lookup:
        raise Forbidden('Viewers cannot start lookups.')
    return actor


def start_lookup(actor: Actor, conversation_id: int, ident: identifiers.Identifier, *, tag: str | None = None,
                 force_refresh: bool = False, message_id: int | None = None, cached_only: bool = False,
                 link: Callable[[Session, LookupCase], None] | None = None) -> LookupCase | None:
    """The one submit path, for a caller already checked by `may_lookup` and a value parsed by `identifiers.parse`.

    A fresh cache hit completes the case at once; otherwise the tenant's rate limit admits it (RateLimited if not)
    and it is coalesced or enqueued. `cached_only`: on a miss return None without touching the rate limit (a batch
    whose budget is spent still takes its cache hits). `link(session, case)` runs in the case's own transaction
    (a batch item records its case there; raising rolls the case back)."""
    settings = get_settings()
    enqueue = attached = False
    with session_scope() as s:
        conv = _conversation(s, actor, conversation_id)
        hit = None if force_refresh else cache.get_fresh(session=s, cache_key=ident.cache_key)
        if hit is None:
            if cached_only:
                return None
            try:
                limits.check_rate(tenant_id=actor.tenant_id, settings=settings, session=s)
            except redis.RedisError as exc:  # the limiter is down: let the lookup through, it is still bounded
                logger.warning('rate limiter unavailable: %s', exc)
        case = cases.create(session=s, tenant_id=actor.tenant_id, conversation_id=saved_id(conv), ident=ident, tag=tag,
                            force_refresh=force_refresh, user_id=actor.user_id, message_id=message_id)
        if link is not None:
            link(s, case)
        if hit is not None:
            cases.finish_from_result(case, LookupResult.model_validate(hit.result), cache_row=hit, from_cache=True)
        else:
            active = [c for c in cases.active_for_key(session=s, cache_key=ident.cache_key) if c.id != case.id]
            if active:  # coalesce: the job already under way completes this case too
                case.status, case.stage = active[0].status, active[0].stage
                attached = True
            else:
                enqueue = True
        conv.last_lookup_status = case.status
    if enqueue or (attached and _unattended(case)):
        _enqueue_or_park(case)
    _notify(case)
    return case


def _unattended(case: LookupCase) -> bool:
    """Issue 10 #11 (scale engineer; mirror of worker._record's second pass): checked after the attach committed.
    When no worker runs the key any more, the visit we attached to finished in between: run this case itself."""
    with session_scope() as s:
        mine = s.get(LookupCase, case.id)
        return mine is not None and mine.status in ACTIVE_STATUSES and not any(
            c.status == 'running' and c.worker_id for c in cases.active_for_key(session=s, cache_key=case.cache_key))


def _enqueue_or_park(case: LookupCase) -> None:
    from lookup import recovery
    try:
        _enqueuer()(saved_id(case))
    except Exception as exc:  # Redis down: keep the case, show it, and let the sweep enqueue it later
        logger.warning('queue unavailable for case %s: %s', case.id, exc)
        recovery.mark_queue_unavailable(saved_id(case))
        case.stage = 'queue_unavailable'


def retry_case(actor: Actor, case_id: int) -> CaseOut:
    """Start the same lookup again (for a failed case), bypassing the cache."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        case = _case(s, actor, case_id)
        conv_id, value, id_type, tag = case.conversation_id, case.value, case.id_type, case.tag
    return submit_lookup(actor, conv_id, value, id_type=id_type, tag=tag, force_refresh=True)


def get_case(actor: Actor, case_id: int) -> CaseOut:
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        return CaseOut.of(_case(s, actor, case_id))


def list_cases(actor: Actor, conversation_id: int) -> list[CaseOut]:
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        _conversation(s, actor, conversation_id)
        return [CaseOut.of(c) for c in cases.list_for_conversation(session=s, conversation_id=conversation_id)]


def queue_position(actor: Actor, case_id: int) -> int | None:
    """1-based position among pending cases (oldest first), or None when the case is not waiting."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        case = _case(s, actor, case_id)
        if case.status != 'pending':
            return None
        ahead = s.exec(select(func.count(func.distinct(LookupCase.cache_key))).where(
            col(LookupCase.status).in_(ACTIVE_STATUSES), col(LookupCase.id) < saved_id(case),
            col(LookupCase.cache_key) != case.cache_key)).one()
        return ahead + 1


def list_conversations(actor: Actor, *, q: str = '', lookup_status: str | None = None,
                       needs_clarification: bool | None = None, unread: bool | None = None,
                       page: int = 1, page_size: int = 25) -> Page[ConversationOut]:
    page, page_size = max(1, page), min(max(1, page_size), 200)
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        # A batch's internal conversation is no customer chat: it lives on the batch page (lookup/batches.py).
        stmt = select(Conversation).where(Conversation.tenant_id == actor.tenant_id,
                                          Conversation.channel != BATCH_CHANNEL)
        if q.strip():
            like = f'%{q.strip().lower()}%'
            vin_like = f'%{q.strip().upper()}%'
            stmt = stmt.where(sa.or_(
                func.lower(Conversation.customer_name).like(like),
                func.lower(Conversation.last_message_text).like(like),
                col(Conversation.id).in_(select(Message.conversation_id).where(
                    Message.tenant_id == actor.tenant_id, func.lower(Message.text).like(like))),
                col(Conversation.id).in_(select(LookupCase.conversation_id).where(
                    LookupCase.tenant_id == actor.tenant_id, col(LookupCase.value).like(vin_like)))))
        if lookup_status:
            stmt = stmt.where(Conversation.last_lookup_status == lookup_status)
        if needs_clarification is not None:
            stmt = stmt.where(Conversation.needs_clarification == needs_clarification)
        if unread:
            stmt = stmt.where(Conversation.unread_count > 0)
        total = s.exec(select(func.count()).select_from(stmt.subquery())).one()
        rows = s.exec(stmt.order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
                      .offset((page - 1) * page_size).limit(page_size)).all()
        return Page[ConversationOut](total=total, page=page, page_size=page_size,
                                     items=[ConversationOut.of(c) for c in rows])


def get_conversation(actor: Actor, conversation_id: int) -> ConversationOut:
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        return ConversationOut.of(_conversation(s, actor, conversation_id))


def mark_read(actor: Actor, conversation_id: int) -> None:
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        conv = _conversation(s, actor, conversation_id)
        if conv.unread_count:
            conv.unread_count = 0


def list_messages(actor: Actor, conversation_id: int, *, limit: int = 500) -> list[MessageOut]:
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        _conversation(s, actor, conversation_id)
        rows = s.exec(select(Message).where(Message.conversation_id == conversation_id)
                      .order_by(col(Message.created_at), col(Message.id)).limit(limit)).all()
        return [MessageOut.of(m) for m in rows]


def _cache_scope(actor: Actor) -> int | None:
    """The tenant whose cases' cache rows the caller sees and invalidates; None (every row) for a platform operator."""
    return None if actor.is_operator else actor.tenant_id


def cache_page(actor: Actor, *, q: str = '', page: int = 1, page_size: int = 25, sort: str = 'fetched_at',
               descending: bool = True) -> Page[CacheOut]:
    """The shared cache as far as the caller's tenant used it (a platform operator sees every row)."""
    page, page_size = max(1, page), min(max(1, page_size), 200)
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        res = cache.page(session=s, q=q, offset=(page - 1) * page_size, limit=page_size, sort=sort,
                         descending=descending, tenant_id=_cache_scope(actor))
        return Page[CacheOut](total=res.total, page=page, page_size=page_size,
                              items=[CacheOut.of(r) for r in res.rows])


CACHE_EXPORT_MAX = 100_000
CACHE_COLUMNS = [('key', 'key'), ('id_type', 'type'), ('value', 'value'), ('make', 'make'), ('model', 'model'),
                 ('gearbox_model', 'gearbox_model'), ('oem', 'oem'), ('outcome', 'outcome'), ('source', 'source'),
                 ('fetched_at', 'fetched_at'), ('expires_at', 'expires_at')]


def cache_export(actor: Actor, fmt: str, *, q: str = '', sort: str = 'fetched_at', descending: bool = True,
                 labels: dict[str, str] | None = None) -> exports.File:
    """The cache table as the caller sees it (their tenant's rows, filtered by `q`) as CSV or XLSX, at most
    CACHE_EXPORT_MAX rows."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        res = cache.page(session=s, q=q, offset=0, limit=CACHE_EXPORT_MAX, sort=sort, descending=descending,
                         tenant_id=_cache_scope(actor))
        rows = [CacheOut.of(r).model_dump() for r in res.rows]
    columns = [(k, (labels or {}).get(k, h)) for k, h in CACHE_COLUMNS]
    return exports.render(columns, rows, fmt, name='cache')


def invalidate_cache(actor: Actor, keys: list[str] | None) -> int:
    """Invalidate rows the caller's tenant used: given keys (managers, admins) or all of them (`keys=None`, admins).
    A platform operator's `keys=None` empties the whole shared cache."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        if not actor.can_lookup:
            raise Forbidden('Viewers cannot invalidate the cache.')
        if keys is None and not (actor.is_admin or actor.is_operator):
            raise Forbidden('Only admins can invalidate all of their cache rows.')
        n = cache.invalidate(session=s, keys=keys, tenant_id=_cache_scope(actor))
    logger.info('%s invalidated %s cache row(s)%s', actor.username or actor.user_id, n,
                '' if keys is None else f': {keys[:5]}')
    events.publish(events.Change(kind='cache'))
    return n


def receive_message(actor: Actor, *, channel: str, external_chat_id: str, external_message_id: str, text: str,
                    customer_name: str | None = None) -> tuple[MessageOut, CaseOut | None, bool]:
    """Store an inbound customer message (idempotent on external_message_id) and start a lookup when the text
    holds exactly one VIN/FRAME. Returns (message, case or None, created?)."""
    from lookup.detect import detect
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
    if not actor.can_lookup:
        raise Forbidden('This token cannot post messages (viewer).')
    created = False
    with session_scope() as s:
        conv = s.exec(select(Conversation).where(Conversation.tenant_id == actor.tenant_id,
                                                 Conversation.channel == channel,
                                                 Conversation.external_chat_id == external_chat_id)).first()
        if conv is None:
            conv = Conversation(tenant_id=actor.tenant_id, channel=channel, external_chat_id=external_chat_id,
                                customer_name=customer_name or '')
            s.add(conv)
            s.flush()
        msg = s.exec(select(Message).where(Message.conversation_id == conv.id,
                                           Message.external_message_id == external_message_id)).first()
        if msg is None:
            created = True
            msg = Message(tenant_id=actor.tenant_id, conversation_id=saved_id(conv),
                          external_message_id=external_message_id, direction='in',
                          author=customer_name or conv.customer_name, text=text)
            s.add(msg)
            now = utcnow()
            conv.last_message_text = text[:300]
            conv.last_message_at = now
            conv.unread_count += 1
            if customer_name and not conv.customer_name:
                conv.customer_name = customer_name
            s.flush()
        conv_id, msg_out = saved_id(conv), MessageOut.of(msg)
    case = None
    if created:
        found = detect(text)
        if found.needs_clarification:
            _flag_clarification(actor, conv_id, True)
        elif found.single is not None:
            _flag_clarification(actor, conv_id, False)
            try:
                case = submit_lookup(actor, conv_id, found.single.value, id_type=found.single.kind.value,
                                     message_id=msg_out.id)
            except RateLimited as exc:  # the message is kept; the manager starts the lookup from it later
                logger.warning('inbound lookup for conversation %s not started: %s', conv_id, exc.message)
        events.publish(events.Change(kind='message', tenant_id=actor.tenant_id, conversation_id=conv_id))
    return msg_out, case, created


def _flag_clarification(actor: Actor, conversation_id: int, value: bool) -> None:
    with session_scope() as s:
        conv = _conversation(s, actor, conversation_id)
        conv.needs_clarification = value
