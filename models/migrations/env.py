"""Alembic environment: SQLModel metadata, batch mode on SQLite, an advisory lock on PostgreSQL."""

from alembic import context
from sqlalchemy import engine_from_config, pool, text
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)

config = context.config
if not config.get_main_option('sqlalchemy.url'):
    from lookup.settings import Settings

    config.set_main_option('sqlalchemy.url', Settings(storage_secret='alembic-cli').db_url.replace('%', '%%'))
target_metadata = SQLModel.metadata
MIGRATION_LOCK = 7401_2026  # any constant: several web processes may start at once


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option('sqlalchemy.url'), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get('connection') or engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix='sqlalchemy.', poolclass=pool.NullPool)
    with connectable.connect() as connection:
        is_pg = connection.dialect.name == 'postgresql'
        if is_pg:
            connection.execute(text('SELECT pg_advisory_lock(:k)'), {'k': MIGRATION_LOCK})
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=connection.dialect.name == 'sqlite', compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if is_pg:
                connection.execute(text('SELECT pg_advisory_unlock(:k)'), {'k': MIGRATION_LOCK})
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
