"""The shared page frame: header with navigation, language switch and logout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from lookup import users
from ui.components import site_banner
from ui.i18n import N_, exception_text, quasar_language, role_label, t
from ui.session import act, current_actor, log_out, watch_session

NAV = [(N_('nav.conversations'), '/', 'forum'), (N_('nav.batches'), '/batches', 'playlist_add_check'),
       (N_('nav.cache'), '/cache', 'storage'), (N_('nav.dashboard'), '/dashboard', 'insights')]


async def _switch_lang() -> None:
    # `a` is the user as of this click (their saved language, not the page's copy); the reload reads it back.
    # `set_locale(...) or True` is True once saved; act() gives None when the session has ended.
    if await act(lambda a: users.set_locale(a, 'en' if a.locale == 'ru' else 'ru') or True):  # type: ignore[func-returns-value]
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
            except ValueError as exc:  # lookup.users.InvalidUserInput: wrong current password, too short
                error.text = exception_text(exc)

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
    quasar_language()
    ui.colors(primary='#1f5f8b', secondary='#5a6b7b', accent='#e07a1f', positive='#2e7d32', negative='#c62828')
    ui.add_css('.case-card .label{color:#667;font-size:.78rem} .mono{font-family:ui-monospace,monospace}'
               # Phones: tighter table cells, so the key columns (a 17-character VIN, an OEM) fit 390 px.
               '@media (max-width:599px){.q-table--dense .q-table th,.q-table--dense .q-table td{padding:4px 5px}}'
               # The header row holds the title, six nav entries and the user's controls from 1280 px up; below
               # that they collapse into the menu (Quasar's `md` breakpoint, 1024 px, is too narrow for them).
               '@media (max-width:1279.98px){.header-wide{display:none !important}}'
               '@media (min-width:1280px){.header-narrow{display:none !important}}')
    nav = NAV + ([(N_('nav.users'), '/admin/users', 'group'), (N_('nav.replies'), '/admin/replies', 'quickreply')]
                 if actor.is_admin else [])
    who = f'{actor.username} · {role_label(actor.role)}'
    # Wide screens (1280 px and up): everything in one header row. Narrower, the row would wrap or overlap: the
    # title stays, the rest collapses into a menu.
    with ui.header().classes('items-center justify-between px-4 py-1 bg-primary no-wrap'):
        with ui.row().classes('items-center gap-1 no-wrap min-w-0'):
            ui.label(t('app.title')).classes('text-lg font-medium whitespace-nowrap mr-3')
            # dense, one line each: six entries and the title fit a 1024 px header without squeezing the title
            for key, href, icon in nav:
                ui.button(t(key), icon=icon, on_click=lambda h=href: ui.navigate.to(h)) \
                    .props('flat color=white no-caps dense no-wrap').classes('header-wide px-2') \
                    .mark(f'nav-{href.strip("/") or "home"}')
        with ui.row().classes('items-center gap-2 no-wrap header-wide'):
            ui.label(who).classes('text-sm opacity-80')
            ui.button(t('lang.switch'), on_click=_switch_lang).props('flat color=white no-caps dense') \
                .mark('lang-switch')
            ui.button(icon='key', on_click=_password_dialog).props('flat color=white dense') \
                .tooltip(t('password.change')).mark('password-change')
            ui.button(t('nav.logout'), icon='logout', on_click=log_out).props('flat color=white no-caps dense') \
                .tooltip(who).mark('logout')
        menu_label = t('nav.menu')
        menu_button = ui.button(icon='menu').props(f'flat round color=white aria-label="{menu_label}"')
        with menu_button.classes('header-narrow').mark('nav-menu'), \
                ui.menu().props('auto-close').mark('nav-menu-items'):
            for key, href, icon in nav:
                with ui.item(on_click=lambda h=href: ui.navigate.to(h)).mark(f'menu-{href.strip("/") or "home"}'):
                    with ui.item_section().props('avatar'):
                        ui.icon(icon)
                    ui.item_section(t(key))
            ui.separator()
            ui.item(who).props('dense disable')
            with ui.item(on_click=_switch_lang):
                with ui.item_section().props('avatar'):
                    ui.icon('translate')
                ui.item_section(t('lang.switch'))
            with ui.item(on_click=_password_dialog):
                with ui.item_section().props('avatar'):
                    ui.icon('key')
                ui.item_section(t('password.change'))
            with ui.item(on_click=log_out):
                with ui.item_section().props('avatar'):
                    ui.icon('logout')
                ui.item_section(t('nav.logout'))
    with ui.column().classes('w-full max-w-screen-xl mx-auto p-2 sm:p-4 gap-3'):
        site_banner.banner(actor)
        yield
