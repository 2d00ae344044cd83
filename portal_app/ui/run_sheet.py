"""/conseiller/trajets: the transport provider's run sheet of a day (today until 18:00 Paris time, tomorrow
after, unless a day is chosen), sorted by pick-up time, with the trip statuses advisers set, a CSV download
and an A4 print. A table from 1024 px (and on paper), cards on a phone.

The domain (run_sheet) refuses anyone but a verified adviser, says which status changes each line offers
(the page draws only those) and checks each one again; every handler goes by the road.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import run_sheet
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, open_back_office
from portal_app.ui.forms import text

COLUMNS = ["Heure", "Enfant", "Prise en charge", "Destination", "Téléphone du parent", "Remarques", "Statut"]
ACTIONS = [("confirmed", "Confirmer"), ("done", "Réalisé"), ("not_done", "Non réalisé"), ("cancelled", "Annuler")]
# On paper: A4, only the sheet (the header, footer and navigations are print:hidden too; this is the net).
PRINT_CSS = (
    "@page { size: A4; margin: 12mm; } "
    "@media print { body header, body footer, body nav, #navigateur-ancien-place { display: none !important; } }"
)
HEADING_ID = "feuille-du-jour"


class RunSheetState(rx.State):
    loaded: bool = False
    day: str = ""
    heading: str = ""
    lines: list[run_sheet.RunSheetLine] = []
    errors: dict[str, str] = {}
    message: str = ""
    row_error_id: int = 0
    row_error: str = ""

    def _clear(self) -> None:
        self.errors, self.message, self.row_error_id, self.row_error = {}, "", 0, ""

    async def _show(self, day: str | None) -> None:
        sheet = await road.act(self, run_sheet.day_sheet, day)
        self.day, self.heading, self.lines, self.loaded = sheet.day, sheet.heading, sheet.lines, True

    def _on_not_found(self, error: NotFound) -> None:
        """A trip gone under a status change: said on its row."""
        self.row_error = error.message

    @road.handler(["day"])
    async def load(self):
        self.loaded = False
        self._clear()
        await open_back_office(self)
        raw = self.router.url.query_parameters.get("jour", "")
        try:
            await self._show(raw if len(raw) == 10 else None)
        except ValidationError:  # a bad ?jour= in the address bar: the default day's sheet instead
            await self._show(None)

    @road.handler(["day"])
    async def show(self, form_data: dict):
        self._clear()
        await self._show(text(form_data, "day", 10))

    @road.handler(sends_mail=True)  # confirmed or cancelled: the member is told by e-mail
    async def set_status(self, trip_id: int, status: str):
        self._clear()
        self.row_error_id = trip_id if isinstance(trip_id, int) else 0
        try:
            self.message = await road.act(
                self, run_sheet.set_status, self.row_error_id, status if isinstance(status, str) else ""
            )
        except ValidationError as error:  # a refused status change: said on its row, not in a form
            self.row_error = error.message
            await self._show(self.day)  # what the line offers now (another adviser may have acted)
            return
        self.row_error_id = 0
        await self._show(self.day)

    @road.handler(["day"])
    async def download_csv(self):
        content = await road.act(self, run_sheet.run_sheet_csv, self.day)
        return rx.download(data=content, filename=f"trajets-{self.day}.csv", mime_type="text/csv")


CELL = "border border-slate-300 p-2 align-top print:p-1"
ACTION_BUTTON = (
    "rounded-md border border-blue-800 bg-white px-3 py-2 text-sm font-semibold text-blue-800 "
    "hover:bg-blue-50 focus:outline-none focus:ring-4 focus:ring-blue-300 cursor-pointer"
)


def status_buttons(line: rx.Var[run_sheet.RunSheetLine]) -> rx.Component:
    """Only the changes the domain offers for this line (never « Confirmer » on a confirmed trip)."""
    return rx.el.div(
        *[
            rx.cond(
                line.actions.contains(status),
                rx.el.button(
                    label,
                    type="button",
                    on_click=RunSheetState.set_status(line.trip_id, status),
                    class_name=ACTION_BUTTON,
                ),
            )
            for status, label in ACTIONS
        ],
        class_name="flex flex-wrap gap-2",
    )


def row_error(line: rx.Var[run_sheet.RunSheetLine]) -> rx.Component:
    return rx.cond(
        RunSheetState.row_error_id == line.trip_id,
        rx.el.p(RunSheetState.row_error, role="alert", class_name="mt-1 font-medium text-red-700 print:hidden"),
    )


def sheet_row(line: rx.Var[run_sheet.RunSheetLine]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(line.pickup_time, class_name=CELL + " font-semibold whitespace-nowrap"),
        rx.el.td(line.child, class_name=CELL + " whitespace-nowrap"),
        rx.el.td(line.pickup, class_name=CELL),
        rx.el.td(line.dropoff, class_name=CELL),
        rx.el.td(line.phone, class_name=CELL + " whitespace-nowrap"),
        rx.el.td(line.notes, class_name=CELL),
        rx.el.td(rx.el.span(line.status_label), row_error(line), class_name=CELL),
        rx.el.td(status_buttons(line), class_name=CELL + " w-48 print:hidden"),
    )


def sheet_table() -> rx.Component:
    """From 1024 px and on paper: one row per trip."""
    return ui.scroll_region(
        rx.el.table(
            rx.el.caption(RunSheetState.heading, ", triés par heure de prise en charge", class_name="sr-only"),
            rx.el.thead(
                rx.el.tr(
                    *[rx.el.th(h, scope="col", class_name=CELL + " bg-slate-100 text-left") for h in COLUMNS],
                    rx.el.th("Actions", scope="col", class_name=CELL + " bg-slate-100 text-left print:hidden"),
                )
            ),
            rx.el.tbody(rx.foreach(RunSheetState.lines, sheet_row)),
            class_name="w-full border-collapse text-sm print:text-[9pt]",
        ),
        RunSheetState.heading,
        class_name="hidden lg:block print:block print:overflow-visible",
    )


def card_detail(term: str, value: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.dt(term, class_name="font-semibold text-slate-700"),
        rx.el.dd(value, class_name="mb-2 [overflow-wrap:anywhere]"),
    )


def sheet_card(line: rx.Var[run_sheet.RunSheetLine]) -> rx.Component:
    return rx.el.li(
        rx.el.h3(line.pickup_time, " — ", line.child, class_name="mb-2 text-lg font-semibold"),
        rx.el.dl(
            card_detail("Prise en charge", line.pickup),
            card_detail("Destination", line.dropoff),
            card_detail("Téléphone du parent", line.phone),
            rx.cond(line.notes != "", card_detail("Remarques", line.notes)),
            card_detail("Statut", line.status_label),
        ),
        row_error(line),
        rx.el.div(status_buttons(line), class_name="mt-3"),
        class_name="rounded-md border border-slate-300 p-4",
    )


def sheet_cards() -> rx.Component:
    """On a phone or a narrow window: one card per trip, its buttons under it."""
    return rx.el.ul(
        rx.foreach(RunSheetState.lines, sheet_card),
        aria_labelledby=HEADING_ID,
        class_name="flex flex-col gap-4 lg:hidden print:hidden",
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
                    ui.field(
                        "Jour",
                        "day",
                        RunSheetState.errors,
                        input_type="date",
                        default_value=RunSheetState.day,
                        hint=run_sheet.DEFAULT_DAY_RULE,
                    ),
                    ui.submit_button("Afficher"),
                    key=RunSheetState.day,
                    on_submit=RunSheetState.show,
                    no_validate=True,
                    class_name="mb-6 max-w-xl print:hidden",
                ),
                rx.el.div(
                    rx.cond(RunSheetState.message != "", ui.notice(RunSheetState.message, "success")),
                    class_name="print:hidden",
                ),
                rx.el.h2(RunSheetState.heading, id=HEADING_ID, class_name="mb-3 text-xl font-semibold"),
                rx.cond(RunSheetState.lines.length() > 0, rx.fragment(sheet_table(), sheet_cards())),
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
        wide=True,
    )
