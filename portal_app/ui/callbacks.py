"""/mon-espace/rappel, « Être rappelé »: the member's request (subject, up to three slots, phone, a note), its
status, and cancelling it. Every rule is in domain.callbacks; the state reads the form and shows the answer.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import callbacks, platform
from portal_app.domain.phone import PHONE_RULE
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import focus_when_shown, text
from portal_app.ui.member import member_nav
from portal_app.ui.session_state import SessionState

TITLE = "Être rappelé"
INTRO = (
    "Un conseiller de la plateforme d'assistance vous rappelle sur l'un des créneaux que vous choisissez, "
    f"{platform.hours_text()}. Vous pouvez aussi appeler vous-même : "
)
SUBJECT_LABEL = "Sujet de l'appel"
SLOT_LABELS = ("1er créneau souhaité", "2e créneau (facultatif)", "3e créneau (facultatif)")
SLOTS_HINT = (
    "Sur les cinq prochains jours ouvrés. Choisissez jusqu'à trois créneaux : le conseiller appelle sur l'un d'eux."
)
PHONE_LABEL = "Téléphone mobile"
PHONE_HINT = "Le numéro auquel le conseiller vous appellera. " + PHONE_RULE
NOTE_LABEL = "Remarque (facultatif)"
NOTE_HINT = (
    f"{callbacks.NOTE_MAX} caractères au plus. Elle est lue par le conseiller et n'est pas reprise dans l'e-mail "
    "de confirmation."
)
SEND = "Demander à être rappelé"
SENT = (
    "Votre demande de rappel est enregistrée : un conseiller vous appellera sur l'un de vos créneaux. Un e-mail "
    "de confirmation vous est envoyé."
)
CANCELLED = "Votre demande de rappel est annulée."
CURRENT_HEADING = "Ma demande en cours"
HISTORY_HEADING = "Mes demandes"
NO_REQUEST = "Vous n'avez pas encore demandé à être rappelé."
FIELDS = ["general", "subject", "slot_1", "slot_2", "slot_3", "phone", "note"]
PATH = "/mon-espace/rappel"


NO_CURRENT = callbacks.CallbackView(0, "", [], "", "", "", "", "", "", "", False)


def _request_id(raw: object) -> int:
    return raw if isinstance(raw, int) and 0 < raw < 10**12 else 0


class CallbackState(rx.State):
    loaded: bool = False
    busy: bool = False
    slots: list[dict[str, str]] = []
    subjects: list[dict[str, str]] = []
    phone: str = ""
    requests: list[callbacks.CallbackView] = []
    errors: dict[str, str] = {}
    message: str = ""
    confirm_cancel: bool = False
    form_round: int = 0  # a new form (its inputs emptied) after each request

    @rx.var
    def current(self) -> callbacks.CallbackView:
        """The open request (there is at most one); an empty one when there is none (`has_current`)."""
        return next((r for r in self.requests if r.is_open), NO_CURRENT)

    @rx.var
    def has_current(self) -> bool:
        return any(r.is_open for r in self.requests)

    @rx.var
    def has_requests(self) -> bool:
        return len(self.requests) > 0

    async def _reload(self) -> None:
        form = await road.act(self, callbacks.callback_form)
        (await self.get_state(SessionState))._signed_in("member")
        self.slots = [{"id": s.value, "label": s.label} for s in form.slots]
        self.subjects = [{"id": value, "label": label} for value, label in form.subjects]
        self.phone = form.phone
        self.requests = form.requests
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.errors, self.message, self.confirm_cancel = False, {}, "", False
        await self._reload()

    @road.handler(FIELDS, busy=True, sends_mail=True)
    async def submit(self, form_data: dict):
        self.errors, self.message = {}, ""
        await road.act(
            self,
            callbacks.request_callback,
            text(form_data, "subject", 20),
            [text(form_data, f"slot_{i}", 20) for i in (1, 2, 3)],
            text(form_data, "phone", 40),
            text(form_data, "note", 5000),  # the domain says when it is too long
        )
        self.message = SENT
        self.form_round += 1
        await self._reload()
        return focus_when_shown("message-rappel")

    @rx.event
    def ask_cancel(self):
        self.confirm_cancel, self.message, self.errors = True, "", {}

    @rx.event
    def keep(self):
        self.confirm_cancel = False

    @road.handler()
    async def cancel(self, request_id: int):
        self.confirm_cancel, self.errors, self.message = False, {}, ""
        await road.act(self, callbacks.cancel_callback, _request_id(request_id))
        self.message = CANCELLED
        await self._reload()
        return focus_when_shown("message-rappel")


def _slot_select(index: int) -> rx.Component:
    return ui.select_field(
        SLOT_LABELS[index - 1],
        f"slot_{index}",
        CallbackState.errors,
        CallbackState.slots,
        placeholder="Choisissez un créneau" if index == 1 else "Aucun",
        hint=SLOTS_HINT if index == 1 else None,
    )


def note_field() -> rx.Component:
    error = CallbackState.errors.get("note", "")
    return rx.el.div(
        rx.el.label(NOTE_LABEL, html_for="note", class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(NOTE_HINT, id="note-aide", class_name="mb-2 text-sm text-slate-700"),
        rx.el.textarea(
            id="note",
            name="note",
            rows=3,
            max_length=callbacks.NOTE_MAX,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=rx.cond(error != "", "note-aide note-erreur", "note-aide"),
            class_name=ui.INPUT_CLASS,
        ),
        ui.error_text(error, "note-erreur"),
        class_name="mb-5",
    )


def request_form() -> rx.Component:
    general = CallbackState.errors.get("general", "")
    return rx.el.form(
        rx.el.div(
            ui.error_text(general, "general-erreur"),
            id="general",
            tab_index=-1,
        ),
        ui.select_field(
            SUBJECT_LABEL,
            "subject",
            CallbackState.errors,
            CallbackState.subjects,
            placeholder="Choisissez le sujet",
        ),
        _slot_select(1),
        _slot_select(2),
        _slot_select(3),
        ui.field(
            PHONE_LABEL,
            "phone",
            CallbackState.errors,
            input_type="tel",
            autocomplete="tel-national",
            hint=PHONE_HINT,
            default_value=CallbackState.phone,
        ),
        note_field(),
        ui.submit_button(SEND, CallbackState.busy),
        key=CallbackState.form_round.to_string(),
        id="form-rappel",
        on_submit=CallbackState.submit,
        no_validate=True,
        class_name="max-w-xl",
    )


def current_request() -> rx.Component:
    c = CallbackState.current
    return rx.el.section(
        rx.el.h2(CURRENT_HEADING, class_name="mb-3 text-xl font-semibold"),
        rx.el.dl(
            ui.definition("Statut", c.status_label),
            ui.definition(SUBJECT_LABEL, c.subject),
            ui.definition("Numéro", c.phone),
            ui.definition("Demandée le", c.asked),
        ),
        rx.el.p("Créneaux choisis :", class_name="font-semibold text-slate-700"),
        rx.el.ul(rx.foreach(c.slots, lambda s: rx.el.li(s)), class_name="mb-4 list-disc pl-6"),
        rx.cond(
            CallbackState.confirm_cancel,
            ui.confirm_box(
                "Annuler cette demande de rappel ?",
                "Confirmer l'annulation",
                CallbackState.cancel(c.request_id),
                "Garder ma demande",
                CallbackState.keep,
            ),
            rx.el.button(
                "Annuler ma demande",
                type="button",
                on_click=CallbackState.ask_cancel,
                class_name=ui.SECONDARY_BUTTON_CLASS,
            ),
        ),
        rx.cond(
            CallbackState.errors.get("general", "") != "",
            rx.el.p(CallbackState.errors["general"], role="alert", class_name="mt-2 font-medium text-red-700"),
        ),
        id="demande-en-cours",
        class_name="mb-8 rounded-md border border-slate-300 p-4",
    )


def history_item(r: rx.Var[callbacks.CallbackView]) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span("Demande du ", r.asked, class_name="font-semibold"), " — ", r.subject),
        rx.el.p(
            "Statut : ",
            rx.el.span(r.status_label, class_name="font-semibold"),
            rx.cond(r.outcome != "", rx.fragment(" (", r.outcome, ")")),
            rx.cond(r.handled != "", rx.fragment(", le ", r.handled)),
        ),
        class_name="border-b border-slate-200 py-2",
    )


def callback_page() -> rx.Component:
    return ui.page(
        TITLE,
        rx.cond(
            CallbackState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.p(INTRO, ui.call_link(), ".", class_name="mb-6"),
                rx.el.div(
                    rx.cond(CallbackState.message != "", ui.notice(CallbackState.message, "success")),
                    id="message-rappel",
                    tab_index=-1,
                ),
                rx.cond(CallbackState.has_current, current_request(), request_form()),
                rx.el.section(
                    rx.el.h2(HISTORY_HEADING, class_name="mb-3 text-xl font-semibold"),
                    rx.cond(
                        CallbackState.has_requests,
                        rx.el.ul(rx.foreach(CallbackState.requests, history_item), id="mes-demandes-rappel"),
                        rx.el.p(NO_REQUEST),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )
