"""User and tenant administration (the CLI, demo seed and admin pages use these)."""

from __future__ import annotations

import re

from sqlmodel import Session, col, func, select

from lookup import events, sessions
from lookup.auth import Actor, create_token, hash_password, verify_password
from lookup.db import session_scope
from lookup.errors import Forbidden, NotFound
from models import ApiToken, Role, Tenant, User
from models.dbtypes import saved_id, utcnow

USERNAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9._@-]{0,99}')
"""Login names: ASCII letters, digits and `._@-`, 1-100 characters (unique within a tenant regardless of case)."""
MIN_PASSWORD = 8
MAX_PASSWORD = 1000


class InvalidUserInput(ValueError):
    """An admin or user entered something the rules refuse: nothing was changed; the message (English, for the CLI
    and the API) and the `code` (the UI shows its own text for it, `err.<code>`) say what to fix."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def get_or_create_tenant(*, session: Session, slug: str, name: str | None = None) -> Tenant:
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).first()
    if tenant is None:
        tenant = Tenant(slug=slug, name=name or slug)
        session.add(tenant)
        session.flush()
    return tenant


def find_user(*, session: Session, username: str, tenant_id: int | None = None) -> User | None:
    """The user with this login name (case-insensitive), in the given tenant; without one, the name must be
    unique on the platform (None when it is not)."""
    stmt = select(User).where(func.lower(User.username) == username.strip().lower())
    if tenant_id is not None:
        stmt = stmt.where(User.tenant_id == tenant_id)
    found = session.exec(stmt.limit(2)).all()
    return found[0] if len(found) == 1 else None


def create_user(*, session: Session, tenant: Tenant, username: str, password: str, role: str = Role.MANAGER,
                full_name: str = '') -> User:
    """Raises ValueError with a message for the operator (bad name, taken, short password, unknown role)."""
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise InvalidUserInput('USERNAME_FORMAT',
                               'A username is 1-100 Latin letters, digits or ._@- (starting with a letter or digit).')
    _check_password(password)
    if role not in set(Role):
        raise InvalidUserInput('ROLE_UNKNOWN', f'Unknown role {role!r}; use admin, manager or viewer.')
    if find_user(session=session, username=username, tenant_id=tenant.id) is not None:
        # in this tenant: names in other tenants are not looked at
        raise InvalidUserInput('USERNAME_TAKEN', 'This username is taken.')
    user = User(tenant_id=saved_id(tenant), username=username, password_hash=hash_password(password), role=role,
                full_name=full_name[:200])
    session.add(user)
    session.flush()
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidUserInput('PASSWORD_SHORT', f'A password needs at least {MIN_PASSWORD} characters.',
                               n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise InvalidUserInput('PASSWORD_LONG', f'A password has at most {MAX_PASSWORD} characters.', n=MAX_PASSWORD)


def _sessions_ended(session: Session, user: User, *, keep: int | None = None) -> None:
    """End the user's browser sessions (but `keep`) and tell open pages in every web process to re-check theirs."""
    sessions.revoke_all(session=session, user_id=saved_id(user), keep=keep)
    session.commit()
    events.publish(events.Change(kind='session', tenant_id=user.tenant_id))


def set_locale(actor: Actor, lang: str) -> None:
    with session_scope() as s:
        actor = sessions.recheck(session=s, actor=actor)
        user = s.get(User, actor.user_id)
        if user is not None:
            user.locale = lang


def _admin(session: Session, actor: Actor) -> Actor:
    """The caller as of now, who must (still) be an admin."""
    actor = sessions.recheck(session=session, actor=actor)
    if not actor.is_admin:
        raise Forbidden('Only admins manage users and tokens.')
    return actor


def change_password(actor: Actor, *, current: str, new: str) -> None:
    """The caller's own password; their other sessions end (this one stays). Raises ValueError."""
    with session_scope() as s:
        actor = sessions.recheck(session=s, actor=actor)
        user = _tenant_user(s, actor, actor.user_id)
        if not verify_password(user.password_hash, current):
            raise InvalidUserInput('PASSWORD_WRONG', 'The current password is wrong.')
        _check_password(new)
        user.password_hash = hash_password(new)
        _sessions_ended(s, user, keep=actor.session_id)


def reset_password(actor: Actor, user_id: int, password: str) -> None:
    """An admin sets a new password for a user of their tenant; all that user's sessions end."""
    with session_scope() as s:
        actor = _admin(s, actor)
        user = _tenant_user(s, actor, user_id)
        _check_password(password)
        user.password_hash = hash_password(password)
        _sessions_ended(s, user, keep=actor.session_id if user.id == actor.user_id else None)


def set_role(actor: Actor, user_id: int, role: str) -> None:
    """Change the role of a user of the admin's tenant; their open sessions end (they log in with the new role)."""
    with session_scope() as s:
        actor = _admin(s, actor)
        user = _tenant_user(s, actor, user_id)
        if role not in set(Role):
            raise InvalidUserInput('ROLE_UNKNOWN', f'Unknown role {role!r}; use admin, manager or viewer.')
        if user.id == actor.user_id:
            raise InvalidUserInput('OWN_ROLE', 'You cannot change your own role.')
        if user.role != role:
            user.role = role
            _sessions_ended(s, user)


def _tenant_user(session: Session, actor: Actor, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.tenant_id != actor.tenant_id:
        raise NotFound('User not found.')
    return user


def list_users(actor: Actor) -> list[dict]:
    """The admin's tenant's users (never another tenant's)."""
    with session_scope() as s:
        actor = _admin(s, actor)
        rows = s.exec(select(User).where(User.tenant_id == actor.tenant_id).order_by(User.username)).all()
        return [{'id': u.id, 'username': u.username, 'full_name': u.full_name, 'role': u.role,
                 'is_active': u.is_active} for u in rows]


def add_user(actor: Actor, *, username: str, password: str, role: str, full_name: str = '') -> None:
    """A new user in the admin's own tenant. Raises ValueError (invalid input) or Forbidden."""
    with session_scope() as s:
        actor = _admin(s, actor)
        tenant = s.get(Tenant, actor.tenant_id)
        if tenant is None:
            raise NotFound('Tenant not found.')
        create_user(session=s, tenant=tenant, username=username, password=password, role=role, full_name=full_name)


def set_active(actor: Actor, user_id: int, active: bool) -> None:
    """(De)activate a user of the admin's tenant: a deactivated user's sessions and tokens stop working at once."""
    with session_scope() as s:
        actor = _admin(s, actor)
        user = _tenant_user(s, actor, user_id)
        if user.id == actor.user_id and not active:
            raise InvalidUserInput('DEACTIVATE_SELF', 'You cannot deactivate yourself.')
        user.is_active = active
        if not active:
            _sessions_ended(s, user)


def list_tokens(actor: Actor) -> list[dict]:
    with session_scope() as s:
        actor = _admin(s, actor)
        rows = s.exec(select(ApiToken, User).join(User, col(User.id) == col(ApiToken.user_id))
                      .where(ApiToken.tenant_id == actor.tenant_id).order_by(col(ApiToken.id).desc())).all()
        return [{'id': t.id, 'name': t.name, 'prefix': t.prefix, 'username': u.username,
                 'created_at': t.created_at, 'last_used_at': t.last_used_at, 'revoked': t.revoked_at is not None}
                for t, u in rows]


def issue_token(actor: Actor, *, user_id: int, name: str) -> str:
    """A new token for an active user of the admin's tenant; the plaintext is returned once (only its hash is kept)."""
    with session_scope() as s:
        actor = _admin(s, actor)
        user = _tenant_user(s, actor, user_id)
        if not user.is_active:
            raise InvalidUserInput('TOKEN_INACTIVE', 'Activate the user before issuing a token.')
        _, token = create_token(session=s, user=user, name=(name or 'api').strip()[:100] or 'api')
        return token


def revoke_token(actor: Actor, token_id: int) -> None:
    """Revoke a token of the admin's tenant (idempotent); the next request with it answers 401."""
    with session_scope() as s:
        actor = _admin(s, actor)
        row = s.get(ApiToken, token_id)
        if row is None or row.tenant_id != actor.tenant_id:
            raise NotFound('Token not found.')
        row.revoked_at = row.revoked_at or utcnow()


def has_users() -> bool:
    """False on a fresh install: the app then tells how to create the first admin."""
    with session_scope() as s:
        return s.exec(select(User.id).limit(1)).first() is not None
