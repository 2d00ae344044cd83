"""The engine and the unit of work used by every domain function."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from portal_app import settings

T = TypeVar("T")

_engine: sa.engine.Engine | None = None
_engine_url: str | None = None


def _make_engine(url: str) -> sa.engine.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def get_engine() -> sa.engine.Engine:
    global _engine, _engine_url
    if _engine is None:
        use_database(settings.DATABASE_URL)
    assert _engine is not None
    return _engine


def use_database(url: str) -> sa.engine.Engine:
    """Point the portal at another database (tests, CLI); disposes the previous engine."""
    global _engine, _engine_url
    if _engine is not None:
        _engine.dispose()
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    _engine = _make_engine(url)
    _engine_url = url
    return _engine


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


MAX_ID = 2**31 - 1  # INTEGER on both databases; a larger number from a request would make the query fail


def get_by_id(session: Session, model: type[T], row_id: object) -> T | None:
    """The row with this id, or None for anything that is not one (text, bool, 0, beyond INTEGER): an id from
    a request or an event is whatever the sender put there, and must never turn into a database error."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= MAX_ID:
        return None
    return session.get(model, row_id)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes even for timezone-aware columns: they are UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
