"""The lookup dialog: live validation while typing, optional tag, force refresh, Enter submits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from lookup import service
from lookup.engine import identifiers
from lookup.errors import InvalidIdentifier, LookupError_
from ui.i18n import error_text, t
from ui.session import act


def describe(value: str) -> tuple[bool, str]:
    """(ok, hint) for the text typed so far."""
    if not value.strip():
        return False, ''
    try:
        ident = identifiers.parse(value)
    except InvalidIdentifier as exc:
        return False, error_text(exc.code, exc.message, **exc.params)
    hints = [t('lookup.detected_vin') if ident.kind is identifiers.IdType.VIN else t('lookup.detected_frame')]
    hints[0] += f': {ident.value}'
    if ident.lookalikes_converted:
        hints.append(t('lookup.lookalikes'))
    if 'CHECK_DIGIT_MISMATCH' in ident.hints:
        hints.append(t('lookup.checkdigit'))
    return True, ' · '.join(hints)


def open_lookup_dialog(conversation_id: int, on_done: Callable[[], Awaitable[None]], *, value: str = '') -> None:
    with ui.dialog() as dialog, ui.card().classes('w-[32rem] max-w-full').mark('lookup-dialog'):
        ui.label(t('lookup.dialog')).classes('text-lg')
        vin = ui.input(t('lookup.value'), value=value).props('autofocus outlined stack-label input-class=mono') \
            .classes('w-full') \
            .mark('lookup-value')
        hint = ui.label('').classes('text-sm').mark('lookup-hint')
        tag = ui.input(t('lookup.tag')).props('outlined dense stack-label').classes('w-full').mark('lookup-tag')
        force = ui.checkbox(t('lookup.force')).mark('lookup-force')
        error = ui.label('').classes('text-negative text-sm').mark('lookup-error')

        def validate() -> bool:
            ok, text = describe(vin.value or '')
            hint.text = text
            hint.classes(replace='text-sm ' + ('text-positive' if ok else 'text-negative'))
            return ok

        async def submit() -> None:
            error.text = ''
            if not (vin.value or '').strip():
                # An empty (or whitespace-only) submit says what is missing instead of doing nothing.
                error.text = t('err.EMPTY')
                return
            if not validate():
                return
            try:
                # The user as of this click, not as of when the dialog opened.
                case = await act(lambda a: service.submit_lookup(
                    a, conversation_id, vin.value, tag=tag.value or None, force_refresh=bool(force.value)))
            except (LookupError_, InvalidIdentifier) as exc:
                error.text = error_text(exc.code, exc.message, **exc.params)
                return
            if case is None:
                return
            dialog.close()
            await on_done()

        vin.on_value_change(lambda: validate())
        for field in (vin, tag):
            field.on('keydown.enter', submit)
        with ui.row().classes('w-full justify-end'):
            ui.button(t('lookup.cancel'), on_click=dialog.close).props('flat')
            ui.button(t('lookup.submit'), icon='search', on_click=submit).mark('lookup-submit')
        if value:
            validate()
    dialog.open()
