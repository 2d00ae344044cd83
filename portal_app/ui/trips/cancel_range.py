"""« Annuler plusieurs trajets » on /mon-espace/trajets: a child and two dates, the trips that would go, then
one confirmation. The ids shown in the preview are kept on the server: the confirmation cancels those or nothing.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import trip_cancellation
from portal_app.domain.errors import ValidationError
from portal_app.domain.formatting import counted
from portal_app.domain.trips import TripView
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import text
from portal_app.ui.trips.state import TripsState

FIELDS = ["cancel_child", "cancel_from", "cancel_to", "general"]
INTRO = (
    "Pour une semaine de maladie ou la fin d'une série : choisissez l'enfant et la période, vérifiez les trajets "
    "concernés, puis confirmez. Votre droit est recrédité de chaque trajet annulé."
)
TOO_LATE = "Ces trajets ne peuvent plus être annulés en ligne (la limite est la veille à 18 h) :"


def _child_id(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


class RangeCancelState(rx.State):
    errors: dict[str, str] = {}
    has_preview: bool = False
    cancellable: list[TripView] = []
    too_late: list[TripView] = []
    summary: str = ""
    message: str = ""
    busy: bool = False
    _request: tuple[int, str, str] | None = None

    def _forget(self) -> None:
        self.has_preview, self.cancellable, self.too_late, self.summary, self._request = False, [], [], "", None

    @road.handler(FIELDS, busy=True, errors_var="errors")
    async def preview(self, form_data: dict):
        self.errors, self.message = {}, ""
        self._forget()
        request = (
            _child_id(text(form_data, "cancel_child", 12)),
            text(form_data, "cancel_from", 10),
            text(form_data, "cancel_to", 10),
        )
        shown = await road.act(self, trip_cancellation.preview, *request)
        self.cancellable, self.too_late, self.summary = shown.cancellable, shown.too_late, shown.summary
        self._request, self.has_preview = request, True
        return rx.call_script("document.getElementById('annulation-apercu')?.focus()")

    @road.handler(FIELDS, busy=True, errors_var="errors")
    async def confirm(self):
        request, ids = self._request, [t.trip_id for t in self.cancellable]
        self.errors, self.message = {}, ""
        if request is None or not ids:
            self._forget()
            return None
        try:
            cancelled = await road.act(self, trip_cancellation.cancel, *request, ids)
        except ValidationError:  # changed meanwhile: said in « general »; the member previews again
            self._forget()
            raise
        self._forget()
        self.message = f"{counted(cancelled, 'trajet annulé', 'trajets annulés')} : votre droit est recrédité."
        return TripsState.refresh

    @rx.event
    def keep(self):
        self._forget()


def _trip_line(t: TripView) -> rx.Component:
    return rx.el.li(t.day, " à ", t.pickup_time, " — ", t.child, " (", t.direction, ")")


def cancel_range_section() -> rx.Component:
    errors = RangeCancelState.errors
    return rx.el.section(
        rx.el.h2("Annuler plusieurs trajets", class_name="mb-2 text-xl font-semibold"),
        rx.el.p(INTRO, class_name="mb-4 text-sm text-slate-700"),
        rx.cond(RangeCancelState.message != "", ui.notice(RangeCancelState.message, "success")),
        rx.cond(
            errors.get("general", "") != "",
            ui.notice(rx.fragment(errors.get("general", ""), ui.call_platform()), "error"),
        ),
        rx.el.form(
            ui.select_field("Enfant concerné", "cancel_child", errors, TripsState.children),
            ui.field("Annuler du", "cancel_from", errors, input_type="date"),
            ui.field(
                "Jusqu'au",
                "cancel_to",
                errors,
                input_type="date",
                required=False,
                hint="Pour un seul jour, laissez vide ou indiquez la même date.",
            ),
            ui.submit_button("Voir les trajets à annuler", RangeCancelState.busy),
            on_submit=RangeCancelState.preview,
            no_validate=True,
            class_name="max-w-md",
        ),
        rx.cond(
            RangeCancelState.has_preview,
            rx.el.div(
                rx.el.p(RangeCancelState.summary, class_name="mb-2 font-semibold"),
                rx.el.ul(rx.foreach(RangeCancelState.cancellable, _trip_line), class_name="mb-3 list-disc pl-6"),
                rx.cond(
                    RangeCancelState.too_late.length() > 0,
                    rx.el.div(
                        rx.el.p(TOO_LATE),
                        rx.el.ul(rx.foreach(RangeCancelState.too_late, _trip_line), class_name="list-disc pl-6"),
                        rx.el.p(ui.call_platform("")),
                        class_name="mb-3 text-slate-800",
                    ),
                ),
                rx.cond(
                    RangeCancelState.cancellable.length() > 0,
                    ui.confirm_box(
                        "Annuler ces trajets ?",
                        "Annuler ces trajets",
                        RangeCancelState.confirm,
                        "Garder ces trajets",
                        RangeCancelState.keep,
                    ),
                ),
                id="annulation-apercu",
                tab_index=-1,
                role="region",
                aria_label="Trajets à annuler",
                class_name="mt-4 rounded-md border border-slate-300 p-4",
            ),
        ),
        aria_label="Annuler plusieurs trajets",
        class_name="mb-8",
    )
