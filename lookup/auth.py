"""Passwords (argon2), API tokens (sha256 of a random secret) and login throttling."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlmodel import Session, col, func, select

from models import ApiToken, Role, User
from models.dbtypes import utcnow

_hasher = PasswordHasher()
TOKEN_PREFIX = 'pzl_'
MAX_FAILURES = 5
LOCKOUT_S = 60
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
    """At most MAX_FAILURES login attempts per username in any LOCKOUT_S window; a success clears the count.

    Attempts are counted *before* the password is checked (`attempt()`), so parallel requests cannot slip extra
    guesses past the limit while argon2 is busy. In-process: each web process counts on its own (sticky sessions
    keep a browser on one process). Locking a known username out for a minute is the accepted price.
    """

    MAX_TRACKED = 10_000
    """Usernames remembered at most (guessing random names must not grow memory without bound)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._attempts: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.clock = clock

    def _recent(self, key: str, now: float) -> list[float]:
        recent = [t for t in self._attempts.get(key, []) if now - t < LOCKOUT_S]
        if recent:
            self._attempts[key] = recent
        else:
            self._attempts.pop(key, None)
        return recent

    def _wait(self, recent: list[float], now: float) -> int:
        if len(recent) < MAX_FAILURES:
            return 0
        return max(1, math.ceil(LOCKOUT_S - (now - recent[-MAX_FAILURES])))

    def retry_after(self, username: str) -> int:
        """Seconds until the next attempt is allowed (0: allowed now). Does not count an attempt."""
        now = self.clock()
        with self._lock:
            return self._wait(self._recent(username.strip().lower(), now), now)

    def attempt(self, username: str) -> int:
        """Count one attempt unless locked out; returns the seconds to wait (0: go ahead and check the password)."""
        key, now = username.strip().lower(), self.clock()
        with self._lock:
            wait = self._wait(self._recent(key, now), now)
            if not wait:
                if len(self._attempts) >= self.MAX_TRACKED:
                    self._prune(now)
                self._attempts.setdefault(key, []).append(now)
            return wait

    def failed(self, username: str) -> None:
        """Record a failure that was not counted by `attempt()` (kept for callers that check first)."""
        with self._lock:
            self._attempts.setdefault(username.strip().lower(), []).append(self.clock())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._attempts.pop(username.strip().lower(), None)

    def reset(self) -> None:
        with self._lock:
            self._attempts.clear()

    def _prune(self, now: float) -> None:
        for key in list(self._attempts):
            self._recent(key, now)
        while len(self._attempts) >= self.MAX_TRACKED:  # all recent: drop the oldest entries
            self._attempts.pop(next(iter(self._attempts)))


throttle = LoginThrottle()


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this username (case-insensitive) and password, else None."""
    name = username.strip().lower()
    user = session.exec(select(User).where(func.lower(User.username) == name)).first() if name else None
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
    return Actor.of(user)
