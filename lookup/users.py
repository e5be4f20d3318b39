"""User and tenant administration (the CLI, demo seed and admin pages use these)."""

from __future__ import annotations

import re

from sqlmodel import Session, col, func, select

from lookup.auth import Actor, create_token, hash_password
from lookup.db import session_scope
from lookup.errors import Forbidden, NotFound
from models import ApiToken, Role, Tenant, User
from models.dbtypes import utcnow

USERNAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9._@-]{0,99}')
"""Login names: ASCII letters, digits and `._@-`, 1-100 characters (unique regardless of case)."""
MIN_PASSWORD = 8


def get_or_create_tenant(*, session: Session, slug: str, name: str | None = None) -> Tenant:
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        tenant = Tenant(slug=slug, name=name or slug)
        session.add(tenant)
        session.flush()
    return tenant


def find_user(*, session: Session, username: str) -> User | None:
    """The user with this login name, compared case-insensitively."""
    return session.exec(select(User).where(func.lower(User.username) == username.strip().lower())).first()


def create_user(*, session: Session, tenant: Tenant, username: str, password: str, role: str = Role.MANAGER,
                full_name: str = '') -> User:
    """Raises ValueError with a message for the operator (bad name, taken, short password, unknown role)."""
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise ValueError('A username is 1-100 Latin letters, digits or ._@- (starting with a letter or digit).')
    if len(password) < MIN_PASSWORD:
        raise ValueError(f'A password needs at least {MIN_PASSWORD} characters.')
    if role not in set(Role):
        raise ValueError(f'Unknown role {role!r}; use admin, manager or viewer.')
    if find_user(session=session, username=username) is not None:
        raise ValueError('This username is taken.')
    user = User(tenant_id=tenant.id, username=username, password_hash=hash_password(password), role=role,
                full_name=full_name[:200])
    session.add(user)
    session.flush()
    return user


def set_locale(actor: Actor, lang: str) -> None:
    with session_scope() as s:
        user = s.get(User, actor.user_id)
        if user is not None:
            user.locale = lang


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden('Only admins manage users and tokens.')


def _tenant_user(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.tenant_id != actor.tenant_id:
        raise NotFound('User not found.')
    return user


def list_users(actor: Actor) -> list[dict]:
    """The admin's tenant's users (never another tenant's)."""
    _require_admin(actor)
    with session_scope() as s:
        rows = s.exec(select(User).where(User.tenant_id == actor.tenant_id).order_by(User.username)).all()
        return [{'id': u.id, 'username': u.username, 'full_name': u.full_name, 'role': u.role,
                 'is_active': u.is_active} for u in rows]


def add_user(actor: Actor, *, username: str, password: str, role: str, full_name: str = '') -> None:
    """A new user in the admin's own tenant. Raises ValueError (invalid input) or Forbidden."""
    _require_admin(actor)
    with session_scope() as s:
        tenant = s.get(Tenant, actor.tenant_id)
        create_user(session=s, tenant=tenant, username=username, password=password, role=role, full_name=full_name)


def set_active(actor: Actor, user_id: int, active: bool) -> None:
    """(De)activate a user of the admin's tenant: a deactivated user's session and tokens stop working at once."""
    _require_admin(actor)
    with session_scope() as s:
        user = _tenant_user(s, actor, user_id)
        if user.id == actor.user_id and not active:
            raise ValueError('You cannot deactivate yourself.')
        user.is_active = active


def list_tokens(actor: Actor) -> list[dict]:
    _require_admin(actor)
    with session_scope() as s:
        rows = s.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                      .where(ApiToken.tenant_id == actor.tenant_id).order_by(col(ApiToken.id).desc())).all()
        return [{'id': t.id, 'name': t.name, 'prefix': t.prefix, 'username': u.username,
                 'created_at': t.created_at, 'last_used_at': t.last_used_at, 'revoked': t.revoked_at is not None}
                for t, u in rows]


def issue_token(actor: Actor, *, user_id: int, name: str) -> str:
    """A new token for an active user of the admin's tenant; the plaintext is returned once (only its hash is kept)."""
    _require_admin(actor)
    with session_scope() as s:
        user = _tenant_user(s, actor, user_id)
        if not user.is_active:
            raise ValueError('Activate the user before issuing a token.')
        _, token = create_token(session=s, user=user, name=(name or 'api').strip()[:100] or 'api')
        return token


def revoke_token(actor: Actor, token_id: int) -> None:
    """Revoke a token of the admin's tenant (idempotent); the next request with it answers 401."""
    _require_admin(actor)
    with session_scope() as s:
        row = s.get(ApiToken, token_id)
        if row is None or row.tenant_id != actor.tenant_id:
            raise NotFound('Token not found.')
        row.revoked_at = row.revoked_at or utcnow()


def has_users() -> bool:
    """False on a fresh install: the app then tells how to create the first admin."""
    with session_scope() as s:
        return s.exec(select(User.id).limit(1)).first() is not None
