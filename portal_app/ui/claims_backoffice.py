"""Adviser pages of reimbursement requests: /conseiller/remboursements (the queue, filtered by status
and age) and /conseiller/remboursements/demande?ref=RB-… (the member, the file and what the entitlement
still allows, the documents, the history, and the decisions).

Each decision sends what the adviser is looking at (the status and the timeline's length): when another
adviser decided first, the domain refuses, its message is shown and the claim is reloaded, their decision
in it. « Accepter », « Refuser » and « Marquer comme payée » ask first, with the amount and the member's
name (`claims_backoffice.confirmation`). Reading a claim and downloading a file are audited by the domain.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import claims_backoffice
from portal_app.domain.claims import STATUS_LABELS, ClaimView
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser
from portal_app.ui.claim_decisions import CONFIRM_TEXTS, decisions
from portal_app.ui.claims import claim_summary, select_field, timeline_item
from portal_app.ui.forms import focus_when_shown, text

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
    pending: str = ""  # accepted, refused or paid: waiting for « Oui, … »
    question: str = ""  # « Accepter la demande RB-… de Claire Martin pour 300,00 € ? »
    _reference: str = ""
    _version: int = 0  # the timeline's length the page shows: a decision is taken only from it
    _pending_fields: dict[str, str] = {}

    @rx.var
    def amount_input(self) -> str:
        """The amount asked, as the « accept » field starts with it (« 1 234,50 »)."""
        return self.claim.amount.removesuffix(" €").replace("\u202f", " ") if self.claim else ""

    async def _reload(self) -> None:
        view = await road.act(self, claims_backoffice.adviser_claim, self._reference)
        await signed_in_adviser(self)
        self.claim, self.member, self.member_number, self.remaining, self.acceptable, self._version = (
            view.claim,
            view.member,
            view.member_number,
            view.remaining,
            view.acceptable,
            view.version,
        )
        self.loaded = True

    async def _on_not_found(self, error: NotFound) -> None:
        """No such claim (or gone): the page says so, in place of the claim."""
        await signed_in_adviser(self)
        self.problem, self.loaded = error.message, True

    def _forget_pending(self) -> None:
        self.pending, self.question, self._pending_fields = "", "", {}

    @road.handler()
    async def load(self):
        self.loaded, self.problem, self.errors, self.message, self.claim = False, "", {}, "", None
        self._forget_pending()
        self._reference = self.router.url.query_parameters.get("ref", "")[:20]
        await self._reload()

    async def _ask(self, decision: str, **fields: str):
        """The confirmation's question (amount and member's name), checked as the decision will be."""
        self.errors, self.message = {}, ""
        self._forget_pending()
        status = self.claim.status if self.claim else ""
        try:
            self.question = await road.act(
                self,
                claims_backoffice.confirmation,
                self._reference,
                decision,
                status,
                expected_version=self._version,
                **fields,
            )
        except ValidationError as error:
            if "decision" in error.errors:  # decided meanwhile by someone else: shown as it is now
                await self._reload()
            raise
        self.pending, self._pending_fields = decision, fields
        return focus_when_shown("confirmation")

    async def _decide(self, decision: str, **fields: str):
        """One decision on what the page shows; the domain says if someone else was first, and the claim is
        reloaded so that their decision is shown (never overwritten)."""
        self.errors, self.message = {}, ""
        self._forget_pending()
        try:
            self.message = await road.act(
                self,
                claims_backoffice.decide,
                self._reference,
                decision,
                self.claim.status if self.claim else "",
                expected_version=self._version,
                **fields,
            )
        except ValidationError as error:
            if "decision" in error.errors:
                await self._reload()
            raise
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

    @road.handler(DECISION_FIELDS)
    async def accept(self, form_data: dict):
        return await self._ask("accepted", amount=text(form_data, "amount", 30))

    @road.handler(DECISION_FIELDS)
    async def refuse(self, form_data: dict):
        return await self._ask(
            "refused", message=text(form_data, "refusal_message", 2000), reason=text(form_data, "reason", 30)
        )

    @road.handler(DECISION_FIELDS)
    async def mark_paid(self):
        return await self._ask("paid")

    @road.handler(DECISION_FIELDS, sends_mail=True)
    async def confirm(self):
        """« Oui, … »: the decision asked, with what was typed when it was asked."""
        if self.pending not in CONFIRM_TEXTS:
            return None
        return await self._decide(self.pending, **self._pending_fields)

    @rx.event
    def keep(self):
        """« Revenir à la demande »: nothing decided, the forms as they were."""
        self._forget_pending()
        return focus_when_shown("decisions")


def previewed_file(f: rx.Var) -> rx.Component:
    """The download link, then the first page drawn on the server (never the file's own content in the page)."""
    return rx.el.li(
        rx.el.a(
            f.filename,
            href="/telechargement/justificatif/" + f.file_id.to(str),
            reload_document=True,  # a server route, not a page of the app
            class_name=ui.LINK_CLASS + " break-all",
        ),
        " (",
        f.size,
        ")",
        rx.el.img(
            src="/telechargement/apercu/" + f.file_id.to(str),
            alt="Aperçu de la première page de " + f.filename.to(str),
            loading="lazy",
            class_name="mt-2 mb-4 w-full max-w-xl border border-slate-300 bg-white",
        ),
        class_name="py-1",
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
                            ui.notice(decision_error, "error", id="decision", tab_index=-1),
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
                            rx.el.ul(rx.foreach(c.files, previewed_file), id="justificatifs-envoyes"),
                            class_name="mb-8",
                        ),
                        rx.el.section(
                            rx.el.h2("Historique", class_name="mb-3 text-xl font-semibold"),
                            rx.el.ol(rx.foreach(c.timeline, timeline_item), id="suivi"),
                            class_name="mb-8",
                        ),
                        decisions(AdviserClaimState),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )
