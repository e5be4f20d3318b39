"""Server-side pagination for a Quasar table: the row count stays the server's.

Quasar echoes its pagination back (`update:pagination`) when it mounts or normalises it; an echo that left before
the server's first page arrived carries `rowsNumber: 0`, and NiceGUI stores whatever the client sends, so the footer
read «1-0 из 0» over a full page (seen on admin pages, whose banner query made the first render slower)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui


def server_paged(table: ui.table) -> Callable[[dict, int], None]:
    """Returns `show(pagination, total)`, which sets the page shown and the total; a pagination the client sends
    later keeps that total."""
    total = 0

    def keep_total(e) -> None:  # noqa: ANN001  (ValueChangeEventArguments)
        if (e.value or {}).get('rowsNumber') != total:
            table.pagination = {**(e.value or {}), 'rowsNumber': total}

    def show(pagination: dict, n: int) -> None:
        nonlocal total
        total = n
        table.pagination = {**pagination, 'rowsNumber': n}

    table.on_pagination_change(keep_total)
    return show
