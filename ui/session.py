"""Who is logged in (NiceGUI user storage) and the login-redirect middleware."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app
from starlette.middleware.base import BaseHTTPMiddleware

from lookup.auth import Actor

OPEN_PATHS = ('/login', '/_nicegui', '/api', '/docs', '/openapi.json', '/redoc', '/metrics', '/favicon')


class AuthMiddleware(BaseHTTPMiddleware):
    """Pages need a logged-in user; the REST API has its own bearer-token auth."""

    async def dispatch(self, request: Request, call_next):  # noqa: ANN001, ANN201
        path = request.url.path
        if not path.startswith(OPEN_PATHS) and not app.storage.user.get('authenticated', False):
            return RedirectResponse(f'/login?redirect_to={path}')
        return await call_next(request)


def current_actor() -> Actor:
    u = app.storage.user
    return Actor(user_id=u['user_id'], tenant_id=u['tenant_id'], role=u['role'], username=u.get('username', ''))


def log_in(actor: Actor, *, lang: str) -> None:
    app.storage.user.update(authenticated=True, user_id=actor.user_id, tenant_id=actor.tenant_id,
                            role=actor.role, username=actor.username, lang=lang)


def log_out() -> None:
    app.storage.user.clear()
