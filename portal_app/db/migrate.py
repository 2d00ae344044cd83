"""Applies the Alembic migrations to the configured database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic.config import Config

from alembic import command
from portal_app import settings
from portal_app.db.engine import get_engine


def alembic_config() -> Config:
    config = Config(str(settings.REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(settings.REPO_ROOT / "alembic"))
    return config


@contextmanager
def migration_connection() -> Iterator[sa.Connection]:
    """A connection in one transaction for the migrations.

    On SQLite, Alembic's batch mode rebuilds a table (copy, drop, rename): with foreign keys enforced,
    dropping a table that other rows refer to fails. SQLite switches them only outside a transaction
    (its documented procedure for table rebuilds): off for the migrations, every reference checked
    (PRAGMA foreign_key_check) before the commit, and on again afterwards.
    """
    engine = get_engine()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration refused: rows refer to missing rows {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def upgrade_to_head() -> None:
    config = alembic_config()
    with migration_connection() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
