"""The member's addresses and trips pages through the road: their handlers called as a websocket event would
call them (road_support.py), for a member, an adviser, an adviser still owing the second factor, and nobody.
The database is the domain tests' (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest
from domain.advisers_support import ADVISER_PASSWORD, enrol_adviser, pending_adviser_token
from domain.conftest import _empty_tables, claire_confirmed, claire_contract, database, paul_contract  # noqa: F401
from domain.support import PAUL, actor_of, confirm, login_token, register

from portal_app.domain import addresses
from portal_app.ui.addresses import GONE, AddressesState
from portal_app.ui.session_state import SessionState
from portal_app.ui.trips import TripsState
from portal_app.ui.trips.texts import FORM_CHANGED

from .road_support import page_state, redirect_of, run, scripts_of

ADDRESSES = "/mon-espace/adresses"
TRIPS = "/mon-espace/trajets"


@pytest.fixture
def claire(claire_confirmed) -> str:
    """Claire's session cookie."""
    return login_token(claire_confirmed.email)


@pytest.fixture
def paul(paul_contract) -> str:
    address = register(PAUL)
    confirm(address)
    return login_token(address)


@pytest.fixture
def outsider(request) -> str | None:
    """The session cookie of someone who is not a member: an adviser, a pending adviser, or none."""
    if request.param == "nobody":
        return None
    adviser = enrol_adviser()
    if request.param == "pending adviser":
        return pending_adviser_token(adviser.email)
    return login_token(adviser.email, ADVISER_PASSWORD)


OUTSIDERS = pytest.mark.parametrize("outsider", ["adviser", "pending adviser", "nobody"], indirect=True)


def session_of(state) -> SessionState:
    return state.parent_state.get_substate([SessionState.get_name()])


def chained(events: list) -> list[str]:
    """The state's handlers an answer asks Reflex to run next (e.g. the list's refresh)."""
    return [e.fn.__qualname__.rsplit(".", 1)[-1] for e in events if hasattr(e, "fn") and not hasattr(e, "handler")]


def address_form(**changes) -> dict:
    values = {
        "label": "Maison",
        "kind": "domicile",
        "street_number": "12",
        "street": "rue Oberkampf",
        "postcode": "75011",
        "city": "Paris",
        "complement": "",
    }
    return values | changes


# --- addresses ------------------------------------------------------------------------------------


def test_a_member_sees_her_addresses(claire):
    page = page_state(AddressesState, ADDRESSES, claire)
    assert run(page, AddressesState.load) == []
    assert page.loaded and page.addresses == []
    assert session_of(page).is_logged_in and session_of(page).role == "member"


@OUTSIDERS
@pytest.mark.parametrize(("path", "state_class"), [(ADDRESSES, AddressesState), (TRIPS, TripsState)])
def test_anyone_but_a_member_is_sent_to_the_login_page_and_brought_back(database, outsider, path, state_class):
    page = page_state(state_class, path, outsider)
    assert redirect_of(run(page, state_class.load)) == f"/connexion?next={path}"
    assert not page.loaded and not session_of(page).is_logged_in


def test_an_address_is_added_and_listed(claire):
    page = page_state(AddressesState, ADDRESSES, claire)
    run(page, AddressesState.load)
    run(page, AddressesState.start_adding)
    run(page, AddressesState.save, address_form(label="École Jules Ferry", kind="ecole_primaire"))
    assert page.message == "L'adresse est ajoutée." and page.errors == {} and not page.form_open
    assert "École Jules Ferry" in [a.label for a in page.addresses]
    assert page.addresses[0].one_line.endswith("75011 Paris")


def test_a_wrong_address_is_answered_field_by_field_and_the_focus_goes_to_the_first(claire):
    page = page_state(AddressesState, ADDRESSES, claire)
    run(page, AddressesState.load)
    run(page, AddressesState.start_adding)
    events = run(page, AddressesState.save, address_form(label="", street_number="", postcode="00000"))
    assert set(page.errors) == {"label", "street_number", "postcode"}
    assert page.form_open and not page.busy
    assert scripts_of(events) == ['document.getElementById("label")?.focus()']


def test_someone_elses_address_is_not_found_and_the_list_is_shown_anew(claire, paul):
    paul_home = addresses.add_address(actor_of(paul), addresses.AddressInput(**address_form())).address_id
    page = page_state(AddressesState, ADDRESSES, claire)
    run(page, AddressesState.load)
    events = run(page, AddressesState.delete, paul_home)
    assert page.problem == GONE
    assert chained(events) == ["refresh"]
    assert paul_home in [a.address_id for a in addresses.list_addresses(actor_of(paul))]


@OUTSIDERS
def test_a_save_without_a_member_session_writes_nothing_and_goes_to_the_login_page(claire, outsider):
    page = page_state(AddressesState, ADDRESSES, outsider)
    assert redirect_of(run(page, AddressesState.save, address_form(label="Pirate"))) == f"/connexion?next={ADDRESSES}"
    assert page.errors == {} and not page.busy
    assert addresses.list_addresses(actor_of(claire)) == []


# --- trips ----------------------------------------------------------------------------------------


def test_a_member_sees_her_trips_and_what_is_missing_to_plan(claire):
    page = page_state(TripsState, TRIPS, claire)
    assert run(page, TripsState.load) == []
    assert page.loaded and page.upcoming == [] and page.past == []
    assert [c.label for c in page.children] == ["Léa", "Hugo"]  # the contract's children, eldest first
    assert page.remaining == "" and page.ready is False  # no school-transport entitlement yet


def test_an_empty_planning_form_is_answered_field_by_field(claire):
    page = page_state(TripsState, TRIPS, claire)
    run(page, TripsState.load)
    events = run(page, TripsState.preview, {})
    assert {"child", "home", "school", "directions", "date_from", "weekdays"} <= set(page.errors)
    assert not page.has_plan and not page.busy
    assert scripts_of(events) == ['document.getElementById("child")?.focus()']


def test_confirming_without_a_preview_books_nothing(claire):
    page = page_state(TripsState, TRIPS, claire)
    run(page, TripsState.load)
    run(page, TripsState.confirm)
    assert page.problem == FORM_CHANGED


def test_someone_elses_trip_is_not_found(claire):
    page = page_state(TripsState, TRIPS, claire)
    run(page, TripsState.load)
    events = run(page, TripsState.cancel_trip, 987654)
    assert page.problem == "Trajet introuvable."
    assert chained(events) == ["refresh"]


@OUTSIDERS
def test_only_a_member_gets_a_calendar_file(claire, outsider):
    page = page_state(TripsState, TRIPS, outsider)
    assert redirect_of(run(page, TripsState.export_calendar)) == f"/connexion?next={TRIPS}"
    (download,) = run(page_state(TripsState, TRIPS, claire), TripsState.export_calendar)
    assert "text/calendar" in str(download.args)


# --- the header on any page opened first ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "page_class"),
    [("/mon-espace/compte", "AccountState"), ("/mon-espace/mot-de-passe", "PasswordState")],
)
def test_a_member_page_opened_directly_shows_the_member_in_the_header(claire, path, page_class):
    """Reload, bookmark or new tab on « Mon compte »: the header said « Inscription / Connexion »."""
    from portal_app.ui import member

    state_class = getattr(member, page_class)
    page = page_state(state_class, path, claire)

    run(page, state_class.load)

    assert session_of(page).is_logged_in and session_of(page).role == "member"
