"""Conversations with customers and their messages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.dbtypes import TZDateTime, utcnow


class Conversation(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint('tenant_id', 'channel', 'external_chat_id', name='uq_conversation_external'),
        sa.Index('ix_conversation_tenant_last', 'tenant_id', 'last_message_at'),
        # The list's filters, each in the list's order (newest first).
        sa.Index('ix_conversation_tenant_status_last', 'tenant_id', 'last_lookup_status', 'last_message_at'),
        sa.Index('ix_conversation_tenant_clar_last', 'tenant_id', 'needs_clarification', 'last_message_at'),
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id')
    channel: str = Field(default='manual', max_length=32)
    external_chat_id: str = Field(max_length=128)
    customer_name: str = Field(default='', max_length=200)
    needs_clarification: bool = False
    unread_count: int = 0
    last_message_text: str = Field(default='', max_length=300)
    last_lookup_status: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    last_message_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class Message(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint('conversation_id', 'external_message_id', name='uq_message_external'),
        sa.Index('ix_message_conversation_created', 'conversation_id', 'created_at'),
        sa.Index('ix_message_delivery_due', 'delivery_status', 'delivery_due_at'),
    )
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id', index=True)
    conversation_id: int = Field(foreign_key='conversation.id')
    external_message_id: str | None = Field(default=None, max_length=128)
    direction: str = Field(default='in', max_length=8)
    """`in` from the customer, `out` from a manager."""
    author: str = Field(default='', max_length=200)
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Outgoing replies (issue 12 #1): delivered to the tenant's outbound webhook by a Huey task (lookup/delivery.py).
    author_id: int | None = None
    """The user who posted an outgoing message (a reference only, like `lookup_case.cache_id`)."""
    case_id: int | None = None
    """The lookup case a reply answers (a reference only: `lookup_case.message_id` already points the other way)."""
    reply_kind: str | None = Field(default=None, max_length=24)
    """The template kind the reply started from (`found`, `model_only`, …); None for a free text."""
    delivery_status: str | None = Field(default=None, max_length=16)
    """None for inbound messages; `pending` → `delivered` | `failed` for outgoing ones."""
    delivery_error: str | None = Field(default=None, sa_type=sa.Text)
    """Why the last attempt failed (kept while a retry is pending; the reason of a `failed` delivery)."""
    delivery_attempts: int = Field(default=0, sa_column_kwargs={'server_default': '0'})
    delivery_due_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    """When the next attempt is expected: a `pending` delivery overdue by minutes lost its task and is re-enqueued."""
    delivered_at: datetime | None = Field(default=None, sa_type=TZDateTime)


class DeliveryStatus(StrEnum):
    PENDING = 'pending'
    DELIVERED = 'delivered'
    FAILED = 'failed'
