"""/conseiller/contrat?id=…: a member's whole file (contract, beneficiaries, account, assistance files, trips,
claims, messages and callbacks, last audit entries: ui/adviser/member_activity.py) and the adviser's actions
(resend the confirmation, unlock, open a file, change an entitlement, close a file)."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import assistance_files
from portal_app.ui import components as ui
from portal_app.ui.adviser.member_activity import audit_section, claims_section, contacts_section, trips_section
from portal_app.ui.adviser.member_file_state import AdviserContractState
from portal_app.ui.adviser.nav import adviser_nav


def entitlement_row(e: rx.Var[assistance_files.EntitlementView]) -> rx.Component:
    editing = AdviserContractState.editing_entitlement == e.entitlement_id
    return rx.el.li(
        rx.el.p(
            rx.el.span(e.service_label, class_name="font-semibold"),
            " : ",
            e.balance,
            " — du ",
            e.valid_from,
            " au ",
            e.valid_to,
        ),
        rx.cond(
            editing,
            rx.el.form(
                ui.field("Quantité accordée", "quantity", AdviserContractState.errors, default_value=e.quantity_input),
                ui.field(
                    "Début",
                    "valid_from",
                    AdviserContractState.errors,
                    input_type="date",
                    default_value=e.valid_from_iso,
                ),
                ui.field(
                    "Fin", "valid_to", AdviserContractState.errors, input_type="date", default_value=e.valid_to_iso
                ),
                ui.submit_button("Enregistrer le droit"),
                on_submit=AdviserContractState.save_entitlement,
                no_validate=True,
                class_name="mt-3 max-w-md",
            ),
            rx.el.button(
                "Modifier le droit",
                type="button",
                on_click=AdviserContractState.edit_entitlement(e.entitlement_id),
                class_name=ui.SECONDARY_BUTTON_CLASS + " mt-2",
            ),
        ),
        class_name="border-b border-slate-200 py-3",
    )


def file_card(f: rx.Var[assistance_files.AssistanceFileView]) -> rx.Component:
    return rx.el.article(
        rx.el.h3(f.reference, " — ", f.event, class_name="text-lg font-semibold"),
        rx.el.p("Événement du ", f.event_date, " · ", f.beneficiary, " · dossier ", f.status),
        rx.el.ul(rx.foreach(f.entitlements, entitlement_row)),
        rx.cond(
            f.status == "ouvert",
            rx.el.button(
                "Clore le dossier",
                type="button",
                on_click=AdviserContractState.close_file(f.file_id),
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


def service_fields(s: rx.Var[assistance_files.OfferedService]) -> rx.Component:
    """A service of the offer: ticked to grant it, its usual quantity proposed, only the units it is granted in."""
    code = s.code
    return rx.el.fieldset(
        rx.el.legend(s.label, class_name="font-semibold"),
        rx.el.div(
            rx.el.input(
                id=code + "_grant",
                name=code + "_grant",
                type="checkbox",
                class_name="mt-1 h-6 w-6 shrink-0 accent-blue-800",
            ),
            rx.el.label("Accorder : ", s.label, html_for=code + "_grant"),
            class_name="mt-1 flex items-start gap-3",
        ),
        rx.el.div(
            _service_input(code, "_quantity", "Quantité", inputmode="decimal", default_value=s.usual_quantity),
            rx.el.label("Unité", html_for=code + "_unit", class_name="mt-2 block"),
            rx.el.select(
                rx.foreach(s.units, lambda unit: rx.el.option(unit, value=unit)),
                id=code + "_unit",
                name=code + "_unit",
                default_value=s.unit,
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
                rx.foreach(
                    AdviserContractState.beneficiary_choices, lambda b: rx.el.option(b.label, value=b.beneficiary_id)
                ),
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
        rx.el.p(
            "Droits accordés : cochez chaque service à accorder ; sa quantité habituelle est proposée.",
            class_name="mb-2",
        ),
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


def contract_section(m: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.el.h2("Contrat ", m.member_number, class_name="mb-3 text-xl font-semibold"),
        rx.el.dl(
            ui.definition("Adhérent / souscripteur", m.holder),
            ui.definition("Organisme", m.insurer),
            ui.definition("Offre", m.offer),
            ui.definition("Validité", m.validity),
            ui.definition("Offre en cours de validité", rx.cond(m.is_valid, "oui", "non")),
        ),
        rx.el.h3("Bénéficiaires", class_name="mb-2 font-semibold"),
        rx.el.ul(
            rx.foreach(
                m.beneficiaries,
                lambda b: rx.el.li(
                    b.first_name,
                    " ",
                    b.last_name,
                    " — ",
                    b.relation,
                    ", ",
                    b.birth_date,
                ),
            ),
            class_name="mb-6",
        ),
    )


def account_section(m: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.el.h2("Compte", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            m.has_account,
            rx.fragment(
                rx.el.dl(
                    ui.definition("Adresse e-mail", m.email),
                    ui.definition("Téléphone mobile", m.phone),
                    ui.definition("Adresse confirmée", rx.cond(m.confirmed != "", m.confirmed, "non")),
                    ui.definition("Bloqué", rx.cond(m.locked != "", m.locked, "non")),
                    ui.definition(
                        "Dernière connexion",
                        rx.cond(m.last_login != "", m.last_login, "jamais"),
                    ),
                ),
                rx.el.div(
                    rx.cond(
                        m.confirmed == "",
                        rx.el.button(
                            "Renvoyer l'e-mail de confirmation",
                            type="button",
                            on_click=AdviserContractState.resend_confirmation,
                            class_name=ui.SECONDARY_BUTTON_CLASS,
                        ),
                    ),
                    rx.cond(
                        m.locked != "",
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
    )


def files_section() -> rx.Component:
    return rx.el.section(
        rx.el.h2("Dossiers d'assistance", id="dossiers", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            AdviserContractState.files.length() > 0,
            rx.foreach(AdviserContractState.files, file_card),
            rx.el.p("Aucun dossier d'assistance pour ce contrat.", class_name="mb-4"),
        ),
        class_name="mb-8",
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
                        contract_section(m),
                        account_section(m),
                        files_section(),
                        trips_section(),
                        claims_section(),
                        contacts_section(),
                        audit_section(),
                        open_file_form(),
                    ),
                ),
            ),
            ui.loading(),
        ),
    )
