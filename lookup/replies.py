"""Replying to the customer (issue 12 #1): the tenant's templates, previews from a case, outgoing messages.

An outgoing message is stored first (the truth), shown in the thread and returned by the API; its delivery to the
tenant's outbound webhook is a Huey task (lookup/delivery.py) with Huey's own retries. Nothing is lost: a message
whose task vanished (queue down, worker killed) is re-enqueued by the periodic sweep, and a failed one can be
retried by a manager. Every function re-checks the caller (session, role, tenant) at the moment of the call.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from lookup import events, templates
from lookup.auth import Actor
from lookup.db import session_scope
from lookup.errors import Conflict, Forbidden, Invalid, NotFound
from lookup.schemas import MessageOut
from lookup.sessions import recheck
from models import Conversation, DeliveryStatus, LookupCase, Message, ReplyTemplate, Tenant, User
from models.dbtypes import saved_id, utcnow

logger = logging.getLogger(__name__)
MAX_REPLY = 10_000
MAX_URL = 500
_enqueue: Callable[[int], None] | None = None


class TemplateOut(BaseModel):
    kind: str
    text: str
    default_text: str
    is_default: bool
    updated_at: datetime | None


class ReplySettingsOut(BaseModel):
    webhook_url: str | None
    webhook_secret: str | None
    """Signs each delivery: `X-Podzamenu-Signature: sha256=<hex HMAC-SHA256 of the body>` (admins only)."""
    placeholders: dict[str, str]


class ReplyPreview(BaseModel):
    case_id: int
    conversation_id: int
    kind: str
    """The template used (the one asked for, or the one the case's outcome calls for)."""
    suggested_kind: str
    text: str


def set_deliverer(fn: Callable[[int], None] | None) -> None:
    """Wire the queue in (tasks.py does at import; tests may pass a list's append)."""
    global _enqueue
    _enqueue = fn


def _deliverer() -> Callable[[int], None]:
    if _enqueue is None:
        from tasks import enqueue_delivery
        set_deliverer(enqueue_delivery)
    assert _enqueue is not None
    return _enqueue


# --- templates --------------------------------------------------------------------------------------------------

def _ensure_templates(session: Session, tenant_id: int) -> dict[str, ReplyTemplate]:
    """The tenant's templates, the defaults seeded on first use (a concurrent first use inserts nothing twice)."""
    rows = {r.kind: r for r in session.exec(select(ReplyTemplate).where(ReplyTemplate.tenant_id == tenant_id))}
    missing = [k for k in templates.KINDS if k not in rows]
    if missing:
        insert = pg_insert if session.get_bind().dialect.name == 'postgresql' else sqlite_insert
        now = utcnow()
        session.execute(insert(ReplyTemplate).values(
            [{'tenant_id': tenant_id, 'kind': k, 'text': templates.DEFAULTS[k], 'updated_at': now} for k in missing])
            .on_conflict_do_nothing(index_elements=['tenant_id', 'kind']))
        rows = {r.kind: r for r in session.exec(select(ReplyTemplate).where(ReplyTemplate.tenant_id == tenant_id))}
    return rows


def _template_out(row: ReplyTemplate) -> TemplateOut:
    default = templates.DEFAULTS[row.kind]
    return TemplateOut(kind=row.kind, text=row.text, default_text=default, is_default=row.text == default,
                       updated_at=row.updated_at)


def list_templates(actor: Actor) -> list[TemplateOut]:
    """The tenant's reply templates, one per kind, in the order of `templates.KINDS`."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        rows = _ensure_templates(s, actor.tenant_id)
        return [_template_out(rows[k]) for k in templates.KINDS]


def _kind(kind: str) -> str:
    if kind not in templates.KINDS:
        raise Invalid(f'Unknown template kind {kind!r}; one of: {", ".join(templates.KINDS)}.', code='UNKNOWN_KIND')
    return kind


def save_template(actor: Actor, kind: str, text: str) -> TemplateOut:
    """Change one of the tenant's templates (admins). Unknown placeholders or bad `$` syntax: 422, nothing saved."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        if not actor.is_admin:
            raise Forbidden('Only admins edit reply templates.')
        _kind(kind)
        try:
            clean = templates.validate(text)
        except templates.TemplateInvalid as exc:
            raise Invalid(str(exc), code=exc.code, **exc.params) from None
        row = _ensure_templates(s, actor.tenant_id)[kind]
        row.text, row.updated_at, row.updated_by_id = clean, utcnow(), actor.user_id
        s.flush()
        return _template_out(row)


def reset_template(actor: Actor, kind: str) -> TemplateOut:
    """Put a template back to the default text (admins)."""
    return save_template(actor, _kind(kind), templates.DEFAULTS[kind])


# --- the tenant's outbound webhook --------------------------------------------------------------------------------

def validate_webhook_url(url: str | None) -> str | None:
    """An absolute http(s) URL with a host, or None to switch delivery off. Raises Invalid otherwise."""
    url = (url or '').strip()
    if not url:
        return None
    if len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        raise Invalid(f'The webhook URL must be one line of at most {MAX_URL} characters.', code='WEBHOOK_URL')
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = None, False
    if parts is None or parts.scheme.lower() not in ('http', 'https') or not parts.hostname or not port_ok:
        raise Invalid('The webhook URL must be an http:// or https:// address with a host.', code='WEBHOOK_URL')
    return url


def _settings_out(tenant: Tenant) -> ReplySettingsOut:
    return ReplySettingsOut(webhook_url=tenant.reply_webhook_url, webhook_secret=tenant.reply_webhook_secret,
                            placeholders=templates.PLACEHOLDERS)


def _admin_tenant(s: Session, actor: Actor) -> Tenant:
    actor = recheck(session=s, actor=actor)
    if not actor.is_admin:
        raise Forbidden('Only admins manage the reply webhook.')
    tenant = s.get(Tenant, actor.tenant_id)
    assert tenant is not None
    return tenant


def get_reply_settings(actor: Actor) -> ReplySettingsOut:
    """The outbound webhook and its signing secret (admins)."""
    with session_scope() as s:
        return _settings_out(_admin_tenant(s, actor))


def set_webhook(actor: Actor, url: str | None, *, new_secret: bool = False) -> ReplySettingsOut:
    """Set (or clear, with an empty URL) where replies are delivered (admins); a signing secret is made at first."""
    clean = validate_webhook_url(url)
    with session_scope() as s:
        tenant = _admin_tenant(s, actor)
        tenant.reply_webhook_url = clean
        if clean and (new_secret or not tenant.reply_webhook_secret):
            tenant.reply_webhook_secret = secrets.token_hex(32)
        logger.info('tenant %s: reply webhook %s', tenant.id, 'set' if clean else 'cleared')
        return _settings_out(tenant)


# --- replies ------------------------------------------------------------------------------------------------------

def _case(s: Session, actor: Actor, case_id: int) -> LookupCase:
    case = s.get(LookupCase, case_id)
    if case is None or case.tenant_id != actor.tenant_id:
        raise NotFound('Lookup not found.')
    return case


def _render(s: Session, actor: Actor, case: LookupCase, kind: str | None) -> ReplyPreview:
    if case.status not in ('completed', 'failed'):
        raise Invalid('The lookup has not finished yet; preview the reply once it has.', code='LOOKUP_NOT_FINISHED')
    suggested = templates.kind_for(case.outcome, case.result)
    use = _kind(kind) if kind else suggested
    conv = s.get(Conversation, case.conversation_id)
    values = templates.values_for(id_type=case.id_type, value=case.value, tag=case.tag, result=case.result,
                                  customer=conv.customer_name if conv else '')
    text = templates.render(_ensure_templates(s, actor.tenant_id)[use].text, values)
    return ReplyPreview(case_id=case.id, conversation_id=case.conversation_id, kind=use, suggested_kind=suggested,
                        text=text)


def preview_reply(actor: Actor, case_id: int, kind: str | None = None) -> ReplyPreview:
    """The reply for a finished case, filled from it (`kind` picks another template than the outcome's)."""
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        return _render(s, actor, _case(s, actor, case_id), kind)


def _sender(s: Session, actor: Actor) -> Actor:
    """The caller as of now, if they may send replies (managers, admins); else Forbidden."""
    actor = recheck(session=s, actor=actor)
    if not actor.can_lookup:
        raise Forbidden('Viewers cannot send replies.')
    return actor


def post_reply(actor: Actor, conversation_id: int, *, text: str | None = None, case_id: int | None = None,
               kind: str | None = None) -> MessageOut:
    """Store an outgoing message (managers, admins) and hand it to the delivery queue. Without `text` the reply is
    rendered from the case (`kind`, else its outcome's template)."""
    with session_scope() as s:
        actor = _sender(s, actor)
        conv = s.get(Conversation, conversation_id)
        if conv is None or conv.tenant_id != actor.tenant_id:
            raise NotFound('Conversation not found.')
        case = _case(s, actor, case_id) if case_id is not None else None
        if case is not None and case.conversation_id != conv.id:
            raise Invalid('That lookup belongs to another conversation.', code='CASE_CONVERSATION')
        if text is None:
            if case is None:
                raise Invalid('Send a text, or a case_id to fill a template from.', code='REPLY_EMPTY')
            preview = _render(s, actor, case, kind)
            text, kind = preview.text, preview.kind
        elif kind is not None:
            _kind(kind)
        text = text.replace('\r\n', '\n').strip()
        if not text:
            raise Invalid('A reply cannot be empty.', code='REPLY_EMPTY')
        if len(text) > MAX_REPLY:
            raise Invalid(f'A reply has at most {MAX_REPLY} characters.', code='REPLY_TOO_LONG')
        user = s.get(User, actor.user_id) if actor.user_id else None
        now = utcnow()
        msg = Message(tenant_id=actor.tenant_id, conversation_id=saved_id(conv), direction='out',
                      author=(user.full_name or user.username) if user else actor.username, author_id=actor.user_id,
                      text=text, case_id=case.id if case else None, reply_kind=kind,
                      delivery_status=DeliveryStatus.PENDING, delivery_due_at=now, created_at=now)
        s.add(msg)
        conv.last_message_text, conv.last_message_at = text[:300], now
        s.flush()
        out = MessageOut.of(msg)
    _hand_over(out.id)
    events.publish(events.Change(kind='message', tenant_id=actor.tenant_id, conversation_id=conversation_id))
    return out


def _hand_over(message_id: int) -> None:
    try:
        _deliverer()(message_id)
    except Exception as exc:  # noqa: BLE001  (queue down: the message stays pending; the sweep enqueues it again)
        logger.warning('delivery of message %s not enqueued (the sweep will): %s', message_id, exc)


def retry_delivery(actor: Actor, message_id: int) -> MessageOut:
    """Deliver a failed outgoing message again (managers, admins), with a fresh set of retries."""
    with session_scope() as s:
        actor = _sender(s, actor)
        msg = s.get(Message, message_id)
        if msg is None or msg.tenant_id != actor.tenant_id:
            raise NotFound('Message not found.')
        claimed = s.exec(sa.update(Message).where(
            col(Message.id) == message_id, col(Message.delivery_status) == DeliveryStatus.FAILED).values(
            delivery_status=DeliveryStatus.PENDING, delivery_error=None, delivery_due_at=utcnow())).rowcount
        if not claimed:  # inbound, pending or delivered (or a concurrent retry got there first)
            raise Conflict('Only a failed delivery can be retried.', code='DELIVERY_NOT_FAILED')
        s.refresh(msg)
        out, conv_id = MessageOut.of(msg), msg.conversation_id
    _hand_over(message_id)
    events.publish(events.Change(kind='message', tenant_id=actor.tenant_id, conversation_id=conv_id))
    return out


def get_message(actor: Actor, message_id: int) -> MessageOut:
    with session_scope() as s:
        actor = recheck(session=s, actor=actor)
        msg = s.get(Message, message_id)
        if msg is None or msg.tenant_id != actor.tenant_id:
            raise NotFound('Message not found.')
        return MessageOut.of(msg)
