"""The shared page frame: header with navigation, language switch and logout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from lookup import users
from ui.i18n import t
from ui.session import act, current_actor, log_out, watch_session

NAV = [('nav.conversations', '/', 'forum'), ('nav.cache', '/cache', 'storage'),
       ('nav.dashboard', '/dashboard', 'insights')]


async def _switch_lang() -> None:
    # `a` is the user as of this click (their saved language, not the page's copy); the reload reads it back.
    if await act(lambda a: users.set_locale(a, 'en' if a.locale == 'ru' else 'ru') or True):
        ui.navigate.reload()


def _password_dialog() -> None:
    """Change one's own password (the user's other sessions end; this one stays)."""
    with ui.dialog() as dialog, ui.card().classes('w-96').mark('password-dialog'):
        ui.label(t('password.change')).classes('text-lg')
        current = ui.input(t('password.current'), password=True).classes('w-full').mark('password-current')
        new = ui.input(t('password.new'), password=True).classes('w-full').mark('password-new')
        error = ui.label('').classes('text-negative text-sm').mark('password-error')

        async def save() -> None:
            def change(a) -> bool:  # noqa: ANN001
                users.change_password(a, current=current.value or '', new=new.value or '')
                return True
            try:
                if await act(change):
                    dialog.close()
                    ui.notify(t('password.changed'), type='positive')
            except ValueError as exc:
                error.text = str(exc)

        with ui.row().classes('w-full justify-end'):
            ui.button(t('lookup.cancel'), on_click=dialog.close).props('flat')
            ui.button(t('password.save'), on_click=save).mark('password-save')
    dialog.open()


@contextmanager
def frame(title: str) -> Iterator[None]:
    """`with frame('Кэш'):` — header, navigation and a centred content column."""
    actor = current_actor()
    watch_session()
    ui.page_title(f'{title} · {t("app.title")}')
    ui.colors(primary='#1f5f8b', secondary='#5a6b7b', accent='#e07a1f', positive='#2e7d32', negative='#c62828')
    ui.add_css('.case-card .label{color:#667;font-size:.78rem} .mono{font-family:ui-monospace,monospace}')
    with ui.header().classes('items-center justify-between px-4 py-1 bg-primary'):
        with ui.row().classes('items-center gap-4'):
            ui.label(t('app.title')).classes('text-lg font-medium')
            nav = NAV + ([('nav.users', '/admin/users', 'group')] if actor.is_admin else [])
            for key, href, icon in nav:
                ui.button(t(key), icon=icon, on_click=lambda h=href: ui.navigate.to(h)) \
                    .props('flat color=white no-caps').mark(f'nav-{href.strip("/") or "home"}')
        with ui.row().classes('items-center gap-2'):
            ui.label(f'{actor.username} · {actor.role}').classes('text-sm opacity-80')
            ui.button(t('lang.switch'), on_click=_switch_lang).props('flat color=white no-caps dense') \
                .mark('lang-switch')
            ui.button(icon='key', on_click=_password_dialog).props('flat color=white dense') \
                .tooltip(t('password.change')).mark('password-change')
            ui.button(t('nav.logout'), icon='logout', on_click=log_out).props('flat color=white no-caps dense') \
                .mark('logout')
    with ui.column().classes('w-full max-w-screen-xl mx-auto p-4 gap-3'):
        yield
