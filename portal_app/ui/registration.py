"""/inscription in three steps (PRODUCT.md rule 3): contract → beneficiaries → e-mail, phone, password."""

from __future__ import annotations

import dataclasses

import reflex as rx

from portal_app.domain import registration
from portal_app.domain.faq import MEMBERSHIP_NUMBER_ENTRY
from portal_app.domain.passwords import ADVICE_TEXT, RULE_TEXT
from portal_app.domain.phone import PHONE_RULE
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import checked, text

FAQ_MEMBER_NUMBER = f"/faq#{MEMBERSHIP_NUMBER_ENTRY}"
STEP1_FIELDS = ["member_number", "first_name", "last_name"]
STEP3_FIELDS = ["email", "phone", "password", "password_confirmation", "terms"]

MEMBER_NUMBER_HINT = (
    "Le numéro présent sur votre carte de tiers payant. Il peut contenir des chiffres et/ou des lettres "
    "en fonction de votre mutuelle."
)
HOLDER_HINT = (
    "Le prénom et le nom de la personne présente sur votre carte de mutuelle avec la qualité « Adhérent » / "
    "« Souscripteur » du contrat. Si vous avez des bénéficiaires, ils apparaîtront à l'écran suivant."
)


class RegistrationState(rx.State):
    step: int = 1
    errors: dict[str, str] = {}
    refusal: str = ""
    refusal_reason: str = ""
    busy: bool = False
    insurer: str = ""
    offer: str = ""
    holder: str = ""
    beneficiaries: list[dict[str, str]] = []
    registered_email: str = ""
    _identity: tuple[str, str, str] = ("", "", "")

    @rx.event
    def load(self):
        self.step, self.errors, self.refusal, self.refusal_reason, self.busy = 1, {}, "", "", False
        self.beneficiaries, self.registered_email = [], ""
        self._identity = ("", "", "")

    @road.handler(STEP1_FIELDS)
    async def check_contract(self, form_data: dict):
        identity = (
            text(form_data, "member_number", 64),
            text(form_data, "first_name", 100),
            text(form_data, "last_name", 100),
        )
        self.errors, self.refusal, self.refusal_reason = {}, "", ""
        try:
            preview = await road.call(registration.check_contract, *identity)
        except registration.RegistrationRefused as refusal:
            self.refusal, self.refusal_reason = refusal.message, refusal.reason
            return rx.call_script("document.getElementById('refus-inscription')?.focus()")
        self._identity = identity
        self.insurer, self.offer = preview.insurer, preview.offer
        self.holder = f"{preview.holder_first_name} {preview.holder_last_name}"
        self.beneficiaries = [dataclasses.asdict(b) for b in preview.beneficiaries]
        self.step = 2
        return rx.call_script("document.getElementById('etape')?.focus()")

    @rx.event
    def go_to_step(self, step: int):
        """Back and forth between the steps already reached; never past the contract check."""
        if step in (1, 2, 3) and (step == 1 or self._identity[0]):
            self.step = step
            self.errors = {}
            return rx.call_script("document.getElementById('etape')?.focus()")

    @road.handler(STEP3_FIELDS, busy=True, sends_mail=True)
    async def create_account(self, form_data: dict):
        if not self._identity[0]:
            self.step = 1
            return None
        self.errors, self.refusal, self.refusal_reason = {}, "", ""
        try:
            email = await road.call(
                registration.register_account,
                *self._identity,
                email=text(form_data, "email", 254),
                phone=text(form_data, "phone", 40),
                password=text(form_data, "password", 1000),
                password_confirmation=text(form_data, "password_confirmation", 1000),
                accepted_terms=checked(form_data, "terms"),
            )
        except registration.RegistrationRefused as refusal:
            self.refusal, self.refusal_reason = refusal.message, refusal.reason
            return None
        self.registered_email = email
        self.step = 4
        self._identity = ("", "", "")
        return rx.call_script("document.getElementById('etape')?.focus()")


def refusal_block() -> rx.Component:
    return rx.el.div(
        rx.el.p(RegistrationState.refusal),
        rx.cond(
            RegistrationState.refusal_reason == "account_exists",
            rx.el.p(
                ui.link("Se connecter", "/connexion"),
                " · ",
                ui.link("J'ai oublié mon mot de passe", "/mot-de-passe-oublie"),
                class_name="mt-2",
            ),
        ),
        role="alert",
        id="refus-inscription",
        tab_index=-1,
        class_name="mb-6 rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900",
    )


def step_heading(text_: str) -> rx.Component:
    return rx.el.h2(text_, id="etape", tab_index=-1, class_name="mb-4 text-xl font-semibold focus:outline-none")


def step_contract() -> rx.Component:
    return rx.el.form(
        step_heading("Étape 1 sur 3 : votre contrat"),
        ui.field(
            "Numéro adhérent",
            "member_number",
            RegistrationState.errors,
            hint=MEMBER_NUMBER_HINT,
            autocapitalize="characters",
        ),
        rx.el.p(ui.link("Où trouver mon numéro adhérent ?", FAQ_MEMBER_NUMBER), class_name="-mt-3 mb-5 text-sm"),
        rx.el.p(HOLDER_HINT, class_name="mb-4 text-sm text-slate-700", id="titulaire-aide"),
        ui.field("Prénom", "first_name", RegistrationState.errors, autocomplete="given-name"),
        ui.field("Nom", "last_name", RegistrationState.errors, autocomplete="family-name"),
        ui.submit_button("Continuer"),
        on_submit=RegistrationState.check_contract,
        no_validate=True,
        class_name="max-w-md",
    )


def beneficiary_row(person: dict) -> rx.Component:
    """First name and relation only: step 2 is reached with what is printed on a card (no birth date here)."""
    return rx.el.li(
        rx.el.span(person["first_name"], class_name="font-semibold"),
        rx.el.span(" — ", person["relation"]),
        class_name="py-2 border-b border-slate-200",
    )


def step_beneficiaries() -> rx.Component:
    return rx.el.div(
        step_heading("Étape 2 sur 3 : les bénéficiaires de votre contrat"),
        rx.el.dl(
            ui.definition("Adhérent / souscripteur", RegistrationState.holder),
            ui.definition("Organisme", RegistrationState.insurer),
            ui.definition("Offre", RegistrationState.offer),
            class_name="mb-4",
        ),
        rx.el.ul(rx.foreach(RegistrationState.beneficiaries, beneficiary_row), class_name="mb-6"),
        rx.el.p(
            "Une information est inexacte ? Elle provient de votre mutuelle ou de votre assurance : "
            "rapprochez-vous de votre conseiller.",
            class_name="mb-6 text-sm text-slate-700",
        ),
        rx.el.div(
            rx.el.button(
                "Continuer", type="button", on_click=RegistrationState.go_to_step(3), class_name=ui.PRIMARY_BUTTON_CLASS
            ),
            rx.el.button(
                "Retour", type="button", on_click=RegistrationState.go_to_step(1), class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
    )


def step_credentials() -> rx.Component:
    return rx.el.form(
        step_heading("Étape 3 sur 3 : vos identifiants"),
        ui.field(
            "Adresse e-mail",
            "email",
            RegistrationState.errors,
            input_type="email",
            autocomplete="email",
            hint="Elle vous servira d'identifiant ; un e-mail de confirmation vous y sera envoyé.",
        ),
        ui.field(
            "Téléphone mobile",
            "phone",
            RegistrationState.errors,
            input_type="tel",
            autocomplete="tel-national",
            hint=PHONE_RULE,
        ),
        ui.field(
            "Mot de passe",
            "password",
            RegistrationState.errors,
            input_type="password",
            autocomplete="new-password",
            hint=rx.fragment(RULE_TEXT, " ", ADVICE_TEXT),
        ),
        ui.field(
            "Confirmation du mot de passe",
            "password_confirmation",
            RegistrationState.errors,
            input_type="password",
            autocomplete="new-password",
        ),
        ui.checkbox(
            "J'accepte les conditions d'utilisation du service et le traitement de mes données personnelles "
            "pour la gestion de mes garanties d'assistance.",
            "terms",
            RegistrationState.errors,
        ),
        rx.el.div(
            ui.submit_button("Créer mon compte", RegistrationState.busy, "Création du compte…"),
            rx.el.button(
                "Retour", type="button", on_click=RegistrationState.go_to_step(2), class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        on_submit=RegistrationState.create_account,
        no_validate=True,
        class_name="max-w-md",
    )


def step_done() -> rx.Component:
    return rx.el.div(
        step_heading("Votre compte est créé"),
        ui.notice(
            rx.fragment(
                "Un e-mail de confirmation a été envoyé à ",
                rx.el.strong(RegistrationState.registered_email),
                ". Ouvrez le lien qu'il contient (valable 48 heures) pour activer votre compte, puis connectez-vous.",
            ),
            "success",
        ),
        ui.link("Aller à la page de connexion", "/connexion"),
    )


def registration_page() -> rx.Component:
    return ui.page(
        "Inscription",
        rx.cond(RegistrationState.refusal != "", refusal_block()),
        rx.match(
            RegistrationState.step,
            (2, step_beneficiaries()),
            (3, step_credentials()),
            (4, step_done()),
            step_contract(),
        ),
    )
