"""Browser sessions, checked at the moment of every page load and every UI action (in every web process).

A login creates a `user_session` row; the browser gets a short-lived signed *ticket* for it and redeems it with a
plain HTTP request, which issues a new session cookie holding a random token (only its hash is stored). So the
cookie a browser had before logging in is never the authenticated one (no session fixation), and a session ends
everywhere at once when its row is revoked (logout, password change or reset) or no longer matches its user
(deactivated, role or tenant changed, idle too long).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session, col, select

from lookup.auth import Actor
from lookup.settings import get_settings
from models import User, UserSession
from models.dbtypes import saved_id, utcnow

TICKET_MAX_AGE_S = 60
"""A login ticket is redeemed by the redirect that follows the login at once; a minute is plenty."""
TOUCH_EVERY = timedelta(minutes=1)
"""`last_seen_at` is written at most this often (the idle timeout is counted in minutes, not per request)."""


class SessionEnded(Exception):
    """The browser session is over: the page sends the user to the login page (the API answers 401)."""

    code = 'UNAUTHORIZED'
    http_status = 401
    message = 'Your session has ended; log in again.'


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().session_secret(), salt='login-ticket')


def begin(*, session: Session, user: User) -> int:
    """A pending session row for a user whose password was just checked; returns its id (for `ticket`)."""
    old = utcnow() - timedelta(days=1)  # housekeeping: this user's ended and never-redeemed rows
    session.execute(sa.delete(UserSession).where(col(UserSession.user_id) == user.id, sa.or_(
        col(UserSession.revoked_at) < old, sa.and_(col(UserSession.token_hash).is_(None),
                                                   col(UserSession.created_at) < old))))
    row = UserSession(user_id=saved_id(user), tenant_id=user.tenant_id, role=user.role)
    session.add(row)
    session.flush()
    return saved_id(row)


def ticket(session_id: int, browser_id: str) -> str:
    """A signed, short-lived, single-use claim on a pending session, valid only for the browser that logged in."""
    return _serializer().dumps([session_id, browser_id])


def redeem(*, session: Session, ticket: str, browser_id: str) -> str | None:
    """The new cookie token for a valid ticket of this browser (once), else None."""
    try:
        session_id, bound_to = _serializer().loads(ticket, max_age=TICKET_MAX_AGE_S)
    except (BadData, ValueError, TypeError):
        return None
    if bound_to != browser_id or not isinstance(session_id, int):
        return None
    token = secrets.token_urlsafe(32)
    claimed = session.exec(sa.update(UserSession).where(
        col(UserSession.id) == session_id, col(UserSession.token_hash).is_(None),
        col(UserSession.revoked_at).is_(None)).values(token_hash=_digest(token), last_seen_at=utcnow())).rowcount
    return token if claimed == 1 else None


def _valid(session: Session, row: UserSession | None) -> Actor | None:
    """The row's user as of now if the session still holds; a session that no longer matches is revoked for good."""
    if row is None or row.token_hash is None or row.revoked_at is not None:
        return None
    now = utcnow()
    user = session.get(User, row.user_id)
    idle = timedelta(minutes=get_settings().session_idle_timeout_min)
    if (user is None or not user.is_active or (user.tenant_id, user.role) != (row.tenant_id, row.role)
            or now - row.last_seen_at > idle):
        row.revoked_at = now
        session.commit()  # durable even though the caller's transaction is about to fail
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return Actor.of(user, session_id=row.id)


def actor_for(*, session: Session, token: str | None) -> Actor | None:
    """The user of a session cookie's token, re-read now; None when the session is over."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == _digest(token))).first()
    return _valid(session, row)


def recheck(*, session: Session, actor: Actor) -> Actor:
    """The caller as of now (role, tenant, active, session), never a copy from when the page opened.

    Raises SessionEnded. A page's actor is checked through its session row; an API token's actor (checked at the
    start of this request) by re-reading the user."""
    if actor.session_id is not None:
        fresh = _valid(session, session.get(UserSession, actor.session_id))
    else:
        user = session.get(User, actor.user_id) if actor.user_id is not None else None
        still = user is not None and user.is_active and user.tenant_id == actor.tenant_id
        fresh = Actor.of(user, token_id=actor.token_id) if user is not None and still else None
    if fresh is None:
        raise SessionEnded()
    return fresh


def revoke(*, session: Session, session_id: int) -> None:
    session.execute(sa.update(UserSession).where(col(UserSession.id) == session_id,
                                                 col(UserSession.revoked_at).is_(None)).values(revoked_at=utcnow()))


def revoke_all(*, session: Session, user_id: int, keep: int | None = None) -> int:
    """End every session of a user (but `keep`); returns how many ended."""
    stmt = sa.update(UserSession).where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
    if keep is not None:
        stmt = stmt.where(col(UserSession.id) != keep)
    return session.exec(stmt.values(revoked_at=utcnow())).rowcount or 0


# --- the edge's entry points: each owns its database session (the UI never opens one) -------------------------
def log_in(*, username: str, password: str, tenant: str, browser_id: str) -> str | None:
    """A login ticket for this browser when the credentials are right, else None."""
    from lookup import auth
    from lookup.db import session_scope

    with session_scope() as s:
        user = auth.authenticate(session=s, username=username, password=password, tenant=tenant)
        if user is None:
            return None
        session_id = begin(session=s, user=user)
    return ticket(session_id, browser_id)


def load(token: str | None) -> Actor | None:
    """The user of a session token as of now (None: not logged in, or the session ended)."""
    if not token:
        return None
    from lookup.db import session_scope

    with session_scope() as s:
        return actor_for(session=s, token=token)


def fresh(actor: Actor) -> Actor:
    """The caller as of now (raises SessionEnded)."""
    from lookup.db import session_scope

    with session_scope() as s:
        return recheck(session=s, actor=actor)


def redeem_ticket(ticket_: str, browser_id: str) -> str | None:
    from lookup.db import session_scope

    with session_scope() as s:
        return redeem(session=s, ticket=ticket_, browser_id=browser_id)


def end(actor: Actor) -> None:
    """Log out: end this session everywhere (every tab, every web process) and tell the open pages."""
    from lookup import events
    from lookup.db import session_scope

    with session_scope() as s:
        if actor.session_id is not None:
            revoke(session=s, session_id=actor.session_id)
    events.publish(events.Change(kind='session', tenant_id=actor.tenant_id))
