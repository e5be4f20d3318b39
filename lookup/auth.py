"""Passwords (argon2), API tokens (sha256 of a random secret) and login throttling."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlmodel import Session, col, select

from models import ApiToken, Role, User
from models.dbtypes import utcnow

_hasher = PasswordHasher()
TOKEN_PREFIX = 'pzl_'
MAX_FAILURES = 5
LOCKOUT_S = 60


@dataclass(frozen=True)
class Actor:
    """Who is calling the service: every read and write is scoped to `tenant_id`."""

    user_id: int | None
    tenant_id: int
    role: str
    username: str = ''

    @property
    def can_lookup(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user_id=user.id, tenant_id=user.tenant_id, role=user.role, username=user.username)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


class LoginThrottle:
    """After MAX_FAILURES failed logins for a username, refuse attempts for LOCKOUT_S seconds (in-process)."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, username: str) -> int:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(username.lower(), []) if now - t < LOCKOUT_S]
            self._failures[username.lower()] = recent
            if len(recent) >= MAX_FAILURES:
                return int(LOCKOUT_S - (now - recent[0])) + 1
        return 0

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures.setdefault(username.lower(), []).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.lower(), None)


throttle = LoginThrottle()


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.is_active:
        _hasher.hash(password)  # same cost for unknown users: no username probing by timing
        return None
    return user if verify_password(user.password_hash, password) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the row and the plaintext token (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, tenant_id=user.tenant_id, name=name, prefix=token[:10], token_hash=_digest(token))
    session.add(row)
    session.flush()
    return row, token


def add_known_token(*, session: Session, user: User, name: str, token: str) -> ApiToken:
    """Store a given token (demo mode's documented token)."""
    row = ApiToken(user_id=user.id, tenant_id=user.tenant_id, name=name, prefix=token[:10], token_hash=_digest(token))
    session.add(row)
    session.flush()
    return row


def actor_for_token(*, session: Session, token: str) -> Actor | None:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                              col(ApiToken.revoked_at).is_(None))).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_used_at = utcnow()
    return Actor.of(user)
