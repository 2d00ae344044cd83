"""The Alembic migrations build exactly the schema the models describe (a change without migration is a bug)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from portal_app.db.engine import get_engine
from portal_app.db.migrate import alembic_config


def test_migrated_database_matches_the_models():
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []


def test_migrated_database_is_at_the_latest_revision():
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    with get_engine().connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
