"""Applies the Alembic migrations to the configured database."""

from __future__ import annotations

from alembic.config import Config

from alembic import command
from portal_app import settings
from portal_app.db.engine import get_engine


def alembic_config() -> Config:
    config = Config(str(settings.REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(settings.REPO_ROOT / "alembic"))
    return config


def upgrade_to_head() -> None:
    config = alembic_config()
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
