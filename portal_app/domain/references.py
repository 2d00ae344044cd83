"""People-facing references (AS-2026-000123): one counter row per prefix and year, never reused."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from portal_app.db.models import ReferenceCounter
from portal_app.domain import clock


def next_reference(session: Session, prefix: str) -> str:
    """Increment the counter in the caller's transaction; the row lock serialises concurrent callers."""
    year = clock.today_in_paris().year
    name = f"{prefix}-{year}"
    if session.get(ReferenceCounter, name) is None:
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(name=name, last_value=0))
        except sa.exc.IntegrityError:
            pass  # created by a concurrent transaction in the meantime
    session.execute(
        sa.update(ReferenceCounter)
        .where(ReferenceCounter.name == name)
        .values(last_value=ReferenceCounter.last_value + 1)
    )
    value = session.execute(sa.select(ReferenceCounter.last_value).where(ReferenceCounter.name == name)).scalar_one()
    return f"{prefix}-{year}-{value:06d}"
