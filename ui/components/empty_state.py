"""A friendly empty state for tables: an icon and a sentence saying what would be here (not Quasar's bare
«Нет данных» with a warning triangle)."""

from __future__ import annotations

from html import escape

from nicegui import ui

from ui.i18n import t


def empty_state(table: ui.table, text: str, *, icon: str = 'inbox', hint: str = '') -> ui.table:
    """Fill the table's `no-data` slot with a friendly empty state. Quasar shows that slot *instead of* the pagination
    footer while there are no rows, so the slot brings a footer line of its own, worded by the page's Quasar language
    pack like the real one («Строк на странице: 25 · 0-0 из 0»). Call again to change the text (e.g. «nothing
    matches» while a filter is on); the caller updates the table."""
    hint_html = f'<div class="text-caption text-grey-6">{escape(hint)}</div>' if hint else ''
    rows = int((table.pagination or {}).get('rowsPerPage') or 0)
    per_page = f'<span>{{{{ $q.lang.table.recordsPerPage }}}} {rows}</span>' if rows else ''
    table.add_slot('no-data', f'''
    <div class="full-width column">
      <div class="full-width column items-center q-py-lg q-gutter-xs text-grey-7 empty-state">
        <q-icon name="{escape(icon)}" size="40px" color="grey-5" />
        <div class="text-body2">{escape(text)}</div>{hint_html}
      </div>
      <div class="full-width row justify-end items-center q-gutter-x-lg text-grey-8 empty-footer">
        {per_page}<span>{{{{ $q.lang.table.pagination(0, 0, 0) }}}}</span>
      </div>
    </div>''')
    return table


def filtered_empty_state(table: ui.table, filtered: bool, *, text: str, hint: str, icon: str) -> None:
    """Empty state that tells «nothing matches» from «nothing yet» (only re-rendered when that changes)."""
    if getattr(table, '_empty_filtered', None) is filtered:
        return
    table._empty_filtered = filtered  # type: ignore[attr-defined]
    if filtered:
        empty_state(table, t('table.no_match'), icon='search_off', hint=t('table.no_match_hint'))
    else:
        empty_state(table, text, icon=icon, hint=hint)
