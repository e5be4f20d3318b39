"""Who is acting (Actor), passwords (argon2) and API tokens (sha256 of a random secret)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlmodel import Session, col, func, select

from models import ApiToken, Role, Tenant, User
from models.dbtypes import saved_id, utcnow

_hasher = PasswordHasher()
TOKEN_PREFIX = 'pzl_'
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Actor:
    """Who is calling the service: every read and write is scoped to `tenant_id`."""

    user_id: int
    tenant_id: int
    role: str
    username: str = ''
    session_id: int | None = None
    """The browser session (UI); None for an API token. The service re-checks it at every call."""
    token_id: int | None = None
    is_operator: bool = False
    """Platform operator (not a tenant role): may empty the whole shared cache."""
    locale: str = 'ru'

    @property
    def can_lookup(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @classmethod
    def of(cls, user: User, *, session_id: int | None = None, token_id: int | None = None) -> Actor:
        return cls(user_id=saved_id(user), tenant_id=user.tenant_id, role=user.role, username=user.username,
                   session_id=session_id, token_id=token_id, is_operator=bool(user.is_operator),
                   locale=user.locale if user.locale in ('ru', 'en') else 'ru')


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def authenticate(*, session: Session, username: str, password: str, tenant: str = '') -> User | None:
    """The active user with this username (case-insensitive) and password, else None.

    Usernames are unique per tenant. `tenant` (the organisation's slug) picks one; without it the name must be
    unique on the whole platform. An ambiguous name fails exactly like a wrong password (same answer, same cost),
    so the login form says nothing about other tenants' users."""
    name, slug = username.strip().lower(), tenant.strip().lower()
    stmt = select(User).where(func.lower(User.username) == name)
    if slug:
        stmt = stmt.join(Tenant, col(Tenant.id) == col(User.tenant_id)).where(func.lower(Tenant.slug) == slug)
    found = session.exec(stmt.limit(2)).all() if name else []
    user = found[0] if len(found) == 1 else None
    if user is None or not user.is_active:
        _hasher.hash(password)  # same cost for unknown users: no username probing by timing
        return None
    return user if verify_password(user.password_hash, password) else None


def active_actor(*, session: Session, user_id: int | None) -> Actor | None:
    """The user's current identity (role, tenant) if they still exist and are active (one primary-key read)."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        return None
    return Actor.of(user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the row and the plaintext token (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=saved_id(user), tenant_id=user.tenant_id, name=name, prefix=token[:10],
                   token_hash=_digest(token))
    session.add(row)
    session.flush()
    return row, token


def add_known_token(*, session: Session, user: User, name: str, token: str) -> ApiToken:
    """Store a given token (demo mode's documented token)."""
    row = ApiToken(user_id=saved_id(user), tenant_id=user.tenant_id, name=name, prefix=token[:10],
                   token_hash=_digest(token))
    session.add(row)
    session.flush()
    return row


def actor_for_token(*, session: Session, token: str) -> Actor | None:
    """The active owner of an unrevoked token, else None (unknown, revoked, or the user was deactivated)."""
    if not token or len(token) > 200:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                              col(ApiToken.revoked_at).is_(None))).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active or user.tenant_id != row.tenant_id:
        return None
    now = utcnow()
    # A write per request would serialise every API call on SQLite; the UI shows minutes, not seconds.
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
    return Actor.of(user, token_id=row.id)
