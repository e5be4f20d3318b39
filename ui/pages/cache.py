"""Cached results: server-side table, search, sort, invalidate one / selected / all."""

from __future__ import annotations

from nicegui import ui

from lookup import service
from lookup.errors import LookupError_
from models.dbtypes import utcnow
from ui import live
from ui.components.case_tools import open_key_history_dialog
from ui.components.empty_state import filtered_empty_state
from ui.components.paging import server_paged
from ui.formatting import when
from ui.i18n import error_text, t, tn
from ui.session import act, current_actor
from ui.theme import frame


def _ttl_left(expires_at) -> str:  # noqa: ANN001
    secs = int((expires_at - utcnow()).total_seconds())
    if secs <= 0:
        return t('cache.expired')
    if secs >= 86400:
        return t('cache.ttl_days', d=secs // 86400, h=secs % 86400 // 3600)
    return t('cache.ttl_hours', h=secs // 3600, m=secs % 3600 // 60)


WIDE = {'classes': 'gt-sm', 'headerClasses': 'gt-sm'}
"""Column props for the secondary columns: a phone shows identifier, OEM and the action (and the
gearbox from 600 px up)."""


def register() -> None:
    @ui.page('/cache')
    async def cache_page() -> None:
        actor = current_actor()
        with frame(t('cache.title')):
            with ui.row().classes('w-full items-center gap-3'):
                ui.label(t('cache.title')).classes('text-xl font-medium')
                search = ui.input(placeholder=t('cache.search')).props('clearable dense outlined debounce=300') \
                    .classes('w-full sm:w-80').mark('cache-search')
                total_label = ui.label('').classes('text-sm text-grey-7').mark('cache-total')
                ui.space()
                # Viewers get no controls they cannot use (the service refuses them anyway).
                sel_button = ui.button('', icon='delete_sweep', on_click=lambda: confirm(selected_keys())) \
                    .props('outline no-caps').mark('cache-invalidate-selected')
                sel_button.set_visibility(actor.can_lookup)
                ui.button(t('cache.refresh'), icon='refresh', on_click=lambda: load()).props('flat no-caps')
                with ui.button(t('cache.export'), icon='download').props('flat no-caps').mark('cache-export'), \
                        ui.menu().props('auto-close'):
                    for fmt in ('csv', 'xlsx'):
                        ui.menu_item(fmt.upper(), on_click=lambda f=fmt: export(f)).mark(f'cache-export-{fmt}')
                if actor.is_admin or actor.is_operator:
                    ui.button(t('cache.invalidate_all') if actor.is_operator else t('cache.invalidate_tenant'),
                              icon='delete_forever', color='negative',
                              on_click=lambda: confirm(None)).props('outline no-caps').mark('cache-invalidate-all')
            columns: list[dict] = [
                {'name': 'value', 'label': t('cache.key'), 'field': 'value', 'align': 'left', 'sortable': True},
                {'name': 'make', 'label': t('cache.make'), 'field': 'make', 'align': 'left', 'sortable': True,
                 **WIDE},
                {'name': 'model', 'label': t('cache.model'), 'field': 'model', 'align': 'left', **WIDE},
                {'name': 'gearbox_model', 'label': t('cache.gearbox'), 'field': 'gearbox_model', 'align': 'left',
                 'sortable': True, 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
                {'name': 'oem', 'label': t('cache.oem'), 'field': 'oem', 'align': 'left', 'sortable': True},
                {'name': 'outcome', 'label': t('cache.outcome'), 'field': 'outcome', 'align': 'left',
                 'sortable': True, **WIDE},
                {'name': 'fetched_at', 'label': t('cache.fetched'), 'field': 'fetched', 'align': 'left',
                 'sortable': True, **WIDE},
                {'name': 'expires_at', 'label': t('cache.expires'), 'field': 'expires', 'align': 'left',
                 'sortable': True, **WIDE},
                {'name': 'ttl', 'label': t('cache.ttl'), 'field': 'ttl', 'align': 'left', **WIDE},
            ]
            # Every role's rows have the history button (issue 12 #6); the slot draws the cell (never the raw key).
            columns.append({'name': 'actions', 'label': '', 'field': 'key'})
            table = ui.table(columns=columns, rows=[], row_key='key',
                             selection='multiple' if actor.can_lookup else None,
                             pagination={'page': 1, 'rowsPerPage': 25, 'sortBy': 'fetched_at', 'descending': True,
                                         'rowsNumber': 0}) \
                .classes('w-full').props('flat bordered dense').mark('cache-table')
            show_page = server_paged(table)

            def show_empty(filtered: bool) -> None:
                filtered_empty_state(table, filtered, text=t('cache.empty'), hint=t('cache.empty_hint'),
                                     icon='inventory_2')

            show_empty(False)
            # Plain icon buttons per row (a labelled q-btn per row doubled the render time of a page): the
            # identifier's lookup history (issue 12 #6, everyone) and invalidation (not viewers).
            history, invalidate = t('history.button'), t('cache.invalidate')
            delete = f'''
                  <q-btn flat dense round size="sm" color="negative" icon="delete" title="{invalidate}"
                         :aria-label="'{invalidate} ' + props.row.value"
                         @click="() => $parent.$emit('invalidate', props.row)" />''' if actor.can_lookup else ''
            table.add_slot('body-cell-actions', f'''
                <q-td :props="props" auto-width class="no-wrap">
                  <q-btn flat dense round size="sm" icon="history" title="{history}"
                         :aria-label="'{history} ' + props.row.value"
                         @click="() => $parent.$emit('history', props.row)" />{delete}
                </q-td>''')
            dialogs = ui.element('div')
            table.on('history', lambda e: open_key_history_dialog(dialogs, e.args['key']))
            table.on('invalidate', lambda e: confirm([e.args['key']]))
            table.on('selection', lambda: update_sel_button())

        def selected_keys() -> list[str]:
            return [r['key'] for r in table.selected]

        def update_sel_button() -> None:
            n = len(table.selected)
            sel_button.text = t('cache.invalidate_selected', n=n)
            sel_button.set_enabled(n > 0 and actor.can_lookup)

        async def load(pagination: dict | None = None) -> None:
            p = pagination or table.pagination
            res = await act(lambda a: service.cache_page(
                a, q=search.value or '', page=p.get('page', 1), page_size=p.get('rowsPerPage', 25),
                sort=p.get('sortBy') or 'fetched_at', descending=bool(p.get('descending', True))))
            if res is None:
                return
            table.rows = [{'key': r.key, 'value': f'{r.value}', 'make': r.make or '', 'model': r.model or '',
                           'gearbox_model': r.gearbox_model or '', 'oem': r.oem or '',
                           'outcome': t(f'outcome.{r.outcome}'),
                           'fetched': when(r.fetched_at), 'expires': when(r.expires_at),
                           'ttl': _ttl_left(r.expires_at)} for r in res.items]
            show_page(p, res.total)
            table.selected = [r for r in table.selected if any(x['key'] == r['key'] for x in table.rows)]
            show_empty(bool(search.value))
            table.update()
            total_label.text = tn('cache.total', res.total)
            update_sel_button()

        async def export(fmt: str) -> None:
            """The table as filtered now, in the user's language, as of this click (tenant-scoped like the page)."""
            p = table.pagination
            labels = {k: t(f'export.{k}') for k, _ in service.CACHE_COLUMNS}
            f = await act(lambda a: service.cache_export(a, fmt, q=search.value or '', labels=labels,
                                                         sort=p.get('sortBy') or 'fetched_at',
                                                         descending=bool(p.get('descending', True))))
            if f is not None:
                ui.download.content(f.content, f.filename, f.media_type)

        async def confirm(keys: list[str] | None) -> None:
            if keys is not None and not keys:
                return
            if keys is not None:
                text = tn('cache.confirm', len(keys))
            else:
                text = t('cache.confirm_all') if actor.is_operator else t('cache.confirm_tenant')
            with ui.dialog() as dialog, ui.card().mark('confirm-dialog'):
                ui.label(text)
                with ui.row().classes('w-full justify-end'):
                    ui.button(t('no'), on_click=lambda: dialog.submit(False)).props('flat')
                    ui.button(t('yes'), color='negative', on_click=lambda: dialog.submit(True)).mark('confirm-yes')
            if not await dialog:
                return
            try:
                n = await act(lambda a: service.invalidate_cache(a, keys))  # the role as of this click
            except LookupError_ as exc:
                ui.notify(error_text(exc.code, exc.message), type='negative')
                return
            if n is None:
                return
            ui.notify(tn('cache.done', n), type='positive')
            table.selected = []
            await load()

        table.on('request', lambda e: load(e.args['pagination']))
        search.on_value_change(lambda: load({**table.pagination, 'page': 1}))
        await load()

        # Own tenant's completions (and tenant-less whole-cache changes) only, a burst coalesced (issue 10 #8);
        # a platform operator sees every tenant's rows, so every tenant's completions.
        live.on_tenant_changes(load, tenant_id=actor.tenant_id, kinds=('cache', 'case'),
                               when=lambda c: c.kind == 'cache' or c.status in ('completed', 'failed'),
                               any_tenant=actor.is_operator)
