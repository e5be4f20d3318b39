"""Batch lookups (issue 12 #4): paste or upload up to 200 VINs/FRAMEs, check them line by line, start, follow the
progress live, export the results."""

from __future__ import annotations

from nicegui import events, ui

from lookup import batches
from lookup.errors import LookupError_
from lookup.schemas import BatchItemOut, BatchOut
from lookup.settings import get_settings
from ui import live
from ui.formatting import when
from ui.i18n import error_text, t
from ui.session import act, current_actor
from ui.theme import frame

WIDE = {'classes': 'gt-sm', 'headerClasses': 'gt-sm'}


def _state(state: str) -> str:
    return t(f'status.{state}') if state in ('pending', 'running', 'completed', 'failed') else t(f'state.{state}')


def _error(i: BatchItemOut) -> str:
    if i.error is None:
        return ''
    return error_text(i.error.code, i.error.message, **(i.error_params or {}))


def _progress(b: BatchOut) -> str:
    c = b.counts
    return t('batch.progress', done=c.done, queued=c.queued, waiting=c.waiting, failed=c.failed, invalid=c.invalid)


def _labels(keys: list[str]) -> dict[str, str]:
    return {k: t(f'export.{k}') for k in keys}


async def _download(make) -> None:  # noqa: ANN001
    """Build the file for this page's user as of this click, then hand it to the browser."""
    try:
        f = await act(make)
    except LookupError_ as exc:
        ui.notify(error_text(exc.code, exc.message), type='negative')
        return
    if f is not None:
        ui.download.content(f.content, f.filename, f.media_type)


def register() -> None:
    @ui.page('/batches')
    async def batches_page() -> None:
        actor = current_actor()
        with frame(t('batch.title')):
            ui.label(t('batch.title')).classes('text-xl font-medium')
            if actor.can_lookup:
                with ui.card().classes('w-full'):
                    name = ui.input(t('batch.name')).props('dense outlined maxlength=200') \
                        .classes('w-full sm:w-96').mark('batch-name')
                    text = ui.textarea(t('batch.input')) \
                        .props('outlined autogrow input-class=mono input-style="min-height:8rem"') \
                        .classes('w-full').mark('batch-input')

                    async def on_upload(e: events.UploadEventArguments) -> None:
                        raw = await e.file.read()
                        try:
                            text.value = raw.decode('utf-8-sig')
                        except UnicodeDecodeError:
                            text.value = raw.decode('cp1251', errors='replace')
                        if not name.value:
                            name.value = e.file.name
                        await check()

                    # auto-upload: the uploader's file list would only be an empty box (the text shows the file),
                    # and its size/progress subtitle reads «0.0B / 0.00%» until a file is chosen
                    ui.add_css('.batch-upload .q-uploader__list, .batch-upload .q-uploader__subtitle{display:none}')
                    with ui.row().classes('w-full items-center gap-2'):
                        ui.upload(label=t('batch.upload'), auto_upload=True, on_upload=on_upload, max_files=1,
                                  max_file_size=1_000_000).props('accept=".csv,.txt,text/csv,text/plain" flat dense') \
                            .classes('w-full sm:w-72 batch-upload').mark('batch-upload')
                        ui.space()
                        ui.button(t('batch.check'), icon='rule', on_click=lambda: check()).props('outline no-caps') \
                            .mark('batch-check')
                        ui.button(t('batch.start'), icon='play_arrow', on_click=lambda: start()) \
                            .props('no-caps').mark('batch-start')
                    summary = ui.label('').classes('text-sm').mark('batch-summary')
                    preview = ui.table(columns=[
                        {'name': 'line', 'label': t('batch.line'), 'field': 'line', 'align': 'right'},
                        {'name': 'raw', 'label': t('batch.value'), 'field': 'raw', 'align': 'left',
                         'classes': 'mono'},
                        {'name': 'error', 'label': t('batch.error'), 'field': 'error', 'align': 'left'},
                    ], rows=[], row_key='line').props('flat bordered dense').classes('w-full').mark('batch-preview')
                    preview.set_visibility(False)

                async def check() -> None:
                    try:
                        lines = await act(lambda a: batches.preview(a, text=text.value or ''))
                    except LookupError_ as exc:
                        summary.text = error_text(exc.code, exc.message, **exc.params)
                        summary.classes(replace='text-sm text-negative')
                        preview.set_visibility(False)
                        return
                    if lines is None:
                        return
                    bad = [i for i in lines if i.error]
                    summary.text = t('batch.checked', ok=len(lines) - len(bad), bad=len(bad))
                    summary.classes(replace='text-sm ' + ('text-negative' if bad else 'text-positive'))
                    preview.rows = [{'line': i.line, 'raw': i.raw, 'error': _error(i)} for i in bad]
                    preview.set_visibility(bool(bad))

                async def start() -> None:
                    try:
                        b = await act(lambda a: batches.create(a, text=text.value or '', name=name.value or ''))
                    except LookupError_ as exc:
                        summary.text = error_text(exc.code, exc.message, **exc.params)
                        summary.classes(replace='text-sm text-negative')
                        ui.notify(summary.text, type='negative')
                        return
                    if b is not None:
                        ui.notify(t('batch.created'), type='positive')
                        ui.navigate.to(f'/batches/{b.id}')

            ui.label(t('batch.recent')).classes('text-lg font-medium mt-2')
            recent = ui.column().classes('w-full gap-1').mark('batch-list')

        async def show_recent() -> None:
            rows = await act(lambda a: batches.list_batches(a, limit=20))
            if rows is None:
                return
            recent.clear()
            with recent:
                if not rows:
                    ui.label(t('batch.none')).classes('text-grey-7')
                for b in rows:
                    with ui.element('div').classes('w-full flex flex-col sm:flex-row sm:items-center gap-x-3 '
                                                   'border-b py-1').mark('batch-row'):
                        with ui.row().classes('items-baseline gap-3 no-wrap min-w-0'):
                            ui.link(b.name, f'/batches/{b.id}').classes('font-medium min-w-0 ellipsis')
                            ui.label(when(b.created_at)).classes('text-xs text-grey-7 whitespace-nowrap')
                        ui.space()
                        ui.label(_progress(b)).classes('text-xs sm:text-right')

        await show_recent()
        live.on_tenant_changes(show_recent, tenant_id=actor.tenant_id, kinds=('batch', 'case'),
                               when=lambda c: c.kind == 'batch' or c.status in ('completed', 'failed'))

    @ui.page('/batches/{batch_id}')
    async def batch_page(batch_id: int) -> None:
        actor = current_actor()
        try:
            first = await act(lambda a: batches.get(a, batch_id))
        except LookupError_:
            first = None
        with frame(t('batch.title')):
            if first is None:
                ui.label(t('err.NOT_FOUND')).classes('text-negative').mark('batch-not-found')
                return
            with ui.row().classes('w-full items-center gap-3'):
                ui.label(first.name).classes('text-xl font-medium').mark('batch-title')
                ui.link(t('batch.cases'), f'/conversations/{first.conversation_id}').classes('text-sm')
                ui.space()
                buttons = ui.row().classes('gap-2 no-wrap')
            with buttons:
                ui.button(t('batch.export_csv'), icon='download', on_click=lambda: _download(
                    lambda a: batches.export(a, batch_id, 'csv', labels=_labels([k for k, _ in batches.COLUMNS])))) \
                    .props('outline no-caps dense').mark('batch-export-csv')
                ui.button(t('batch.export_xlsx'), icon='grid_on', on_click=lambda: _download(
                    lambda a: batches.export(a, batch_id, 'xlsx', labels=_labels([k for k, _ in batches.COLUMNS])))) \
                    .props('outline no-caps dense').mark('batch-export-xlsx')
            bar = ui.linear_progress(value=0, show_value=False, size='14px') \
                .props('rounded color=positive instant-feedback') \
                .classes('w-full').mark('batch-bar')
            counts = ui.label('').classes('text-sm').mark('batch-progress')
            waiting = ui.label('').classes('text-sm text-grey-8').mark('batch-waiting')
            columns = [
                {'name': 'line', 'label': t('batch.line'), 'field': 'line', 'align': 'right', **WIDE},
                {'name': 'value', 'label': t('batch.value'), 'field': 'value', 'align': 'left', 'classes': 'mono'},
                {'name': 'state', 'label': t('batch.status'), 'field': 'state', 'align': 'left',
                 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
                {'name': 'car', 'label': t('case.vehicle'), 'field': 'car', 'align': 'left', **WIDE},
                {'name': 'gearbox', 'label': t('case.gearbox'), 'field': 'gearbox', 'align': 'left',
                 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
                {'name': 'oem', 'label': t('case.oem'), 'field': 'oem', 'align': 'left', 'classes': 'mono gt-xs',
                 'headerClasses': 'gt-xs'},
                # phones: one column for the answer (the OEM, else the line's state)
                {'name': 'answer', 'label': t('case.oem'), 'field': 'answer', 'align': 'left', 'classes': 'lt-sm',
                 'headerClasses': 'lt-sm'},
                {'name': 'error', 'label': t('batch.error'), 'field': 'error', 'align': 'left', **WIDE},
            ]
            table = ui.table(columns=columns, rows=[], row_key='line', pagination={'rowsPerPage': 50}) \
                .props('flat bordered dense').classes('w-full').mark('batch-table')

        def render(b: BatchOut) -> None:
            c = b.counts
            valid = c.total - c.invalid
            bar.value = (c.done + c.failed) / valid if valid else 1
            counts.text = _progress(b) + (' · ' + t('batch.finished') if b.finished else '')
            waiting.text = t('batch.waiting_until', time=b.next_admit_at.astimezone().strftime('%H:%M:%S'),
                             n=get_settings().rate_limit_per_minute) if c.waiting and b.next_admit_at else ''
            table.rows = [{'line': i.line, 'value': i.value or i.raw, 'state': _state(i.state),
                           'car': ' '.join(x for x in (i.make, i.model, i.year) if x),
                           'gearbox': ' / '.join(x for x in (i.gearbox_model, i.factory_code) if x),
                           'oem': i.oem or '', 'answer': i.oem or _state(i.state),
                           'error': _error(i) if i.state in ('invalid', 'failed', 'cancelled') else ''}
                          for i in b.items or []]
            table.update()

        async def refresh() -> None:
            b = await act(lambda a: batches.get(a, batch_id))
            if b is not None:
                render(b)

        render(first)
        live.on_tenant_changes(refresh, tenant_id=actor.tenant_id, kinds=('case', 'batch'),
                               when=lambda c: c.conversation_id == first.conversation_id)
        ui.timer(15, refresh)  # the "starts at" time and cases finished while the push channel was down
