"""Login page: throttled by source address, then a one-time ticket that `/auth/session` swaps for a new cookie."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from nicegui import app, context, run, ui

from lookup import sessions
from lookup.throttle import Attempt, get_throttle
from ui.i18n import quasar_language, t
from ui.session import browser_id, load_actor


def _check(username: str, password: str, tenant: str, attempt: Attempt, browser: str) -> str | None:
    """A login ticket for this browser if the credentials are right, else None (the failure is counted)."""
    throttle = get_throttle()
    ticket = sessions.log_in(username=username, password=password, tenant=tenant, browser_id=browser)
    if ticket is None:
        throttle.failed(attempt)
        return None
    throttle.succeeded(attempt)
    return ticket


def safe_target(redirect_to: str) -> str:
    """Only local paths: `//host` and `/\\host` would leave the site (browsers treat `\\` like `/`)."""
    if not redirect_to.startswith('/') or redirect_to[1:2] in ('/', '\\') or any(c < ' ' for c in redirect_to):
        return '/'
    return redirect_to


def _address() -> str:
    client = context.client.request.client
    return client.host if client else 'unknown'


def browser_language(accept_language: str) -> str:
    """'en' when the browser prefers English to Russian (Accept-Language order and q-values), else 'ru'."""
    ranked = []
    for i, part in enumerate(accept_language.split(',')):
        tag, _, q = part.strip().partition(';q=')
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, i, tag.strip().lower()[:2]))
    for _, _, tag in sorted(ranked):
        if tag in ('ru', 'en'):
            return tag
    return 'ru'


def register() -> None:
    @ui.page('/login')
    async def login_page(redirect_to: str = '/') -> None:
        if 'lang' not in app.storage.user:  # nobody is known yet: speak the browser's language
            app.storage.user['lang'] = browser_language(context.client.request.headers.get('accept-language', ''))
        ui.page_title(t('login.title'))
        quasar_language()
        target = safe_target(redirect_to)
        if await run.io_bound(load_actor, context.client.request.session.get('sid')) is not None:
            ui.navigate.to(target)  # already logged in; the middleware re-checks the user on that page
        address, browser = _address(), browser_id()

        async def try_login() -> None:
            name, secret, org = username.value or '', password.value or '', tenant.value or ''
            attempt = await run.io_bound(get_throttle().attempt, name, address)
            if attempt is None:  # shutting down
                return
            if attempt.wait_s:
                error.text, error.visible = t('login.throttled', s=attempt.wait_s), True
                return
            if attempt.delay_s:  # many recent failures for this name: slowed down, not locked out
                await asyncio.sleep(attempt.delay_s)
            ticket = await run.io_bound(_check, name, secret, org, attempt, browser)
            if ticket is None:
                error.text, error.visible = t('login.failed'), True
                return
            ui.navigate.to('/auth/session?' + urlencode({'ticket': ticket, 'redirect_to': target}))

        with ui.card().classes('absolute-center w-80'):
            ui.label(t('app.title')).classes('text-lg font-medium')
            username = ui.input(t('login.username')).props('autofocus').classes('w-full').mark('username')
            password = ui.input(t('login.password'), password=True, password_toggle_button=True) \
                .classes('w-full').mark('password').on('keydown.enter', try_login)
            with ui.expansion(t('login.tenant_toggle')).classes('w-full text-sm').props('dense'):
                tenant = ui.input(t('login.tenant'), placeholder='acme').classes('w-full').mark('tenant') \
                    .on('keydown.enter', try_login)
            error = ui.label('').classes('text-negative text-sm').mark('login-error')
            error.visible = False
            ui.button(t('login.submit'), on_click=try_login).classes('w-full').mark('login-submit')
