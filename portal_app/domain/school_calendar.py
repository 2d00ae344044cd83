"""Days a school trip cannot happen: weekends, French public holidays, school holidays of a zone.

Dates come from maintained packages (`holidays` for public holidays, `vacances-scolaires-france` for
the school calendar of zones A, B and C); the zone of a school comes from its postcode's département
(data/school_zones.csv).
"""

from __future__ import annotations

import csv
import functools
from datetime import date

import holidays
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

from portal_app import settings
from portal_app.domain.postcodes import department


@functools.cache
def _zones() -> dict[str, str]:
    path = settings.REPO_ROOT / "data" / "school_zones.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["departement"]: row["zone"] for row in csv.DictReader(handle, delimiter=";")}


def school_zone(postcode: str) -> str | None:
    """A, B or C for a metropolitan postcode; None elsewhere (Corsica, overseas: own calendars)."""
    return _zones().get(department(postcode))


@functools.cache
def _school_dates() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@functools.cache
def _public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.France(years=year, language="fr"))


def public_holiday(day: date) -> str | None:
    return _public_holidays(day.year).get(day)


def school_holiday(day: date, zone: str | None) -> str | None:
    """The holiday's name (« Vacances de Noël ») when schools of the zone are closed that day."""
    if zone is None:
        return None
    try:
        entry = _school_dates().data.get(day)
    except UnsupportedYearException:
        return None
    if entry and entry.get(f"vacances_zone_{zone.lower()}"):
        return entry.get("nom_vacances") or "Vacances scolaires"
    return None


def reason_no_school(day: date, zone: str | None) -> str | None:
    """Why no school trip that day, in French; None on a school day."""
    if day.weekday() >= 5:
        return "week-end"
    name = public_holiday(day)
    if name:
        return f"jour férié ({name})"
    name = school_holiday(day, zone)
    if name:
        return f"{name} (zone {zone})"
    return None
