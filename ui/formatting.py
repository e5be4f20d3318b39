"""Small display helpers shared by pages."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal

from models.dbtypes import utcnow
from ui.i18n import lang, t


def ago(when: datetime | None) -> str:
    """`5 мин` / `5 min` style relative age."""
    if when is None:
        return ''
    secs = int((utcnow() - when).total_seconds())
    if secs < 60:
        return t('ago.seconds', n=max(secs, 0))
    if secs < 3600:
        return t('ago.minutes', n=secs // 60)
    if secs < 86400:
        return t('ago.hours', n=secs // 3600)
    return t('ago.days', n=secs // 86400)


def when(dt: datetime | None) -> str:
    return dt.astimezone().strftime('%d.%m.%Y %H:%M') if dt else ''


def number(value: object, pattern: str = '#,##0.#') -> str:
    """A number the way the user's language writes it (ru «4,5», en "4.5"); anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value, pattern, locale=lang())
    return '—' if value is None else str(value)
