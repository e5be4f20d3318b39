"""Login page."""

from __future__ import annotations

from nicegui import run, ui

from lookup import auth
from lookup.db import session_scope
from ui.i18n import t
from ui.session import log_in


def _check(username: str, password: str) -> tuple[auth.Actor | None, str]:
    wait = auth.throttle.retry_after(username)
    if wait:
        return None, t('login.throttled', s=wait)
    with session_scope() as s:
        user = auth.authenticate(session=s, username=username, password=password)
        if user is None:
            auth.throttle.failed(username)
            return None, t('login.failed')
        auth.throttle.succeeded(username)
        return auth.Actor.of(user), user.locale


def register() -> None:
    @ui.page('/login')
    def login_page(redirect_to: str = '/') -> None:
        ui.page_title(t('login.title'))

        async def try_login() -> None:
            actor, info = await run.io_bound(_check, username.value or '', password.value or '')
            if actor is None:
                error.text = info
                error.visible = True
                return
            log_in(actor, lang=info if info in ('ru', 'en') else 'ru')
            target = redirect_to if redirect_to.startswith('/') and not redirect_to.startswith('//') else '/'
            ui.navigate.to(target)

        with ui.card().classes('absolute-center w-80'):
            ui.label(t('app.title')).classes('text-lg font-medium')
            username = ui.input(t('login.username')).props('autofocus').classes('w-full').mark('username')
            password = ui.input(t('login.password'), password=True, password_toggle_button=True) \
                .classes('w-full').mark('password').on('keydown.enter', try_login)
            error = ui.label('').classes('text-negative text-sm').mark('login-error')
            error.visible = False
            ui.button(t('login.submit'), on_click=try_login).classes('w-full').mark('login-submit')
