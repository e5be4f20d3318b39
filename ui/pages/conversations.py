"""Conversation list: server-side paginated, searchable, live."""

from __future__ import annotations

from nicegui import run, ui

from lookup import service
from ui import live
from ui.components.empty_state import filtered_empty_state
from ui.components.paging import server_paged
from ui.formatting import ago
from ui.i18n import channel_label, t
from ui.session import current_actor
from ui.theme import frame

PAGE_SIZE = 25


def register() -> None:
    @ui.page('/')
    async def conversations_page() -> None:
        actor = current_actor()
        with frame(t('conv.title')):
            with ui.row().classes('w-full items-center gap-3'):
                search = ui.input(placeholder=t('conv.search')).props('clearable dense outlined debounce=300') \
                    .classes('w-full sm:w-96').mark('conv-search')
                status = ui.select({'': '—', 'pending': t('status.pending'), 'running': t('status.running'),
                                    'completed': t('status.completed'), 'failed': t('status.failed')},
                                   value='', label=t('conv.filter_status')).props('dense outlined').classes('w-48')
                clar = ui.checkbox(t('conv.needs_clarification')).mark('filter-clarification')
                unread = ui.checkbox(t('conv.unread'))
            columns = [
                {'name': 'customer', 'label': t('conv.customer'), 'field': 'customer', 'align': 'left'},
                {'name': 'channel', 'label': t('conv.channel'), 'field': 'channel', 'align': 'left',
                 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},  # phones: customer, last message, status, when
                {'name': 'last', 'label': t('conv.last'), 'field': 'last', 'align': 'left',
                 'classes': 'ellipsis', 'style': 'max-width: min(520px, 28vw)'},
                {'name': 'status', 'label': t('conv.status'), 'field': 'status', 'align': 'left',
                 'classes': 'whitespace-normal'},  # «в очереди» wraps instead of pushing the table wider
                {'name': 'when', 'label': t('conv.when'), 'field': 'when', 'align': 'left',
                 'classes': 'gt-xs', 'headerClasses': 'gt-xs'},
            ]
            table = ui.table(columns=columns, rows=[], row_key='id',
                             pagination={'page': 1, 'rowsPerPage': PAGE_SIZE, 'rowsNumber': 0}) \
                .classes('w-full cursor-pointer').props('flat bordered dense').mark('conversations')
            show_page = server_paged(table)

            def show_empty(filtered: bool) -> None:
                filtered_empty_state(table, filtered, text=t('conv.empty'), hint=t('conv.empty_hint'), icon='forum')

            show_empty(False)

            async def load(pagination: dict | None = None) -> None:
                p = pagination or table.pagination
                res = await run.io_bound(
                    lambda: service.list_conversations(
                        actor, q=search.value or '', lookup_status=status.value or None,
                        needs_clarification=True if clar.value else None, unread=bool(unread.value),
                        page=p.get('page', 1), page_size=p.get('rowsPerPage', PAGE_SIZE)))
                if res is None:
                    return
                table.rows = [{'id': c.id, 'customer': c.customer_name or c.external_chat_id,
                               'channel': channel_label(c.channel), 'last': c.last_message_text,
                               'status': ('⚠ ' + t('conv.needs_clarification') + ' · ' if c.needs_clarification
                                          else '') + (t(f'status.{c.last_lookup_status}')
                                                      if c.last_lookup_status else '—'),
                               'when': ago(c.last_message_at), 'unread': c.unread_count} for c in res.items]
                show_page(p, res.total)
                show_empty(bool(search.value or status.value or clar.value or unread.value))
                table.update()

            table.add_slot('body-cell-customer', '''
                <q-td :props="props" class="whitespace-normal" :class="props.row.unread ? 'text-weight-bold' : ''">
                  {{ props.row.customer }}
                  <q-badge v-if="props.row.unread" color="accent" rounded class="q-ml-xs">
                    {{ props.row.unread }}</q-badge>
                </q-td>''')
            table.on('request', lambda e: load(e.args['pagination']))
            table.on('rowClick', lambda e: ui.navigate.to(f'/conversations/{e.args[1]["id"]}'))
            for control in (search, status, clar, unread):
                control.on_value_change(lambda: load({**table.pagination, 'page': 1}))
            await load()

            # Own tenant only; stage steps of a running lookup change nothing in this list; a burst is one reload.
            live.on_tenant_changes(load, tenant_id=actor.tenant_id, kinds=('message', 'case'),
                                   when=lambda c: c.kind == 'message' or c.status != 'running')
            ui.timer(15, lambda: load() if not live.state['channel_ok'] else None)
