"""/mon-espace/remboursements/demande?ref=RB-…: one of the member's reimbursement requests.

Its progress line (the current step marked `aria-current="step"`, each step with its usual delay), summary,
history in the member's words and files, and, when an adviser asks for documents, the adviser's request above
the upload box. The summary, the adviser's timeline and the file links are shared with the adviser's page
(claims_backoffice); the progress line and the history are the member's only (domain.claim_progress).
Each handler goes through the road: the domain decides whose claim it is (another member's is « not found »).
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import claims
from portal_app.domain.errors import NotFound
from portal_app.ui import claims_texts as texts
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.member import member_nav
from portal_app.ui.session_state import SessionState
from portal_app.ui.upload_widget import (
    FILES_FIELD,
    UploadingState,
    file_picker,
    read_uploads,
    send_progress,
    upload_with_progress,
)

DOCUMENTS_UPLOAD_ID = "pieces"
CLAIMS_PATH = "/mon-espace/remboursements"


# --- what shows a claim (member's and adviser's pages) ---------------------------------------------


def timeline_item(e: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(e.status, class_name="font-semibold"), " — ", e.when),
        rx.cond(e.message != "", rx.el.p(e.message, class_name="mt-1 whitespace-pre-line text-slate-800")),
        class_name="border-l-4 border-blue-800 py-2 pl-3 mb-2",
    )


def file_item(f: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            f.filename,
            href="/telechargement/justificatif/" + f.file_id.to(str),
            reload_document=True,  # a server route: a React Router link would look for a page of the app
            class_name=ui.LINK_CLASS + " break-all",
        ),
        " (",
        f.size,
        ")",
        class_name="py-1",
    )


def claim_summary(c: rx.Var) -> rx.Component:
    terms = texts.SUMMARY_TERMS
    return rx.el.dl(
        *(ui.definition(terms[name], c[name]) for name in ("service", "file_reference", "dates", "provider", "amount")),
        rx.cond(c.accepted_amount != "", ui.definition(terms["accepted_amount"], c.accepted_amount)),
        *(ui.definition(terms[name], c[name]) for name in ("iban", "status_label", "submitted")),
    )


# --- the member's own view: progress line and history in the member's words ------------------------


def progress_step(step: rx.Var) -> rx.Component:
    """One step: done (✓), current (aria-current="step") or to come; its usual delay under it."""
    return rx.el.li(
        rx.el.span(
            rx.cond(step.state == "done", "✓ ", ""),
            step.label,
            rx.cond(step.state == "current", texts.CURRENT_STEP_SUFFIX, ""),
            class_name=rx.cond(step.state == "todo", "text-slate-700", "font-semibold text-slate-900"),
        ),
        rx.cond(step.delay != "", rx.el.span(step.delay, class_name="block text-sm text-slate-700")),
        aria_current=rx.cond(step.state == "current", "step", None),
        class_name=rx.cond(
            step.state == "current",
            "min-w-0 flex-1 border-l-4 border-blue-800 bg-blue-50 py-2 pl-3 sm:border-l-0 sm:border-t-4 sm:px-2",
            "min-w-0 flex-1 border-l-4 border-slate-300 py-2 pl-3 sm:border-l-0 sm:border-t-4 sm:px-2",
        ),
    )


def progress_line(c: rx.Var) -> rx.Component:
    return rx.el.ol(
        rx.foreach(c.progress, progress_step),
        aria_label=texts.PROGRESS_LABEL,
        id="etapes",
        class_name="mb-6 flex flex-col gap-1 sm:flex-row sm:gap-2",
    )


def history_item(line: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(line.text, class_name="font-semibold"), rx.el.span(" — ", line.when)),
        rx.cond(line.message != "", rx.el.p(line.message, class_name="mt-1 whitespace-pre-line text-slate-800")),
        class_name="mb-2 border-l-4 border-blue-800 py-2 pl-3 [overflow-wrap:anywhere]",
    )


# --- the page's state -------------------------------------------------------------------------------


class ClaimState(UploadingState, rx.State):
    loaded: bool = False
    problem: str = ""
    claim: claims.ClaimView | None = None
    errors: dict[str, str] = {}
    message: str = ""
    _reference: str = ""

    @rx.var
    def documents_requested(self) -> bool:
        return self.claim is not None and self.claim.status == "documents_requested"

    def _on_not_found(self, error: NotFound) -> None:
        self.problem, self.loaded = error.message, True

    async def _reload(self) -> None:
        self.claim = await road.act(self, claims.member_claim, self._reference)
        (await self.get_state(SessionState))._signed_in("member")
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.problem, self.errors, self.message, self.claim = False, "", {}, "", None
        self.rejected = ""
        self._upload_done()
        self._reference = self.router.url.query_parameters.get("ref", "")[:20]
        await self._reload()

    @road.handler([FILES_FIELD])
    async def add_documents(self, files: list[rx.UploadFile]):
        self.errors, self.message, self.rejected, self.sending = {}, "", "", True
        yield
        try:
            await road.act(self, claims.add_documents, self._reference, await read_uploads(files))
        finally:
            self._upload_done()
        self.message = texts.DOCUMENTS_ADDED
        await self._reload()
        yield rx.clear_selected_files(DOCUMENTS_UPLOAD_ID)


# --- the page ---------------------------------------------------------------------------------------


def add_documents_section() -> rx.Component:
    """The adviser's request first, then the upload box: the member reads what to send before choosing it."""
    return rx.el.section(
        rx.el.h2(texts.ADD_DOCUMENTS_HEADING, id="pieces-demandees", class_name="mb-3 text-xl font-semibold"),
        rx.el.div(
            rx.el.p(texts.ADVISER_ASKS, class_name="font-semibold"),
            rx.el.p(ClaimState.claim.documents_request, class_name="mt-1 whitespace-pre-line"),
            id="demande-de-pieces",
            class_name="mb-3 rounded-md border-l-4 border-amber-700 bg-amber-50 p-3 text-slate-900 [overflow-wrap:anywhere]",
        ),
        rx.el.p(texts.DOCUMENTS_REQUESTED_TEXT, class_name="mb-3"),
        file_picker(DOCUMENTS_UPLOAD_ID, ClaimState, ClaimState.errors, texts.DOCUMENTS_LEGEND),
        send_progress(ClaimState),
        rx.el.button(
            rx.cond(ClaimState.busy, texts.SENDING, texts.SEND_DOCUMENTS),
            type="button",
            disabled=ClaimState.busy,
            aria_busy=rx.cond(ClaimState.busy, "true", "false"),
            on_click=ClaimState.add_documents(upload_with_progress(ClaimState, DOCUMENTS_UPLOAD_ID)),
            class_name=ui.PRIMARY_BUTTON_CLASS,
        ),
        aria_labelledby="pieces-demandees",
        class_name="mb-8 max-w-xl rounded-md border border-slate-300 p-4",
    )


def claim_details() -> rx.Component:
    c = ClaimState.claim
    return rx.fragment(
        rx.cond(ClaimState.message != "", ui.notice(ClaimState.message, "success")),
        rx.el.section(
            rx.el.h2(texts.CLAIM_HEADING, c.reference, class_name="mb-3 text-xl font-semibold"),
            progress_line(c),
            claim_summary(c),
            rx.cond(
                c.status == "refused",
                rx.el.p(
                    texts.REFUSED_TEXT,
                    ui.call_platform(),
                    id="refus-appeler",
                    class_name="mt-2 rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900",
                ),
            ),
            class_name="mb-8",
        ),
        rx.cond(ClaimState.documents_requested, add_documents_section()),
        rx.el.section(
            rx.el.h2(texts.TIMELINE_HEADING, class_name="mb-3 text-xl font-semibold"),
            rx.el.ol(rx.foreach(c.history, history_item), id="suivi"),
            class_name="mb-8",
        ),
        rx.el.section(
            rx.el.h2(texts.SENT_FILES_HEADING, class_name="mb-3 text-xl font-semibold"),
            rx.el.ul(rx.foreach(c.files, file_item), id="justificatifs-envoyes"),
        ),
    )


def claim_page() -> rx.Component:
    return ui.page(
        texts.CLAIM_TITLE,
        rx.cond(
            ClaimState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.p(ui.link(texts.ALL_MY_CLAIMS, CLAIMS_PATH), class_name="mb-4"),
                rx.cond(ClaimState.problem != "", ui.notice(ClaimState.problem, "error"), claim_details()),
            ),
            ui.loading(),
        ),
    )
