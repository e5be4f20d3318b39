"""Admin: the tenant's users and API tokens."""

from __future__ import annotations

from nicegui import run, ui

from lookup import users
from lookup.errors import LookupError_
from models import Role
from ui.formatting import when
from ui.i18n import t
from ui.session import current_actor
from ui.theme import frame


def register() -> None:
    @ui.page('/admin/users')
    async def users_page() -> None:
        actor = current_actor()
        with frame(t('nav.users')):
            if not actor.is_admin:
                ui.label(t('err.FORBIDDEN')).classes('text-negative').mark('forbidden')
                return
            ui.label(t('nav.users')).classes('text-xl font-medium')
            users_box = ui.column().classes('w-full')
            with ui.card().classes('w-full'):
                ui.label(t('users.add')).classes('font-medium')
                with ui.row().classes('items-end gap-2'):
                    username = ui.input(t('login.username')).props('dense outlined').mark('new-username')
                    password = ui.input(t('login.password'), password=True).props('dense outlined') \
                        .mark('new-password')
                    role = ui.select({r.value: r.value for r in Role}, value='manager').props('dense outlined')
                    ui.button(t('users.create'), on_click=lambda: add()).mark('create-user')
            ui.label(t('users.tokens')).classes('text-lg font-medium mt-4')
            tokens_box = ui.column().classes('w-full')

        async def add() -> None:
            try:
                await run.io_bound(lambda: users.add_user(actor, username=username.value.strip(),
                                                          password=password.value, role=role.value))
            except (ValueError, LookupError_) as exc:
                ui.notify(str(exc), type='negative')
                return
            username.value = password.value = ''
            await refresh()

        async def toggle(user_id: int, active: bool) -> None:
            try:
                await run.io_bound(users.set_active, actor, user_id, active)
            except (ValueError, LookupError_) as exc:
                ui.notify(str(exc), type='negative')
            await refresh()

        async def new_token(user_id: int) -> None:
            token = await run.io_bound(lambda: users.issue_token(actor, user_id=user_id, name='api'))
            with ui.dialog() as dialog, ui.card():
                ui.label(t('users.token_once'))
                ui.label(token).classes('mono text-lg').mark('new-token')
                ui.button('OK', on_click=dialog.close)
            dialog.open()
            await refresh()

        async def revoke(token_id: int) -> None:
            await run.io_bound(users.revoke_token, actor, token_id)
            await refresh()

        async def refresh() -> None:
            rows = await run.io_bound(users.list_users, actor)
            tokens = await run.io_bound(users.list_tokens, actor)
            users_box.clear()
            with users_box:
                for u in rows:
                    with ui.row().classes('w-full items-center gap-4 border-b py-1').mark(f'user-{u["username"]}'):
                        ui.label(u['username']).classes('w-40 font-medium')
                        ui.label(u['role']).classes('w-24')
                        ui.label(t('users.active') if u['is_active'] else t('users.inactive')).classes('w-24')
                        ui.button(t('users.deactivate') if u['is_active'] else t('users.activate'),
                                  on_click=lambda uid=u['id'], a=u['is_active']: toggle(uid, not a)) \
                            .props('flat dense no-caps')
                        ui.button(t('users.new_token'), on_click=lambda uid=u['id']: new_token(uid)) \
                            .props('flat dense no-caps').mark(f'token-for-{u["username"]}')
            tokens_box.clear()
            with tokens_box:
                for tk in tokens:
                    with ui.row().classes('w-full items-center gap-4 border-b py-1').mark('token-row'):
                        ui.label(f'{tk["prefix"]}…').classes('mono w-40')
                        ui.label(tk['username']).classes('w-32')
                        ui.label(when(tk['created_at'])).classes('w-40 text-sm')
                        ui.label(when(tk['last_used_at']) or '—').classes('w-40 text-sm')
                        if tk['revoked']:
                            ui.label(t('users.revoked')).classes('text-grey-7')
                        else:
                            ui.button(t('users.revoke'), on_click=lambda tid=tk['id']: revoke(tid)) \
                                .props('flat dense no-caps color=negative').mark('revoke-token')

        await refresh()
