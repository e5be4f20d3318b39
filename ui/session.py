"""Who is logged in (NiceGUI user storage) and the login-redirect middleware."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware

from lookup.auth import Actor, active_actor
from lookup.db import session_scope

OPEN_PREFIXES = ('/_nicegui', '/favicon')
"""NiceGUI's assets and websocket (`/_nicegui_ws`) and the icon: matched as plain prefixes."""
OPEN_PATHS = ('/login', '/api', '/docs', '/redoc', '/openapi.json', '/metrics')
"""Matched as the path or a sub-path. The REST API has its own bearer-token auth."""


def is_open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES) or any(path == p or path.startswith(p + '/') for p in OPEN_PATHS)


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    return RedirectResponse('/login?' + urlencode({'redirect_to': target}))


def _load_actor(user_id: int | None) -> Actor | None:
    with session_scope() as s:
        return active_actor(session=s, user_id=user_id)


class AuthMiddleware(BaseHTTPMiddleware):
    """Pages need a logged-in, still active user: every page load re-reads the user row (one primary-key read),
    so a deactivated user is logged out on their next page load and a changed role applies at once."""

    async def dispatch(self, request: Request, call_next):  # noqa: ANN001, ANN201
        if is_open(request.url.path):
            return await call_next(request)
        storage = app.storage.user
        if not storage.get('authenticated', False):
            return _to_login(request)
        actor = await run_in_threadpool(_load_actor, storage.get('user_id'))
        if actor is None:
            storage.clear()
            return _to_login(request)
        if (actor.role, actor.tenant_id) != (storage.get('role'), storage.get('tenant_id')):
            storage.update(role=actor.role, tenant_id=actor.tenant_id, username=actor.username)
        return await call_next(request)


def current_actor() -> Actor:
    """The logged-in user of this page (the middleware has checked that they are active)."""
    u = app.storage.user
    return Actor(user_id=u['user_id'], tenant_id=u['tenant_id'], role=u['role'], username=u.get('username', ''))


def log_in(actor: Actor, *, lang: str) -> None:
    app.storage.user.update(authenticated=True, user_id=actor.user_id, tenant_id=actor.tenant_id,
                            role=actor.role, username=actor.username, lang=lang)


def log_out() -> None:
    app.storage.user.clear()
