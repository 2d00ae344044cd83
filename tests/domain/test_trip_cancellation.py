"""Several trips cancelled at once (a child's trips between two dates), and the member's three trip lists."""

from __future__ import annotations

import pytest

from portal_app.db.models import AuditEvent
from portal_app.domain import trip_cancellation, trips
from portal_app.domain.errors import ValidationError

from .advisers_support import enrol_adviser
from .support import CLAIRE, count
from .trips_support import (
    add_home,
    add_school,
    beneficiary_id,
    entitlement,
    open_transport,
    paris,
    relogin,
    request,
    trip_rows,
)


@pytest.fixture(autouse=True)
def _monday_after_all_saints(frozen_clock):
    """Monday 2 November 2026, 10:00 in Paris."""
    frozen_clock.set(paris(2026, 11, 2, 10, 0))
    return frozen_clock


@pytest.fixture
def booked(claire):
    """Léa: Monday 9 to Friday 13 November to school (4 trips: the 11th is a public holiday); Hugo: Tuesday 10."""
    adviser = enrol_adviser()
    entitlement_id = open_transport(adviser, CLAIRE)
    home, school = add_home(claire), add_school(claire)
    trips.book(claire.token, request(beneficiary_id(CLAIRE, "Léa"), home, school, "2026-11-09", "2026-11-13"))
    trips.book(claire.token, request(beneficiary_id(CLAIRE, "Hugo"), home, school, "2026-11-10"))
    return entitlement_id


def lea() -> int:
    return beneficiary_id(CLAIRE, "Léa")


def test_the_preview_lists_the_childs_trips_of_the_period(claire, booked):
    shown = trip_cancellation.preview(claire.token, lea(), "2026-11-10", "2026-11-12")

    assert [(t.day_iso, t.child) for t in shown.cancellable] == [("2026-11-10", "Léa"), ("2026-11-12", "Léa")]
    assert shown.too_late == []
    assert shown.summary == "2 trajets seront annulés."
    assert {t.status for t in trip_rows()} == {"planned"}  # a preview changes nothing


def test_the_previewed_trips_are_cancelled_together_and_the_entitlement_given_back(claire, booked):
    used = entitlement(booked).used
    shown = trip_cancellation.preview(claire.token, lea(), "2026-11-10", "2026-11-12")

    assert (
        trip_cancellation.cancel(
            claire.token, lea(), "2026-11-10", "2026-11-12", [t.trip_id for t in shown.cancellable]
        )
        == 2
    )

    assert sum(t.status == "cancelled" for t in trip_rows()) == 2
    assert entitlement(booked).used == used - 2
    assert count(AuditEvent, AuditEvent.action == "trips_cancelled") == 1


def test_nothing_is_cancelled_when_the_trips_changed_since_the_preview(claire, booked):
    shown = trip_cancellation.preview(claire.token, lea(), "2026-11-09", "2026-11-13")
    trips.cancel(claire.token, shown.cancellable[0].trip_id)  # another tab

    with pytest.raises(ValidationError) as refused:
        trip_cancellation.cancel(
            claire.token, lea(), "2026-11-09", "2026-11-13", [t.trip_id for t in shown.cancellable]
        )

    assert refused.value.message == trip_cancellation.CHANGED_MEANWHILE
    assert sum(t.status == "cancelled" for t in trip_rows()) == 1


def test_trips_past_their_deadline_are_listed_apart_and_kept(claire, booked, frozen_clock):
    frozen_clock.set(paris(2026, 11, 9, 19, 0))  # Monday evening: Tuesday's trips can no longer change
    claire = relogin(claire)

    shown = trip_cancellation.preview(claire.token, lea(), "2026-11-09", "2026-11-12")

    assert [t.day_iso for t in shown.too_late] == ["2026-11-09", "2026-11-10"]
    assert [t.day_iso for t in shown.cancellable] == ["2026-11-12"]
    trip_cancellation.cancel(claire.token, lea(), "2026-11-09", "2026-11-12", [t.trip_id for t in shown.cancellable])
    assert sum(t.status == "cancelled" for t in trip_rows()) == 1


@pytest.mark.parametrize(
    ("date_from", "date_to", "field"),
    [("", "", "cancel_from"), ("2026-11-13", "2026-11-09", "cancel_to"), ("2026-11-01", "2028-01-01", "cancel_to")],
)
def test_bad_dates_are_refused_by_their_field(claire, booked, date_from, date_to, field):
    with pytest.raises(ValidationError) as refused:
        trip_cancellation.preview(claire.token, lea(), date_from, date_to)
    assert field in refused.value.errors


def test_another_members_child_is_refused_and_nothing_changes(claire, booked, paul):
    with pytest.raises(ValidationError) as refused:
        trip_cancellation.preview(paul.token, lea(), "2026-11-09", "2026-11-13")
    assert set(refused.value.errors) == {"cancel_child"}
    with pytest.raises(ValidationError):
        trip_cancellation.cancel(paul.token, lea(), "2026-11-09", "2026-11-13", [t.id for t in trip_rows()])
    assert {t.status for t in trip_rows()} == {"planned"}


def test_the_lists_put_cancelled_trips_apart_and_group_the_rest_by_week(claire, booked, frozen_clock):
    trips.cancel(claire.token, trip_rows()[0].id)

    lists = trips.trip_lists(claire.token)

    assert len(lists.upcoming) == 4 and len(lists.cancelled) == 1 and lists.past == []
    assert lists.upcoming[0].week == "Semaine du lundi 9 novembre 2026"
    assert [t.first_of_week for t in lists.upcoming].count(True) == 1
    frozen_clock.set(paris(2026, 11, 20, 10, 0))
    lists = trips.trip_lists(relogin(claire).token)
    assert len(lists.past) == 4 and len(lists.cancelled) == 1 and lists.upcoming == []
