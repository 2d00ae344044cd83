"""/conseiller/rappels: the open « Être rappelé » requests, the earliest slot first; the adviser calls (a
`tel:` link) and marks one done with its outcome (« rappelé », « injoignable ») and a note."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import callbacks
from portal_app.domain.callbacks import AdviserCallbackLine
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser
from portal_app.ui.forms import focus_when_shown, text

TITLE = "Demandes de rappel"
NONE_OPEN = "Aucune demande de rappel en attente."
OUTCOME_LEGEND = "Résultat de l'appel"
NOTE_LABEL = "Note du conseiller"
NOTE_HINT = f"{callbacks.ADVISER_NOTE_MAX} caractères au plus."


class AdviserCallbacksState(rx.State):
    loaded: bool = False
    lines: list[AdviserCallbackLine] = []
    handling_id: int = 0
    errors: dict[str, str] = {}
    message: str = ""

    async def _reload(self) -> None:
        self.lines = await road.act(self, callbacks.open_requests)
        await signed_in_adviser(self)
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.handling_id, self.errors, self.message = False, 0, {}, ""
        await self._reload()

    @rx.event
    def start(self, request_id: int):
        self.handling_id = request_id if isinstance(request_id, int) else 0
        self.errors, self.message = {}, ""
        return focus_when_shown("outcome")

    @rx.event
    def stop(self):
        self.handling_id, self.errors = 0, {}

    @road.handler(["general", "outcome", "adviser_note"])
    async def save(self, form_data: dict):
        self.errors, self.message = {}, ""
        self.message = await road.act(
            self,
            callbacks.mark_done,
            self.handling_id,
            text(form_data, "outcome", 20),
            text(form_data, "adviser_note", 5000),
        )
        self.handling_id = 0
        await self._reload()
        return focus_when_shown("message-rappels")


def outcome_radio(value: str, label: str) -> rx.Component:
    error = AdviserCallbacksState.errors.get("outcome", "")
    return rx.el.div(
        rx.el.input(
            type="radio",
            id=f"outcome_{value}",
            name="outcome",
            value=value,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby="outcome-erreur",
            class_name="h-6 w-6 shrink-0 accent-blue-800",
        ),
        rx.el.label(label, html_for=f"outcome_{value}"),
        class_name="mb-2 flex items-center gap-3",
    )


def done_form() -> rx.Component:
    errors = AdviserCallbacksState.errors
    note_error = errors.get("adviser_note", "")
    return rx.el.form(
        rx.el.div(ui.error_text(errors.get("general", ""), "general-erreur"), id="general", tab_index=-1),
        rx.el.fieldset(
            rx.el.legend(OUTCOME_LEGEND, class_name="mb-2 font-semibold text-slate-900"),
            *[outcome_radio(value, label) for value, label in callbacks.OUTCOMES.items()],
            ui.error_text(errors.get("outcome", ""), "outcome-erreur"),
            id="outcome",
            tab_index=-1,
            class_name="mb-5",
        ),
        rx.el.div(
            rx.el.label(NOTE_LABEL, html_for="adviser_note", class_name="mb-1 block font-semibold text-slate-900"),
            rx.el.p(NOTE_HINT, id="adviser_note-aide", class_name="mb-2 text-sm text-slate-700"),
            rx.el.textarea(
                id="adviser_note",
                name="adviser_note",
                rows=3,
                aria_invalid=rx.cond(note_error != "", "true", "false"),
                aria_describedby=rx.cond(
                    note_error != "", "adviser_note-aide adviser_note-erreur", "adviser_note-aide"
                ),
                class_name=ui.INPUT_CLASS,
            ),
            ui.error_text(note_error, "adviser_note-erreur"),
            class_name="mb-5",
        ),
        rx.el.div(
            ui.submit_button("Enregistrer"),
            rx.el.button(
                "Annuler", type="button", on_click=AdviserCallbacksState.stop, class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        on_submit=AdviserCallbacksState.save,
        no_validate=True,
        class_name="mt-3 max-w-xl",
    )


def request_item(line: rx.Var[AdviserCallbackLine]) -> rx.Component:
    return rx.el.li(
        rx.el.h2(
            ui.link(line.member, "/conseiller/contrat?id=" + line.contract_id.to_string()),
            " (",
            line.member_number,
            ") — ",
            line.subject,
            class_name="text-lg font-semibold",
        ),
        rx.el.p("Appeler le ", rx.el.a(line.phone, href=line.phone_href, class_name=ui.LINK_CLASS)),
        rx.el.p("Créneaux :", class_name="font-semibold text-slate-700"),
        rx.el.ol(rx.foreach(line.slots, lambda s: rx.el.li(s)), class_name="list-decimal pl-6"),
        rx.cond(line.note != "", rx.el.p("Remarque du membre : ", line.note, class_name="[overflow-wrap:anywhere]")),
        rx.el.p("Demandée le ", line.asked, class_name="text-sm text-slate-700"),
        rx.cond(
            AdviserCallbacksState.handling_id == line.request_id,
            done_form(),
            rx.el.button(
                "Marquer comme traitée",
                type="button",
                on_click=AdviserCallbacksState.start(line.request_id),
                class_name=ui.SECONDARY_BUTTON_CLASS + " mt-2",
            ),
        ),
        class_name="border-b border-slate-200 py-4",
    )


def adviser_callbacks_page() -> rx.Component:
    return ui.page(
        TITLE,
        rx.cond(
            AdviserCallbacksState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.div(
                    rx.cond(AdviserCallbacksState.message != "", ui.notice(AdviserCallbacksState.message, "success")),
                    id="message-rappels",
                    tab_index=-1,
                ),
                rx.cond(
                    AdviserCallbacksState.lines.length() > 0,
                    rx.el.ol(rx.foreach(AdviserCallbacksState.lines, request_item), id="demandes-rappel"),
                    rx.el.p(NONE_OPEN),
                ),
            ),
            ui.loading(),
        ),
    )
