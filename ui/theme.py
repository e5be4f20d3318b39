"""The shared page frame: header with navigation, language switch and logout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import app, run, ui

from ui.i18n import t
from ui.session import current_actor, log_out

NAV = [('nav.conversations', '/', 'forum'), ('nav.cache', '/cache', 'storage'),
       ('nav.dashboard', '/dashboard', 'insights')]


async def _switch_lang() -> None:
    lang = 'en' if app.storage.user.get('lang', 'ru') == 'ru' else 'ru'
    app.storage.user['lang'] = lang
    from lookup import users
    await run.io_bound(users.set_locale, current_actor(), lang)  # a database write: never on the event loop
    ui.navigate.reload()


def _logout() -> None:
    log_out()
    ui.navigate.to('/login')


@contextmanager
def frame(title: str) -> Iterator[None]:
    """`with frame('Кэш'):` — header, navigation and a centred content column."""
    actor = current_actor()
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
            ui.button(t('nav.logout'), icon='logout', on_click=_logout).props('flat color=white no-caps dense')
    with ui.column().classes('w-full max-w-screen-xl mx-auto p-4 gap-3'):
        yield
