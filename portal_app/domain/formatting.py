"""How dates and times are written for a French reader (« jeudi 26 novembre 2026 », « 08:15 »)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from portal_app.domain.clock import PARIS


def long_date(value: date | None) -> str:
    return format_date(value, format="full", locale="fr_FR") if value else ""


def short_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def paris_datetime(value: datetime | None) -> str:
    """« jeudi 26 novembre 2026 à 08:15 » in Paris time."""
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    return f"{long_date(local.date())} à {local:%H:%M}"
