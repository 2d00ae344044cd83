"""How dates and times are written for a French reader (« jeudi 26 novembre 2026 », « 08:15 »)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date

from portal_app.domain.clock import PARIS


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """« 1 trajet », « 20 trajets », « 0 trajet »: French takes the singular below two, never « trajet(s) »."""
    word = singular if abs(count) < 2 else (plural or " ".join(w + "s" for w in singular.split(" ")))
    return f"{count} {word}"


def long_date(value: date | None) -> str:
    """« jeudi 26 novembre 2026 », « mercredi 1er juillet 2026 »."""
    if not value:
        return ""
    text = format_date(value, format="full", locale="fr_FR")
    return text.replace(" 1 ", " 1er ", 1) if value.day == 1 else text


def day_date(value: date | None) -> str:
    """Without the weekday, for birth dates: « 12 mars 1984 », « 1er mai 2018 »."""
    if not value:
        return ""
    text = format_date(value, format="long", locale="fr_FR")
    return text.replace("1 ", "1er ", 1) if value.day == 1 else text


def short_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def paris_datetime(value: datetime | None) -> str:
    """« jeudi 26 novembre 2026 à 08:15 » in Paris time."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive datetimes: they are UTC
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(PARIS)
    return f"{long_date(local.date())} à {local:%H:%M}"
