"""Admin: the tenant's users and API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from lookup import users
from lookup.auth import Actor
from lookup.errors import LookupError_
from models import Role
from ui.formatting import when
from ui.i18n import exception_text, role_label, t
from ui.session import act, current_actor
from ui.theme import frame


async def _call(fn: Callable[[Actor], Any]) -> tuple[bool, Any]:
    """Run a blocking admin action off the loop as the user is *now* (the service re-checks the session, the role
    and the tenant); a refused one becomes a notification, an ended session a trip to the login page."""
    try:
        result = await act(lambda a: (True, fn(a)))
        return result if result is not None else (False, None)
    except (ValueError, LookupError_) as exc:  # bad input (InvalidUserInput) or refused (Forbidden, NotFound)
        ui.notify(exception_text(exc), type='negative')
    return False, None


def register() -> None:
    @ui.page('/admin/users')
    async def users_page() -> None:
        actor = current_actor()
        with frame(t('nav.users')):
            if not actor.is_admin:
                ui.label(t('err.FORBIDDEN')).classes('text-negative').mark('forbidden')
                return
            ui.label(t('nav.users')).classes('text-xl font-medium')
            users_box = ui.column().classes('w-full').mark('users')
            with ui.card().classes('w-full'):
                ui.label(t('users.add')).classes('font-medium')
                with ui.row().classes('items-end gap-2'):
                    username = ui.input(t('login.username')).props('dense outlined').mark('new-username')
                    password = ui.input(t('login.password'), password=True).props('dense outlined') \
                        .mark('new-password')
                    role = ui.select({r.value: role_label(r.value) for r in Role}, value='manager') \
                        .props('dense outlined').mark('new-role')
                    ui.button(t('users.create'), on_click=lambda: add()).mark('create-user')
            ui.label(t('users.tokens')).classes('text-lg font-medium mt-4')
            tokens_box = ui.column().classes('w-full').mark('tokens')
            dialogs = ui.element('div')  # outside the lists: refresh() clears them, and a dialog with them

        async def add() -> None:
            ok, _ = await _call(lambda a: users.add_user(a, username=(username.value or '').strip(),
                                                       password=password.value or '', role=role.value))
            if ok:
                username.value = password.value = ''
                await refresh()

        async def toggle(user_id: int, active: bool) -> None:
            await _call(lambda a: users.set_active(a, user_id, active))
            await refresh()

        async def new_token(user_id: int) -> None:
            ok, token = await _call(lambda a: users.issue_token(a, user_id=user_id, name='api'))
            if not ok:
                return
            await refresh()
            dialogs.clear()
            with dialogs, ui.dialog().props('persistent') as dialog, ui.card().mark('token-dialog'):
                ui.label(t('users.token_once'))
                ui.label(token).classes('mono text-lg').mark('new-token')
                ui.button('OK', on_click=dialogs.clear).mark('token-dialog-ok')
            dialog.open()

        async def change_role(user_id: int, role: str) -> None:
            await _call(lambda a: users.set_role(a, user_id, role))
            await refresh()

        def reset_password(user_id: int, username: str) -> None:
            dialogs.clear()
            with dialogs, ui.dialog() as dialog, ui.card().mark('reset-dialog'):
                ui.label(t('password.reset_for', u=username))
                new = ui.input(t('password.new'), password=True).classes('w-full').mark('reset-password')

                async def save() -> None:
                    ok, _ = await _call(lambda a: users.reset_password(a, user_id, new.value or ''))
                    if ok:
                        dialogs.clear()
                        ui.notify(t('password.reset_done', u=username), type='positive')

                with ui.row().classes('w-full justify-end'):
                    ui.button(t('lookup.cancel'), on_click=dialogs.clear).props('flat')
                    ui.button(t('password.save'), on_click=save).mark('reset-save')
            dialog.open()

        async def revoke(token_id: int) -> None:
            await _call(lambda a: users.revoke_token(a, token_id))
            await refresh()

        async def refresh() -> None:
            ok, rows = await _call(lambda a: users.list_users(a))
            ok2, tokens = await _call(lambda a: users.list_tokens(a))
            if not (ok and ok2) or rows is None or tokens is None:
                return
            users_box.clear()
            with users_box:
                for u in rows:
                    with ui.row().classes('w-full items-center gap-4 border-b py-1').mark(f'user-{u["username"]}'):
                        ui.label(u['username']).classes('w-40 font-medium')
                        ui.label(u['full_name'] or '').classes('w-48 text-sm')
                        if u['id'] != actor.user_id:
                            ui.select({r.value: role_label(r.value) for r in Role}, value=u['role'],
                                      on_change=lambda e, uid=u['id']: change_role(uid, e.value)) \
                                .props('dense borderless').classes('w-28').mark(f'role-{u["username"]}')
                        else:
                            ui.label(role_label(u['role'])).classes('w-28')
                        ui.label(t('users.active') if u['is_active'] else t('users.inactive')).classes('w-24') \
                            .mark(f'state-{u["username"]}')
                        if u['id'] != actor.user_id:
                            ui.button(t('users.deactivate') if u['is_active'] else t('users.activate'),
                                      on_click=lambda uid=u['id'], a=u['is_active']: toggle(uid, not a)) \
                                .props('flat dense no-caps').mark(f'toggle-{u["username"]}')
                        ui.button(t('password.reset'), on_click=lambda uid=u['id'], n=u['username']:
                                  reset_password(uid, n)).props('flat dense no-caps').mark(f'reset-{u["username"]}')
                        if u['is_active']:
                            ui.button(t('users.new_token'), on_click=lambda uid=u['id']: new_token(uid)) \
                                .props('flat dense no-caps').mark(f'token-for-{u["username"]}')
            tokens_box.clear()
            with tokens_box:
                for tk in tokens:
                    row = ui.row().classes('w-full items-center gap-4 border-b py-1')
                    with row.mark(f'token-row token-{tk["id"]}'):
                        ui.label(f'{tk["prefix"]}…').classes('mono w-40')
                        ui.label(tk['name']).classes('w-24')
                        ui.label(tk['username']).classes('w-32')
                        ui.label(when(tk['created_at'])).classes('w-40 text-sm')
                        ui.label(when(tk['last_used_at']) or '—').classes('w-40 text-sm')
                        if tk['revoked']:
                            ui.label(t('users.revoked')).classes('text-grey-7')
                        else:
                            ui.button(t('users.revoke'), on_click=lambda tid=tk['id']: revoke(tid)) \
                                .props('flat dense no-caps color=negative').mark(f'revoke-token revoke-{tk["id"]}')

        await refresh()
