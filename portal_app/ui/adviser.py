"""The adviser back-office: /conseiller (search), /conseiller/contrat (a member's file and its
assistance files), /conseiller/import (insurer's file), /conseiller/journal (audit trail).

Each handler hands the session token to the domain, which refuses anyone but a verified adviser.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

import reflex as rx

from portal_app.domain import advisers, assistance_files, audit, clock
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.ui import components as ui
from portal_app.ui.forms import focus_first_shown_error, text
from portal_app.ui.request_origin import remember_origin
from portal_app.ui.session_state import SessionState, login_redirect

MAX_IMPORT_BYTES = 5 * 1024 * 1024


async def _token(state: rx.State) -> str:
    """The session token; in a fresh tab, also tells the header who is logged in (one query)."""
    session = await state.get_state(SessionState)
    if session.session_token and not session.role:
        await session._current_user()
    return session.session_token


async def _refused(state: rx.State) -> rx.event.EventSpec:
    """A member goes back to Mon Espace (still logged in); anyone else to the login page."""
    session = await state.get_state(SessionState)
    user = await session._current_user()
    if user is not None and user.role == "member":
        return rx.redirect("/mon-espace", replace=True)
    session._forget()
    return login_redirect(state.router.url.path)


def adviser_nav() -> rx.Component:
    return rx.el.nav(
        ui.nav_link("Recherche", "/conseiller"),
        ui.nav_link("Trajets du jour", "/conseiller/trajets"),
        ui.nav_link("Remboursements", "/conseiller/remboursements"),
        ui.nav_link("Import de contrats", "/conseiller/import"),
        ui.nav_link("Journal d'audit", "/conseiller/journal"),
        aria_label="Espace conseiller",
        class_name="mb-6 flex flex-wrap gap-1 border-b border-slate-200 pb-3",
    )


class AdviserSearchState(rx.State):
    loaded: bool = False
    hits: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    searched: bool = False

    @rx.event
    async def load(self):
        self.loaded, self.hits, self.errors, self.searched = False, [], {}, False
        try:
            await asyncio.to_thread(advisers.check_adviser, await _token(self))
        except NotAllowed:
            return await _refused(self)
        self.loaded = True

    @rx.event
    async def search(self, form_data: dict):
        remember_origin(self)
        self.errors = {}
        try:
            hits = await asyncio.to_thread(advisers.search, await _token(self), text(form_data, "query", 100))
        except NotAllowed:
            return await _refused(self)
        except ValidationError as error:
            self.errors = error.errors
            return focus_first_shown_error()
        self.hits = [{k: str(v) for k, v in dataclasses.asdict(h).items()} for h in hits]
        self.searched = True


def hit_row(hit: dict) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            hit["member_number"],
            " — ",
            hit["holder"],
            href="/conseiller/contrat?id=" + hit["contract_id"],
            class_name=ui.LINK_CLASS + " font-semibold",
        ),
        rx.el.span(" · ", hit["insurer"], rx.cond(hit["email"] != "", " · " + hit["email"], " · sans compte")),
        class_name="border-b border-slate-200 py-2",
    )


def adviser_search_page() -> rx.Component:
    return ui.page(
        "Espace conseiller",
        rx.cond(
            AdviserSearchState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.form(
                    ui.field(
                        "Rechercher un membre ou un contrat",
                        "query",
                        AdviserSearchState.errors,
                        input_type="search",
                        hint="Numéro adhérent, nom d'un bénéficiaire ou adresse e-mail.",
                    ),
                    ui.submit_button("Rechercher"),
                    on_submit=AdviserSearchState.search,
                    no_validate=True,
                    class_name="mb-6 max-w-md",
                ),
                rx.cond(
                    AdviserSearchState.searched,
                    rx.cond(
                        AdviserSearchState.hits.length() > 0,
                        rx.el.ul(rx.foreach(AdviserSearchState.hits, hit_row), aria_label="Résultats"),
                        rx.el.p("Aucun contrat ne correspond à cette recherche.", role="status"),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )


class AdviserContractState(rx.State):
    loaded: bool = False
    problem: str = ""
    member: dict[str, str] = {}
    beneficiaries: list[dict[str, str]] = []
    beneficiary_choices: list[dict[str, str]] = []
    services: list[dict[str, str]] = []
    files: list[dict] = []
    errors: dict[str, str] = {}
    message: str = ""
    editing_entitlement: int = 0
    today: str = ""
    _contract_id: int = 0
    _succeeded: bool = False

    async def _reload(self) -> rx.event.EventSpec | None:
        token = await _token(self)
        try:
            member = await asyncio.to_thread(advisers.member_file, token, self._contract_id)
            files = await asyncio.to_thread(assistance_files.files_for_adviser, token, self._contract_id)
            services = await asyncio.to_thread(assistance_files.services_for_contract, token, self._contract_id)
            choices = await asyncio.to_thread(assistance_files.beneficiary_choices, token, self._contract_id)
        except NotAllowed:
            return await _refused(self)
        except NotFound as missing:
            self.problem = missing.message
            self.loaded = True
            return None
        data = dataclasses.asdict(member)
        self.beneficiaries = data.pop("beneficiaries")
        self.member = {k: str(v) for k, v in data.items()}
        self.files = [dataclasses.asdict(f) for f in files]
        self.services = [{"code": c, "label": label, "unit": unit} for c, label, unit in services]
        self.beneficiary_choices = [{"id": str(i), "label": label} for i, label in choices]
        self.loaded = True
        return None

    @rx.event
    async def load(self):
        remember_origin(self)
        self.loaded, self.problem, self.errors, self.message, self.editing_entitlement = False, "", {}, "", 0
        self.today = clock.today_in_paris().isoformat()
        raw = self.router.url.query_parameters.get("id", "")
        self._contract_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
        return await self._reload()

    async def _act(self, call, *args) -> rx.event.EventSpec | None:
        """Run one domain action; `_succeeded` says whether it happened (a refusal is not a success)."""
        remember_origin(self)
        self.errors, self.message, self._succeeded = {}, "", False
        try:
            result = await asyncio.to_thread(call, await _token(self), *args)
        except NotAllowed:
            return await _refused(self)
        except (ValidationError, NotFound) as error:
            self.errors = getattr(error, "errors", {"general": error.message})
            return focus_first_shown_error()
        self._succeeded = True
        if isinstance(result, str):
            self.message = result
        return await self._reload()

    @rx.event
    async def resend_confirmation(self):
        return await self._act(advisers.resend_confirmation, self._contract_id)

    @rx.event
    async def unlock(self):
        return await self._act(advisers.unlock_account, self._contract_id)

    @rx.event
    async def open_file(self, form_data: dict):
        entitlements = [
            assistance_files.EntitlementInput(
                service=s["code"],
                quantity=text(form_data, f"{s['code']}_quantity", 30),
                unit=text(form_data, f"{s['code']}_unit", 10),
                valid_from=text(form_data, f"{s['code']}_valid_from", 10),
                valid_to=text(form_data, f"{s['code']}_valid_to", 10),
            )
            for s in self.services
        ]
        beneficiary = text(form_data, "beneficiary", 12)
        result = await self._act(
            assistance_files.open_file,
            self._contract_id,
            int(beneficiary) if beneficiary.isdigit() else 0,
            text(form_data, "event_type", 30),
            text(form_data, "event_date", 10),
            entitlements,
        )
        if not self._succeeded or result is not None:
            return result
        self.message = "Le dossier d'assistance est ouvert."
        return rx.call_script("document.getElementById('form-dossier')?.reset()")

    @rx.event
    def edit_entitlement(self, entitlement_id: int):
        self.editing_entitlement = entitlement_id if isinstance(entitlement_id, int) else 0
        self.errors = {}

    @rx.event
    async def save_entitlement(self, form_data: dict):
        result = await self._act(
            assistance_files.update_entitlement,
            self.editing_entitlement,
            text(form_data, "quantity", 30),
            text(form_data, "valid_from", 10),
            text(form_data, "valid_to", 10),
        )
        if self._succeeded:
            self.editing_entitlement = 0
            self.message = "Le droit est modifié."
        return result

    @rx.event
    async def close_file(self, file_id: int):
        result = await self._act(assistance_files.close_file, file_id if isinstance(file_id, int) else 0)
        if self._succeeded:
            self.message = "Le dossier est clos."
        return result


def entitlement_row(e: dict) -> rx.Component:
    editing = AdviserContractState.editing_entitlement == e["entitlement_id"]
    return rx.el.li(
        rx.el.p(
            rx.el.span(e["service_label"], class_name="font-semibold"),
            " : accordé ",
            e["granted"],
            ", utilisé ",
            e["used"],
            ", reste ",
            e["remaining"],
            " — du ",
            e["valid_from"],
            " au ",
            e["valid_to"],
        ),
        rx.cond(
            editing,
            rx.el.form(
                ui.field(
                    "Quantité accordée", "quantity", AdviserContractState.errors, default_value=e["quantity_input"]
                ),
                ui.field(
                    "Début",
                    "valid_from",
                    AdviserContractState.errors,
                    input_type="date",
                    default_value=e["valid_from_iso"],
                ),
                ui.field(
                    "Fin", "valid_to", AdviserContractState.errors, input_type="date", default_value=e["valid_to_iso"]
                ),
                ui.submit_button("Enregistrer le droit"),
                on_submit=AdviserContractState.save_entitlement,
                no_validate=True,
                class_name="mt-3 max-w-md",
            ),
            rx.el.button(
                "Modifier le droit",
                type="button",
                on_click=AdviserContractState.edit_entitlement(e["entitlement_id"]),
                class_name=ui.SECONDARY_BUTTON_CLASS + " mt-2",
            ),
        ),
        class_name="border-b border-slate-200 py-3",
    )


def file_card(f: dict) -> rx.Component:
    return rx.el.article(
        rx.el.h3(f["reference"], " — ", f["event"], class_name="text-lg font-semibold"),
        rx.el.p("Événement du ", f["event_date"], " · ", f["beneficiary"], " · dossier ", f["status"]),
        rx.el.ul(rx.foreach(f["entitlements"].to(list[dict]), entitlement_row)),
        rx.cond(
            f["status"] == "ouvert",
            rx.el.button(
                "Clore le dossier",
                type="button",
                on_click=AdviserContractState.close_file(f["file_id"]),
                class_name=ui.SECONDARY_BUTTON_CLASS + " mt-3",
            ),
        ),
        class_name="mb-6 rounded-md border border-slate-300 p-4",
    )


def _service_input(code: rx.Var, suffix: str, label: str, **props) -> rx.Component:
    """One input of a service block, with its error right under it (tied by aria-describedby)."""
    name = code + suffix
    error = AdviserContractState.errors.get(name, "")
    return rx.fragment(
        rx.el.label(label, html_for=name, class_name="mt-2 block"),
        rx.el.input(
            id=name,
            name=name,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=name + "-erreur",
            class_name=ui.INPUT_CLASS,
            **props,
        ),
        ui.error_text(error, name + "-erreur"),
    )


def service_fields(s: dict) -> rx.Component:
    code = s["code"]
    return rx.el.fieldset(
        rx.el.legend(s["label"], class_name="font-semibold"),
        rx.el.div(
            _service_input(code, "_quantity", "Quantité", inputmode="decimal"),
            rx.el.label("Unité", html_for=code + "_unit", class_name="mt-2 block"),
            rx.el.select(
                rx.el.option("trajets", value="trajets"),
                rx.el.option("heures", value="heures"),
                rx.el.option("jours", value="jours"),
                rx.el.option("euros", value="euros"),
                id=code + "_unit",
                name=code + "_unit",
                default_value=s["unit"],
                aria_invalid=rx.cond(AdviserContractState.errors.get(code + "_unit", "") != "", "true", "false"),
                aria_describedby=code + "_unit-erreur",
                class_name=ui.INPUT_CLASS,
            ),
            ui.error_text(AdviserContractState.errors.get(code + "_unit", ""), code + "_unit-erreur"),
            _service_input(code, "_valid_from", "Début", type="date", default_value=AdviserContractState.today),
            _service_input(code, "_valid_to", "Fin", type="date"),
        ),
        class_name="mb-4 rounded-md border border-slate-300 p-3",
    )


def open_file_form() -> rx.Component:
    errors = AdviserContractState.errors
    return rx.el.form(
        rx.el.h2("Ouvrir un dossier d'assistance", class_name="mb-3 text-xl font-semibold"),
        rx.el.div(
            rx.el.label("Bénéficiaire concerné", html_for="beneficiary", class_name="mb-1 block font-semibold"),
            rx.el.select(
                rx.foreach(AdviserContractState.beneficiary_choices, lambda b: rx.el.option(b["label"], value=b["id"])),
                id="beneficiary",
                name="beneficiary",
                aria_invalid=rx.cond(errors.get("beneficiary", "") != "", "true", "false"),
                aria_describedby="beneficiary-erreur",
                class_name=ui.INPUT_CLASS,
            ),
            ui.error_text(errors.get("beneficiary", ""), "beneficiary-erreur"),
            class_name="mb-4",
        ),
        rx.el.div(
            rx.el.label("Événement", html_for="event_type", class_name="mb-1 block font-semibold"),
            rx.el.select(
                *[rx.el.option(label, value=code) for code, label in assistance_files.EVENT_TYPES.items()],
                id="event_type",
                name="event_type",
                class_name=ui.INPUT_CLASS,
            ),
            class_name="mb-4",
        ),
        ui.field("Date de l'événement", "event_date", errors, input_type="date"),
        rx.el.p("Droits accordés (laisser la quantité vide pour ne pas accorder un service) :", class_name="mb-2"),
        rx.foreach(AdviserContractState.services, service_fields),
        rx.cond(
            errors.length() > 0, ui.notice("Le dossier n'a pas été ouvert : " + errors.values().join(" "), "error")
        ),
        ui.submit_button("Ouvrir le dossier"),
        id="form-dossier",
        on_submit=AdviserContractState.open_file,
        no_validate=True,
        class_name="max-w-xl",
    )


def adviser_contract_page() -> rx.Component:
    m = AdviserContractState.member
    return ui.page(
        "Dossier du membre",
        rx.cond(
            AdviserContractState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.cond(
                    AdviserContractState.problem != "",
                    ui.notice(AdviserContractState.problem, "error"),
                    rx.fragment(
                        rx.cond(AdviserContractState.message != "", ui.notice(AdviserContractState.message, "success")),
                        rx.el.section(
                            rx.el.h2("Contrat ", m["member_number"], class_name="mb-3 text-xl font-semibold"),
                            rx.el.dl(
                                ui.definition("Adhérent / souscripteur", m["holder"]),
                                ui.definition("Organisme", m["insurer"]),
                                ui.definition("Offre", m["offer"]),
                                ui.definition("Validité", m["validity"]),
                                ui.definition(
                                    "Offre en cours de validité", rx.cond(m["is_valid"] == "True", "oui", "non")
                                ),
                            ),
                            rx.el.h3("Bénéficiaires", class_name="mb-2 font-semibold"),
                            rx.el.ul(
                                rx.foreach(
                                    AdviserContractState.beneficiaries,
                                    lambda b: rx.el.li(
                                        b["first_name"],
                                        " ",
                                        b["last_name"],
                                        " — ",
                                        b["relation"],
                                        ", ",
                                        b["birth_date"],
                                    ),
                                ),
                                class_name="mb-6",
                            ),
                        ),
                        rx.el.section(
                            rx.el.h2("Compte", class_name="mb-3 text-xl font-semibold"),
                            rx.cond(
                                m["has_account"] == "True",
                                rx.fragment(
                                    rx.el.dl(
                                        ui.definition("Adresse e-mail", m["email"]),
                                        ui.definition("Téléphone mobile", m["phone"]),
                                        ui.definition(
                                            "Adresse confirmée", rx.cond(m["confirmed"] != "", m["confirmed"], "non")
                                        ),
                                        ui.definition("Bloqué", rx.cond(m["locked"] != "", m["locked"], "non")),
                                        ui.definition(
                                            "Dernière connexion",
                                            rx.cond(m["last_login"] != "", m["last_login"], "jamais"),
                                        ),
                                    ),
                                    rx.el.div(
                                        rx.cond(
                                            m["confirmed"] == "",
                                            rx.el.button(
                                                "Renvoyer l'e-mail de confirmation",
                                                type="button",
                                                on_click=AdviserContractState.resend_confirmation,
                                                class_name=ui.SECONDARY_BUTTON_CLASS,
                                            ),
                                        ),
                                        rx.cond(
                                            m["locked"] != "",
                                            rx.el.button(
                                                "Débloquer le compte",
                                                type="button",
                                                on_click=AdviserContractState.unlock,
                                                class_name=ui.SECONDARY_BUTTON_CLASS,
                                            ),
                                        ),
                                        class_name="flex flex-col gap-3 sm:flex-row",
                                    ),
                                ),
                                rx.el.p("Aucun compte n'a encore été créé pour ce contrat."),
                            ),
                            class_name="mb-8",
                        ),
                        rx.el.section(
                            rx.el.h2("Dossiers d'assistance", class_name="mb-3 text-xl font-semibold"),
                            rx.cond(
                                AdviserContractState.files.length() > 0,
                                rx.foreach(AdviserContractState.files, file_card),
                                rx.el.p("Aucun dossier d'assistance pour ce contrat.", class_name="mb-4"),
                            ),
                            class_name="mb-8",
                        ),
                        open_file_form(),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )


class ContractImportState(rx.State):
    loaded: bool = False
    busy: bool = False
    summary: str = ""
    report_errors: list[str] = []
    succeeded: bool = False

    @rx.event
    async def load(self):
        self.loaded, self.summary, self.report_errors, self.succeeded = False, "", [], False
        try:
            await asyncio.to_thread(advisers.check_adviser, await _token(self))
        except NotAllowed:
            return await _refused(self)
        self.loaded = True

    @rx.event
    async def import_file(self, files: list[rx.UploadFile]):
        remember_origin(self)
        self.summary, self.report_errors, self.succeeded = "", [], False
        if len(files) != 1:
            self.summary = "Choisissez un fichier CSV (un seul)."
            return
        content = await files[0].read(MAX_IMPORT_BYTES + 1)
        if len(content) > MAX_IMPORT_BYTES:
            self.summary = "Fichier trop volumineux (5 Mo au plus)."
            return
        try:
            report = await asyncio.to_thread(advisers.import_contracts, await _token(self), content)
        except NotAllowed:
            return await _refused(self)
        if report.ok:
            self.succeeded = True
            self.summary = (
                f"Import terminé : {report.created} contrat(s) créé(s), {report.updated} mis à jour, "
                f"{report.unchanged} inchangé(s)."
            )
        else:
            self.summary = f"Fichier refusé : {len(report.errors)} ligne(s) en erreur, rien n'a été importé."
            self.report_errors = [f"Ligne {line} : {reason}" for line, reason in report.errors[:500]]


def contract_import_page() -> rx.Component:
    return ui.page(
        "Import de contrats",
        rx.cond(
            ContractImportState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.p(
                    "Fichier CSV UTF-8 séparé par des points-virgules, en-tête : ",
                    rx.el.code("numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance"),
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
                    ui.notice(
                        ContractImportState.summary,
                        "info",
                        id="rapport-import",
                    ),
                ),
                rx.el.ul(
                    rx.foreach(ContractImportState.report_errors, lambda e: rx.el.li(e)),
                    class_name="mt-3 list-disc pl-6 text-red-800 [overflow-wrap:anywhere]",
                ),
            ),
            ui.loading(),
        ),
    )


class AuditTrailState(rx.State):
    loaded: bool = False
    lines: list[dict[str, str]] = []
    errors: dict[str, str] = {}

    async def _search(self, form_data: dict) -> rx.event.EventSpec | None:
        token = await _token(self)
        try:
            member_email, adviser_email = text(form_data, "member_email", 254), text(form_data, "adviser_email", 254)
            member_id = (
                await asyncio.to_thread(advisers.account_id_for_email, token, member_email) if member_email else None
            )
            adviser_id = (
                await asyncio.to_thread(advisers.account_id_for_email, token, adviser_email) if adviser_email else None
            )
            self.errors = {}
            if member_email and member_id is None:
                self.errors["member_email"] = "Aucun compte avec cette adresse."
            if adviser_email and adviser_id is None:
                self.errors["adviser_email"] = "Aucun compte avec cette adresse."
            dates = {}
            for name in ("date_from", "date_to"):
                raw = text(form_data, name, 10)
                try:
                    dates[name] = date.fromisoformat(raw) if raw else None
                except ValueError:
                    self.errors[name] = "Date invalide."
            if self.errors:
                return focus_first_shown_error()
            action = text(form_data, "action", 60)
            criteria = audit.AuditFilter(
                member_account_id=member_id,
                actor_account_id=adviser_id,
                action=action if action in audit.ACTIONS else "",
                date_from=dates.get("date_from"),
                date_to=dates.get("date_to"),
            )
            lines = await asyncio.to_thread(advisers.audit_trail, token, criteria)
        except NotAllowed:
            return await _refused(self)
        self.lines = [dataclasses.asdict(line) for line in lines]
        self.loaded = True
        return None

    @rx.event
    async def load(self):
        self.loaded, self.errors = False, {}
        return await self._search({})

    @rx.event
    async def filter(self, form_data: dict):
        return await self._search(form_data)


def audit_trail_page() -> rx.Component:
    errors = AuditTrailState.errors
    return ui.page(
        "Journal d'audit",
        rx.cond(
            AuditTrailState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.form(
                    ui.field("Membre (adresse e-mail)", "member_email", errors, input_type="email", required=False),
                    ui.field("Auteur (adresse e-mail)", "adviser_email", errors, input_type="email", required=False),
                    rx.el.div(
                        rx.el.label("Type d'événement", html_for="action", class_name="mb-1 block font-semibold"),
                        rx.el.select(
                            rx.el.option("Tous", value=""),
                            *[rx.el.option(label, value=code) for code, label in audit.ACTIONS.items()],
                            id="action",
                            name="action",
                            class_name=ui.INPUT_CLASS,
                        ),
                        class_name="mb-5",
                    ),
                    ui.field("Du", "date_from", errors, input_type="date", required=False),
                    ui.field("Au", "date_to", errors, input_type="date", required=False),
                    ui.submit_button("Filtrer"),
                    on_submit=AuditTrailState.filter,
                    no_validate=True,
                    class_name="mb-6 max-w-md",
                ),
                ui.scroll_region(
                    rx.el.table(
                        rx.el.caption("Événements les plus récents d'abord (heure de Paris)", class_name="text-left"),
                        rx.el.thead(
                            rx.el.tr(
                                *[
                                    rx.el.th(h, scope="col", class_name="p-2 text-left")
                                    for h in ("Quand", "Qui", "Quoi", "Cible", "D'où")
                                ]
                            )
                        ),
                        rx.el.tbody(
                            rx.foreach(
                                AuditTrailState.lines,
                                lambda line: rx.el.tr(
                                    rx.el.td(line["when"], class_name="p-2"),
                                    rx.el.td(line["actor"], class_name="p-2"),
                                    rx.el.td(line["action"], class_name="p-2"),
                                    rx.el.td(line["target"], class_name="p-2"),
                                    rx.el.td(line["origin"], class_name="p-2 text-sm"),
                                    class_name="border-b border-slate-200 align-top",
                                ),
                            )
                        ),
                        class_name="w-full text-sm",
                    ),
                    "Journal d'audit",
                ),
            ),
            ui.loading(),
        ),
    )
