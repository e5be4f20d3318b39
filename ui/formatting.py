"""Small display helpers shared by pages."""

from __future__ import annotations

from datetime import datetime

from models.dbtypes import utcnow
from ui.i18n import lang


def ago(when: datetime | None) -> str:
    """`5 мин` / `5 min` style relative age."""
    if when is None:
        return ''
    secs = int((utcnow() - when).total_seconds())
    ru = lang() == 'ru'
    if secs < 60:
        return f'{max(secs, 0)} с' if ru else f'{max(secs, 0)} s'
    if secs < 3600:
        return f'{secs // 60} мин' if ru else f'{secs // 60} min'
    if secs < 86400:
        return f'{secs // 3600} ч' if ru else f'{secs // 3600} h'
    return f'{secs // 86400} дн' if ru else f'{secs // 86400} d'


def when(dt: datetime | None) -> str:
    return dt.astimezone().strftime('%d.%m.%Y %H:%M') if dt else ''
