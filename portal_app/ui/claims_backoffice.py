"""Adviser pages of reimbursement requests: /conseiller/remboursements (the queue, filtered by status
and age) and /conseiller/remboursements/demande?ref=RB-… (the member, the file and what the entitlement
still allows, the documents, the history, and the decisions).

Each decision sends the status the adviser is looking at (`expected_status`): when another adviser
decided first, the domain refuses and its message is shown. Reading a claim and downloading a file
are audited by the domain.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import claims_backoffice
from portal_app.domain.claims import STATUS_LABELS, ClaimView
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser
from portal_app.ui.claims import claim_summary, file_item, select_field, timeline_item
from portal_app.ui.forms import text

NO_LINE_TEXT = "Aucune demande ne correspond à ces critères."
DAYS_ERROR = "Indiquez un nombre de jours (nombre entier), ou laissez vide."
MAX_DAYS = 3650
DECISION_FIELDS = ["decision", "message", "amount", "reason"]
FORM_IDS = ["form-pieces", "form-accepter", "form-refuser"]


# ---------------------------------------------------------------------------------------------
# /conseiller/remboursements
# ---------------------------------------------------------------------------------------------


class ClaimQueueState(rx.State):
    loaded: bool = False
    lines: list[claims_backoffice.QueueLine] = []
    errors: dict[str, str] = {}

    async def _search(self, status: str, days: int) -> None:
        self.lines = await road.act(self, claims_backoffice.queue, status, days)
        await signed_in_adviser(self)
        self.loaded = True

    @road.handler(["older_than_days"])
    async def load(self):
        self.loaded, self.errors = False, {}
        await self._search("", 0)

    @road.handler(["older_than_days"])
    async def filter(self, form_data: dict):
        self.errors = {}
        status = text(form_data, "status", 30)
        raw_days = text(form_data, "older_than_days", 10).strip()
        if raw_days and not (raw_days.isdigit() and int(raw_days) <= MAX_DAYS):
            raise ValidationError("older_than_days", DAYS_ERROR)
        await self._search(status if status in STATUS_LABELS else "", int(raw_days or 0))


def queue_row(line: rx.Var[claims_backoffice.QueueLine]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.el.a(
                line.reference,
                href="/conseiller/remboursements/demande?ref=" + line.reference,
                class_name=ui.LINK_CLASS + " font-semibold whitespace-nowrap",
            ),
            class_name="p-2",
        ),
        rx.el.td(line.member, class_name="p-2"),
        rx.el.td(line.service, class_name="p-2"),
        rx.el.td(line.amount, class_name="p-2 whitespace-nowrap"),
        rx.el.td(line.status_label, class_name="p-2"),
        rx.el.td(line.submitted, " (", line.age_days, " j)", class_name="p-2"),
        class_name="border-b border-slate-200 align-top",
    )


def claim_queue_page() -> rx.Component:
    errors = ClaimQueueState.errors
    return ui.page(
        "Demandes de remboursement",
        rx.cond(
            ClaimQueueState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.form(
                    select_field(
                        "Statut",
                        "status",
                        errors,
                        [("", "Tous"), *STATUS_LABELS.items()],
                    ),
                    ui.field(
                        "Déposées depuis plus de (jours)",
                        "older_than_days",
                        errors,
                        input_mode="numeric",
                        required=False,
                        max_length=4,
                    ),
                    ui.submit_button("Filtrer"),
                    on_submit=ClaimQueueState.filter,
                    no_validate=True,
                    class_name="mb-6 max-w-md",
                ),
                rx.cond(
                    ClaimQueueState.lines.length() > 0,
                    ui.scroll_region(
                        rx.el.table(
                            rx.el.caption("Les plus anciennes d'abord", class_name="text-left"),
                            rx.el.thead(
                                rx.el.tr(
                                    *[
                                        rx.el.th(h, scope="col", class_name="p-2 text-left")
                                        for h in ("Référence", "Membre", "Service", "Montant", "Statut", "Déposée")
                                    ]
                                )
                            ),
                            rx.el.tbody(rx.foreach(ClaimQueueState.lines, queue_row)),
                            class_name="w-full text-sm",
                        ),
                        "Demandes à traiter",
                    ),
                    rx.el.p(NO_LINE_TEXT, role="status"),
                ),
            ),
            ui.loading(),
        ),
    )


# ---------------------------------------------------------------------------------------------
# /conseiller/remboursements/demande?ref=RB-…
# ---------------------------------------------------------------------------------------------


class AdviserClaimState(rx.State):
    loaded: bool = False
    problem: str = ""
    claim: ClaimView | None = None
    member: str = ""
    member_number: str = ""
    remaining: str = ""
    acceptable: str = ""
    errors: dict[str, str] = {}
    message: str = ""
    _reference: str = ""

    @rx.var
    def amount_input(self) -> str:
        """The amount asked, as the « accept » field starts with it (« 1 234,50 »)."""
        return self.claim.amount.removesuffix(" €").replace("\u202f", " ") if self.claim else ""

    async def _reload(self) -> None:
        view = await road.act(self, claims_backoffice.adviser_claim, self._reference)
        await signed_in_adviser(self)
        self.claim, self.member, self.member_number, self.remaining, self.acceptable = (
            view.claim,
            view.member,
            view.member_number,
            view.remaining,
            view.acceptable,
        )
        self.loaded = True

    async def _on_not_found(self, error: NotFound) -> None:
        """No such claim (or gone): the page says so, in place of the claim."""
        await signed_in_adviser(self)
        self.problem, self.loaded = error.message, True

    @road.handler()
    async def load(self):
        self.loaded, self.problem, self.errors, self.message, self.claim = False, "", {}, "", None
        self._reference = self.router.url.query_parameters.get("ref", "")[:20]
        await self._reload()

    @road.handler()
    async def reload(self):
        self.errors, self.message = {}, ""
        await self._reload()

    async def _decide(self, decision: str, message: str = "", amount: str = "", reason: str = ""):
        """One decision on the status shown on the page; the domain says if someone else was first."""
        self.errors, self.message = {}, ""
        self.message = await road.act(
            self,
            claims_backoffice.decide,
            self._reference,
            decision,
            self.claim.status if self.claim else "",
            message,
            amount,
            reason,
        )
        await self._reload()
        return [
            *[rx.call_script(f"document.getElementById('{form}')?.reset()") for form in FORM_IDS],
            rx.call_script("document.getElementById('decision-prise')?.focus()"),
        ]

    @road.handler(DECISION_FIELDS, sends_mail=True)
    async def take(self):
        return await self._decide("in_progress")

    @road.handler(DECISION_FIELDS, sends_mail=True)
    async def request_documents(self, form_data: dict):
        return await self._decide("documents_requested", message=text(form_data, "message", 2000))

    @road.handler(DECISION_FIELDS, sends_mail=True)
    async def accept(self, form_data: dict):
        return await self._decide("accepted", amount=text(form_data, "amount", 30))

    @road.handler(DECISION_FIELDS, sends_mail=True)
    async def refuse(self, form_data: dict):
        return await self._decide(
            "refused", message=text(form_data, "refusal_message", 2000), reason=text(form_data, "reason", 30)
        )

    @road.handler(DECISION_FIELDS, sends_mail=True)
    async def mark_paid(self):
        return await self._decide("paid")


def _form_box(title: str, *children: rx.Component, **props) -> rx.Component:
    return rx.el.form(
        rx.el.h3(title, class_name="mb-3 text-lg font-semibold"),
        *children,
        no_validate=True,
        class_name="mb-6 rounded-md border border-slate-300 p-4",
        **props,
    )


def textarea_field(label: str, name: str, errors: rx.Var, hint: str = "", required: bool = True) -> rx.Component:
    error = errors.get(name, "")
    has_error = error != ""
    described_by = f"{name}-aide {name}-erreur" if hint else f"{name}-erreur"
    return rx.el.div(
        rx.el.label(label, html_for=name, class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(hint, id=f"{name}-aide", class_name="mb-2 text-sm text-slate-700") if hint else rx.fragment(),
        rx.el.textarea(
            id=name,
            name=name,
            rows=4,
            max_length=2000,
            required=required,
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=described_by,
            class_name=ui.INPUT_CLASS,
        ),
        ui.error_text(error, f"{name}-erreur"),
        class_name="mb-5",
    )


def decisions() -> rx.Component:
    status = AdviserClaimState.claim.status
    errors = AdviserClaimState.errors
    can = {d: rx.Var.create(list(allowed)).contains(status) for d, allowed in claims_backoffice.TRANSITIONS.items()}
    return rx.el.section(
        rx.el.h2("Décision", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            can["in_progress"],
            rx.el.div(
                rx.el.button(
                    "Prendre en charge",
                    type="button",
                    on_click=AdviserClaimState.take,
                    class_name=ui.PRIMARY_BUTTON_CLASS,
                ),
                class_name="mb-6",
            ),
        ),
        rx.cond(
            can["documents_requested"],
            _form_box(
                "Demander des pièces",
                textarea_field(
                    "Message au membre",
                    "message",
                    errors,
                    hint="Les pièces attendues ; le membre reçoit ce message par e-mail et dans le suivi.",
                ),
                ui.submit_button("Demander des pièces"),
                id="form-pieces",
                on_submit=AdviserClaimState.request_documents,
            ),
        ),
        rx.cond(
            can["accepted"],
            _form_box(
                "Accepter",
                ui.field(
                    "Montant accepté (€)",
                    "amount",
                    errors,
                    hint=rx.fragment(
                        "Au plus le montant demandé, dans ce que le droit permet encore (",
                        AdviserClaimState.acceptable,
                        ").",
                    ),
                    default_value=AdviserClaimState.amount_input,
                    input_mode="decimal",
                    max_length=20,
                    key=AdviserClaimState.amount_input,
                ),
                ui.submit_button("Accepter"),
                id="form-accepter",
                on_submit=AdviserClaimState.accept,
            ),
        ),
        rx.cond(
            can["refused"],
            _form_box(
                "Refuser",
                select_field(
                    "Motif du refus",
                    "reason",
                    errors,
                    list(claims_backoffice.REFUSAL_REASONS.items()),
                    placeholder="Choisissez un motif",
                ),
                textarea_field(
                    "Précisions pour le membre",
                    "refusal_message",
                    errors,
                    hint="Facultatif : ajoutées au motif dans le message au membre.",
                    required=False,
                ),
                ui.submit_button("Refuser"),
                id="form-refuser",
                on_submit=AdviserClaimState.refuse,
            ),
        ),
        rx.cond(
            can["paid"],
            rx.el.button(
                "Marquer comme payée",
                type="button",
                on_click=AdviserClaimState.mark_paid,
                class_name=ui.PRIMARY_BUTTON_CLASS,
            ),
        ),
        rx.cond(
            (status == "refused") | (status == "paid"),
            rx.el.p("Cette demande est close : aucune décision n'est plus possible."),
        ),
        class_name="mb-8 max-w-xl",
    )


def adviser_claim_page() -> rx.Component:
    c = AdviserClaimState.claim
    decision_error = AdviserClaimState.errors.get("decision", "")
    return ui.page(
        "Demande de remboursement",
        rx.cond(
            AdviserClaimState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.p(ui.link("← Toutes les demandes", "/conseiller/remboursements"), class_name="mb-4"),
                rx.cond(
                    AdviserClaimState.problem != "",
                    ui.notice(AdviserClaimState.problem, "error"),
                    rx.fragment(
                        rx.cond(
                            AdviserClaimState.message != "",
                            ui.notice(AdviserClaimState.message, "success", id="decision-prise", tab_index=-1),
                        ),
                        rx.cond(
                            decision_error != "",
                            rx.el.div(
                                ui.notice(decision_error, "error", id="decision", tab_index=-1),
                                rx.el.button(
                                    "Recharger la demande",
                                    type="button",
                                    on_click=AdviserClaimState.reload,
                                    class_name=ui.SECONDARY_BUTTON_CLASS + " mb-6",
                                ),
                            ),
                        ),
                        rx.el.section(
                            rx.el.h2("Demande ", c.reference, class_name="mb-3 text-xl font-semibold"),
                            rx.el.dl(
                                ui.definition("Membre", AdviserClaimState.member),
                                ui.definition("Numéro adhérent", AdviserClaimState.member_number),
                                ui.definition(
                                    "Reste sur le droit (comme le voit le membre)", AdviserClaimState.remaining
                                ),
                            ),
                            claim_summary(c),
                            class_name="mb-8",
                        ),
                        rx.el.section(
                            rx.el.h2("Justificatifs", class_name="mb-3 text-xl font-semibold"),
                            rx.el.ul(rx.foreach(c.files, file_item), id="justificatifs-envoyes"),
                            class_name="mb-8",
                        ),
                        rx.el.section(
                            rx.el.h2("Historique", class_name="mb-3 text-xl font-semibold"),
                            rx.el.ol(rx.foreach(c.timeline, timeline_item), id="suivi"),
                            class_name="mb-8",
                        ),
                        decisions(),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )
