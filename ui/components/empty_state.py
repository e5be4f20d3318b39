"""A friendly empty state for tables: an icon and a sentence saying what would be here (not Quasar's bare
«Нет данных» with a warning triangle)."""

from __future__ import annotations

from html import escape

from nicegui import ui

from ui.i18n import t


def empty_state(table: ui.table, text: str, *, icon: str = 'inbox', hint: str = '') -> ui.table:
    """Fill the table's `no-data` slot (Quasar shows it instead of the footer while there are no rows).
    Call again to change the text (e.g. «nothing matches» while a filter is on); the caller updates the table."""
    hint_html = f'<div class="text-caption text-grey-6">{escape(hint)}</div>' if hint else ''
    table.add_slot('no-data', f'''
    <div class="full-width column items-center q-py-lg q-gutter-xs text-grey-7 empty-state">
      <q-icon name="{escape(icon)}" size="40px" color="grey-5" />
      <div class="text-body2">{escape(text)}</div>{hint_html}
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


def footer_texts(table: ui.table) -> ui.table:
    """The pagination footer in the user's language (Quasar's language pack is one per app, set to Russian)."""
    table.props(f'rows-per-page-label="{t("table.rows_per_page")}"')
    # A JS function prop (leading colon): NiceGUI evaluates it in the browser.
    table.props(f':pagination-label="(first, last, total) => first + \'-\' + last + \' {t("table.of")} \' + total"')
    return table
