"""Login page."""

from __future__ import annotations

from nicegui import app, run, ui

from lookup import auth
from lookup.db import session_scope
from ui.i18n import t
from ui.session import log_in


def _check(username: str, password: str) -> tuple[auth.Actor | None, str, int]:
    """(actor, locale, 0) on success, else (None, '', seconds to wait or 0). Counts the attempt first."""
    wait = auth.throttle.attempt(username)
    if wait:
        return None, '', wait
    with session_scope() as s:
        user = auth.authenticate(session=s, username=username, password=password)
        if user is None:
            return None, '', 0
        auth.throttle.succeeded(username)
        return auth.Actor.of(user), user.locale, 0


def safe_target(redirect_to: str) -> str:
    """Only local paths: `//host` and `/\\host` would leave the site (browsers treat `\\` like `/`)."""
    if not redirect_to.startswith('/') or redirect_to[1:2] in ('/', '\\') or any(c < ' ' for c in redirect_to):
        return '/'
    return redirect_to


def register() -> None:
    @ui.page('/login')
    def login_page(redirect_to: str = '/') -> None:
        ui.page_title(t('login.title'))
        if app.storage.user.get('authenticated'):
            ui.navigate.to(safe_target(redirect_to))  # the middleware re-checks the user on that page

        async def try_login() -> None:
            checked = await run.io_bound(_check, username.value or '', password.value or '')
            if checked is None:  # shutting down
                return
            actor, locale, wait = checked
            if actor is None:
                error.text = t('login.throttled', s=wait) if wait else t('login.failed')
                error.visible = True
                return
            log_in(actor, lang=locale if locale in ('ru', 'en') else 'ru')
            ui.navigate.to(safe_target(redirect_to))

        with ui.card().classes('absolute-center w-80'):
            ui.label(t('app.title')).classes('text-lg font-medium')
            username = ui.input(t('login.username')).props('autofocus').classes('w-full').mark('username')
            password = ui.input(t('login.password'), password=True, password_toggle_button=True) \
                .classes('w-full').mark('password').on('keydown.enter', try_login)
            error = ui.label('').classes('text-negative text-sm').mark('login-error')
            error.visible = False
            ui.button(t('login.submit'), on_click=try_login).classes('w-full').mark('login-submit')
