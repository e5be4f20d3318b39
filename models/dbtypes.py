"""Portable column types (stable module path: Alembic revisions import it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

JSONType = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), 'postgresql')


class TZDateTime(TypeDecorator):
    """timestamptz on PostgreSQL; on SQLite stores UTC and attaches tzinfo on load (SQLite drops it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Row) -> int:
    """The primary key of a row that has been flushed. Tables declare `id: int | None` (None before the INSERT);
    code that holds a saved row uses this rather than passing an optional id on."""
    if row.id is None:
        raise ValueError(f'{type(row).__name__} has no id yet: add it and flush the session first')
    return row.id
