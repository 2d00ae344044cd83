"""Member pages of reimbursement requests (« Demande de remboursement »): /mon-espace/remboursements
(what the service covers, the member's requests, the form) and /mon-espace/remboursements/demande
(one request: summary, dated timeline, files, documents to add when an adviser asks for them).

Every rule (scope, quotes, amounts, IBAN, files by content and size, one claim per submission key)
lives in domain.claims and domain.uploads; these states read the form, call one domain function in a
thread and show what it answers. Files never touch Reflex's public upload folder: each is read here
with an upper bound and handed to the domain as bytes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json

import reflex as rx
import reflex_components_core.core.upload as reflex_upload
from reflex.vars import Var
from reflex_components_core.core.upload import get_upload_files_context_var_data

from portal_app.domain import claims, uploads
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.faq import CLAIM_SCOPE_ENTRIES
from portal_app.ui import components as ui
from portal_app.ui.background import kick_mail_delivery
from portal_app.ui.forms import checked, focus_first_error, focus_when_shown, text
from portal_app.ui.member import member_nav
from portal_app.ui.request_origin import remember_origin
from portal_app.ui.session_state import SessionState, login_redirect

# ---------------------------------------------------------------------------------------------
# Texts (from the FAQ and the product rules)
# ---------------------------------------------------------------------------------------------

NO_CHOICE_TEXT = (
    "Aucun service remboursable n'est ouvert pour vous. Un remboursement se rattache à un service (par exemple "
    "une aide ménagère) accordé dans un dossier d'assistance par un conseiller : appelez la plateforme "
    "d'assistance pour ouvrir votre dossier."
)
FILES_HINT = (
    f"Votre facture en PDF, JPEG ou PNG : {uploads.MAX_FILES} fichiers au plus, 10 Mo au plus chacun et 20 Mo au "
    "total. Les fichiers sont vérifiés à l'envoi."
)
CERTIFICATION_TEXT = "Je certifie l'exactitude des informations saisies et avoir avancé les frais de cette prestation."
DATE_TO_HINT = "Laissez vide pour une prestation d'un seul jour."
IBAN_HINT = "Il figure sur votre relevé d'identité bancaire (RIB). Il sera affiché masqué ensuite."
FAQ_SCOPE_LINK_TEXT = "Ce que ce service rembourse — et ce qu'il ne rembourse pas (frais de santé, devis)"
NO_CLAIM_TEXT = "Vous n'avez pas encore fait de demande de remboursement."
SENT_TEXT = "Un accusé de réception vous est envoyé par e-mail."
DOCUMENTS_REQUESTED_TEXT = (
    "Votre conseiller vous demande des pièces complémentaires (voir son message ci-dessous). Ajoutez-les ici : "
    "elles rejoignent cette demande."
)
DOCUMENTS_ADDED = "Vos pièces sont ajoutées à la demande, qui repasse « en cours »."
REJECTED_IN_BROWSER = {
    "file-too-large": "dépasse 10 Mo",
    "file-invalid-type": "n'est pas un fichier PDF, JPEG ou PNG",
    "too-many-files": f"dépasse le nombre de fichiers autorisé ({uploads.MAX_FILES} au plus)",
}

UPLOAD_ID = "justificatifs"
DOCUMENTS_UPLOAD_ID = "pieces"
FORM_ID = "form-remboursement"
# Same order as the form: the first field in error gets the focus.
FIELDS = [
    "entitlement",
    "date_from",
    "date_to",
    "provider",
    "amount",
    "iban",
    "document_kind",
    "certified",
    "files",
    "general",
]
ACCEPT = {"application/pdf": [".pdf"], "image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"]}


async def _session(state: rx.State) -> SessionState:
    return await state.get_state(SessionState)


def focus_first_error_field(error: ValidationError) -> rx.event.EventSpec:
    """Focus the first field in error; the document kind is a radio group: its first radio."""
    if error.errors and next((f for f in FIELDS if f in error.errors), "") == "document_kind":
        return rx.call_script("document.getElementById('document_kind_facture')?.focus()")
    return focus_first_error(error, FIELDS)


def _id(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


async def read_uploads(files: list[rx.UploadFile]) -> list[uploads.Upload]:
    """The uploaded files as the domain's Upload, each read with an upper bound.

    One byte more than the limit is enough for the domain to refuse a file as too big, and never
    more than MAX_FILES + 1 files are read (the domain refuses more than MAX_FILES): a hostile
    request cannot make this worker hold more than about 60 Mo.
    """
    read = []
    for upload in files[: uploads.MAX_FILES + 1]:
        content = await upload.read(uploads.MAX_FILE_BYTES + 1)
        read.append(uploads.Upload(upload.name or upload.filename or "justificatif", content))
    return read


def rejected_names_and_codes(rejected: Var) -> Var:
    """react-dropzone's rejections as [{name, codes}] (a File object loses its name in JSON)."""
    return Var(
        _js_expr=f"({rejected!s}).map((r) => ({{name: r.file?.name ?? '', codes: (r.errors ?? []).map((e) => e.code)}}))",
        _var_type=list[dict],
    )


def rejected_in_browser(rejected: list) -> str:
    """The browser's courtesy check refused files (react-dropzone): say which and why, in French."""
    lines = []
    for item in rejected[: uploads.MAX_FILES * 4] if isinstance(rejected, list) else []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or "Un fichier")[:150]
        codes = item.get("codes") if isinstance(item.get("codes"), list) else []
        reasons = [REJECTED_IN_BROWSER[c] for c in codes if isinstance(c, str) and c in REJECTED_IN_BROWSER]
        reasons = reasons or ["n'est pas accepté"]
        lines.append(f"« {name} » {' et '.join(dict.fromkeys(reasons))}.")
    return " ".join(lines) or "Un fichier n'est pas accepté."


# ---------------------------------------------------------------------------------------------
# The selected files, before sending: names and sizes, added to (not replacing) the selection
# ---------------------------------------------------------------------------------------------


def selected_files_with_sizes(upload_id: str) -> Var:
    """The files chosen for `upload_id`, with their size written as the domain writes it (« 245 Ko »).

    rx.selected_files only gives names; this reads the same React context (filesById) for sizes.
    """
    key = json.dumps(upload_id)
    size = (
        "(f.size < 1048576 ? Math.max(1, Math.round(f.size / 1024)) + ' Ko' "
        ": (f.size / 1048576).toFixed(1).replace('.', ',') + ' Mo')"
    )
    return Var(
        _js_expr=(
            f"(filesById[{key}] ?? []).map((f) => ({{name: f.name, size: {size}, "
            f"too_big: f.size > {uploads.MAX_FILE_BYTES}}}))"
        ),
        _var_type=list[dict[str, str]],
        _var_data=get_upload_files_context_var_data(),
    )


def add_to_selection(upload_id: str) -> Var:
    """on_drop: the chosen files join those already chosen (a phone user adds one photo at a time)."""
    key = json.dumps(upload_id)
    return Var(
        _js_expr=(
            f"(e) => setFilesById((filesById) => {{ const all = [...(filesById[{key}] ?? []), ...e]; "
            f"return {{...filesById, [{key}]: all.filter((f, i) => all.findIndex("
            "(g) => g.name === f.name && g.size === f.size && g.lastModified === f.lastModified) === i)}; })"
        ),
        _var_type=rx.EventChain,
        _var_data=get_upload_files_context_var_data(),
    )


def upload_root_adding(*children: rx.Component, **props) -> rx.Component:
    """rx.upload.root whose drop adds to the selection instead of replacing it.

    rx.upload.root only takes EventHandler-like values for on_drop (a raw JS function is refused),
    and its default on_drop is made by the module's `upload_file(id)`: that helper is swapped for
    `add_to_selection` while the component is created (compile time only, same React context).
    """
    original = reflex_upload.upload_file
    reflex_upload.upload_file = add_to_selection
    try:
        return ui.hide_file_input(rx.upload.root(*children, **props))
    finally:
        reflex_upload.upload_file = original


def remove_from_selection(upload_id: str, index: Var) -> Var:
    key = json.dumps(upload_id)
    return Var(
        _js_expr=(
            f"(() => setFilesById((filesById) => ({{...filesById, [{key}]: "
            f"(filesById[{key}] ?? []).filter((_, i) => i !== {index!s})}})))"
        ),
        _var_type=rx.EventChain,
        _var_data=get_upload_files_context_var_data(),
    )


def file_picker(upload_id: str, errors: rx.Var, rejected: rx.Var, on_rejected, legend: str) -> rx.Component:
    """« Ajouter des fichiers » (a button, never a submit), the chosen files with their size, their error."""
    error = errors.get("files", "")
    has_error = error != ""
    chosen = selected_files_with_sizes(upload_id)
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="mb-1 font-semibold text-slate-900"),
        rx.el.p(FILES_HINT, id=f"{upload_id}-aide", class_name="mb-2 text-sm text-slate-700"),
        upload_root_adding(
            rx.el.button(
                "Ajouter des fichiers",
                type="button",
                id="files",
                aria_describedby=rx.cond(has_error, f"{upload_id}-aide files-erreur", f"{upload_id}-aide"),
                aria_invalid=rx.cond(has_error, "true", "false"),
                class_name=ui.SECONDARY_BUTTON_CLASS,
            ),
            id=upload_id,
            multiple=True,
            max_files=uploads.MAX_FILES,
            max_size=uploads.MAX_FILE_BYTES,
            accept=ACCEPT,
            no_keyboard=True,
            on_drop_rejected=lambda rejected: on_rejected(rejected_names_and_codes(rejected)),
            class_name="mb-3",
        ),
        rx.el.ul(
            rx.foreach(
                chosen,
                lambda f, i: rx.el.li(
                    rx.el.span(f["name"], class_name="break-all font-medium"),
                    rx.el.span(" — ", f["size"]),
                    rx.cond(f["too_big"], rx.el.span(" (plus de 10 Mo : il sera refusé)", class_name="text-red-700")),
                    rx.el.button(
                        "Retirer",
                        rx.el.span(" ", f["name"], class_name="sr-only"),
                        type="button",
                        on_click=remove_from_selection(upload_id, i),
                        class_name="ml-3 text-blue-800 underline underline-offset-2 cursor-pointer "
                        "focus:outline-none focus:ring-4 focus:ring-blue-300 rounded",
                    ),
                    class_name="border-b border-slate-200 py-2",
                ),
            ),
            aria_label="Fichiers choisis",
            id=f"{upload_id}-choisis",
            class_name="mb-2",
        ),
        rx.cond(rejected != "", rx.el.p(rejected, role="alert", class_name="mb-2 text-sm font-medium text-red-700")),
        ui.error_text(error, "files-erreur"),
        class_name="mb-5",
    )


def send_progress(busy: rx.Var, sending: rx.Var, progress: rx.Var) -> rx.Component:
    """The upload's progress bar, then « Vérification des fichiers… » while the server checks them."""
    return rx.cond(
        busy,
        rx.el.div(
            rx.el.label("Envoi des fichiers", html_for="progression-envoi", class_name="block text-sm font-semibold"),
            rx.el.progress(
                value=rx.cond(sending, 100, progress),
                max=100,
                id="progression-envoi",
                class_name="w-full accent-blue-800",
            ),
            rx.el.p(
                rx.el.span(
                    rx.cond(sending, "Vérification des fichiers…", "Envoi en cours…"),
                    role="status",
                ),
                rx.cond(sending, "", rx.el.span(" ", progress.to(str), " %", aria_hidden="true")),
                class_name="text-sm",
            ),
            class_name="mb-4",
        ),
    )


def select_field(
    label: str,
    name: str,
    errors: rx.Var,
    options: list[tuple[str, str]] | rx.Var,
    hint: str | None = None,
    placeholder: str | None = None,
) -> rx.Component:
    """A labelled <select> built like ui.field (hint and error tied with aria-describedby).

    `options` are (value, text) pairs or a Var of {"id", "label"} dicts.
    """
    error = errors.get(name, "")
    has_error = error != ""
    hint_id, error_id = f"{name}-aide", f"{name}-erreur"
    described_by = rx.cond(has_error, f"{hint_id} {error_id}" if hint else error_id, hint_id if hint else "")
    if isinstance(options, rx.Var):
        choices = [rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["id"]))]
    else:
        choices = [rx.el.option(text, value=value) for value, text in options]
    if placeholder is not None:
        choices.insert(0, rx.el.option(placeholder, value=""))
    return rx.el.div(
        rx.el.label(label, html_for=name, class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(hint, id=hint_id, class_name="mb-2 text-sm text-slate-700") if hint else rx.fragment(),
        rx.el.select(
            *choices,
            id=name,
            name=name,
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=described_by,
            class_name=ui.INPUT_CLASS,
        ),
        ui.error_text(error, error_id),
        class_name="mb-5",
    )


def claim_link(c: dict) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            c["reference"],
            href="/mon-espace/remboursements/demande?ref=" + c["reference"],
            class_name=ui.LINK_CLASS + " font-semibold whitespace-nowrap",
        ),
        rx.el.span(" — ", c["service"], " · ", c["amount"], " · "),
        rx.el.span(c["status_label"], class_name="font-semibold"),
        rx.el.span(" · envoyée le ", c["submitted"], class_name="text-slate-700"),
        class_name="border-b border-slate-200 py-2",
    )


# ---------------------------------------------------------------------------------------------
# /mon-espace/remboursements
# ---------------------------------------------------------------------------------------------


class ClaimsState(rx.State):
    """The list and the form. The form is sent in ONE upload event carrying files and fields.

    Reflex 0.10 forwards the other arguments bound to an upload handler with the files (as JSON in
    the same multipart request), so the form's on_submit calls
    `submit(rx.upload_files(...), form_data)`: the fields the member sees are exactly the fields
    sent, with no copy of each input kept in the state by on_change setters. The inputs stay
    uncontrolled; after a refusal they keep what the member typed, after a success the form is reset.

    `_submission_key` comes from the domain (`claims.new_submission_key`): the same in every tab and
    for every retry (double click, lost connection, second try after a refusal, a second tab) until a
    claim is filed with it, so the domain answers with the same claim; the next key comes after a success. The form also carries `form_round` (not a
    secret: the number of claims sent from this page): a submission of a round already recorded (a
    double click whose second click left after the first answer, a retry whose answer was lost) is
    answered with that round's reference, even though the key has changed since.

    While the files travel, `progress` follows the browser's upload events; `sending` covers the
    server's part (checks, antivirus, encryption) and is set by `submit` itself, never by a separate
    event that could reach the server after it (the upload goes over HTTP, other events over the
    websocket).
    """

    loaded: bool = False
    choices: list[dict[str, str]] = []
    claims: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    rejected: str = ""
    sent_reference: str = ""
    sending: bool = False
    progress: int = 0
    form_round: int = 0
    _submission_key: str = ""
    _last_reference: str = ""

    async def _reload(self) -> rx.event.EventSpec | None:
        session = await _session(self)
        try:
            choices = await asyncio.to_thread(claims.claim_choices, session.session_token)
            mine = await asyncio.to_thread(claims.member_claims, session.session_token)
            # Same key in every tab until a claim is filed with it: two tabs file one claim.
            self._submission_key = await asyncio.to_thread(claims.new_submission_key, session.session_token)
        except NotAllowed:
            session._forget()
            return login_redirect(self.router.url.path)
        session.is_logged_in = True
        self.choices = [{"id": str(c.entitlement_id), "label": c.label} for c in choices]
        self.claims = [
            {k: v for k, v in dataclasses.asdict(c).items() if isinstance(v, str) and k != "iban"} for c in mine
        ]
        self.loaded = True
        return None

    @rx.event
    async def load(self):
        remember_origin(self)
        self.loaded, self.errors, self.rejected, self.sent_reference = False, {}, "", ""
        self.sending, self.progress = False, 0
        return await self._reload()

    @rx.event
    def upload_progress(self, progress: dict):
        value = progress.get("progress", 0) if isinstance(progress, dict) else 0
        self.progress = round(min(max(float(value), 0.0), 1.0) * 100) if isinstance(value, int | float) else 0

    @rx.var
    def busy(self) -> bool:
        """Files on their way (browser's progress) or being checked by the server."""
        return self.sending or 0 < self.progress < 100

    @rx.event
    def files_rejected(self, rejected: list):
        self.rejected = rejected_in_browser(rejected)

    @rx.event
    async def submit(self, files: list[rx.UploadFile], form_data: dict):
        remember_origin(self)
        session = await _session(self)
        self.errors, self.sent_reference, self.rejected, self.sending = {}, "", "", True
        yield
        form_data = form_data if isinstance(form_data, dict) else {}
        if self._last_reference and text(form_data, "round", 12) == str(self.form_round - 1):
            self.sent_reference, self.sending = self._last_reference, False
            return
        data = claims.ClaimInput(
            entitlement_id=_id(text(form_data, "entitlement", 12)),
            date_from=text(form_data, "date_from", 10),
            date_to=text(form_data, "date_to", 10),
            provider=text(form_data, "provider", 300),
            amount=text(form_data, "amount", 30),
            iban=text(form_data, "iban", 60),
            document_kind=text(form_data, "document_kind", 10),
            certified=checked(form_data, "certified"),
            submission_key=self._submission_key,
        )
        try:
            received = await read_uploads(files)
            reference = await asyncio.to_thread(claims.submit_claim, session.session_token, data, received)
        except NotAllowed:
            session._forget()
            yield login_redirect(self.router.url.path)
            return
        except ValidationError as error:
            self.errors = error.errors
            yield focus_first_error_field(error)
            return
        finally:
            self.sending, self.progress = False, 0
        kick_mail_delivery()
        self.sent_reference = self._last_reference = reference
        self.form_round += 1
        yield await self._reload()
        yield [
            rx.call_script(f"document.getElementById({json.dumps(FORM_ID)})?.reset()"),
            rx.clear_selected_files(UPLOAD_ID),
            focus_when_shown("demande-enregistree"),
        ]


def scope_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Ce que ce service rembourse", id="perimetre", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(claims.SCOPE_TEXT, class_name="mb-3"),
        rx.el.p(claims.QUOTE_REFUSED, class_name="mb-3"),
        rx.el.p(ui.link(FAQ_SCOPE_LINK_TEXT, f"/faq#{CLAIM_SCOPE_ENTRIES[0]}")),
        aria_labelledby="perimetre",
        class_name="mb-8 rounded-md border-l-4 border-blue-800 bg-blue-50 p-4 text-blue-950",
    )


def claims_list() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Mes demandes", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            ClaimsState.claims.length() > 0,
            rx.el.ul(rx.foreach(ClaimsState.claims, claim_link), id="mes-demandes"),
            rx.el.p(NO_CLAIM_TEXT),
        ),
        class_name="mb-8",
    )


def document_kind_field(errors: rx.Var) -> rx.Component:
    error = errors.get("document_kind", "")
    has_error = error != ""
    radio_class = "h-6 w-6 shrink-0 accent-blue-800"
    return rx.el.fieldset(
        rx.el.legend("Type de document", class_name="mb-2 font-semibold text-slate-900"),
        rx.el.div(
            rx.el.input(
                type="radio",
                id="document_kind_facture",
                name="document_kind",
                value="facture",
                aria_invalid=rx.cond(has_error, "true", "false"),
                aria_describedby="document_kind-erreur",
                class_name=radio_class,
            ),
            rx.el.label("Facture", html_for="document_kind_facture"),
            class_name="mb-2 flex items-center gap-3",
        ),
        rx.el.div(
            rx.el.input(
                type="radio",
                id="document_kind_devis",
                name="document_kind",
                value="devis",
                aria_invalid=rx.cond(has_error, "true", "false"),
                aria_describedby="document_kind-erreur",
                class_name=radio_class,
            ),
            rx.el.label("Devis", html_for="document_kind_devis"),
            class_name="flex items-center gap-3",
        ),
        ui.error_text(error, "document_kind-erreur"),
        class_name="mb-5",
    )


def claim_form() -> rx.Component:
    errors = ClaimsState.errors
    general = errors.get("general", "")
    return rx.el.section(
        rx.el.h2("Faire une demande", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            ClaimsState.choices.length() > 0,
            rx.el.form(
                rx.el.input(type="hidden", name="round", value=ClaimsState.form_round.to(str)),
                rx.cond(
                    general != "",
                    ui.notice(general, "error", id="general", tab_index=-1),
                ),
                select_field(
                    "Dossier et service",
                    "entitlement",
                    errors,
                    ClaimsState.choices,
                    placeholder="Choisissez le dossier et le service",
                    hint="Le reste indiqué est ce que votre droit permet encore de rembourser.",
                ),
                ui.field("Date de début de la prestation", "date_from", errors, input_type="date"),
                ui.field(
                    "Date de fin de la prestation",
                    "date_to",
                    errors,
                    input_type="date",
                    hint=DATE_TO_HINT,
                    required=False,
                ),
                ui.field(
                    "Prestataire",
                    "provider",
                    errors,
                    autocomplete="organization",
                    hint="Le nom de l'entreprise ou de la personne qui a réalisé la prestation.",
                    max_length=150,
                ),
                ui.field(
                    "Montant avancé (€)",
                    "amount",
                    errors,
                    hint="par exemple 1 234,50",
                    input_mode="decimal",
                    max_length=20,
                ),
                ui.field(
                    "IBAN du compte à créditer",
                    "iban",
                    errors,
                    hint=IBAN_HINT,
                    spell_check=False,
                    auto_capitalize="characters",
                    max_length=50,
                ),
                document_kind_field(errors),
                file_picker(UPLOAD_ID, errors, ClaimsState.rejected, ClaimsState.files_rejected, "Justificatifs"),
                ui.checkbox(CERTIFICATION_TEXT, "certified", errors),
                send_progress(ClaimsState.busy, ClaimsState.sending, ClaimsState.progress),
                ui.submit_button("Envoyer ma demande", ClaimsState.busy, "Envoi en cours…"),
                id=FORM_ID,
                on_submit=lambda form_data: ClaimsState.submit(
                    rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=ClaimsState.upload_progress),
                    form_data,
                ),
                no_validate=True,
                class_name="max-w-xl",
            ),
            rx.el.p(NO_CHOICE_TEXT, id="aucun-service"),
        ),
    )


def claims_page() -> rx.Component:
    return ui.page(
        "Demande de remboursement",
        rx.cond(
            ClaimsState.loaded,
            rx.fragment(
                member_nav(),
                rx.cond(
                    ClaimsState.sent_reference != "",
                    ui.notice(
                        rx.fragment(
                            "Votre demande ",
                            rx.el.strong(ClaimsState.sent_reference),
                            " est enregistrée. ",
                            SENT_TEXT,
                        ),
                        "success",
                        id="demande-enregistree",
                        tab_index=-1,
                    ),
                ),
                scope_section(),
                claims_list(),
                claim_form(),
            ),
            ui.loading(),
        ),
    )


# ---------------------------------------------------------------------------------------------
# /mon-espace/remboursements/demande?ref=RB-…
# ---------------------------------------------------------------------------------------------


def timeline_item(e: dict) -> rx.Component:
    return rx.el.li(
        rx.el.p(rx.el.span(e["status"], class_name="font-semibold"), " — ", e["when"]),
        rx.cond(e["message"] != "", rx.el.p(e["message"], class_name="mt-1 whitespace-pre-line text-slate-800")),
        class_name="border-l-4 border-blue-800 py-2 pl-3 mb-2",
    )


def file_item(f: dict) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            f["filename"],
            href="/telechargement/justificatif/" + f["file_id"].to(str),
            reload_document=True,  # a server route: a React Router link would look for a page of the app
            class_name=ui.LINK_CLASS + " break-all",
        ),
        " (",
        f["size"],
        ")",
        class_name="py-1",
    )


def claim_summary(c: rx.Var) -> rx.Component:
    return rx.el.dl(
        ui.definition("Service", c["service"]),
        ui.definition("Dossier d'assistance", c["file_reference"]),
        ui.definition("Date(s) de la prestation", c["dates"]),
        ui.definition("Prestataire", c["provider"]),
        ui.definition("Montant demandé", c["amount"]),
        rx.cond(c["accepted_amount"] != "", ui.definition("Montant accepté", c["accepted_amount"])),
        ui.definition("IBAN", c["iban"]),
        ui.definition("Statut", c["status_label"]),
        ui.definition("Déposée le", c["submitted"]),
    )


class ClaimState(rx.State):
    loaded: bool = False
    problem: str = ""
    claim: dict[str, str] = {}
    files: list[dict] = []
    timeline: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    rejected: str = ""
    message: str = ""
    sending: bool = False
    progress: int = 0
    _reference: str = ""

    async def _reload(self) -> rx.event.EventSpec | None:
        session = await _session(self)
        try:
            view = await asyncio.to_thread(claims.member_claim, session.session_token, self._reference)
        except NotAllowed:
            session._forget()
            return login_redirect(self.router.url.path)
        except NotFound as missing:
            self.problem = missing.message
            self.loaded = True
            return None
        session.is_logged_in = True
        data = dataclasses.asdict(view)
        self.files = data.pop("files")
        self.timeline = data.pop("timeline")
        self.claim = {k: str(v) for k, v in data.items()}
        self.loaded = True
        return None

    @rx.event
    async def load(self):
        remember_origin(self)
        self.loaded, self.problem, self.errors, self.rejected, self.message = False, "", {}, "", ""
        self.sending, self.progress = False, 0
        self._reference = self.router.url.query_parameters.get("ref", "")[:20]
        return await self._reload()

    @rx.event
    def upload_progress(self, progress: dict):
        value = progress.get("progress", 0) if isinstance(progress, dict) else 0
        self.progress = round(min(max(float(value), 0.0), 1.0) * 100) if isinstance(value, int | float) else 0

    @rx.var
    def busy(self) -> bool:
        """Files on their way (browser's progress) or being checked by the server."""
        return self.sending or 0 < self.progress < 100

    @rx.event
    def files_rejected(self, rejected: list):
        self.rejected = rejected_in_browser(rejected)

    @rx.event
    async def add_documents(self, files: list[rx.UploadFile]):
        remember_origin(self)
        session = await _session(self)
        self.errors, self.message, self.rejected, self.sending = {}, "", "", True
        yield
        try:
            received = await read_uploads(files)
            await asyncio.to_thread(claims.add_documents, session.session_token, self._reference, received)
        except NotAllowed:
            session._forget()
            yield login_redirect(self.router.url.path)
            return
        except (ValidationError, NotFound) as error:
            self.errors = {"files": " ".join(getattr(error, "errors", {"files": error.message}).values())}
            yield rx.call_script("document.getElementById('files')?.focus()")
            return
        finally:
            self.sending, self.progress = False, 0
        self.message = DOCUMENTS_ADDED
        yield await self._reload()
        yield rx.clear_selected_files(DOCUMENTS_UPLOAD_ID)


def add_documents_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Ajouter des pièces", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(DOCUMENTS_REQUESTED_TEXT, class_name="mb-3"),
        file_picker(
            DOCUMENTS_UPLOAD_ID, ClaimState.errors, ClaimState.rejected, ClaimState.files_rejected, "Pièces à ajouter"
        ),
        send_progress(ClaimState.busy, ClaimState.sending, ClaimState.progress),
        rx.el.button(
            rx.cond(ClaimState.busy, "Envoi en cours…", "Envoyer les pièces"),
            type="button",
            disabled=ClaimState.busy,
            aria_busy=rx.cond(ClaimState.busy, "true", "false"),
            on_click=ClaimState.add_documents(
                rx.upload_files(upload_id=DOCUMENTS_UPLOAD_ID, on_upload_progress=ClaimState.upload_progress)
            ),
            class_name=ui.PRIMARY_BUTTON_CLASS,
        ),
        class_name="mb-8 max-w-xl rounded-md border border-slate-300 p-4",
    )


def claim_page() -> rx.Component:
    c = ClaimState.claim
    return ui.page(
        "Ma demande de remboursement",
        rx.cond(
            ClaimState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.p(
                    ui.link("← Toutes mes demandes", "/mon-espace/remboursements"),
                    class_name="mb-4",
                ),
                rx.cond(
                    ClaimState.problem != "",
                    ui.notice(ClaimState.problem, "error"),
                    rx.fragment(
                        rx.cond(ClaimState.message != "", ui.notice(ClaimState.message, "success")),
                        rx.el.section(
                            rx.el.h2("Demande ", c["reference"], class_name="mb-3 text-xl font-semibold"),
                            claim_summary(c),
                            class_name="mb-8",
                        ),
                        rx.cond(c["status"] == "documents_requested", add_documents_section()),
                        rx.el.section(
                            rx.el.h2("Suivi", class_name="mb-3 text-xl font-semibold"),
                            rx.el.ol(rx.foreach(ClaimState.timeline, timeline_item), id="suivi"),
                            class_name="mb-8",
                        ),
                        rx.el.section(
                            rx.el.h2("Justificatifs", class_name="mb-3 text-xl font-semibold"),
                            rx.el.ul(rx.foreach(ClaimState.files, file_item), id="justificatifs-envoyes"),
                        ),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )
