"""/mon-espace/trajets: plan school trips (« Voir les dates » then « Confirmer la planification »), the
trips to come (« Modifier l'heure », « Annuler »), past trips, and the calendar export (.ics).

Every rule (entitlement, child, addresses, holidays, 18:00 cut-off) lives in domain.trips. The request
shown in the preview is kept on the server (`_request`): confirming books exactly what was previewed,
and any change to the form hides the preview until « Voir les dates » is clicked again.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import reflex as rx

from portal_app.domain import clock, trips
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.ui import components as ui
from portal_app.ui.forms import checked, focus_first_error, text
from portal_app.ui.member import member_nav
from portal_app.ui.request_origin import remember_origin
from portal_app.ui.session_state import SessionState, login_redirect

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
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
SHORT_DIRECTIONS = {"aller": "aller", "retour": "retour"}
NO_ENTITLEMENT = (
    "Vous n'avez pas de droit « Conduite à l'école » en cours. Un conseiller l'ouvre avec votre dossier "
    "d'assistance : appelez la plateforme d'assistance."
)
NO_CHILD = (
    "Aucun enfant ne figure parmi les bénéficiaires de votre contrat : les trajets se planifient pour un enfant "
    "du contrat. Le cas échéant, rapprochez-vous de votre conseiller."
)
NO_HOME = "Ajoutez d'abord votre domicile (type « Domicile ») dans vos adresses."
NO_SCHOOL = "Ajoutez l'établissement scolaire de votre enfant (école primaire, collège ou lycée) dans vos adresses."
DATES_HINT = "Pour un seul trajet, indiquez la même date dans « Du » et « Au »."
RULES_HINT = (
    "Un trajet se planifie, se modifie ou s'annule au plus tard la veille à 18 h. Les week-ends, jours fériés et "
    "vacances scolaires de la zone de l'établissement ne sont pas réservés."
)
ROW_BUTTON_CLASS = ui.SECONDARY_BUTTON_CLASS.replace("w-full ", "")
FORM_CHANGED = "Vous avez modifié le formulaire : cliquez de nouveau sur « Voir les dates »."
CANCELLED = "Le trajet est annulé : votre droit est recrédité d'un trajet."
CHANGED = "L'heure du trajet est modifiée. Le transporteur recevra la nouvelle heure."


async def _session(state: rx.State) -> SessionState:
    return await state.get_state(SessionState)


def _id(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


def _trip_id(value) -> int:
    return value if isinstance(value, int) else 0


def request_from_form(form_data: dict) -> trips.TripRequest:
    """The form as the domain's request; the domain checks every value (and who owns each id)."""
    return trips.TripRequest(
        child_id=_id(text(form_data, "child", 12)),
        home_address_id=_id(text(form_data, "home", 12)),
        school_address_id=_id(text(form_data, "school", 12)),
        directions=tuple(d for d in trips.DIRECTIONS if checked(form_data, f"direction_{d}")),
        date_from=text(form_data, "date_from", 10),
        date_to=text(form_data, "date_to", 10),
        weekdays=tuple(i for i in range(len(WEEKDAYS)) if checked(form_data, f"weekday_{i}")),
        outward_time=text(form_data, "outward_time", 5),
        return_time=text(form_data, "return_time", 5),
        notes=text(form_data, "notes", 400),
    )


def _choices(pairs: list[tuple[int, str]]) -> list[dict[str, str]]:
    return [{"id": str(i), "label": label} for i, label in pairs]


class TripsState(rx.State):
    loaded: bool = False
    children: list[dict[str, str]] = []
    homes: list[dict[str, str]] = []
    schools: list[dict[str, str]] = []
    remaining: str = ""
    upcoming: list[dict] = []
    past: list[dict] = []
    tomorrow: str = ""
    errors: dict[str, str] = {}
    message: str = ""
    problem: str = ""
    busy: bool = False
    # the preview of the request kept in _request
    has_plan: bool = False
    stale_plan: bool = False
    plan_days: list[dict[str, str]] = []
    plan_skipped: list[dict[str, str]] = []
    plan_trips: int = 0
    plan_remaining_before: int = 0
    plan_remaining_after: int = 0
    # one trip at a time: being changed, asked to cancel, or refused
    editing_trip_id: int = 0
    change_errors: dict[str, str] = {}
    confirm_cancel_id: int = 0
    trip_error_id: int = 0
    trip_error: str = ""
    _request: dict = {}

    async def _reload(self) -> rx.event.EventSpec | None:
        session = await _session(self)
        try:
            choices = await asyncio.to_thread(trips.planning_choices, session.session_token)
            upcoming, past = await asyncio.to_thread(trips.list_trips, session.session_token)
        except NotAllowed:
            session._forget()
            return login_redirect(self.router.url.path)
        session.is_logged_in = True
        self.children = _choices(choices.children)
        self.homes = _choices(choices.homes)
        self.schools = _choices(choices.schools)
        self.remaining = choices.remaining
        self.upcoming = [dataclasses.asdict(t) for t in upcoming]
        self.past = [dataclasses.asdict(t) for t in past]
        self.loaded = True
        return None

    def _forget_plan(self) -> None:
        self.has_plan, self.stale_plan, self.plan_days, self.plan_skipped = False, False, [], []
        self.plan_trips, self.plan_remaining_before, self.plan_remaining_after = 0, 0, 0
        self._request = {}

    def _clear_trip_actions(self) -> None:
        self.editing_trip_id, self.change_errors, self.confirm_cancel_id = 0, {}, 0
        self.trip_error_id, self.trip_error = 0, ""

    @rx.event
    async def load(self):
        remember_origin(self)
        self.loaded, self.errors, self.message, self.problem = False, {}, "", ""
        self.tomorrow = (clock.today_in_paris() + timedelta(days=1)).isoformat()
        self._forget_plan()
        self._clear_trip_actions()
        return await self._reload()

    @rx.event
    def form_changed(self):
        """Any change to the form after a preview: the preview no longer says what would be booked."""
        if self.has_plan:
            self._forget_plan()
            self.stale_plan = True

    @rx.event
    async def preview(self, form_data: dict):
        remember_origin(self)
        session = await _session(self)
        self.errors, self.message, self.problem = {}, "", ""
        self._forget_plan()
        self._clear_trip_actions()
        request = request_from_form(form_data)
        self.busy = True
        yield
        try:
            plan = await asyncio.to_thread(trips.preview, session.session_token, request)
        except NotAllowed:
            session._forget()
            yield login_redirect(self.router.url.path)
            return
        except ValidationError as error:
            self.errors = error.errors
            yield focus_first_error(error, FIELDS)
            return
        finally:
            self.busy = False
        self._request = dataclasses.asdict(request)
        self.has_plan = True
        self.plan_days = [
            {
                "label": d.label,
                "directions": " et ".join(SHORT_DIRECTIONS[x] for x in d.directions),
                "note": d.note,
            }
            for d in plan.days
        ]
        self.plan_skipped = [{"label": s.label, "reason": s.reason} for s in plan.skipped]
        self.plan_trips = plan.trips
        self.plan_remaining_before = plan.remaining_before
        self.plan_remaining_after = plan.remaining_after
        yield rx.call_script("document.getElementById('apercu')?.focus()")

    @rx.event
    async def confirm(self):
        """Books the request kept on the server at « Voir les dates », never what the client sends now."""
        remember_origin(self)
        session = await _session(self)
        self.errors, self.message, self.problem = {}, "", ""
        if not self.has_plan or not self._request:
            self.problem = FORM_CHANGED
            return
        data = dict(self._request)
        request = trips.TripRequest(
            **{**data, "directions": tuple(data["directions"]), "weekdays": tuple(data["weekdays"])}
        )
        self.busy = True
        yield
        try:
            booked = await asyncio.to_thread(trips.book, session.session_token, request, self.plan_trips)
        except NotAllowed:
            session._forget()
            yield login_redirect(self.router.url.path)
            return
        except ValidationError as error:
            self._forget_plan()
            self.problem = error.message
            yield await self._reload()
            return
        finally:
            self.busy = False
        self._forget_plan()
        self.message = f"{booked} trajet(s) planifié(s)."
        yield await self._reload()
        if self.remaining:
            self.message += f" Conduite à l'école : {self.remaining}."
        yield rx.call_script("document.getElementById('message-trajets')?.focus()")

    @rx.event
    def start_change(self, trip_id: int):
        self._clear_trip_actions()
        self.message, self.problem = "", ""
        self.editing_trip_id = _trip_id(trip_id)
        return rx.call_script("document.getElementById('change_pickup_time')?.focus()")

    @rx.event
    def stop_change(self):
        self._clear_trip_actions()

    @rx.event
    async def save_change(self, form_data: dict):
        remember_origin(self)
        session = await _session(self)
        trip_id = self.editing_trip_id
        self.change_errors, self.trip_error_id, self.trip_error, self.message, self.problem = {}, 0, "", "", ""
        try:
            await asyncio.to_thread(
                trips.change,
                session.session_token,
                trip_id,
                text(form_data, "change_pickup_time", 5),
                text(form_data, "change_notes", 400),
            )
        except NotAllowed:
            session._forget()
            return login_redirect(self.router.url.path)
        except ValidationError as error:
            if error.field == "trip":
                self.trip_error_id, self.trip_error = trip_id, error.message
                return None
            self.change_errors = {f"change_{k}": v for k, v in error.errors.items()}
            return focus_first_error(ValidationError.many(self.change_errors), ["change_pickup_time", "change_notes"])
        except NotFound as missing:
            self._clear_trip_actions()
            self.problem = missing.message
            return await self._reload()
        self._clear_trip_actions()
        self.message = CHANGED
        return await self._reload()

    @rx.event
    def ask_cancel(self, trip_id: int):
        self._clear_trip_actions()
        self.message, self.problem = "", ""
        self.confirm_cancel_id = _trip_id(trip_id)

    @rx.event
    def keep_trip(self):
        self.confirm_cancel_id = 0

    @rx.event
    async def cancel_trip(self, trip_id: int):
        remember_origin(self)
        session = await _session(self)
        wanted = _trip_id(trip_id)
        self._clear_trip_actions()
        self.message, self.problem = "", ""
        try:
            await asyncio.to_thread(trips.cancel, session.session_token, wanted)
        except NotAllowed:
            session._forget()
            return login_redirect(self.router.url.path)
        except ValidationError as error:
            self.trip_error_id, self.trip_error = wanted, error.message
            return await self._reload()
        except NotFound as missing:
            self.problem = missing.message
            return await self._reload()
        self.message = CANCELLED
        result = await self._reload()
        if self.remaining:
            self.message += f" Conduite à l'école : {self.remaining}."
        return result

    @rx.event
    async def export_calendar(self):
        remember_origin(self)
        session = await _session(self)
        try:
            content = await asyncio.to_thread(trips.calendar_file, session.session_token)
        except NotAllowed:
            session._forget()
            return login_redirect(self.router.url.path)
        return rx.download(data=content, filename="trajets.ics", mime_type="text/calendar")


# ---------------------------------------------------------------------------------------------
# The planning form and its preview
# ---------------------------------------------------------------------------------------------


def checkbox_item(label: str, name: str) -> rx.Component:
    return rx.el.div(
        rx.el.input(
            id=name,
            name=name,
            type="checkbox",
            default_checked=True,
            on_change=TripsState.form_changed,
            class_name="mt-1 h-6 w-6 shrink-0 accent-blue-800",
        ),
        rx.el.label(label, html_for=name, class_name="text-slate-900"),
        class_name="flex items-start gap-3 py-1",
    )


def checkbox_group(legend: str, error_key: str, items: list[tuple[str, str]], inline: bool = False) -> rx.Component:
    error = TripsState.errors.get(error_key, "")
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="mb-1 font-semibold text-slate-900"),
        rx.el.div(
            *[checkbox_item(label, name) for name, label in items],
            class_name="flex flex-wrap gap-x-6" if inline else "",
        ),
        ui.error_text(error, f"{error_key}-erreur"),
        id=error_key,
        tab_index=-1,
        aria_describedby=f"{error_key}-erreur",
        class_name="mb-5",
    )


def planning_form() -> rx.Component:
    errors = TripsState.errors
    changed = TripsState.form_changed
    return rx.el.form(
        rx.el.h2("Planifier des trajets", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(RULES_HINT, class_name="mb-4 text-sm text-slate-700"),
        ui.select_field("Enfant", "child", errors, TripsState.children, on_change=changed),
        ui.select_field("Domicile", "home", errors, TripsState.homes, on_change=changed),
        ui.select_field("Établissement scolaire", "school", errors, TripsState.schools, on_change=changed),
        checkbox_group("Trajets", "directions", [(f"direction_{d}", label) for d, label in trips.DIRECTIONS.items()]),
        ui.field(
            "Heure de prise en charge à l'aller",
            "outward_time",
            errors,
            input_type="time",
            hint="À votre domicile, par exemple 08:00.",
            required=False,
            on_change=changed,
        ),
        ui.field(
            "Heure de prise en charge au retour",
            "return_time",
            errors,
            input_type="time",
            hint="À l'établissement scolaire, par exemple 16:30.",
            required=False,
            on_change=changed,
        ),
        ui.field(
            "Du", "date_from", errors, input_type="date", hint=DATES_HINT, min=TripsState.tomorrow, on_change=changed
        ),
        ui.field("Au", "date_to", errors, input_type="date", min=TripsState.tomorrow, on_change=changed),
        checkbox_group("Jours", "weekdays", [(f"weekday_{i}", day) for i, day in enumerate(WEEKDAYS)], inline=True),
        rx.el.div(
            rx.el.label(
                "Remarques pour le transporteur (facultatif)",
                html_for="notes",
                class_name="mb-1 block font-semibold text-slate-900",
            ),
            rx.el.textarea(
                id="notes",
                name="notes",
                rows=3,
                max_length=300,
                aria_invalid=rx.cond(errors.get("notes", "") != "", "true", "false"),
                aria_describedby="notes-erreur",
                on_change=changed,
                class_name=ui.INPUT_CLASS,
            ),
            ui.error_text(errors.get("notes", ""), "notes-erreur"),
            class_name="mb-5",
        ),
        rx.cond(
            errors.get("general", "") != "",
            rx.el.div(ui.notice(errors.get("general", ""), "error"), id="general", tab_index=-1),
        ),
        ui.submit_button("Voir les dates", TripsState.busy),
        id="form-trajets",
        on_submit=TripsState.preview,
        no_validate=True,
        class_name="mb-6 max-w-md print:hidden",
    )


def planned_day(d: dict) -> rx.Component:
    return rx.el.li(
        rx.el.span(d["label"], class_name="font-semibold"),
        " — ",
        d["directions"],
        rx.cond(d["note"] != "", rx.el.span(" (", d["note"], ")", class_name="text-slate-700")),
        class_name="py-1",
    )


def skipped_day(s: dict) -> rx.Component:
    return rx.el.li(rx.el.span(s["label"], class_name="font-semibold"), " : ", s["reason"], class_name="py-1")


def plan_preview() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Dates à réserver", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            TripsState.plan_days.length() > 0,
            rx.el.ul(rx.foreach(TripsState.plan_days, planned_day), class_name="mb-4 list-disc pl-6"),
            rx.el.p("Aucune date ne peut être réservée avec ces choix.", class_name="mb-4"),
        ),
        rx.cond(
            TripsState.plan_skipped.length() > 0,
            rx.fragment(
                rx.el.h3("Dates non retenues", class_name="mb-2 text-lg font-semibold"),
                rx.el.ul(rx.foreach(TripsState.plan_skipped, skipped_day), class_name="mb-4 list-disc pl-6"),
            ),
        ),
        rx.el.p(
            "Trajets à réserver : ",
            rx.el.strong(TripsState.plan_trips),
            ". Droits restants : ",
            TripsState.plan_remaining_before,
            " trajet(s) aujourd'hui, ",
            rx.el.strong(TripsState.plan_remaining_after),
            " après confirmation.",
            class_name="mb-4",
        ),
        rx.cond(
            TripsState.plan_trips > 0,
            rx.el.button(
                rx.cond(TripsState.busy, "Veuillez patienter…", "Confirmer la planification"),
                type="button",
                disabled=TripsState.busy,
                on_click=TripsState.confirm,
                class_name=ui.PRIMARY_BUTTON_CLASS,
            ),
        ),
        id="apercu",
        tab_index=-1,
        aria_label="Dates à réserver",
        class_name="mb-8 rounded-md border border-blue-800 p-4 print:hidden",
    )


# ---------------------------------------------------------------------------------------------
# The lists of trips
# ---------------------------------------------------------------------------------------------


def change_form(t: dict) -> rx.Component:
    return rx.el.form(
        ui.field(
            "Nouvelle heure de prise en charge",
            "change_pickup_time",
            TripsState.change_errors,
            input_type="time",
            default_value=t["pickup_time"],
        ),
        ui.field(
            "Remarques pour le transporteur (facultatif)",
            "change_notes",
            TripsState.change_errors,
            default_value=t["notes"],
            required=False,
        ),
        rx.el.div(
            ui.submit_button("Enregistrer l'heure"),
            rx.el.button(
                "Ne pas modifier", type="button", on_click=TripsState.stop_change, class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        on_submit=TripsState.save_change,
        no_validate=True,
        class_name="mt-3 max-w-md",
    )


def trip_actions(t: dict) -> rx.Component:
    trip_id = t["trip_id"]
    return rx.cond(
        TripsState.editing_trip_id == trip_id,
        change_form(t),
        rx.cond(
            TripsState.confirm_cancel_id == trip_id,
            rx.el.div(
                rx.el.p("Annuler ce trajet ?", class_name="mb-2 font-semibold"),
                rx.el.div(
                    rx.el.button(
                        "Confirmer l'annulation",
                        type="button",
                        on_click=TripsState.cancel_trip(trip_id),
                        class_name=ui.PRIMARY_BUTTON_CLASS,
                    ),
                    rx.el.button(
                        "Garder ce trajet",
                        type="button",
                        on_click=TripsState.keep_trip,
                        class_name=ui.SECONDARY_BUTTON_CLASS,
                    ),
                    class_name="flex flex-col gap-3 sm:flex-row",
                ),
                class_name="mt-2",
            ),
            rx.el.div(
                rx.el.button(
                    "Modifier l'heure",
                    type="button",
                    on_click=TripsState.start_change(trip_id),
                    class_name=ROW_BUTTON_CLASS,
                ),
                rx.el.button(
                    "Annuler",
                    type="button",
                    on_click=TripsState.ask_cancel(trip_id),
                    class_name=ROW_BUTTON_CLASS,
                ),
                class_name="mt-2 flex flex-wrap gap-3",
            ),
        ),
    )


def trip_item(t: dict, upcoming: bool) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            rx.el.span(t["day"], " à ", t["pickup_time"], class_name="font-semibold"),
            " — ",
            t["child"],
        ),
        rx.el.p(t["direction"], " : ", t["from_label"], " → ", t["to_label"]),
        rx.el.p("Statut : ", rx.el.span(t["status_label"], class_name="font-semibold")),
        rx.cond(t["notes"] != "", rx.el.p("Remarques : ", t["notes"], class_name="text-sm text-slate-700")),
        rx.cond(
            TripsState.trip_error_id == t["trip_id"],
            rx.el.p(TripsState.trip_error, role="alert", class_name="mt-2 font-medium text-red-700"),
        ),
        rx.cond(t["can_change"], trip_actions(t)) if upcoming else rx.fragment(),
        class_name="border-b border-slate-200 py-3",
    )


def trips_lists() -> rx.Component:
    return rx.fragment(
        rx.el.section(
            rx.el.h2("Trajets à venir", class_name="mb-3 text-xl font-semibold"),
            rx.cond(
                TripsState.upcoming.length() > 0,
                rx.fragment(
                    rx.el.button(
                        "Exporter en calendrier (.ics)",
                        type="button",
                        on_click=TripsState.export_calendar,
                        class_name=ui.SECONDARY_BUTTON_CLASS + " mb-2",
                    ),
                    rx.el.ul(
                        rx.foreach(TripsState.upcoming, lambda t: trip_item(t, True)), aria_label="Trajets à venir"
                    ),
                ),
                rx.el.p("Aucun trajet à venir."),
            ),
            class_name="mb-8",
        ),
        rx.el.section(
            rx.el.h2("Trajets passés", class_name="mb-3 text-xl font-semibold"),
            rx.cond(
                TripsState.past.length() > 0,
                rx.el.ul(rx.foreach(TripsState.past, lambda t: trip_item(t, False)), aria_label="Trajets passés"),
                rx.el.p("Aucun trajet passé ou annulé."),
            ),
        ),
    )


def missing_prerequisites() -> rx.Component:
    """Why the form is not shown, and where to go."""
    return rx.el.div(
        rx.el.h2("Avant de planifier", class_name="mb-2 text-lg font-semibold"),
        rx.el.ul(
            rx.cond(TripsState.remaining == "", rx.el.li(NO_ENTITLEMENT)),
            rx.cond(TripsState.children.length() == 0, rx.el.li(NO_CHILD)),
            rx.cond(
                TripsState.homes.length() == 0,
                rx.el.li(NO_HOME, " ", ui.link("Ajouter une adresse", "/mon-espace/adresses")),
            ),
            rx.cond(
                TripsState.schools.length() == 0,
                rx.el.li(NO_SCHOOL, " ", ui.link("Ajouter une adresse", "/mon-espace/adresses")),
            ),
            class_name="list-disc space-y-2 pl-6",
        ),
        id="avant-de-planifier",
        class_name="mb-8 rounded-md border-l-4 border-blue-800 bg-blue-50 p-4 text-blue-950",
    )


def trips_page() -> rx.Component:
    ready = (
        (TripsState.remaining != "")
        & (TripsState.children.length() > 0)
        & (TripsState.homes.length() > 0)
        & (TripsState.schools.length() > 0)
    )
    return ui.page(
        "Mes trajets",
        rx.cond(
            TripsState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.div(
                    rx.cond(TripsState.message != "", ui.notice(TripsState.message, "success")),
                    rx.cond(TripsState.problem != "", ui.notice(TripsState.problem, "error")),
                    id="message-trajets",
                    tab_index=-1,
                ),
                rx.cond(
                    TripsState.remaining != "",
                    rx.el.p(
                        "Conduite à l'école : ", rx.el.strong(TripsState.remaining), ".", class_name="mb-6 text-lg"
                    ),
                ),
                rx.cond(
                    ready,
                    rx.fragment(
                        planning_form(),
                        rx.cond(TripsState.stale_plan, ui.notice(FORM_CHANGED, "info", id="apercu-perime")),
                        rx.cond(TripsState.has_plan, plan_preview()),
                    ),
                    missing_prerequisites(),
                ),
                trips_lists(),
            ),
            ui.loading(),
        ),
    )
