"""Lookup case rows: the source of truth for every lookup's state. Data access only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from lookup.engine.identifiers import Identifier
from lookup.engine.outcomes import Outcome, TagVerification
from lookup.engine.result import LookupResult
from lookup.engine.tagcheck import auto_variant, verify_tag
from lookup.unitkeys import keys_of
from models import ACTIVE_STATUSES, CaseStatus, LookupCache, LookupCase
from models.dbtypes import utcnow


def create(*, session: Session, tenant_id: int, conversation_id: int, ident: Identifier, tag: str | None,
           force_refresh: bool = False, user_id: int | None = None, message_id: int | None = None) -> LookupCase:
    case = LookupCase(tenant_id=tenant_id, conversation_id=conversation_id, message_id=message_id,
                      created_by_id=user_id, id_type=ident.kind.value, raw_value=ident.raw[:100], value=ident.value,
                      cache_key=ident.cache_key, tag=(tag or '').strip() or None, force_refresh=force_refresh,
                      status=CaseStatus.PENDING, stage='queued')
    session.add(case)
    session.flush()
    return case


def finish_from_result(case: LookupCase, result: LookupResult, *, cache_row: LookupCache | None,
                       from_cache: bool) -> None:
    """Move a case to its final state from an engine result (or a cached one)."""
    now = utcnow()
    tag_result = verify_tag(case.tag, result)
    data = result.model_copy(update={'tag': case.tag, 'tag_verification': tag_result}).model_dump(mode='json')
    case.result = data
    case.outcome = result.outcome.value
    case.tag_verification = tag_result.value
    if case.variant_selected_by != 'manager':  # a manager's choice stands; the tag's follows the result
        picked = auto_variant(case.tag, result.variants)
        case.selected_variant, case.variant_selected_by = picked, 'tag' if picked is not None else None
    case.oem_key, case.gearbox_key, case.factory_key = keys_of(data)
    case.from_cache = from_cache
    case.cache_id = cache_row.id if cache_row else None
    case.result_fetched_at = cache_row.fetched_at if cache_row else now
    case.stage = None
    case.lease_until = None
    case.next_attempt_at = None
    case.finished_at = now
    case.updated_at = now
    if result.outcome.is_success and result.outcome is not Outcome.VEHICLE_NOT_FOUND:
        case.status = CaseStatus.COMPLETED
        case.error_code = case.error_message = None
    else:
        case.status = CaseStatus.FAILED
        case.error_code = result.outcome.value
        case.error_message = (result.error.message if result.error else None) or result.outcome.value


def select_variant(case: LookupCase, index: int | None) -> None:
    """The manager's choice among the result's variants (None clears it); the caller checked the index."""
    case.selected_variant = index
    case.variant_selected_by = 'manager' if index is not None else None
    case.updated_at = utcnow()


def fail(case: LookupCase, *, code: str, message: str, result: LookupResult | None = None) -> None:
    now = utcnow()
    case.status = CaseStatus.FAILED
    case.stage = None
    case.error_code = code
    case.error_message = message
    case.outcome = result.outcome.value if result else case.outcome
    if result is not None:
        case.result = result.model_dump(mode='json')
    case.tag_verification = case.tag_verification or TagVerification.NO_TAG.value
    case.lease_until = None
    case.finished_at = now
    case.updated_at = now


def active_for_key(*, session: Session, cache_key: str, for_update: bool = False) -> list[LookupCase]:
    stmt = select(LookupCase).where(LookupCase.cache_key == cache_key,
                                    col(LookupCase.status).in_(ACTIVE_STATUSES)).order_by(col(LookupCase.id))
    if for_update and session.get_bind().dialect.name == 'postgresql':
        stmt = stmt.with_for_update()
    return list(session.exec(stmt).all())


def claim(*, session: Session, case_id: int, worker_id: str, lease: timedelta,
          is_dead: Callable[[str | None], bool] = lambda _w: False) -> LookupCase | None:
    """Mark an active case running for this worker.

    None when the case is already final (idempotent re-delivery), when another live worker already runs this very
    case (a duplicate queue message), or when one is visiting the site for the same key (coalescing: that worker
    completes this case too). A running case whose lease passed or whose worker `is_dead` is taken over.
    """
    now = utcnow()
    case = session.get(LookupCase, case_id)
    if case is None or case.status not in ACTIVE_STATUSES:
        return None
    if session.get_bind().dialect.name == 'postgresql':
        # Serialise claims per key across workers/hosts; released at commit.
        session.execute(sa.text('SELECT pg_advisory_xact_lock(hashtext(:k))'), {'k': case.cache_key})
        session.refresh(case)
        if case.status not in ACTIVE_STATUSES:
            return None
    holders = session.exec(select(LookupCase).where(
        LookupCase.cache_key == case.cache_key, LookupCase.status == CaseStatus.RUNNING,
        col(LookupCase.worker_id).is_not(None), col(LookupCase.lease_until) > now)).all()
    # This worker's own earlier attempt (a Huey retry) is over, and so is a dead worker's; any other holder is live.
    if any(other.worker_id != worker_id and not is_dead(other.worker_id) for other in holders):
        return None
    updated = session.exec(
        sa.update(LookupCase)
        .where(col(LookupCase.id) == case_id, col(LookupCase.status).in_(ACTIVE_STATUSES))
        .values(status=CaseStatus.RUNNING, stage='opening', worker_id=worker_id, lease_until=now + lease,
                attempts=LookupCase.attempts + 1, started_at=func.coalesce(LookupCase.started_at, now),
                updated_at=now, next_attempt_at=None)).rowcount
    if not updated:
        return None
    return session.get(LookupCase, case_id, populate_existing=True)


def renew_lease(*, session: Session, cache_key: str, worker_id: str, lease: timedelta) -> None:
    """Extend the lease of the cases this worker runs for a key (when the site visit actually starts)."""
    session.exec(sa.update(LookupCase).where(
        col(LookupCase.cache_key) == cache_key, col(LookupCase.status) == CaseStatus.RUNNING,
        col(LookupCase.worker_id) == worker_id).values(lease_until=utcnow() + lease))


def set_stage(*, session: Session, cache_key: str, stage: str) -> list[LookupCase]:
    """Update the progress stage of every active case waiting on this key; returns them for notification."""
    now = utcnow()
    rows = active_for_key(session=session, cache_key=cache_key)
    for case in rows:
        case.stage = stage
        case.status = CaseStatus.RUNNING if stage not in ('queued', 'retry_wait', 'queue_unavailable') \
            else case.status
        case.updated_at = now
    return rows


def list_for_conversation(*, session: Session, conversation_id: int, limit: int = 100) -> list[LookupCase]:
    return list(session.exec(select(LookupCase).where(LookupCase.conversation_id == conversation_id)
                             .order_by(col(LookupCase.id).desc()).limit(limit)).all())


@sa.event.listens_for(Session, 'before_flush')
def _conversation_follows_its_latest_case(session: Session, _ctx: object, _instances: object) -> None:
    """Whatever path changes a case's status (submit, worker, retry, recovery, sweep), the conversation's lookup
    status follows its latest case, in the same transaction, on both backends."""
    changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, LookupCase)
               and (obj in session.new or sa.inspect(obj).attrs.status.history.has_changes())]
    if not changed:
        return
    from models import Conversation

    with session.no_autoflush:
        for case in changed:
            if case.conversation_id is None:
                continue
            latest = session.exec(select(func.max(LookupCase.id))
                                  .where(LookupCase.conversation_id == case.conversation_id)).one()
            if case.id is not None and latest is not None and case.id < latest:
                continue  # an older case finishing does not speak for the conversation
            conv = session.get(Conversation, case.conversation_id)
            if conv is not None and conv.last_lookup_status != case.status:
                conv.last_lookup_status = case.status
