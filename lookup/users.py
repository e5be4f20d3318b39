"""User and tenant administration (the CLI, demo seed and admin pages use these)."""

from __future__ import annotations

from sqlmodel import Session, select

from lookup.auth import Actor, hash_password
from lookup.db import session_scope
from models import Role, Tenant, User


def get_or_create_tenant(*, session: Session, slug: str, name: str | None = None) -> Tenant:
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        tenant = Tenant(slug=slug, name=name or slug)
        session.add(tenant)
        session.flush()
    return tenant


def create_user(*, session: Session, tenant: Tenant, username: str, password: str, role: str = Role.MANAGER,
                full_name: str = '') -> User:
    if len(password) < 8:
        raise ValueError('A password needs at least 8 characters.')
    if role not in set(Role):
        raise ValueError(f'Unknown role {role!r}; use admin, manager or viewer.')
    user = User(tenant_id=tenant.id, username=username, password_hash=hash_password(password), role=role,
                full_name=full_name)
    session.add(user)
    session.flush()
    return user


def set_locale(actor: Actor, lang: str) -> None:
    with session_scope() as s:
        user = s.get(User, actor.user_id)
        if user is not None:
            user.locale = lang


def _require_admin(actor: Actor) -> None:
    from lookup.errors import Forbidden
    if not actor.is_admin:
        raise Forbidden('Only admins manage users and tokens.')


def list_users(actor: Actor) -> list[dict]:
    _require_admin(actor)
    with session_scope() as s:
        rows = s.exec(select(User).where(User.tenant_id == actor.tenant_id).order_by(User.username)).all()
        return [{'id': u.id, 'username': u.username, 'full_name': u.full_name, 'role': u.role,
                 'is_active': u.is_active} for u in rows]


def add_user(actor: Actor, *, username: str, password: str, role: str, full_name: str = '') -> None:
    _require_admin(actor)
    with session_scope() as s:
        if s.exec(select(User).where(User.username == username)).first():
            raise ValueError('This username is taken.')
        tenant = s.get(Tenant, actor.tenant_id)
        create_user(session=s, tenant=tenant, username=username, password=password, role=role, full_name=full_name)


def set_active(actor: Actor, user_id: int, active: bool) -> None:
    _require_admin(actor)
    from lookup.errors import NotFound
    with session_scope() as s:
        user = s.get(User, user_id)
        if user is None or user.tenant_id != actor.tenant_id:
            raise NotFound('User not found.')
        if user.id == actor.user_id and not active:
            raise ValueError('You cannot deactivate yourself.')
        user.is_active = active


def list_tokens(actor: Actor) -> list[dict]:
    _require_admin(actor)
    from models import ApiToken
    with session_scope() as s:
        rows = s.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                      .where(ApiToken.tenant_id == actor.tenant_id).order_by(ApiToken.id.desc())).all()
        return [{'id': t.id, 'name': t.name, 'prefix': t.prefix, 'username': u.username,
                 'created_at': t.created_at, 'last_used_at': t.last_used_at, 'revoked': t.revoked_at is not None}
                for t, u in rows]


def issue_token(actor: Actor, *, user_id: int, name: str) -> str:
    """A new token for a user of the admin's tenant; the plaintext is returned once."""
    _require_admin(actor)
    from lookup.auth import create_token
    from lookup.errors import NotFound
    with session_scope() as s:
        user = s.get(User, user_id)
        if user is None or user.tenant_id != actor.tenant_id:
            raise NotFound('User not found.')
        _, token = create_token(session=s, user=user, name=name or 'api')
        return token


def revoke_token(actor: Actor, token_id: int) -> None:
    _require_admin(actor)
    from lookup.errors import NotFound
    from models import ApiToken
    from models.dbtypes import utcnow
    with session_scope() as s:
        row = s.get(ApiToken, token_id)
        if row is None or row.tenant_id != actor.tenant_id:
            raise NotFound('Token not found.')
        row.revoked_at = row.revoked_at or utcnow()
