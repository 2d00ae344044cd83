"""Calendar files (.ics, RFC 5545) of a member's trips, built with the `icalendar` library.

Escaping, line folding and the calendar's structure are the library's job, not ours: a hand-written
writer got them subtly wrong once (folding inside a UTF-8 character). Times are Europe/Paris local times
with the zone defined in the file (a TZID used must have its VTIMEZONE), written as the yearly rule of
European summer time rather than the library's list of past transitions, so the file stays short and
valid after 2038. Any list of trips (the trips to come, the trips of one booking) makes one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from portal_app.domain import clock
from portal_app.domain.clock import PARIS

if TYPE_CHECKING:  # trips imports this module: the type only
    from portal_app.domain.trips import TripView

PRODID = "-//Espace Assistance//Trajets//FR"
TRIP_MINUTES = 45  # a trip's event lasts this long from the pick-up time
UID_DOMAIN = "espace-assistance"


def _paris_timezone() -> Timezone:
    """Europe/Paris as RFC 5545 wants it: CET, and CEST from the last Sunday of March to the last of October."""
    zone = Timezone()
    zone.add("tzid", "Europe/Paris")
    summer = TimezoneDaylight()
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _trip_event(trip: TripView, stamp: datetime) -> Event:
    start = datetime.combine(date.fromisoformat(trip.day_iso), time.fromisoformat(trip.pickup_time), tzinfo=PARIS)
    event = Event()
    event.add("uid", f"trajet-{trip.trip_id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=TRIP_MINUTES))
    event.add("summary", f"Trajet de {trip.child} : {trip.from_label} → {trip.to_label}")
    event.add("location", trip.from_address)
    event.add(
        "description",
        f"Prise en charge à {trip.pickup_time}, {trip.from_address} → {trip.to_address}. Statut : {trip.status_label}.",
    )
    return event


def trips_calendar(trips: Iterable[TripView]) -> str:
    """One calendar file holding one event per trip (CRLF line ends, lines folded at 75 octets)."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(_paris_timezone())
    stamp = clock.now().astimezone(UTC)
    for trip in trips:
        calendar.add_component(_trip_event(trip, stamp))
    return calendar.to_ical().decode("utf-8")
