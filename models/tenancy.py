"""Tenants, users and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.dbtypes import TZDateTime, utcnow


class Role(StrEnum):
    ADMIN = 'admin'
    MANAGER = 'manager'
    VIEWER = 'viewer'


class Tenant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    reply_webhook_url: str | None = Field(default=None, max_length=500)
    """Outgoing replies are POSTed here (a messenger bridge sends them on); set by the tenant's admin."""
    reply_webhook_secret: str | None = Field(default=None, max_length=64)
    """Signs each delivery (`X-Podzamenu-Signature: sha256=<HMAC of the body>`); made when the URL is first set."""


class User(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint('tenant_id', 'username', name='uq_user_tenant_username'),)
    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key='tenant.id', index=True)
    username: str = Field(max_length=100, index=True)
    """Unique within the tenant (case-insensitively, checked by lookup.users): a name taken elsewhere says nothing."""
    full_name: str = Field(default='', max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(default=Role.MANAGER, sa_type=sa.String(16))
    locale: str = Field(default='ru', max_length=8)
    is_active: bool = True
    is_operator: bool = Field(default=False, sa_column_kwargs={'server_default': sa.false()})
    """Platform operator (set with the CLI, never by a tenant admin): may empty the whole shared cache."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class ApiToken(SQLModel, table=True):
    __tablename__ = 'api_token'
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key='user.id', index=True)
    tenant_id: int = Field(foreign_key='tenant.id', index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16, index=True)
    """First characters of the token, shown in the UI to tell tokens apart."""
    token_hash: str = Field(max_length=128, unique=True)
    """sha256 of the token (tokens are long random strings, so a fast hash is enough)."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=TZDateTime)


class UserSession(SQLModel, table=True):
    """A browser login. The signed session cookie carries a random token; only its hash is stored here, and every
    page load and every UI action re-reads this row and its user, so revoking it ends the session in every web
    process at once."""

    __tablename__ = 'user_session'
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key='user.id', index=True, ondelete='CASCADE')
    tenant_id: int = Field(foreign_key='tenant.id', index=True)
    role: str = Field(sa_type=sa.String(16))
    """The role at login: a role change ends the session (the user logs in again with the new role)."""
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    """sha256 of the cookie's token; None until the login ticket is redeemed (a new cookie is issued then)."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=TZDateTime)
