"""/mon-espace/remboursements: what the reimbursement service covers, the member's requests, the form.

Every rule (scope, quotes, amounts, IBAN, files by content and size, one claim per submission key) lives in
domain.claims and domain.uploads; the state reads the form, calls the domain through the road and shows what
it answers. The texts are in claims_texts, the file picker in upload_widget, one claim's page in claim_page.
"""

from __future__ import annotations

import json

import reflex as rx

from portal_app.db.vocabulary import DocumentKind
from portal_app.domain import claims
from portal_app.domain.faq import CLAIM_SCOPE_ENTRIES
from portal_app.ui import claims_texts as texts
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.claim_page import claim_summary, file_item, timeline_item  # noqa: F401 (see below)
from portal_app.ui.components import select_field  # noqa: F401 (see below)
from portal_app.ui.forms import checked, focus_when_shown, text
from portal_app.ui.member import member_nav
from portal_app.ui.session_state import SessionState
from portal_app.ui.upload_widget import UploadingState, file_picker, read_uploads, send_progress, upload_with_progress

# claims_backoffice (the adviser's page, another module's owner) still imports claim_summary, file_item,
# timeline_item and select_field from here: they now live in claim_page and components.

UPLOAD_ID = "justificatifs"
FORM_ID = "form-remboursement"
# After a refusal the focus goes to the first error as the page draws it (road.SHOWN_ORDER): the form-wide
# notice (`general-erreur` inside `#general`) or a field. The form sends an invoice (a hidden field): a quote
# is explained by a notice next to the files, and the domain still refuses a forged « devis ».


def _id(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


def claim_input(form_data: dict, submission_key: str) -> claims.ClaimInput:
    """The form as the domain takes it (every value cut at a sane length; the key never comes from the form)."""
    return claims.ClaimInput(
        entitlement_id=_id(text(form_data, "entitlement", 12)),
        date_from=text(form_data, "date_from", 10),
        date_to=text(form_data, "date_to", 10),
        provider=text(form_data, "provider", 300),
        amount=text(form_data, "amount", 30),
        iban=text(form_data, "iban", 60),
        document_kind=text(form_data, "document_kind", 10),
        certified=checked(form_data, "certified"),
        submission_key=submission_key,
    )


class ClaimsState(UploadingState, rx.State):
    """The list and the form. The form is sent in ONE upload event carrying files and fields.

    Reflex 0.10 forwards the other arguments bound to an upload handler with the files (as JSON in
    the same multipart request), so the form's on_submit calls
    `submit(rx.upload_files(...), form_data)`: the fields the member sees are exactly the fields
    sent, with no copy of each input kept in the state by on_change setters. The inputs stay
    uncontrolled; after a refusal they keep what the member typed, after a success the form is reset.

    `_submission_key` comes from the domain (`claims.new_submission_key`): the same in every tab and
    for every retry (double click, lost connection, second try after a refusal, a second tab) until a
    claim is filed with it, so the domain answers with the same claim; the next key comes after a success.
    The form also carries `form_round` (not a secret: the number of claims sent from this page): a
    submission of a round already recorded (a double click whose second click left after the first
    answer, a retry whose answer was lost) is answered with that round's reference, even though the key
    has changed since.
    """

    loaded: bool = False
    choices: list[claims.ClaimChoice] = []
    my_claims: list[claims.ClaimView] = []
    errors: dict[str, str] = {}
    sent_reference: str = ""
    form_round: int = 0
    _submission_key: str = ""
    _last_reference: str = ""

    @rx.var
    def entitlement_options(self) -> list[dict[str, str]]:
        """The choices as the select draws them ({"id", "label"})."""
        return [{"id": str(c.entitlement_id), "label": c.label} for c in self.choices]

    @rx.var
    def has_choices(self) -> bool:
        return len(self.choices) > 0

    @rx.var
    def only_choice(self) -> str:
        """The one possible service of the one open file, pre-selected; empty when there is a choice to make."""
        return str(self.choices[0].entitlement_id) if len(self.choices) == 1 else ""

    @rx.var
    def has_claims(self) -> bool:
        return len(self.my_claims) > 0

    async def _reload(self) -> None:
        self.choices = await road.act(self, claims.claim_choices)
        self.my_claims = await road.act(self, claims.member_claims)
        # Same key in every tab until a claim is filed with it: two tabs file one claim.
        self._submission_key = await road.act(self, claims.new_submission_key)
        (await self.get_state(SessionState))._signed_in("member")
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.errors, self.rejected, self.sent_reference = False, {}, "", ""
        self._upload_done()
        await self._reload()

    @road.handler(road.SHOWN_ORDER, sends_mail=True)
    async def submit(self, files: list[rx.UploadFile], form_data: dict):
        self.errors, self.sent_reference, self.rejected, self.sending = {}, "", "", True
        yield
        form_data = form_data if isinstance(form_data, dict) else {}
        try:
            if self._last_reference and text(form_data, "round", 12) == str(self.form_round - 1):
                self.sent_reference = self._last_reference
                return
            data = claim_input(form_data, self._submission_key)
            reference = await road.act(self, claims.submit_claim, data, await read_uploads(files))
        finally:
            self._upload_done()
        self.sent_reference = self._last_reference = reference
        self.form_round += 1
        await self._reload()
        yield [
            rx.call_script(f"document.getElementById({json.dumps(FORM_ID)})?.reset()"),
            rx.clear_selected_files(UPLOAD_ID),
            focus_when_shown("demande-enregistree"),
        ]


# --- the page ---------------------------------------------------------------------------------------


def scope_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2(texts.SCOPE_HEADING, id="perimetre", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(claims.SCOPE_TEXT, class_name="mb-3"),
        rx.el.p(ui.link(texts.FAQ_SCOPE_LINK_TEXT, f"/faq#{CLAIM_SCOPE_ENTRIES[0]}")),
        aria_labelledby="perimetre",
        class_name="mb-8 rounded-md border-l-4 border-blue-800 bg-blue-50 p-4 text-blue-950",
    )


def claim_link(c: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            c.reference,
            href="/mon-espace/remboursements/demande?ref=" + c.reference,
            class_name=ui.LINK_CLASS + " font-semibold whitespace-nowrap",
        ),
        rx.el.span(" — ", c.service, " · ", c.amount, " · "),
        rx.el.span(c.status_label, class_name="font-semibold"),
        rx.el.span(texts.SENT_ON, c.submitted, class_name="text-slate-700"),
        class_name="border-b border-slate-200 py-2",
    )


def claims_list() -> rx.Component:
    return rx.el.section(
        rx.el.h2(texts.MY_CLAIMS_HEADING, class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            ClaimsState.has_claims,
            rx.el.ul(rx.foreach(ClaimsState.my_claims, claim_link), id="mes-demandes"),
            rx.el.p(texts.NO_CLAIM_TEXT),
        ),
        class_name="mb-8",
    )


def quote_notice(errors: rx.Var) -> rx.Component:
    """The FAQ's sentence on quotes, where the files are chosen: a notice, not a choice to refuse afterwards.

    The form sends an invoice (`document_kind` = facture). The domain still refuses a forged « devis »: its
    message then shows in this notice, which takes the focus (`document_kind`, as the first error shown)."""
    return rx.el.div(
        rx.el.input(type="hidden", name="document_kind", value=DocumentKind.FACTURE.value),
        rx.el.p(rx.el.strong(texts.GOOD_TO_KNOW), claims.QUOTE_REFUSED, id="a-savoir-devis"),
        ui.error_text(errors.get("document_kind", ""), "document_kind-erreur"),
        id="document_kind",
        tab_index=-1,
        class_name="mb-4 rounded-md border-l-4 border-blue-800 bg-blue-50 p-3 text-blue-950",
    )


def claim_form_fields(errors: rx.Var) -> list[rx.Component]:
    return [
        ui.select_field(
            texts.ENTITLEMENT_LABEL,
            "entitlement",
            errors,
            ClaimsState.entitlement_options,
            placeholder=texts.ENTITLEMENT_PLACEHOLDER,
            hint=texts.ENTITLEMENT_HINT,
            default_value=ClaimsState.only_choice,
        ),
        ui.field(texts.DATE_FROM_LABEL, "date_from", errors, input_type="date"),
        ui.field(texts.DATE_TO_LABEL, "date_to", errors, input_type="date", hint=texts.DATE_TO_HINT, required=False),
        ui.field(
            texts.PROVIDER_LABEL,
            "provider",
            errors,
            autocomplete="organization",
            hint=texts.PROVIDER_HINT,
            max_length=150,
        ),
        ui.field(texts.AMOUNT_LABEL, "amount", errors, hint=texts.AMOUNT_HINT, input_mode="decimal", max_length=20),
        ui.field(
            texts.IBAN_LABEL,
            "iban",
            errors,
            hint=texts.IBAN_HINT,
            spell_check=False,
            auto_capitalize="characters",
            max_length=50,
        ),
        quote_notice(errors),
        file_picker(UPLOAD_ID, ClaimsState, errors, texts.CLAIM_FILES_LEGEND),
        ui.checkbox(texts.CERTIFICATION_TEXT, "certified", errors),
    ]


def claim_form() -> rx.Component:
    errors = ClaimsState.errors
    general = errors.get("general", "")
    return rx.el.section(
        rx.el.h2(texts.NEW_CLAIM_HEADING, class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            ClaimsState.has_choices,
            rx.el.form(
                rx.el.input(type="hidden", name="round", value=ClaimsState.form_round.to(str)),
                rx.cond(
                    general != "",
                    ui.notice(rx.el.span(general, id="general-erreur"), "error", id="general", tab_index=-1),
                ),
                *claim_form_fields(errors),
                send_progress(ClaimsState),
                ui.submit_button(texts.SEND_CLAIM, ClaimsState.busy, texts.SENDING),
                id=FORM_ID,
                on_submit=lambda form_data: ClaimsState.submit(upload_with_progress(ClaimsState, UPLOAD_ID), form_data),
                no_validate=True,
                class_name="max-w-xl",
            ),
            rx.el.p(texts.NO_CHOICE_TEXT, ui.call_platform(""), id="aucun-service"),
        ),
    )


def sent_notice() -> rx.Component:
    return rx.cond(
        ClaimsState.sent_reference != "",
        ui.notice(
            rx.fragment(
                texts.SENT_BEFORE_REFERENCE,
                rx.el.strong(ClaimsState.sent_reference),
                texts.SENT_AFTER_REFERENCE,
                texts.SENT_TEXT,
            ),
            "success",
            id="demande-enregistree",
            tab_index=-1,
        ),
    )


def claims_page() -> rx.Component:
    return ui.page(
        texts.CLAIMS_TITLE,
        rx.cond(
            ClaimsState.loaded,
            rx.fragment(member_nav(), sent_notice(), scope_section(), claims_list(), claim_form()),
            ui.loading(),
        ),
    )
