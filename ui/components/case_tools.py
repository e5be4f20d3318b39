"""The card's tools of issue 12: reply to the customer (#1), the same unit in other cars (#3), the identifier's
history (#6). Each opens a dialog; every action goes through `act()` (the user as of the click)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from lookup import replies, units
from lookup.auth import Actor
from lookup.errors import LookupError_
from lookup.templates import KINDS
from ui.formatting import when
from ui.i18n import error_text, t, tn
from ui.session import act


def _notify_error(exc: LookupError_) -> None:
    ui.notify(error_text(exc.code, exc.message, **exc.params), type='negative')


async def open_reply_dialog(holder: ui.element, case_id: int, conversation_id: int, *, can_send: bool,
                            on_sent: Callable[[], Awaitable[None]]) -> None:
    """Preview the reply for a case, pick another template, edit, copy, or post it to the conversation."""
    try:
        preview = await act(lambda a: replies.preview_reply(a, case_id))
    except LookupError_ as exc:
        _notify_error(exc)
        return
    if preview is None:
        return
    holder.clear()
    with holder, ui.dialog() as dialog, ui.card().classes('w-full max-w-2xl').mark('reply-dialog'):
        ui.label(t('reply.title')).classes('text-lg font-medium')
        suggested = ' ' + t('reply.suggested')
        options = {k: t(f'kind.{k}') + (suggested if k == preview.suggested_kind else '') for k in KINDS}
        kind = ui.select(options, value=preview.kind, label=t('reply.kind')).classes('w-full').mark('reply-kind')
        text = ui.textarea(t('reply.text'), value=preview.text).props('outlined autogrow') \
            .classes('w-full').mark('reply-text')

        async def change_kind() -> None:
            try:
                again = await act(lambda a: replies.preview_reply(a, case_id, kind.value))
            except LookupError_ as exc:
                _notify_error(exc)
                return
            if again is not None:
                text.value = again.text

        kind.on_value_change(change_kind)

        def copy() -> None:
            ui.clipboard.write(text.value or '')
            ui.notify(t('case.copied'), type='positive', timeout=1000)

        async def send() -> None:
            try:
                msg = await act(lambda a: replies.post_reply(a, conversation_id, text=text.value or '',
                                                             case_id=case_id, kind=kind.value))
            except LookupError_ as exc:
                _notify_error(exc)
                return
            if msg is not None:
                dialog.close()
                ui.notify(t('reply.sent'), type='positive')
                await on_sent()

        if not can_send:
            ui.label(t('reply.viewer_hint')).classes('text-sm text-grey-7')
        with ui.row().classes('w-full justify-end gap-2'):
            ui.button(t('lookup.cancel'), on_click=dialog.close).props('flat')
            ui.button(t('reply.copy'), icon='content_copy', on_click=copy).props('outline').mark('reply-copy')
            if can_send:
                ui.button(t('reply.send'), icon='send', on_click=send).mark('reply-send')
    dialog.open()


async def open_same_unit_dialog(holder: ui.element, case_id: int) -> None:
    """Other cars of the tenant's lookups with this case's OEM or gearbox code."""
    try:
        found = await act(lambda a: units.same_unit(a, case_id))
    except LookupError_ as exc:
        _notify_error(exc)
        return
    if found is None:
        return
    holder.clear()
    with holder, ui.dialog() as dialog, ui.card().classes('w-full max-w-4xl').mark('same-unit-dialog'):
        ui.label(t('same.title')).classes('text-lg font-medium')
        ui.label(t('same.subtitle', oem=found.oem or '—', gearbox=found.gearbox or found.factory_code or '—')) \
            .classes('mono text-sm text-grey-8')
        if not found.cars:
            ui.label(t('same.empty')).classes('text-grey-7').mark('same-unit-empty')
        else:
            ui.label(tn('same.total', found.total)).classes('text-sm')
            columns = [
                {'name': 'car', 'label': t('same.car'), 'field': 'car', 'align': 'left'},
                {'name': 'year', 'label': t('same.year'), 'field': 'year', 'align': 'left'},
                {'name': 'value', 'label': t('same.identifier'), 'field': 'value', 'align': 'left',
                 'classes': 'mono'},
                {'name': 'gearbox', 'label': t('case.gearbox'), 'field': 'gearbox', 'align': 'left'},
                {'name': 'oem', 'label': 'OEM', 'field': 'oem', 'align': 'left', 'classes': 'mono'},
                {'name': 'matched', 'label': t('same.matched'), 'field': 'matched', 'align': 'left'},
                {'name': 'when', 'label': t('same.when'), 'field': 'when', 'align': 'left'},
                {'name': 'lookups', 'label': t('same.lookups'), 'field': 'lookups', 'align': 'right'},
            ]
            rows = [{'id': c.case_id, 'conversation_id': c.conversation_id,
                     'car': ' '.join(v for v in (c.make, c.model) if v) or '—', 'year': c.year or '—',
                     'value': c.value, 'gearbox': c.gearbox or c.factory_code or '—', 'oem': c.oem or '—',
                     'matched': ', '.join(t(f'same.by_{m}') for m in c.matched_by), 'when': when(c.looked_up_at),
                     'lookups': c.lookups} for c in found.cars]
            table = ui.table(columns=columns, rows=rows, row_key='id').props('dense flat wrap-cells') \
                .classes('w-full').mark('same-unit-table')
            table.on('rowClick', lambda e: ui.navigate.to(f'/conversations/{e.args[1]["conversation_id"]}'))
        with ui.row().classes('w-full justify-end'):
            ui.button('OK', on_click=dialog.close).props('flat')
    dialog.open()


async def open_history_dialog(holder: ui.element, case_id: int) -> None:
    """Every lookup of the case's VIN/FRAME in the tenant, with what changed between consecutive results."""
    await _history_dialog(holder, lambda a: units.history_for_case(a, case_id))


async def open_key_history_dialog(holder: ui.element, cache_key: str) -> None:
    """The same for a cache row (`VIN:…` / `FRAME:…`)."""
    await _history_dialog(holder, lambda a: units.history_for_key(a, cache_key))


async def _history_dialog(holder: ui.element, read: Callable[[Actor], units.History]) -> None:
    try:
        hist = await act(read)
    except LookupError_ as exc:
        _notify_error(exc)
        return
    if hist is None:
        return
    holder.clear()
    with holder, ui.dialog() as dialog, ui.card().classes('w-full max-w-3xl').mark('history-dialog'):
        history_view(hist)
        with ui.row().classes('w-full justify-end'):
            ui.button('OK', on_click=dialog.close).props('flat')
    dialog.open()


def history_view(hist: units.History) -> None:
    """The timeline, newest first (reused by a page for a cache row)."""
    ui.label(t('history.title', v=f'{hist.id_type} {hist.value}')).classes('text-lg font-medium mono break-all')
    ui.label(tn('history.total', hist.total)).classes('text-sm text-grey-7')
    with ui.column().classes('w-full gap-2').mark('history'):
        for e in reversed(hist.entries):
            changed = bool(e.changes)
            border = 'border-l-4 border-amber-600' if changed else 'border-l-4 border-grey-4'
            with ui.column().classes(f'w-full gap-0 pl-3 {border}').mark(f'history-entry history-{e.case_id}'):
                with ui.row().classes('w-full items-center gap-2'):
                    ui.label(when(e.created_at)).classes('text-sm font-medium')
                    ui.badge(t(f'outcome.{e.outcome}') if e.outcome else t(f'status.{e.status}'),
                             color='positive' if e.status == 'completed' else
                             'negative' if e.status == 'failed' else 'grey-7')
                    ui.label(t('history.cached') if e.from_cache else t('history.fetched')) \
                        .classes('text-xs text-grey-7')
                gearbox = t('field.gearbox')
                facts = ' · '.join(v for v in (' '.join(x for x in (e.make, e.model, e.year) if x),
                                               e.gearbox and f'{gearbox} {e.gearbox}',
                                               e.oem and f'OEM {e.oem}') if v)
                ui.label(facts or t('history.no_result')).classes('text-sm')
                if changed:
                    for ch in e.changes:
                        field = t(f'field.{ch.field}')
                        ui.label(f'{field}: {ch.before or "—"} → {ch.after or "—"}') \
                            .classes('text-sm text-amber-10 font-medium mono').mark('history-change')
                elif e.compared_with is not None:
                    ui.label(t('history.same')).classes('text-xs text-grey-7')
                elif e.status == 'completed' or e.outcome == 'VEHICLE_NOT_FOUND':
                    ui.label(t('history.first')).classes('text-xs text-grey-7')
