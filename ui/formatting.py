"""Small display helpers shared by pages."""

from __future__ import annotations

from datetime import datetime

from models.dbtypes import utcnow
from ui.i18n import t


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
