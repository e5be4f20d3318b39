"""Admin: the tenant's reply templates and the outbound webhook that delivers replies (issue 12 #1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from lookup import replies
from lookup.auth import Actor
from lookup.errors import LookupError_
from lookup.templates import PLACEHOLDERS
from ui.i18n import error_text, t
from ui.session import act, current_actor
from ui.theme import frame


async def _call(fn: Callable[[Actor], Any]) -> Any:
    """An admin action as the user is now (the service re-checks role and tenant); a refusal becomes a message."""
    try:
        return await act(fn)
    except LookupError_ as exc:
        ui.notify(error_text(exc.code, exc.message, **exc.params), type='negative')
    return None


def register() -> None:
    @ui.page('/admin/replies')
    async def replies_page() -> None:
        actor = current_actor()
        with frame(t('replies.title')):
            if not actor.is_admin:
                ui.label(t('err.FORBIDDEN')).classes('text-negative').mark('forbidden')
                return
            settings = await _call(replies.get_reply_settings)
            rows = await _call(replies.list_templates)
            if settings is None or rows is None:
                return
            ui.label(t('replies.title')).classes('text-xl font-medium')
            with ui.card().classes('w-full'):
                ui.label(t('replies.webhook')).classes('font-medium')
                ui.label(t('replies.webhook_hint')).classes('text-sm text-grey-7')
                with ui.row().classes('w-full items-center gap-2 no-wrap'):
                    url = ui.input(value=settings.webhook_url or '', placeholder='https://bridge.example/outgoing') \
                        .props('dense outlined').classes('flex-grow').mark('webhook-url')
                    ui.button(t('replies.webhook_save'), on_click=lambda: save_url()).mark('webhook-save')
                secret_box = ui.column().classes('w-full gap-0')

            def show_secret(value: str | None) -> None:
                secret_box.clear()
                if value:
                    with secret_box:
                        ui.label(t('replies.secret')).classes('text-xs text-grey-7')
                        ui.label(value).classes('mono text-xs break-all').mark('webhook-secret')

            show_secret(settings.webhook_secret)

            async def save_url() -> None:
                saved = await _call(lambda a: replies.set_webhook(a, url.value))
                if saved is not None:
                    url.value = saved.webhook_url or ''
                    show_secret(saved.webhook_secret)
                    ui.notify(t('replies.webhook_saved'), type='positive')

            ui.label(t('replies.templates')).classes('text-lg font-medium mt-2')
            with ui.expansion(t('replies.placeholders'), icon='data_object').classes('w-full') \
                    .props('dense').mark('placeholders'):
                for name, meaning in PLACEHOLDERS.items():
                    with ui.row().classes('gap-2 no-wrap items-baseline'):
                        ui.label(f'${name}').classes('mono text-sm min-w-[9rem]')
                        ui.label(meaning).classes('text-sm text-grey-8')
            for row in rows:
                _template_card(row)


def _template_card(row: replies.TemplateOut) -> None:
    with ui.card().classes('w-full').mark(f'template template-{row.kind}'):
        with ui.row().classes('w-full items-center justify-between'):
            ui.label(t(f'kind.{row.kind}')).classes('font-medium')
            badge = ui.badge('').props('outline').mark(f'template-state template-state-{row.kind}')
        text = ui.textarea(value=row.text).props('outlined autogrow').classes('w-full mono text-sm') \
            .mark(f'template-text template-text-{row.kind}')

        def show(out: replies.TemplateOut) -> None:
            text.value = out.text
            badge.text = t('replies.default') if out.is_default else t('replies.edited')
            badge.props(f'color={"grey-7" if out.is_default else "accent"}')

        async def save() -> None:
            out = await _call(lambda a: replies.save_template(a, row.kind, text.value or ''))
            if out is not None:
                show(out)
                ui.notify(t('replies.saved'), type='positive')

        async def reset() -> None:
            out = await _call(lambda a: replies.reset_template(a, row.kind))
            if out is not None:
                show(out)

        show(row)
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(t('replies.reset'), on_click=reset).props('flat no-caps') \
                .mark(f'template-reset template-reset-{row.kind}')
            ui.button(t('replies.save'), on_click=save).props('no-caps') \
                .mark(f'template-save template-save-{row.kind}')
