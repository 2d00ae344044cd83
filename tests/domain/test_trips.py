"""School-transport trips: the school calendar on real 2026–2027 dates, planning a series with skipped days,
the 18:00 cut-off, the entitlement (also under concurrent bookings), authorisation and the calendar file."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlmodel import select
from vacances_scolaires_france import SchoolHolidayDates

from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent, Entitlement, Trip
from portal_app.domain import actors, addresses, assistance_files, school_calendar, trips
from portal_app.domain.clock import PARIS
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser, pending_adviser_token
from .support import CLAIRE, PAUL, Member, actor_of, all_rows, count
from .trips_support import (
    LYON_SCHOOL,
    add_home,
    add_school,
    beneficiary_id,
    days,
    entitlement,
    live_trips,
    open_transport,
    paris,
    relogin,
    request,
    skipped,
    trip_rows,
)


@pytest.fixture(autouse=True)
def _monday_after_all_saints(frozen_clock):
    """Monday 2 November 2026, 10:00 in Paris, before anyone logs in (sessions idle out after 30 min)."""
    frozen_clock.set(paris(2026, 11, 2, 10, 0))
    return frozen_clock


@pytest.fixture
def adviser():
    return enrol_adviser()


@dataclass
class Family:
    member: Member
    lea: int
    hugo: int
    home: int
    school: int  # École Jules Ferry, Paris 11e: zone C

    @property
    def actor(self) -> actors.Actor:
        return self.member.token

    def ask(self, date_from: str, date_to: str = "", *, child: int | None = None, **changes) -> trips.TripRequest:
        return request(child or self.lea, self.home, self.school, date_from, date_to, **changes)


@pytest.fixture
def family(claire) -> Family:
    """Claire logged in, her home and Léa's school in Paris; no entitlement yet."""
    return Family(
        claire, beneficiary_id(CLAIRE, "Léa"), beneficiary_id(CLAIRE, "Hugo"), add_home(claire), add_school(claire)
    )


@pytest.fixture
def rights(adviser, family) -> int:
    """100 school trips from 2 November 2026 to 2 July 2027."""
    return open_transport(adviser, CLAIRE)


def d(text: str) -> date:
    return date.fromisoformat(text)


def weekdays_between(first: str, last: str) -> list[date]:
    day, end, found = d(first), d(last), []
    while day <= end:
        if day.weekday() < 5:
            found.append(day)
        day += timedelta(days=1)
    return found


# --- the school calendar (maintained packages) ----------------------------------------------------


@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_christmas_holidays_2026_close_the_schools_of_every_zone(zone):
    assert school_calendar.reason_no_school(d("2026-12-21"), zone) == f"Vacances de Noël (zone {zone})"
    assert school_calendar.reason_no_school(d("2026-12-18"), zone) is None  # last school day, a Friday


def test_winter_holidays_2027_start_on_6_february_in_zone_c_and_13_february_in_zone_a():
    # The package's own data (vacances-scolaires-france 0.12.0): zone C from Saturday 6 February,
    # zone A from Saturday 13 February 2027.
    data = SchoolHolidayDates()
    assert data.is_holiday_for_zone(d("2027-02-06"), "C") and not data.is_holiday_for_zone(d("2027-02-05"), "C")
    assert data.is_holiday_for_zone(d("2027-02-13"), "A") and not data.is_holiday_for_zone(d("2027-02-12"), "A")
    assert school_calendar.reason_no_school(d("2027-02-10"), "C") == "Vacances d'hiver (zone C)"
    assert school_calendar.reason_no_school(d("2027-02-10"), "A") is None
    assert school_calendar.reason_no_school(d("2027-02-15"), "A") == "Vacances d'hiver (zone A)"


@pytest.mark.parametrize("zone", ["A", "B", "C", None])
def test_armistice_day_is_a_public_holiday_everywhere(zone):
    assert school_calendar.reason_no_school(d("2026-11-11"), zone) == "jour férié (Armistice)"


def test_saturdays_and_sundays_are_weekends():
    assert school_calendar.reason_no_school(d("2026-11-14"), "C") == "week-end"
    assert school_calendar.reason_no_school(d("2026-11-15"), "C") == "week-end"
    assert school_calendar.reason_no_school(d("2026-11-13"), "C") is None


@pytest.mark.parametrize(
    ("postcode", "zone"),
    [("69001", "A"), ("42000", "A"), ("13001", "B"), ("75011", "C"), ("93200", "C"), ("20000", None)],
)
def test_the_school_zone_comes_from_the_postcode(postcode, zone):
    assert school_calendar.school_zone(postcode) == zone


# --- planning: preview and book -------------------------------------------------------------------


def test_a_single_trip_is_previewed_without_writing_then_booked(family, rights):
    plan = trips.preview(family.actor, family.ask("2026-11-09"))
    assert days(plan) == [d("2026-11-09")] and plan.skipped == []
    assert (plan.trips, plan.remaining_before, plan.remaining_after) == (1, 100, 99)
    assert plan.days[0].label == "lundi 9 novembre 2026"
    assert count(Trip) == 0 and entitlement(rights).used == 0

    assert trips.book(family.actor, family.ask("2026-11-09", notes="Sonner  à l'interphone")) == 1
    [trip] = trip_rows()
    assert (trip.beneficiary_id, trip.trip_date, trip.direction, trip.pickup_time) == (
        family.lea,
        d("2026-11-09"),
        "aller",
        "08:15",
    )
    assert (trip.from_address_id, trip.to_address_id, trip.status) == (family.home, family.school, "planned")
    assert trip.notes == "Sonner à l'interphone"
    assert entitlement(rights).used == 1
    upcoming, past = trips.list_trips(family.actor)
    assert [(t.child, t.day, t.status_label) for t in upcoming] == [("Léa", "lundi 9 novembre 2026", "planifié")]
    assert past == []


def test_the_return_goes_from_school_to_home_at_the_return_time(family, rights):
    trips.book(family.actor, family.ask("2026-11-09", directions=("aller", "retour"), return_time="16:45"))
    outward, back = trip_rows()
    assert (outward.direction, outward.from_address_id, outward.to_address_id, outward.pickup_time) == (
        "aller",
        family.home,
        family.school,
        "08:15",
    )
    assert (back.direction, back.from_address_id, back.to_address_id, back.pickup_time) == (
        "retour",
        family.school,
        family.home,
        "16:45",
    )
    assert entitlement(rights).used == 2


def test_a_return_only_series_books_no_outward_trip(family, rights):
    assert trips.book(family.actor, family.ask("2026-11-09", "2026-11-10", directions=("retour",))) == 2
    assert {t.direction for t in trip_rows()} == {"retour"}


def test_a_monday_to_friday_series_steps_over_the_weekend_and_skips_armistice_day(family, rights):
    plan = trips.preview(family.actor, family.ask("2026-11-09", "2026-11-20"))
    expected = [day for day in weekdays_between("2026-11-09", "2026-11-20") if day != d("2026-11-11")]
    assert days(plan) == expected
    assert skipped(plan) == {d("2026-11-11"): "jour férié (Armistice)"}
    assert trips.book(family.actor, family.ask("2026-11-09", "2026-11-20")) == 9
    assert [t.trip_date for t in trip_rows()] == expected


def test_a_saturday_asked_for_is_skipped_as_a_weekend(family, rights):
    plan = trips.preview(family.actor, family.ask("2026-11-12", "2026-11-16", weekdays=(0, 3, 4, 5, 6)))
    assert days(plan) == [d("2026-11-12"), d("2026-11-13"), d("2026-11-16")]
    assert skipped(plan) == {d("2026-11-14"): "week-end", d("2026-11-15"): "week-end"}


def test_only_the_chosen_days_of_the_week_are_booked(family, rights):
    plan = trips.preview(family.actor, family.ask("2026-11-09", "2026-11-22", weekdays=(1, 3)))
    assert days(plan) == [d("2026-11-10"), d("2026-11-12"), d("2026-11-17"), d("2026-11-19")]


def test_school_holidays_are_those_of_the_schools_zone_not_the_homes(family, rights):
    lyon = add_school(family.member, **LYON_SCHOOL)  # zone A; the home stays in Paris (zone C)
    paris_plan = trips.preview(family.actor, family.ask("2027-02-08", "2027-02-19"))
    lyon_plan = trips.preview(family.actor, request(family.lea, family.home, lyon, "2027-02-08", "2027-02-19"))

    assert days(paris_plan) == []
    assert skipped(paris_plan) == {
        day: "Vacances d'hiver (zone C)" for day in weekdays_between("2027-02-08", "2027-02-19")
    }
    assert days(lyon_plan) == weekdays_between("2027-02-08", "2027-02-12")
    assert skipped(lyon_plan) == {
        day: "Vacances d'hiver (zone A)" for day in weekdays_between("2027-02-15", "2027-02-19")
    }


def test_a_spring_series_skips_easter_monday_and_the_spring_holidays_of_the_zone(family, rights):
    lyon = add_school(family.member, **LYON_SCHOOL)
    paris_plan = trips.preview(family.actor, family.ask("2027-03-22", "2027-04-16"))
    lyon_plan = trips.preview(family.actor, request(family.lea, family.home, lyon, "2027-03-22", "2027-04-16"))
    easter = {d("2027-03-29"): "jour férié (Lundi de Pâques)"}
    assert skipped(paris_plan) == easter | {
        day: "Vacances de printemps (zone C)" for day in weekdays_between("2027-04-05", "2027-04-16")
    }
    assert skipped(lyon_plan) == easter | {
        day: "Vacances de printemps (zone A)" for day in weekdays_between("2027-04-12", "2027-04-16")
    }
    assert d("2027-04-07") in days(lyon_plan) and d("2027-04-07") not in days(paris_plan)


def test_dates_already_booked_are_skipped(family, rights):
    trips.book(family.actor, family.ask("2026-11-10"))
    plan = trips.preview(family.actor, family.ask("2026-11-09", "2026-11-13"))
    assert skipped(plan) == {d("2026-11-10"): "déjà planifié", d("2026-11-11"): "jour férié (Armistice)"}
    assert trips.book(family.actor, family.ask("2026-11-09", "2026-11-13")) == 3
    assert entitlement(rights).used == 4 and len(live_trips()) == 4


def test_the_direction_not_yet_booked_is_still_planned_on_a_booked_day(family, rights):
    trips.book(family.actor, family.ask("2026-11-10"))
    plan = trips.preview(family.actor, family.ask("2026-11-10", directions=("aller", "retour")))
    assert [(p.day, p.directions, p.note) for p in plan.days] == [
        (d("2026-11-10"), ("retour",), "aller : déjà planifié")
    ]


def test_dates_beyond_the_remaining_entitlement_are_skipped_and_never_booked(adviser, family):
    rights = open_transport(adviser, CLAIRE, quantity=3)
    plan = trips.preview(family.actor, family.ask("2026-11-16", "2026-11-20"))
    assert days(plan) == weekdays_between("2026-11-16", "2026-11-18")
    assert skipped(plan) == {d("2026-11-19"): "droits insuffisants", d("2026-11-20"): "droits insuffisants"}
    assert (plan.remaining_before, plan.remaining_after) == (3, 0)

    assert trips.book(family.actor, family.ask("2026-11-16", "2026-11-20")) == 3
    assert entitlement(rights).used == 3
    with pytest.raises(ValidationError):
        trips.book(family.actor, family.ask("2026-11-23", "2026-11-27"))
    assert entitlement(rights).used == 3 and len(live_trips()) == 3


def test_with_both_directions_the_last_remaining_trip_is_the_outward_one(adviser, family):
    rights = open_transport(adviser, CLAIRE, quantity=3)
    plan = trips.preview(family.actor, family.ask("2026-11-16", "2026-11-18", directions=("aller", "retour")))
    assert [(p.day, p.directions, p.note) for p in plan.days] == [
        (d("2026-11-16"), ("aller", "retour"), ""),
        (d("2026-11-17"), ("aller",), "retour : droits insuffisants"),
    ]
    assert skipped(plan) == {d("2026-11-18"): "droits insuffisants"}
    assert trips.book(family.actor, family.ask("2026-11-16", "2026-11-18", directions=("aller", "retour"))) == 3
    assert entitlement(rights).used == entitlement(rights).quantity == 3


def test_dates_outside_the_entitlements_period_are_skipped(adviser, family):
    open_transport(adviser, CLAIRE, start="2026-11-02", end="2026-11-13")
    plan = trips.preview(family.actor, family.ask("2026-11-12", "2026-11-17"))
    assert days(plan) == [d("2026-11-12"), d("2026-11-13")]
    assert skipped(plan) == {
        d("2026-11-16"): "hors de la période de vos droits",
        d("2026-11-17"): "hors de la période de vos droits",
    }


def test_without_a_transport_entitlement_nothing_can_be_planned(family):
    with pytest.raises(ValidationError) as refused:
        trips.preview(family.actor, family.ask("2026-11-09"))
    assert "Conduite à l'école" in refused.value.errors["general"]


def test_a_closed_assistance_file_gives_no_more_trips(adviser, family, rights):
    with session_scope() as session:
        file_id = session.get(Entitlement, rights).assistance_file_id
    assistance_files.close_file(adviser.token, file_id)
    with pytest.raises(ValidationError) as refused:
        trips.book(family.actor, family.ask("2026-11-09"))
    assert "general" in refused.value.errors and count(Trip) == 0


# --- what a trip needs ----------------------------------------------------------------------------


@pytest.mark.parametrize(("contract", "first_name"), [(PAUL, "Zoé"), (CLAIRE, "Claire"), (CLAIRE, "Julien")])
def test_the_child_must_be_a_child_of_the_members_contract(adviser, family, rights, paul, contract, first_name):
    someone = beneficiary_id(contract, first_name)
    with pytest.raises(ValidationError) as refused:
        trips.book(family.actor, family.ask("2026-11-09", child=someone))
    assert set(refused.value.errors) == {"child"}
    assert count(Trip) == 0 and entitlement(rights).used == 0


@pytest.mark.parametrize("child", [987654, 2**31, 2**63, -1])
def test_an_unknown_child_is_refused(family, rights, child):
    with pytest.raises(ValidationError) as refused:
        trips.preview(family.actor, family.ask("2026-11-09", child=child))
    assert set(refused.value.errors) == {"child"}


@pytest.mark.parametrize("trip_id", [2**31, 2**63, -1, "1", True])
def test_a_trip_id_that_is_not_one_is_not_found_never_a_database_error(family, trip_id):
    with pytest.raises(NotFound):
        trips.cancel(family.actor, trip_id)
    with pytest.raises(NotFound):
        trips.change(family.actor, trip_id, "08:30", "")


def test_the_pick_up_must_be_a_home_and_the_drop_off_a_school(family, rights):
    other = add_home(family.member, label="Piscine", kind="autre", street="rue de la Folie-Méricourt")
    with pytest.raises(ValidationError) as refused:
        trips.preview(family.actor, request(family.lea, family.school, family.home, "2026-11-09"))
    assert set(refused.value.errors) == {"home", "school"}
    with pytest.raises(ValidationError) as refused:
        trips.preview(family.actor, request(family.lea, family.home, other, "2026-11-09"))
    assert set(refused.value.errors) == {"school"}


@pytest.mark.parametrize("kind", ["college", "lycee"])
def test_a_college_or_a_lycee_is_a_school(family, rights, kind):
    school = add_school(family.member, label="Établissement", kind=kind)
    assert trips.book(family.actor, request(family.lea, family.home, school, "2026-11-09")) == 1


def test_another_members_addresses_cannot_be_used(adviser, family, rights, paul):
    paul_home = add_home(paul, street="quai du Port", street_number="8", postcode="13002", city="Marseille")
    paul_school = add_school(paul, street="rue Caisserie", street_number="2", postcode="13002", city="Marseille")
    with pytest.raises(ValidationError) as refused:
        trips.book(family.actor, request(family.lea, paul_home, paul_school, "2026-11-09"))
    assert set(refused.value.errors) == {"home", "school"}
    assert count(Trip) == 0


def test_a_deleted_address_cannot_be_used(family, rights):
    old_school = add_school(family.member, label="Ancienne école", street="rue Saint-Sabin", street_number="9")
    addresses.delete_address(family.actor, old_school)
    with pytest.raises(ValidationError) as refused:
        trips.preview(family.actor, request(family.lea, family.home, old_school, "2026-11-09"))
    assert set(refused.value.errors) == {"school"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"directions": ()}, "directions"),
        ({"directions": ("ailleurs",)}, "directions"),
        ({"outward_time": "8h15"}, "outward_time"),
        ({"outward_time": "05:30"}, "outward_time"),
        ({"outward_time": "24:00"}, "outward_time"),
        ({"directions": ("retour",), "return_time": ""}, "return_time"),
        ({"directions": ("aller", "retour"), "return_time": "20:30"}, "return_time"),
        ({"weekdays": ()}, "weekdays"),
        ({"date_to": "2026-11-06"}, "date_to"),
        ({"date_to": "2027-12-01"}, "date_to"),
        ({"date_from": "09/11/2026"}, "date_from"),
        ({"notes": "x" * 301}, "notes"),
    ],
)
def test_directions_times_days_and_dates_are_checked(family, rights, changes, field):
    values = {"date_from": "2026-11-09", "date_to": "2026-11-13"} | changes
    date_from, date_to = values.pop("date_from"), values.pop("date_to")
    with pytest.raises(ValidationError) as refused:
        trips.book(family.actor, family.ask(date_from, date_to, **values))
    assert field in refused.value.errors
    assert count(Trip) == 0


def test_an_adviser_or_a_visitor_cannot_plan(family, rights):
    adviser = enrol_adviser("autre.conseiller@example.fr").token
    pending = actor_of(pending_adviser_token("autre.conseiller@example.fr"))
    for outsider in (adviser, pending, None):
        with pytest.raises(NotAllowed):
            trips.book(outsider, family.ask("2026-11-09"))
        with pytest.raises(NotAllowed):
            trips.list_trips(outsider)
    assert count(Trip) == 0


# --- the 18:00 cut-off (Europe/Paris) -------------------------------------------------------------


def test_tomorrow_can_still_be_planned_at_17_59_the_day_before(family, rights, frozen_clock):
    frozen_clock.set(paris(2026, 11, 8, 17, 59))  # Sunday, 16:59 UTC in winter time
    member = relogin(family.member)
    assert trips.book(member.token, family.ask("2026-11-09")) == 1


def test_at_18_00_the_day_before_it_is_too_late(family, rights, frozen_clock):
    frozen_clock.set(paris(2026, 11, 8, 18, 0))
    member = relogin(family.member)
    plan = trips.preview(member.token, family.ask("2026-11-09", "2026-11-10"))
    assert skipped(plan) == {d("2026-11-09"): "trop tard (au plus tard la veille à 18 h)"}
    assert days(plan) == [d("2026-11-10")]
    with pytest.raises(ValidationError):
        trips.book(member.token, family.ask("2026-11-09"))
    assert count(Trip) == 0 and entitlement(rights).used == 0


def test_the_cut_off_follows_summer_time(family, rights, frozen_clock):
    frozen_clock.set(paris(2027, 5, 31, 17, 59))  # 15:59 UTC in summer time
    member = relogin(family.member)
    assert days(trips.preview(member.token, family.ask("2027-06-01"))) == [d("2027-06-01")]
    frozen_clock.set(paris(2027, 5, 31, 18, 0))
    member = relogin(family.member)
    assert days(trips.preview(member.token, family.ask("2027-06-01"))) == []


def test_a_trip_for_today_is_never_possible(family, rights, frozen_clock):
    frozen_clock.set(paris(2026, 11, 9, 6, 0))
    member = relogin(family.member)
    plan = trips.preview(member.token, family.ask("2026-11-09"))
    assert skipped(plan) == {d("2026-11-09"): "trop tard (au plus tard la veille à 18 h)"}
    with pytest.raises(ValidationError):
        trips.book(member.token, family.ask("2026-11-09"))


def test_cancelling_before_the_cut_off_gives_the_entitlement_back(family, rights, frozen_clock):
    trips.book(family.actor, family.ask("2026-11-09", "2026-11-10"))
    assert entitlement(rights).used == 2
    frozen_clock.set(paris(2026, 11, 8, 17, 59))
    member = relogin(family.member)
    monday = trip_rows(Trip.trip_date == d("2026-11-09"))[0]
    trips.cancel(member.token, monday.id)
    assert entitlement(rights).used == 1
    assert trip_rows(Trip.id == monday.id)[0].status == "cancelled"
    upcoming, past = trips.list_trips(member.token)
    assert [t.day_iso for t in upcoming] == ["2026-11-10"]
    assert [(t.day_iso, t.status_label, t.can_change) for t in past] == [("2026-11-09", "annulé", False)]
    assert [e.action for e in all_rows(AuditEvent, AuditEvent.target_type == "trip")] == ["trip_cancelled"]


def test_cancelling_twice_gives_back_only_once(family, rights):
    trips.book(family.actor, family.ask("2026-11-09"))
    trip_id = trip_rows()[0].id
    trips.cancel(family.actor, trip_id)
    with pytest.raises(ValidationError):
        trips.cancel(family.actor, trip_id)
    assert entitlement(rights).used == 0


def test_cancelling_or_changing_after_the_cut_off_is_refused(family, rights, frozen_clock):
    trips.book(family.actor, family.ask("2026-11-09"))
    trip_id = trip_rows()[0].id
    frozen_clock.set(paris(2026, 11, 8, 18, 0))
    member = relogin(family.member)
    with pytest.raises(ValidationError) as refused:
        trips.cancel(member.token, trip_id)
    assert refused.value.message == trips.TOO_LATE
    with pytest.raises(ValidationError):
        trips.change(member.token, trip_id, "08:30", "")
    assert trip_rows()[0].status == "planned" and trip_rows()[0].pickup_time == "08:15"
    assert entitlement(rights).used == 1
    assert trips.list_trips(member.token)[0][0].can_change is False


def test_a_trip_to_come_can_be_changed_before_the_cut_off(family, rights):
    trips.book(family.actor, family.ask("2026-11-09"))
    trip_id = trip_rows()[0].id
    trips.change(family.actor, trip_id, "08:40", "  Entrée  rue Saint-Maur ")
    assert (trip_rows()[0].pickup_time, trip_rows()[0].notes) == ("08:40", "Entrée rue Saint-Maur")
    with pytest.raises(ValidationError) as refused:
        trips.change(family.actor, trip_id, "4:40", "")
    assert set(refused.value.errors) == {"pickup_time"}
    assert entitlement(rights).used == 1


# --- one trip per child, direction and day --------------------------------------------------------


def test_the_same_child_cannot_have_two_trips_in_the_same_direction_on_a_day(family, rights):
    trips.book(family.actor, family.ask("2026-11-09"))
    with pytest.raises(ValidationError):
        trips.book(family.actor, family.ask("2026-11-09"))
    assert trips.book(family.actor, family.ask("2026-11-09", child=family.hugo)) == 1
    assert trips.book(family.actor, family.ask("2026-11-09", directions=("retour",))) == 1
    assert len(live_trips(Trip.beneficiary_id == family.lea)) == 2
    assert entitlement(rights).used == 3


def test_a_cancelled_trip_can_be_booked_again(family, rights):
    trips.book(family.actor, family.ask("2026-11-09"))
    trips.cancel(family.actor, trip_rows()[0].id)
    assert trips.book(family.actor, family.ask("2026-11-09")) == 1
    assert sorted(t.status for t in trip_rows()) == ["cancelled", "planned"]
    assert entitlement(rights).used == 1


def _raw_trip(trip: Trip, status: str) -> Trip:
    fields = trip.model_dump(exclude={"id", "created_at", "updated_at", "status", "cancelled_at"})
    return Trip(**fields, status=status)


def test_the_database_refuses_a_second_live_trip_for_the_same_child_direction_and_day(family, rights):
    trips.book(family.actor, family.ask("2026-11-09"))
    [booked] = trip_rows()
    with pytest.raises(sa.exc.IntegrityError), session_scope() as session:
        session.add(_raw_trip(booked, "confirmed"))
    assert count(Trip) == 1


def test_a_cancelled_row_does_not_block_the_database_index(family, rights):
    trips.book(family.actor, family.ask("2026-11-09"))
    [booked] = trip_rows()
    with session_scope() as session:
        session.add(_raw_trip(booked, "cancelled"))
        session.add(_raw_trip(booked, "cancelled"))
    assert count(Trip) == 3


# --- another member's trips -----------------------------------------------------------------------


def test_a_member_cannot_cancel_change_or_list_another_members_trips(adviser, family, rights, paul):
    trips.book(family.actor, family.ask("2026-11-09"))
    trip_id = trip_rows()[0].id
    with pytest.raises(NotFound):
        trips.cancel(paul.token, trip_id)
    with pytest.raises(NotFound):
        trips.change(paul.token, trip_id, "09:00", "piégé")
    assert trips.list_trips(paul.token) == ([], [])
    assert "Léa" not in trips.calendar_file(paul.token)
    [trip] = trip_rows()
    assert (trip.status, trip.pickup_time, trip.notes) == ("planned", "08:15", "")
    assert entitlement(rights).used == 1


def test_a_member_cannot_plan_on_another_contracts_entitlement(adviser, family, paul):
    open_transport(adviser, CLAIRE, quantity=5)
    paul_home = add_home(paul, street="quai du Port", street_number="8", postcode="13002", city="Marseille")
    paul_school = add_school(paul, street="rue Caisserie", street_number="2", postcode="13002", city="Marseille")
    with pytest.raises(ValidationError) as refused:
        trips.preview(paul.token, request(beneficiary_id(PAUL, "Zoé"), paul_home, paul_school, "2026-11-09"))
    assert "general" in refused.value.errors


# --- the plan changed between preview and book ----------------------------------------------------


def test_booking_is_refused_when_the_plan_changed_since_the_preview(family, rights):
    wanted = family.ask("2026-11-09", "2026-11-13")
    plan = trips.preview(family.actor, wanted)
    trips.book(family.actor, family.ask("2026-11-12"))  # meanwhile, from another tab
    with pytest.raises(ValidationError) as refused:
        trips.book(family.actor, wanted, expected_trips=plan.trips)
    assert refused.value.message == trips.CHANGED_MEANWHILE
    assert len(live_trips()) == 1 and entitlement(rights).used == 1
    assert trips.book(family.actor, wanted, expected_trips=trips.preview(family.actor, wanted).trips) == 3


# --- the calendar file ----------------------------------------------------------------------------


def _parsed(text: str) -> Calendar:
    """The file as a calendar program reads it (icalendar's parser), after RFC 5545's line rules."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    return Calendar.from_ical(text)


def test_the_trips_to_come_export_as_an_icalendar_file(family, rights, frozen_clock):
    trips.book(family.actor, family.ask("2026-11-03"))
    trips.book(family.actor, family.ask("2026-11-09", "2026-11-10", directions=("aller", "retour")))
    cancelled = trip_rows(Trip.trip_date == d("2026-11-10"), Trip.direction == "retour")[0]
    trips.cancel(family.actor, cancelled.id)
    frozen_clock.set(paris(2026, 11, 4, 9, 0))  # the trip of 3 November is past
    member = relogin(family.member)

    text = trips.calendar_file(member.token)
    calendar = _parsed(text)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == "-//Espace Assistance//Trajets//FR"
    # Each trip to come, once, at its pick-up time in Paris (the past one and the cancelled one are not there).
    events = calendar.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [
        datetime(2026, 11, 9, 8, 15, tzinfo=PARIS),
        datetime(2026, 11, 9, 16, 30, tzinfo=PARIS),
        datetime(2026, 11, 10, 8, 15, tzinfo=PARIS),
    ]
    live = {t.id for t in live_trips() if t.trip_date >= d("2026-11-09")}
    assert {str(e["UID"]) for e in events} == {f"trajet-{trip_id}@espace-assistance" for trip_id in live}
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(minutes=45) for e in events)
    assert all(e.decoded("DTSTAMP") == datetime(2026, 11, 4, 8, 0, tzinfo=UTC) for e in events)
    assert "DTSTART;TZID=Europe/Paris:20261109T081500" in text
    assert str(events[0]["LOCATION"]) == "12 rue Oberkampf, 75011 Paris"
    assert "LOCATION:12 rue Oberkampf\\, 75011 Paris" in text  # escaped as RFC 5545 wants
    assert str(events[1]["LOCATION"]) == "5 rue Saint-Maur, 75011 Paris"
    assert all("Léa" in str(e["SUMMARY"]) for e in events)
    assert "Statut : planifié." in str(events[0]["DESCRIPTION"])
    # Every TZID used is defined by a VTIMEZONE (RFC 5545, 3.2.19), with the yearly summer-time rule.
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    assert {str(part["TZNAME"]) for part in zone.subcomponents} == {"CET", "CEST"}


def test_an_empty_calendar_is_still_a_calendar(family):
    calendar = _parsed(trips.calendar_file(family.actor))
    assert calendar.name == "VCALENDAR" and calendar.walk("VEVENT") == []


# --- the entitlement under concurrent bookings ----------------------------------------------------


def _book_all_at_once(actor_for, requests: list[trips.TripRequest]) -> list[int | Exception]:
    """Each request in its own thread; a barrier releases them together so that the transactions overlap."""
    barrier = threading.Barrier(len(requests))

    def one(index: int) -> int | Exception:
        barrier.wait(timeout=30)
        try:
            return trips.book(actor_for(index), requests[index])
        except Exception as error:  # collected, then checked by the test
            return error

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, range(len(requests))))


def _assert_consistent(entitlement_ids: list[int]) -> None:
    live = live_trips()
    used = sum(entitlement(e).used for e in entitlement_ids)
    assert used == len(live)
    for entitlement_id in entitlement_ids:
        granted = entitlement(entitlement_id)
        assert granted.used <= granted.quantity
        assert granted.used == len([t for t in live if t.entitlement_id == entitlement_id])
    keys = [(t.beneficiary_id, t.trip_date, t.direction) for t in live]
    assert len(keys) == len(set(keys))


def _losses_are_clean(results: list[int | Exception]) -> None:
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ValidationError) for e in errors), [repr(e) for e in errors]


@pytest.mark.parametrize("tabs", ["one session", "one session per tab"])
def test_concurrent_bookings_of_different_days_never_over_use_the_entitlement(adviser, family, tabs):
    rights = open_transport(adviser, CLAIRE, quantity=5)
    members = [family.actor] * 10 if tabs == "one session" else [relogin(family.member).token for _ in range(10)]
    school_days = weekdays_between("2026-11-16", "2026-11-27")  # ten school days
    results = _book_all_at_once(lambda i: members[i], [family.ask(day.isoformat()) for day in school_days])
    _losses_are_clean(results)
    assert sum(r for r in results if isinstance(r, int)) == len(live_trips()) == entitlement(rights).used == 5
    _assert_consistent([rights])


def test_concurrent_bookings_of_the_same_days_book_each_day_once(adviser, family):
    rights = open_transport(adviser, CLAIRE, quantity=100)
    week = family.ask("2026-11-16", "2026-11-20", directions=("aller", "retour"))
    results = _book_all_at_once(lambda _i: family.actor, [week] * 8)
    _losses_are_clean(results)
    assert [r for r in results if isinstance(r, int)] == [10]
    assert len(live_trips()) == entitlement(rights).used == 10
    _assert_consistent([rights])


def test_concurrent_overlapping_series_for_two_children_share_the_entitlement(adviser, family):
    rights = open_transport(adviser, CLAIRE, quantity=12)
    wanted = []
    for i in range(8):
        child = family.lea if i % 2 == 0 else family.hugo
        first = d("2026-11-16") + timedelta(days=i % 4)
        wanted.append(family.ask(first.isoformat(), (first + timedelta(days=3)).isoformat(), child=child))
    results = _book_all_at_once(lambda _i: family.actor, wanted)
    _losses_are_clean(results)
    assert any(isinstance(r, int) for r in results)
    assert entitlement(rights).used <= 12
    _assert_consistent([rights])


def test_concurrent_bookings_across_two_entitlements_neither_over_use_nor_fail_uncleanly(adviser, family):
    # Two files: a short one (December) used first when it covers the day, a long one for the rest.
    # One series takes the long one then the short one, the other the short one then the long one.
    short = open_transport(adviser, CLAIRE, quantity=30, start="2026-12-01", end="2026-12-18")
    long = open_transport(adviser, CLAIRE, quantity=30, start="2026-11-02", end="2027-07-02")
    late_autumn = family.ask("2026-11-23", "2026-12-04", directions=("aller", "retour"))  # long, then short
    december = family.ask(
        "2026-12-14", "2027-01-08", directions=("aller", "retour"), child=family.hugo
    )  # short, then long
    for _round in range(3):
        results = _book_all_at_once(lambda _i: family.actor, [late_autumn, december] * 4)
        _losses_are_clean(results)
        _assert_consistent([short, long])
        assert sorted(r for r in results if isinstance(r, int)) == [20, 20]
        with session_scope() as session:
            for trip in session.exec(select(Trip)).all():
                session.delete(trip)
            for granted in session.exec(select(Entitlement)).all():
                granted.used = 0
                session.add(granted)
