"""The member's addresses and trips pages through the road: their handlers called as Reflex calls them, without a
browser, for a member, an adviser, an adviser still owing the second factor, and nobody.

A handler reaches the session only through the request's headers (`x-ea-session-digest`, put there by the
cookie middleware): each tab below is a root state whose router data carries that header, or none.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from domain.advisers_support import pending_adviser_token
from domain.support import CLAIRE, PASSWORD, PAUL, actor_of, confirm, import_ok, login_token, register
from reflex.state import State
from reflex_base.event import EventHandler, EventSpec

import portal_app.portal_app  # noqa: F401  (every page's state joins the state tree)
from portal_app import settings
from portal_app.db import engine as db_engine
from portal_app.db.migrate import upgrade_to_head
from portal_app.domain import addresses, advisers, clock, second_factor, tokens
from portal_app.ui.addresses import GONE, AddressesState
from portal_app.ui.session_cookie import SESSION_HEADER
from portal_app.ui.session_state import SessionState
from portal_app.ui.trips import TripsState
from portal_app.ui.trips.texts import FORM_CHANGED

ADDRESSES = "/mon-espace/adresses"
TRIPS = "/mon-espace/trajets"
ADVISER_EMAIL = "conseillere.road@example.fr"
ADVISER_PASSWORD = "Boussole-Marine-64"


# --- a tab without a browser ----------------------------------------------------------------------


class Tab:
    """One browser tab: the root state of its session, its path, and the session cookie it sends (or none)."""

    def __init__(self, path: str, session_token: str | None) -> None:
        self.root = State(_reflex_internal_init=True)
        headers = {"user-agent": "pytest"}
        if session_token is not None:
            headers[SESSION_HEADER] = tokens.digest(session_token)
        self.root._update_router_vars(
            {"headers": headers, "pathname": path, "asPath": path, "ip": "127.0.0.1", "token": "tab"}, {}
        )

    def state(self, state_class):
        return self.root.get_substate(state_class.get_full_name().split("."))

    def run(self, state_class, handler_name: str, *args) -> list:
        """Drive the handler as Reflex does (its async generator), collecting the events it yields."""
        state = self.state(state_class)
        handler = getattr(state_class, handler_name)

        async def drive() -> list:
            events = []
            result = handler.fn(state, *args)
            if hasattr(result, "__aiter__"):
                async for event in result:
                    if event is not None:
                        events.append(event)
            else:
                result = await result if asyncio.iscoroutine(result) else result
                if result is not None:
                    events.append(result)
            return events

        return asyncio.run(drive())


def _spec_args(event) -> dict:
    return {name._js_expr: getattr(value, "_var_value", value) for name, value in getattr(event, "args", ())}


def _name(event) -> str:
    """The function an event runs: an EventSpec's handler, or a state's EventHandler chained as it is."""
    handler = event.handler if isinstance(event, EventSpec) else event
    return handler.fn.__qualname__.rsplit(".", 1)[-1] if isinstance(handler, EventHandler) else ""


def redirects(events: list) -> list[str]:
    return [_spec_args(e)["path"] for e in events if _name(e) == "_redirect"]


def chained(events: list) -> list[str]:
    """The state's handlers an answer asks Reflex to run next (e.g. the list's refresh)."""
    return [_name(e) for e in events if isinstance(e, EventHandler)]


# --- the people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    claire: str  # each one the session cookie's secret
    paul: str
    adviser: str
    pending_adviser: str


@pytest.fixture(scope="module")
def people() -> Iterator[People]:
    """A fresh SQLite database for this module (the engine in use before is given back after)."""
    previous = db_engine._engine_url
    db_engine.use_database(f"sqlite:///{settings.DATA_DIR / f'ui-road-{secrets.token_hex(4)}.db'}")
    upgrade_to_head()
    try:
        clock.freeze(None)
        sessions = {}
        for spec in (CLAIRE, PAUL):
            import_ok(*spec.lines())
            confirm(register(spec))
            sessions[spec.first_name.lower()] = login_token(spec.email, PASSWORD)
        advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
        enrolling = pending_adviser_token(ADVISER_EMAIL, ADVISER_PASSWORD)
        enrolment = second_factor.start_enrolment(actor_of(enrolling))
        second_factor.confirm_enrolment(actor_of(enrolling), pyotp.TOTP(enrolment.secret).now())
        yield People(
            claire=sessions["claire"],
            paul=sessions["paul"],
            adviser=enrolling,
            pending_adviser=pending_adviser_token(ADVISER_EMAIL, ADVISER_PASSWORD),
        )
    finally:
        db_engine.get_engine().dispose()
        if previous:
            db_engine.use_database(previous)


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


def test_a_member_sees_her_addresses(people):
    tab = Tab(ADDRESSES, people.claire)
    assert tab.run(AddressesState, "load") == []
    page = tab.state(AddressesState)
    assert page.loaded and page.addresses == []
    assert tab.state(SessionState).is_logged_in and tab.state(SessionState).role == "member"


@pytest.mark.parametrize("who", ["adviser", "pending_adviser", "nobody"])
@pytest.mark.parametrize(("path", "state_class"), [(ADDRESSES, AddressesState), (TRIPS, TripsState)])
def test_anyone_but_a_member_is_sent_to_the_login_page_and_brought_back(people, who, path, state_class):
    tab = Tab(path, None if who == "nobody" else getattr(people, who))
    events = tab.run(state_class, "load")
    assert redirects(events) == [f"/connexion?next={path}"]
    assert not tab.state(state_class).loaded
    assert not tab.state(SessionState).is_logged_in


def test_an_address_is_added_and_listed(people):
    tab = Tab(ADDRESSES, people.claire)
    tab.run(AddressesState, "load")
    tab.run(AddressesState, "start_adding")
    tab.run(AddressesState, "save", address_form(label="École Jules Ferry", kind="ecole_primaire"))
    page = tab.state(AddressesState)
    assert page.message == "L'adresse est ajoutée." and page.errors == {} and not page.form_open
    assert "École Jules Ferry" in [a.label for a in page.addresses]
    assert page.addresses[0].one_line.endswith("75011 Paris")


def test_a_wrong_address_is_answered_field_by_field_and_the_focus_goes_to_the_first(people):
    tab = Tab(ADDRESSES, people.claire)
    tab.run(AddressesState, "load")
    tab.run(AddressesState, "start_adding")
    events = tab.run(AddressesState, "save", address_form(label="", street_number="", postcode="00000"))
    page = tab.state(AddressesState)
    assert set(page.errors) == {"label", "street_number", "postcode"}
    assert page.form_open and not page.busy
    assert any('"label"' in str(getattr(e, "args", "")) for e in events)


def test_someone_elses_address_is_not_found_and_the_list_is_shown_anew(people):
    paul_home = addresses.add_address(actor_of(people.paul), addresses.AddressInput(**address_form())).address_id
    tab = Tab(ADDRESSES, people.claire)
    tab.run(AddressesState, "load")
    events = tab.run(AddressesState, "delete", paul_home)
    assert tab.state(AddressesState).problem == GONE
    assert chained(events) == ["refresh"]
    assert paul_home in [a.address_id for a in addresses.list_addresses(actor_of(people.paul))]


def test_a_save_without_a_live_session_writes_nothing_and_goes_to_the_login_page(people):
    before = addresses.list_addresses(actor_of(people.claire))
    tab = Tab(ADDRESSES, "not-a-session")
    assert redirects(tab.run(AddressesState, "save", address_form(label="Pirate"))) == [f"/connexion?next={ADDRESSES}"]
    assert tab.state(AddressesState).errors == {} and not tab.state(AddressesState).busy
    assert addresses.list_addresses(actor_of(people.claire)) == before


# --- trips ----------------------------------------------------------------------------------------


def test_a_member_sees_her_trips_and_what_is_missing_to_plan(people):
    tab = Tab(TRIPS, people.claire)
    assert tab.run(TripsState, "load") == []
    page = tab.state(TripsState)
    assert page.loaded and page.upcoming == [] and page.past == []
    assert [c.label for c in page.children] == ["Léa", "Hugo"]  # the contract's children, eldest first
    assert page.remaining == "" and page.ready is False  # no school-transport entitlement yet


def test_an_empty_planning_form_is_answered_field_by_field(people):
    tab = Tab(TRIPS, people.claire)
    tab.run(TripsState, "load")
    events = tab.run(TripsState, "preview", {})
    page = tab.state(TripsState)
    assert {"child", "home", "school", "directions", "date_from", "weekdays"} <= set(page.errors)
    assert not page.has_plan and not page.busy
    assert any('"child"' in str(getattr(e, "args", "")) for e in events)


def test_confirming_without_a_preview_books_nothing(people):
    tab = Tab(TRIPS, people.claire)
    tab.run(TripsState, "load")
    tab.run(TripsState, "confirm")
    assert tab.state(TripsState).problem == FORM_CHANGED


def test_someone_elses_trip_is_not_found(people):
    tab = Tab(TRIPS, people.claire)
    tab.run(TripsState, "load")
    events = tab.run(TripsState, "cancel_trip", 987654)
    assert tab.state(TripsState).problem == "Trajet introuvable."
    assert chained(events) == ["refresh"]


@pytest.mark.parametrize("who", ["adviser", "pending_adviser", "nobody"])
def test_only_a_member_gets_a_calendar_file(people, who):
    tab = Tab(TRIPS, None if who == "nobody" else getattr(people, who))
    assert redirects(tab.run(TripsState, "export_calendar")) == [f"/connexion?next={TRIPS}"]
    member = Tab(TRIPS, people.claire)
    (download,) = member.run(TripsState, "export_calendar")
    assert "BEGIN:VCALENDAR" in str(download.args) or "data:text/calendar" in str(download.args)
