"""Delivering outgoing messages to the tenant's webhook (the worker side of issue 12 #1).

One attempt per call; the Huey task around it (tasks.deliver_message) retries with Huey's own retries. The message
row is the truth: `pending` while attempts remain (its `delivery_error` says what the last one met), `delivered`,
or `failed` with the reason once retries are used up or the answer is final (a 4xx other than 408/429, no URL).

The receiver may see a message twice (an attempt that timed out after the bridge got it; a task re-enqueued by the
sweep): every attempt carries the same body and `Idempotency-Key: message-<id>`, so a bridge can drop repeats.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import timedelta

import httpx  # a dependency of NiceGUI's (its test client is httpx too)
import sqlalchemy as sa
from sqlmodel import col, select

from lookup import events
from lookup.db import session_scope
from models import Conversation, DeliveryStatus, Message, Tenant
from models.dbtypes import utcnow

logger = logging.getLogger(__name__)
TIMEOUT_S = 10.0
"""One attempt's HTTP deadline (connect, write, read)."""
LEASE = timedelta(seconds=TIMEOUT_S + 50)
"""An attempt under way is not overdue before this (the sweep leaves it alone)."""
OVERDUE = timedelta(minutes=2)
"""A pending delivery this far past its due time has lost its task (queue down at enqueue, worker killed)."""
USER_AGENT = 'podzamenu-lookup/replies'


class DeliveryFailed(Exception):
    """This attempt failed and retries remain: raised out of the Huey task, so that Huey schedules the next one."""


def _final_http_error(status: int) -> bool:
    """An answer the receiver will give again (a redirect, a wrong path, a refused body): retrying is pointless."""
    return status < 400 or (status < 500 and status not in (408, 425, 429))


def payload(msg: Message, conv: Conversation, tenant: Tenant) -> bytes:
    """The body POSTed for a message (the same bytes on every attempt)."""
    return json.dumps({
        'event': 'message.outgoing',
        'tenant': tenant.slug,
        'message': {'id': msg.id, 'conversation_id': msg.conversation_id, 'text': msg.text, 'author': msg.author,
                    'created_at': msg.created_at.isoformat(), 'case_id': msg.case_id, 'reply_kind': msg.reply_kind},
        'conversation': {'id': conv.id, 'channel': conv.channel, 'external_chat_id': conv.external_chat_id,
                         'customer_name': conv.customer_name},
    }, ensure_ascii=False, separators=(',', ':')).encode()


def signature(secret: str, body: bytes) -> str:
    return 'sha256=' + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _notify(msg: Message) -> None:
    events.publish(events.Change(kind='message', tenant_id=msg.tenant_id, conversation_id=msg.conversation_id))


def attempt(message_id: int, *, retries_left: int, retry_in_s: float = 0) -> str | None:
    """Try to deliver one message now. Returns its status afterwards (None: nothing to do); raises DeliveryFailed
    when this attempt failed and Huey will try again (`retries_left` > 0)."""
    with session_scope() as s:
        msg = s.get(Message, message_id)
        if msg is None or msg.delivery_status != DeliveryStatus.PENDING:
            return msg.delivery_status if msg else None  # delivered, failed, or not an outgoing message
        tenant, conv = s.get(Tenant, msg.tenant_id), s.get(Conversation, msg.conversation_id)
        assert tenant is not None and conv is not None
        url, secret = tenant.reply_webhook_url, tenant.reply_webhook_secret
        body = payload(msg, conv, tenant)
        msg.delivery_attempts += 1  # counted before the call: a worker killed during it still counted one
        msg.delivery_due_at = utcnow() + LEASE
        n = msg.delivery_attempts
    if not url:
        return _finish(message_id, ok=False, error='NO_WEBHOOK: the tenant has no outbound webhook URL; an admin sets '
                                                   'it under «Ответы клиентам», then retry')
    headers = {'Content-Type': 'application/json; charset=utf-8', 'User-Agent': USER_AGENT,
               'Idempotency-Key': f'message-{message_id}', 'X-Podzamenu-Message-Id': str(message_id),
               'X-Podzamenu-Attempt': str(n)}
    if secret:
        headers['X-Podzamenu-Signature'] = signature(secret, body)
    final = False
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as exc:
        error = f'{type(exc).__name__}: {exc}'[:500] or type(exc).__name__
    else:
        if 200 <= response.status_code < 300:
            return _finish(message_id, ok=True)
        final = _final_http_error(response.status_code)
        error = f'HTTP {response.status_code}: {response.text[:200].strip()}'.rstrip(': ')
    if final or retries_left <= 0:
        return _finish(message_id, ok=False, error=error)
    with session_scope() as s:
        msg = s.get(Message, message_id)
        if msg is not None and msg.delivery_status == DeliveryStatus.PENDING:
            msg.delivery_error = f'{error} (attempt {n}; retrying, {retries_left} left)'
            msg.delivery_due_at = utcnow() + timedelta(seconds=retry_in_s)
    if msg is not None:
        _notify(msg)  # after the commit: a page reloading on the push must read the new state
    raise DeliveryFailed(f'message {message_id}: {error}')


def _finish(message_id: int, *, ok: bool, error: str | None = None) -> str:
    with session_scope() as s:
        msg = s.get(Message, message_id)
        assert msg is not None
        msg.delivery_status = DeliveryStatus.DELIVERED if ok else DeliveryStatus.FAILED
        msg.delivery_error = None if ok else error
        msg.delivered_at = utcnow() if ok else None
        msg.delivery_due_at = None
        status = msg.delivery_status
    _notify(msg)  # after the commit (see above)
    (logger.info if ok else logger.warning)('message %s: delivery %s%s', message_id, status,
                                            f' ({error})' if error else '')
    return status


def requeue_overdue(enqueue: Callable[[int], None], *, limit: int = 200) -> int:
    """Enqueue pending deliveries whose task was lost (the periodic sweep calls this); returns how many."""
    now = utcnow()
    with session_scope() as s:
        ids = [i for i in s.exec(select(Message.id).where(col(Message.delivery_status) == DeliveryStatus.PENDING,
                                                          col(Message.delivery_due_at) < now - OVERDUE)
                                 .order_by(col(Message.delivery_due_at)).limit(limit)) if i is not None]
        if ids:
            s.execute(sa.update(Message).where(col(Message.id).in_(ids)).values(delivery_due_at=now))
    for message_id in ids:
        enqueue(message_id)
    if ids:
        logger.info('re-enqueued %s overdue deliveries', len(ids))
    return len(ids)
