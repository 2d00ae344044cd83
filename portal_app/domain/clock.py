"""The current time, in one place so that tests can freeze it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today_in_paris() -> date:
    return now().astimezone(PARIS).date()


def freeze(moment: datetime | None) -> None:
    """Tests only: make now() return `moment` (None to unfreeze)."""
    global _frozen
    _frozen = moment.astimezone(UTC) if moment is not None else None
