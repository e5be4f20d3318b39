"""Who is logged in: the session cookie, the login-redirect middleware, and the re-check at every UI action.

The signed session cookie (Starlette's, which NiceGUI uses) carries `id` (NiceGUI's per-browser storage key) and,
once logged in, `sid`: a random token whose hash names a `user_session` row (lookup/sessions.py). Both are replaced
by plain HTTP requests (`/auth/session` after a login, `/auth/logout`), so a cookie from before the login is never
the authenticated one. Pages never trust a copy of the user taken when they opened: every action goes through
`act()`, which re-reads the session and the user at that moment, and a page whose session ended goes to /login.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, context, run, ui
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware

from lookup import events, sessions
from lookup.auth import Actor
from lookup.sessions import SessionEnded
from lookup.settings import get_settings
from ui.i18n import t

logger = logging.getLogger(__name__)
T = TypeVar('T')
OPEN_PREFIXES = ('/_nicegui', '/favicon')
"""NiceGUI's assets and websocket (`/_nicegui_ws`) and the icon: matched as plain prefixes."""
OPEN_PATHS = ('/login', '/auth', '/api', '/docs', '/redoc', '/openapi.json', '/metrics')
"""Matched as the path or a sub-path. The REST API has its own bearer-token auth, /metrics its own token."""


def is_open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES) or any(path == p or path.startswith(p + '/') for p in OPEN_PATHS)


def cookie_options() -> dict[str, Any]:
    """For NiceGUI's SessionMiddleware: HttpOnly (always), SameSite=Lax, Secure behind HTTPS."""
    return {'same_site': 'lax', 'https_only': get_settings().cookie_secure}


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    return RedirectResponse('/login?' + urlencode({'redirect_to': target}))


def load_actor(token: str | None) -> Actor | None:
    """The user of a session token as of now (None: not logged in, or the session ended)."""
    return sessions.load(token)


class AuthMiddleware(BaseHTTPMiddleware):
    """Pages need a live session: every page load re-reads the session row and its user (two primary-key reads)."""

    async def dispatch(self, request: Request, call_next):  # noqa: ANN001, ANN201
        if is_open(request.url.path):
            return await call_next(request)
        actor = await run_in_threadpool(load_actor, request.session.get('sid'))
        if actor is None:
            request.session.pop('sid', None)
            return _to_login(request)
        request.state.actor = actor
        if app.storage.user.get('lang') != actor.locale:  # the language saved on the user is the truth
            app.storage.user['lang'] = actor.locale
        return await call_next(request)


def _page_request() -> Request:
    return context.client.request


def current_actor() -> Actor:
    """The user of this page *as the page was built* (for what to show). Actions must use `act()` instead."""
    request = _page_request()
    actor = getattr(request.state, 'actor', None)
    if actor is None:  # pragma: no cover - the middleware sets it on every page it lets through
        raise SessionEnded()
    return actor


def to_login(*, pushed: bool = False) -> None:
    """This page's session is over: nothing of it stays usable, and the browser goes to the login page."""
    client = context.client
    url = '/login?' + urlencode({'redirect_to': _page_request().url.path})
    client.content.clear()
    with client.content:
        ui.label(t('err.UNAUTHORIZED')).classes('text-negative').mark('session-ended')
    if pushed:
        # Not `ui.navigate`: NiceGUI's test simulation swaps that global for the user who acted last (here: someone
        # else, in another tab or process); `client.open` is what it does in a browser, for this client only.
        client.open(url)
    else:
        ui.navigate.to(url)


async def act(fn: Callable[[Actor], T], *, pushed: bool = False) -> T | None:
    """Run a blocking service call for this page's user, re-checked at this moment (session, active, role, tenant).

    If the session has ended, the page goes to the login page and None is returned."""
    page_actor = current_actor()

    def call() -> T:
        return fn(sessions.fresh(page_actor))  # the service re-checks again: it never trusts its caller either

    try:
        return await run.io_bound(call)
    except SessionEnded:
        to_login(pushed=pushed)
        return None


async def still_logged_in() -> bool:
    """Re-check this page's session now (on a push that some session of the tenant ended)."""
    return bool(await act(lambda _: True, pushed=True))


def watch_session() -> None:
    """Subscribe the page: when a session of its tenant ends anywhere (pub/sub in production), re-check its own,
    so a logged-out, deactivated or demoted user's open pages go to the login page without waiting for a click."""
    from ui import live
    tenant_id = current_actor().tenant_id

    async def on_change(change: events.Change) -> None:
        if change.kind == 'session' and change.tenant_id == tenant_id:
            await still_logged_in()

    live.changed.subscribe(on_change)

    def on_exception(exc: Exception) -> None:  # a page that calls the service without act(): still leaves
        if isinstance(exc, SessionEnded):
            to_login(pushed=True)

    ui.on_exception(on_exception)


def browser_id() -> str:
    """NiceGUI's per-browser id of this page's cookie (a login ticket is bound to it)."""
    return str(_page_request().session.get('id', ''))


def register() -> None:
    """The two HTTP steps that replace the session cookie."""

    @app.get('/auth/session', include_in_schema=False)
    async def redeem(request: Request, ticket: str = '', redirect_to: str = '/') -> RedirectResponse:
        """Exchange a login ticket for a new session cookie (new browser id, new token), then go on."""
        from ui.pages.login import safe_target
        token = await run_in_threadpool(_redeem, ticket[:500], str(request.session.get('id', '')))
        if token is None:
            return RedirectResponse('/login?' + urlencode({'redirect_to': safe_target(redirect_to)}), 303)
        _new_cookie(request, sid=token)
        return RedirectResponse(safe_target(redirect_to), 303)

    @app.get('/auth/logout', include_in_schema=False)
    async def logout(request: Request) -> RedirectResponse:
        """Finish a logout: only once the session is revoked (by the logout click, over the websocket), so a
        link from another site cannot log anyone out; then a new cookie without a session."""
        if await run_in_threadpool(load_actor, request.session.get('sid')) is not None:
            return RedirectResponse('/', 303)
        _new_cookie(request, sid=None)
        return RedirectResponse('/login', 303)


def _redeem(ticket: str, browser: str) -> str | None:
    return sessions.redeem_ticket(ticket, browser)


def _new_cookie(request: Request, *, sid: str | None) -> None:
    """Forget this browser's storage and give it a new id (and session token): the old cookie is worthless."""
    app.storage.user.clear()
    request.session.clear()
    request.session['id'] = str(uuid.uuid4())
    if sid:
        request.session['sid'] = sid


async def log_out() -> None:
    """The logout click: end this session everywhere (every tab, every web process), then renew the cookie."""
    actor = current_actor()

    await run.io_bound(sessions.end, actor)
    ui.navigate.to('/auth/logout')
