"""/conseiller/trajets: the transport provider's run sheet of a day (tomorrow by default, Paris time),
sorted by pick-up time, with the trip statuses advisers set, a CSV download and an A4 print.

The domain (run_sheet) refuses anyone but a verified adviser and checks each status change.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta

import reflex as rx

from portal_app.domain import advisers, clock, run_sheet
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.formatting import long_date
from portal_app.ui import components as ui
from portal_app.ui.adviser import _refused, _token, adviser_nav
from portal_app.ui.background import kick_mail_delivery
from portal_app.ui.forms import text
from portal_app.ui.request_origin import remember_origin

COLUMNS = ["Heure", "Enfant", "Prise en charge", "Destination", "Téléphone du parent", "Remarques", "Statut"]
ACTIONS = [("confirmed", "Confirmer"), ("done", "Réalisé"), ("not_done", "Non réalisé"), ("cancelled", "Annuler")]
PRINT_CSS = "@page { size: A4; margin: 12mm; }"


def _day_label(day: str) -> str:
    try:
        return long_date(date.fromisoformat(day))
    except ValueError:
        return day


class RunSheetState(rx.State):
    loaded: bool = False
    day: str = ""
    day_label: str = ""
    lines: list[dict] = []
    errors: dict[str, str] = {}
    message: str = ""
    row_error_id: int = 0
    row_error: str = ""

    async def _show(self, day: str) -> rx.event.EventSpec | None:
        try:
            lines = await asyncio.to_thread(run_sheet.run_sheet, await _token(self), day)
        except NotAllowed:
            return await _refused(self)
        except ValidationError as error:
            self.errors = error.errors
            return rx.call_script("document.getElementById('day')?.focus()")
        self.day, self.day_label = day, _day_label(day)
        self.lines = [dataclasses.asdict(line) for line in lines]
        self.loaded = True
        return None

    @rx.event
    async def load(self):
        remember_origin(self)
        self.loaded, self.errors, self.message, self.row_error_id, self.row_error = False, {}, "", 0, ""
        try:
            await asyncio.to_thread(advisers.check_adviser, await _token(self))
        except NotAllowed:
            return await _refused(self)
        raw = self.router.url.query_parameters.get("jour", "")
        tomorrow = (clock.today_in_paris() + timedelta(days=1)).isoformat()
        result = await self._show(raw if len(raw) == 10 else tomorrow)
        if self.errors:  # a bad ?jour= in the address bar: tomorrow's sheet instead
            self.errors = {}
            result = await self._show(tomorrow)
        return result

    @rx.event
    async def show(self, form_data: dict):
        remember_origin(self)
        self.errors, self.message, self.row_error_id, self.row_error = {}, "", 0, ""
        return await self._show(text(form_data, "day", 10))

    @rx.event
    async def set_status(self, trip_id: int, status: str):
        remember_origin(self)
        wanted = trip_id if isinstance(trip_id, int) else 0
        self.errors, self.message, self.row_error_id, self.row_error = {}, "", 0, ""
        try:
            self.message = await asyncio.to_thread(
                run_sheet.set_status, await _token(self), wanted, status if isinstance(status, str) else ""
            )
        except NotAllowed:
            return await _refused(self)
        except (ValidationError, NotFound) as error:
            self.row_error_id, self.row_error = wanted, error.message
            return None
        kick_mail_delivery()  # confirmed or cancelled: the member is told by e-mail
        return await self._show(self.day)

    @rx.event
    async def download_csv(self):
        remember_origin(self)
        try:
            content = await asyncio.to_thread(run_sheet.run_sheet_csv, await _token(self), self.day)
        except NotAllowed:
            return await _refused(self)
        except ValidationError as error:
            self.errors = error.errors
            return rx.call_script("document.getElementById('day')?.focus()")
        return rx.download(data=content, filename=f"trajets-{self.day}.csv", mime_type="text/csv")


CELL = "border border-slate-300 p-2 align-top print:p-1"


def status_buttons(line: dict) -> rx.Component:
    return rx.el.div(
        *[
            rx.el.button(
                label,
                type="button",
                on_click=RunSheetState.set_status(line["trip_id"], status),
                class_name="rounded-md border border-blue-800 bg-white px-2 py-1 text-sm font-semibold text-blue-800 "
                "hover:bg-blue-50 focus:outline-none focus:ring-4 focus:ring-blue-300 cursor-pointer",
            )
            for status, label in ACTIONS
        ],
        class_name="flex flex-wrap gap-1",
    )


def sheet_row(line: dict) -> rx.Component:
    return rx.el.tr(
        rx.el.td(line["pickup_time"], class_name=CELL + " font-semibold whitespace-nowrap"),
        rx.el.td(line["child"], class_name=CELL + " whitespace-nowrap"),
        rx.el.td(line["pickup"], class_name=CELL),
        rx.el.td(line["dropoff"], class_name=CELL),
        rx.el.td(line["phone"], class_name=CELL + " whitespace-nowrap"),
        rx.el.td(line["notes"], class_name=CELL),
        rx.el.td(
            rx.el.span(line["status_label"]),
            rx.cond(
                RunSheetState.row_error_id == line["trip_id"],
                rx.el.p(RunSheetState.row_error, role="alert", class_name="mt-1 font-medium text-red-700 print:hidden"),
            ),
            class_name=CELL,
        ),
        rx.el.td(status_buttons(line), class_name=CELL + " print:hidden"),
    )


def sheet_table() -> rx.Component:
    return ui.scroll_region(
        rx.el.table(
            rx.el.caption(
                "Trajets du ",
                RunSheetState.day_label,
                " triés par heure de prise en charge",
                class_name="mb-2 text-left font-semibold",
            ),
            rx.el.thead(
                rx.el.tr(
                    *[rx.el.th(h, scope="col", class_name=CELL + " bg-slate-100 text-left") for h in COLUMNS],
                    rx.el.th("Actions", scope="col", class_name=CELL + " bg-slate-100 text-left print:hidden"),
                )
            ),
            rx.el.tbody(rx.foreach(RunSheetState.lines, sheet_row)),
            class_name="w-full border-collapse text-sm print:text-[9pt]",
        ),
        "Trajets du jour",
        class_name="print:overflow-visible",
    )


def run_sheet_page() -> rx.Component:
    return ui.page(
        "Trajets du jour",
        rx.el.style(PRINT_CSS),
        rx.cond(
            RunSheetState.loaded,
            rx.fragment(
                rx.el.div(adviser_nav(), class_name="print:hidden"),
                rx.el.form(
                    ui.field("Jour", "day", RunSheetState.errors, input_type="date", default_value=RunSheetState.day),
                    ui.submit_button("Afficher"),
                    key=RunSheetState.day,
                    on_submit=RunSheetState.show,
                    no_validate=True,
                    class_name="mb-6 max-w-md print:hidden",
                ),
                rx.el.div(
                    rx.cond(RunSheetState.message != "", ui.notice(RunSheetState.message, "success")),
                    class_name="print:hidden",
                ),
                rx.el.p(
                    rx.el.strong(RunSheetState.day_label),
                    " : ",
                    RunSheetState.lines.length(),
                    " trajet(s).",
                    class_name="mb-3",
                ),
                rx.cond(RunSheetState.lines.length() > 0, sheet_table()),
                rx.el.div(
                    rx.el.button(
                        "Télécharger le CSV",
                        type="button",
                        on_click=RunSheetState.download_csv,
                        class_name=ui.SECONDARY_BUTTON_CLASS,
                    ),
                    rx.el.button(
                        "Imprimer",
                        type="button",
                        on_click=rx.call_script("window.print()"),
                        class_name=ui.SECONDARY_BUTTON_CLASS,
                    ),
                    class_name="mt-6 flex flex-col gap-3 sm:flex-row print:hidden",
                ),
            ),
            ui.loading(),
        ),
    )
