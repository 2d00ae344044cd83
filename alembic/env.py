"""Alembic environment: uses the portal's engine and table metadata."""

from alembic import context
from sqlmodel import SQLModel

import portal_app.db.models  # noqa: F401  (registers the tables)
from portal_app.db.migrate import migration_connection

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        with migration_connection() as connection:  # `alembic upgrade` run by hand
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
