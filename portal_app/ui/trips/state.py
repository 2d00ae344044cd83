"""The state of /mon-espace/trajets: the planning choices, the preview of a request, the trips' actions.

The request shown in the preview is kept on the server (`_request`): confirming books exactly what was
previewed, and any change to the form hides the preview until « Voir les dates » is clicked again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

import reflex as rx

from portal_app.domain import clock, trips
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.trips import TripView
from portal_app.ui import road
from portal_app.ui.forms import checked, focus_first_error, text
from portal_app.ui.session_state import SessionState
from portal_app.ui.trips import texts

FIELDS = [
    "child",
    "home",
    "school",
    "directions",
    "outward_time",
    "return_time",
    "date_from",
    "date_to",
    "weekdays",
    "notes",
    "general",
]
CHANGE_FIELDS = ["change_pickup_time", "change_notes"]


@dataclass(frozen=True)
class Choice:
    """One option of a <select>: the record's id (as the form sends it back) and what the member reads."""

    id: str
    label: str


@dataclass(frozen=True)
class PlannedLine:
    label: str
    directions: str
    note: str = ""


@dataclass(frozen=True)
class SkippedLine:
    label: str
    reason: str


@dataclass(frozen=True)
class Preview:
    """What « Confirmer la planification » would book, and the days left out with their reason."""

    days: list[PlannedLine] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)
    trips: int = 0
    remaining_before: int = 0
    remaining_after: int = 0


def preview_of(plan: trips.Plan) -> Preview:
    return Preview(
        days=[
            PlannedLine(d.label, " et ".join(texts.SHORT_DIRECTIONS[x] for x in d.directions), d.note)
            for d in plan.days
        ],
        skipped=[SkippedLine(s.label, s.reason) for s in plan.skipped],
        trips=plan.trips,
        remaining_before=plan.remaining_before,
        remaining_after=plan.remaining_after,
    )


def _id(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


def _trip_id(value) -> int:
    return value if isinstance(value, int) else 0


def _choices(pairs: list[tuple[int, str]]) -> list[Choice]:
    return [Choice(str(i), label) for i, label in pairs]


def _focus(element_id: str) -> rx.event.EventSpec:
    return rx.call_script(f"document.getElementById({json.dumps(element_id)})?.focus()")


def request_from_form(form_data: dict) -> trips.TripRequest:
    """The form as the domain's request; the domain checks every value (and who owns each id)."""
    return trips.TripRequest(
        child_id=_id(text(form_data, "child", 12)),
        home_address_id=_id(text(form_data, "home", 12)),
        school_address_id=_id(text(form_data, "school", 12)),
        directions=tuple(d for d in trips.DIRECTIONS if checked(form_data, f"direction_{d}")),
        date_from=text(form_data, "date_from", 10),
        date_to=text(form_data, "date_to", 10),
        weekdays=tuple(i for i in range(len(texts.WEEKDAYS)) if checked(form_data, f"weekday_{i}")),
        outward_time=text(form_data, "outward_time", 5),
        return_time=text(form_data, "return_time", 5),
        notes=text(form_data, "notes", 400),
    )


class TripsState(rx.State):
    loaded: bool = False
    children: list[Choice] = []
    homes: list[Choice] = []
    schools: list[Choice] = []
    remaining: str = ""  # « 12 trajets restants jusqu'au … », "" without an entitlement
    upcoming: list[TripView] = []
    cancelled: list[TripView] = []
    past: list[TripView] = []
    planning_folded: bool = False  # after a booking: the new trips show, « Planifier d'autres trajets » reopens
    tomorrow: str = ""
    errors: dict[str, str] = {}
    message: str = ""
    problem: str = ""
    busy: bool = False
    has_plan: bool = False
    stale_plan: bool = False
    plan: Preview = Preview()
    # one trip at a time: being changed, asked to cancel, or refused
    editing_trip_id: int = 0
    change_errors: dict[str, str] = {}
    confirm_cancel_id: int = 0
    trip_error_id: int = 0
    trip_error: str = ""
    _request: trips.TripRequest | None = None

    @rx.var
    def ready(self) -> bool:
        """An entitlement, a child, a home and a school: the planning form can be shown."""
        return bool(self.remaining and self.children and self.homes and self.schools)

    async def _reload(self) -> None:
        choices = await road.act(self, trips.planning_choices)
        lists = await road.act(self, trips.trip_lists)
        self.upcoming, self.cancelled, self.past = lists.upcoming, lists.cancelled, lists.past
        (await self.get_state(SessionState))._signed_in("member")
        self.children = _choices(choices.children)
        self.homes = _choices(choices.homes)
        self.schools = _choices(choices.schools)
        self.remaining = choices.remaining
        self.loaded = True

    def _forget_plan(self) -> None:
        self.has_plan, self.stale_plan, self.plan, self._request = False, False, Preview(), None

    def _clear_trip_actions(self) -> None:
        self.editing_trip_id, self.change_errors, self.confirm_cancel_id = 0, {}, 0
        self.trip_error_id, self.trip_error = 0, ""

    def _on_not_found(self, error: NotFound):
        """A trip that is not (or no longer) the member's: say so and show the lists as they are."""
        self._clear_trip_actions()
        self.problem = error.message
        return TripsState.refresh

    @road.handler()
    async def load(self):
        self.loaded, self.errors, self.message, self.problem = False, {}, "", ""
        self.tomorrow = (clock.today_in_paris() + timedelta(days=1)).isoformat()
        self._forget_plan()
        self._clear_trip_actions()
        self.planning_folded = False
        await self._reload()

    @rx.event
    def plan_more(self):
        self.planning_folded, self.message = False, ""
        return _focus("child")

    @road.handler()
    async def refresh(self):
        await self._reload()

    @rx.event
    def form_changed(self):
        """Any change to the form after a preview: the preview no longer says what would be booked."""
        if self.has_plan:
            self._forget_plan()
            self.stale_plan = True

    @road.handler(FIELDS, busy=True)
    async def preview(self, form_data: dict):
        self.errors, self.message, self.problem = {}, "", ""
        self._forget_plan()
        self._clear_trip_actions()
        request = request_from_form(form_data)
        self.plan = preview_of(await road.act(self, trips.preview, request))
        self._request, self.has_plan = request, True
        return _focus("apercu")

    @road.handler(busy=True)
    async def confirm(self):
        """Books the request kept on the server at « Voir les dates », never what the client sends now."""
        self.errors, self.message, self.problem = {}, "", ""
        request = self._request
        if not self.has_plan or request is None:
            self.problem = texts.FORM_CHANGED
            return None
        try:
            booked = await road.act(self, trips.book, request, self.plan.trips)
        except ValidationError as error:  # the entitlement or the trips changed meanwhile: show them anew
            self._forget_plan()
            self.problem = error.message
            await self._reload()
            return None
        self._forget_plan()
        self.planning_folded = True
        self.message = texts.booked(booked)
        await self._reload()
        if self.remaining:
            self.message += texts.remaining(self.remaining)
        return _focus("message-trajets")

    @rx.event
    def start_change(self, trip_id: int):
        self._clear_trip_actions()
        self.message, self.problem = "", ""
        self.editing_trip_id = _trip_id(trip_id)
        return _focus("change_pickup_time")

    @rx.event
    def stop_change(self):
        self._clear_trip_actions()

    @road.handler()
    async def save_change(self, form_data: dict):
        trip_id = self.editing_trip_id
        self.change_errors, self.trip_error_id, self.trip_error, self.message, self.problem = {}, 0, "", "", ""
        try:
            await road.act(
                self,
                trips.change,
                trip_id,
                text(form_data, "change_pickup_time", 5),
                text(form_data, "change_notes", 400),
            )
        except ValidationError as error:  # two forms on the page: this one's fields are « change_… »
            if error.field == "trip":
                self.trip_error_id, self.trip_error = trip_id, error.message
                return None
            self.change_errors = {f"change_{k}": v for k, v in error.errors.items()}
            return focus_first_error(ValidationError.many(self.change_errors), CHANGE_FIELDS)
        self._clear_trip_actions()
        self.message = texts.CHANGED
        await self._reload()
        return None

    @rx.event
    def ask_cancel(self, trip_id: int):
        self._clear_trip_actions()
        self.message, self.problem = "", ""
        self.confirm_cancel_id = _trip_id(trip_id)

    @rx.event
    def keep_trip(self):
        self.confirm_cancel_id = 0

    @road.handler()
    async def cancel_trip(self, trip_id: int):
        wanted = _trip_id(trip_id)
        self._clear_trip_actions()
        self.message, self.problem = "", ""
        try:
            await road.act(self, trips.cancel, wanted)
        except ValidationError as error:  # too late, or no longer live: said under the trip
            self.trip_error_id, self.trip_error = wanted, error.message
            await self._reload()
            return
        self.message = texts.CANCELLED
        await self._reload()
        if self.remaining:
            self.message += texts.remaining(self.remaining)

    @road.handler()
    async def export_calendar(self):
        content = await road.act(self, trips.calendar_file)
        return rx.download(data=content, filename=texts.CALENDAR_FILE_NAME, mime_type="text/calendar")
