"""/conseiller/import: the insurer's contract file (CSV) from the browser; same rules as the operator's CLI."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import advisers
from portal_app.domain.contracts import ImportReport
from portal_app.domain.formatting import counted
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, open_back_office

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_SHOWN_ERRORS = 500
ONE_FILE_TEXT = "Choisissez un fichier CSV (un seul)."
TOO_BIG_TEXT = "Fichier trop volumineux (5 Mo au plus)."
HEADER_LINE = "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance"


def summary_of(report: ImportReport) -> str:
    if report.ok:
        return f"Import terminé : {report.summary}."
    return f"Fichier refusé : {counted(len(report.errors), 'ligne')} en erreur, rien n'a été importé."


class ContractImportState(rx.State):
    loaded: bool = False
    busy: bool = False
    summary: str = ""
    report_errors: list[str] = []
    succeeded: bool = False

    @road.handler()
    async def load(self):
        self.loaded, self.summary, self.report_errors, self.succeeded = False, "", [], False
        await open_back_office(self)
        self.loaded = True

    @road.handler()
    async def import_file(self, files: list[rx.UploadFile]):
        self.summary, self.report_errors, self.succeeded = "", [], False
        if len(files) != 1:
            self.summary = ONE_FILE_TEXT
            return
        content = await files[0].read(MAX_IMPORT_BYTES + 1)
        if len(content) > MAX_IMPORT_BYTES:
            self.summary = TOO_BIG_TEXT
            return
        report = await road.act(self, advisers.import_contracts, content)
        self.succeeded, self.summary = report.ok, summary_of(report)
        self.report_errors = [f"Ligne {line} : {reason}" for line, reason in report.errors[:MAX_SHOWN_ERRORS]]


def contract_import_page() -> rx.Component:
    return ui.page(
        "Import de contrats",
        rx.cond(
            ContractImportState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.p(
                    "Fichier CSV UTF-8 séparé par des points-virgules, en-tête : ",
                    rx.el.code(HEADER_LINE),
                    ". Un fichier contenant une seule ligne en erreur n'importe rien.",
                    class_name="mb-4 break-words",
                ),
                ui.hide_file_input(
                    rx.upload.root(
                        rx.el.button(
                            "Choisir le fichier",
                            type="button",
                            class_name=ui.SECONDARY_BUTTON_CLASS,
                            id="choisir-fichier",
                        ),
                        id="contrats",
                        multiple=False,
                        max_files=1,
                        accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
                        no_keyboard=True,  # the button is the one tab stop (the zone itself shows no focus)
                        class_name="mb-3",
                    ),
                ),
                rx.el.p(rx.foreach(rx.selected_files("contrats"), lambda f: rx.el.span(f)), class_name="mb-3"),
                rx.el.button(
                    "Importer",
                    type="button",
                    on_click=ContractImportState.import_file(rx.upload_files(upload_id="contrats")),
                    class_name=ui.PRIMARY_BUTTON_CLASS,
                ),
                rx.cond(
                    ContractImportState.summary != "",
                    ui.notice(ContractImportState.summary, "info", id="rapport-import"),
                ),
                rx.el.ul(
                    rx.foreach(ContractImportState.report_errors, lambda e: rx.el.li(e)),
                    class_name="mt-3 list-disc pl-6 text-red-800 [overflow-wrap:anywhere]",
                ),
            ),
            ui.loading(),
        ),
    )
