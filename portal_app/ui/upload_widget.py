"""The file picker of the reimbursement pages, and every piece of Reflex's internals it leans on.

Reflex's `rx.upload.root` replaces the chosen files at each drop and only shows their names; a member on a
phone adds one photo at a time and wants to see sizes. So this module reads and writes the same React
context as Reflex (`filesById`, through `get_upload_files_context_var_data`) with small JavaScript
expressions, and swaps the module function Reflex uses to make its default `on_drop`
(`reflex_components_core.core.upload.upload_file`) while the component is created. Those are Reflex
internals: they live here only, and tests/ui/test_upload_widget.py fails when an upgrade changes them.

Files never touch Reflex's public upload folder: each is read with an upper bound and handed to the
domain as bytes (domain.uploads checks them by content and size).
"""

from __future__ import annotations

import json

import reflex as rx
import reflex_components_core.core.upload as reflex_upload
from reflex.vars import Var
from reflex_components_core.core.upload import get_upload_files_context_var_data

from portal_app.domain import uploads
from portal_app.ui import claims_texts as texts
from portal_app.ui import components as ui

ACCEPT = {"application/pdf": [".pdf"], "image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"]}
REPLACED = "upload_file"  # the function of reflex_upload swapped while the component is created
FILES_FIELD = "files"  # the id of « Ajouter des fichiers »: where the focus goes when the files are refused


class UploadingState(rx.State, mixin=True):
    """What a page with the picker keeps: the browser's refusals, the upload's progress, the server's check.

    `progress` follows the browser's upload events; `sending` covers the server's part (checks, antivirus,
    encryption) and is set by the upload handler itself, never by a separate event that could reach the
    server after it (the upload goes over HTTP, other events over the websocket).
    """

    rejected: str = ""
    sending: bool = False
    progress: int = 0

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

    def _upload_done(self) -> None:
        self.sending, self.progress = False, 0


async def read_uploads(files: list[rx.UploadFile]) -> list[uploads.Upload]:
    """The uploaded files as the domain's Upload, each read with an upper bound.

    One byte more than the limit is enough for the domain to refuse a file as too big, and never
    more than MAX_FILES + 1 files are read (the domain refuses more than MAX_FILES): a hostile
    request cannot make this worker hold more than about 60 Mo.
    """
    read = []
    for upload in (files or [])[: uploads.MAX_FILES + 1]:
        content = await upload.read(uploads.MAX_FILE_BYTES + 1)
        read.append(uploads.Upload(upload.name or upload.filename or texts.DEFAULT_FILENAME, content))
    return read


def rejected_in_browser(rejected: list) -> str:
    """The browser's courtesy check refused files (react-dropzone): say which and why, in French."""
    lines = []
    for item in rejected[: uploads.MAX_FILES * 4] if isinstance(rejected, list) else []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("name") or texts.A_FILE)[:150]
        codes = item.get("codes") if isinstance(item.get("codes"), list) else []
        reasons = [texts.REJECTED_IN_BROWSER[c] for c in codes if isinstance(c, str) and c in texts.REJECTED_IN_BROWSER]
        reasons = reasons or [texts.NOT_ACCEPTED]
        lines.append(f"« {name} » {' et '.join(dict.fromkeys(reasons))}.")
    return " ".join(lines) or texts.A_FILE_NOT_ACCEPTED


# --- JavaScript over Reflex's upload context -------------------------------------------------------


def rejected_names_and_codes(rejected: Var) -> Var:
    """react-dropzone's rejections as [{name, codes}] (a File object loses its name in JSON)."""
    return Var(
        _js_expr=f"({rejected!s}).map((r) => ({{name: r.file?.name ?? '', codes: (r.errors ?? []).map((e) => e.code)}}))",
        _var_type=list[dict],
    )


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


def upload_root_adding(*children: rx.Component, **props) -> rx.Component:
    """rx.upload.root whose drop adds to the selection instead of replacing it.

    rx.upload.root only takes EventHandler-like values for on_drop (a raw JS function is refused),
    and its default on_drop is made by the module's `upload_file(id)`: that helper is swapped for
    `add_to_selection` while the component is created (compile time only, same React context).
    """
    original = getattr(reflex_upload, REPLACED)
    setattr(reflex_upload, REPLACED, add_to_selection)
    try:
        return ui.hide_file_input(rx.upload.root(*children, **props))
    finally:
        setattr(reflex_upload, REPLACED, original)


# --- the widget -------------------------------------------------------------------------------------


def file_picker(upload_id: str, state: type[UploadingState], errors: rx.Var, legend: str) -> rx.Component:
    """« Ajouter des fichiers » (a button, never a submit), the chosen files with their size, their error."""
    error = errors.get(FILES_FIELD, "")
    has_error = error != ""
    chosen = selected_files_with_sizes(upload_id)
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="mb-1 font-semibold text-slate-900"),
        rx.el.p(texts.FILES_HINT, id=f"{upload_id}-aide", class_name="mb-2 text-sm text-slate-700"),
        upload_root_adding(
            rx.el.button(
                texts.ADD_FILES,
                type="button",
                id=FILES_FIELD,
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
            on_drop_rejected=lambda rejected: state.files_rejected(rejected_names_and_codes(rejected)),
            class_name="mb-3",
        ),
        rx.el.ul(
            rx.foreach(
                chosen,
                lambda f, i: rx.el.li(
                    rx.el.span(f["name"], class_name="break-all font-medium"),
                    rx.el.span(" — ", f["size"]),
                    rx.cond(f["too_big"], rx.el.span(texts.TOO_BIG_IN_BROWSER, class_name="text-red-700")),
                    rx.el.button(
                        texts.REMOVE_FILE,
                        rx.el.span(" ", f["name"], class_name="sr-only"),
                        type="button",
                        on_click=remove_from_selection(upload_id, i),
                        class_name="ml-3 text-blue-800 underline underline-offset-2 cursor-pointer "
                        "focus:outline-none focus:ring-4 focus:ring-blue-300 rounded",
                    ),
                    class_name="border-b border-slate-200 py-2",
                ),
            ),
            aria_label=texts.CHOSEN_FILES,
            id=f"{upload_id}-choisis",
            class_name="mb-2",
        ),
        rx.cond(
            state.rejected != "",
            rx.el.p(state.rejected, role="alert", class_name="mb-2 text-sm font-medium text-red-700"),
        ),
        ui.error_text(error, "files-erreur"),
        class_name="mb-5",
    )


def send_progress(state: type[UploadingState]) -> rx.Component:
    """The upload's progress bar, then « Vérification des fichiers… » while the server checks them."""
    return rx.cond(
        state.busy,
        rx.el.div(
            rx.el.label(texts.SENDING_LABEL, html_for="progression-envoi", class_name="block text-sm font-semibold"),
            rx.el.progress(
                value=rx.cond(state.sending, 100, state.progress),
                max=100,
                id="progression-envoi",
                class_name="w-full accent-blue-800",
            ),
            rx.el.p(
                rx.el.span(rx.cond(state.sending, texts.CHECKING, texts.SENDING), role="status"),
                rx.cond(state.sending, "", rx.el.span(" ", state.progress.to(str), " %", aria_hidden="true")),
                class_name="text-sm",
            ),
            class_name="mb-4",
        ),
    )


def upload_with_progress(state: type[UploadingState], upload_id: str) -> rx.Var:
    """The files of `upload_id` for an upload handler, the browser's progress sent to the state."""
    return rx.upload_files(upload_id=upload_id, on_upload_progress=state.upload_progress)
