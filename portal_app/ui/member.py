"""Member pages: /mon-espace, /mon-espace/compte (« Modifier »), /mon-espace/mot-de-passe.

Each page's on_load asks the domain for the data through the road: no session, no data; the member is
sent to /connexion and brought back after login.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from portal_app.domain import account, actors, dashboard, platform
from portal_app.domain.passwords import ADVICE_TEXT, RULE_TEXT
from portal_app.domain.phone import PHONE_RULE
from portal_app.ui import components as ui
from portal_app.ui import dashboard as blocks
from portal_app.ui import road
from portal_app.ui.data_rights import CloseAccountState, data_rights_section
from portal_app.ui.forms import text
from portal_app.ui.passkeys import passkeys_section
from portal_app.ui.session_state import SessionState

INSURER_NOTE = (
    "Vos nom, prénom, contrat et bénéficiaires sont transmis par votre mutuelle ou votre assurance : pour les "
    "corriger, rapprochez-vous de votre conseiller."
)


def member_nav() -> rx.Component:
    return rx.el.nav(
        ui.nav_link("Mon Espace", "/mon-espace"),
        ui.nav_link("Adresses", "/mon-espace/adresses"),
        ui.nav_link("Trajets", "/mon-espace/trajets"),
        ui.nav_link("Demande de remboursement", "/mon-espace/remboursements"),
        ui.nav_link("Messages", "/mon-espace/messages"),
        ui.nav_link("Mon compte", "/mon-espace/compte"),
        ui.nav_link("Mot de passe", "/mon-espace/mot-de-passe"),
        aria_label="Mon Espace",
        class_name="mb-6 flex flex-wrap gap-1 border-b border-slate-200 pb-3",
    )


def beneficiary_item(person: dict) -> rx.Component:
    return rx.el.li(
        rx.el.span(person["first_name"], " ", person["last_name"], class_name="font-semibold"),
        rx.el.span(" — ", person["relation"], ", né(e) le ", person["birth_date"]),
        class_name="border-b border-slate-200 py-2",
    )


NO_FILE_TEXT = (
    "Vous n'avez pas de dossier d'assistance en cours. Après une hospitalisation, une immobilisation ou une "
    "naissance, appelez la plateforme d'assistance : un conseiller ouvre votre dossier et vos droits "
    "(conduite à l'école, aide ménagère, garde d'enfants) apparaissent ici."
)


def member_file_card(f: dict) -> rx.Component:
    return rx.el.article(
        rx.el.h3("Dossier ", f["reference"], " — ", f["event"], class_name="text-lg font-semibold"),
        rx.el.p(
            "Événement du ", f["event_date"], " · ", f["beneficiary"], " · dossier ", f["status"], class_name="mb-2"
        ),
        rx.el.ul(
            rx.foreach(f["entitlements"].to(list[dict]), lambda e: rx.el.li(e["summary"], class_name="py-1")),
            class_name="list-disc pl-6",
        ),
        class_name="mb-4 rounded-md border border-slate-300 p-4",
    )


def reach_platform_section() -> rx.Component:
    """« Joindre la plateforme »: the number (a `tel:` link), the hours."""
    return rx.el.section(
        rx.el.h2("Joindre la plateforme d'assistance", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(ui.call_link(id="appeler-plateforme"), class_name="mb-1 text-lg"),
        rx.el.p("Ouverte ", platform.hours_text(), ".", class_name="mb-3 text-slate-800"),
        rx.el.p(
            "Vous préférez qu'un conseiller vous appelle ? ",
            ui.link("Être rappelé", "/mon-espace/rappel"),
        ),
        id="joindre-plateforme",
        class_name="mb-8 rounded-md border border-slate-300 p-4",
    )


class MemberHomeState(rx.State):
    loaded: bool = False
    overview: dict[str, str] = {}
    beneficiaries: list[dict[str, str]] = []
    is_valid: bool = False
    files: list[dict] = []
    todo: list[dashboard.TodoItem] = []
    next_trips: list[dashboard.NextTrip] = []
    upcoming_trips: str = ""
    claims: list[dashboard.ClaimInProgress] = []

    @road.handler()
    async def load(self):
        self.loaded = False
        board = await road.act(self, dashboard.member_dashboard)
        (await self.get_state(SessionState))._signed_in("member")
        data = dataclasses.asdict(board.overview)
        self.beneficiaries = data.pop("beneficiaries")
        self.is_valid = data.pop("is_valid")
        self.overview = data
        self.files = [dataclasses.asdict(f) for f in board.files]
        self.todo, self.next_trips, self.claims = board.todo, board.next_trips, board.claims
        self.upcoming_trips = board.upcoming_trips
        self.loaded = True


def contract_section() -> rx.Component:
    o = MemberHomeState.overview
    return rx.el.section(
        rx.el.h2("Mon contrat", class_name="mb-3 text-xl font-semibold"),
        rx.el.dl(
            ui.definition("Numéro adhérent", o["member_number"]),
            ui.definition("Organisme", o["insurer"]),
            ui.definition("Offre", o["offer"]),
            ui.definition("Validité", o["validity"]),
        ),
        rx.cond(
            ~MemberHomeState.is_valid,
            ui.notice(
                rx.fragment(
                    "Votre offre n'est plus en cours de validité : rapprochez-vous de votre conseiller.",
                    ui.call_platform(),
                ),
                "error",
            ),
        ),
        class_name="mb-8",
    )


def member_home_page() -> rx.Component:
    """What matters now first (À faire, trips, claims, rights), then the contract, then how to reach us."""
    o = MemberHomeState.overview
    return ui.page(
        "Mon Espace",
        rx.cond(
            MemberHomeState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.p("Bonjour ", o["first_name"], " ", o["last_name"], ".", class_name="mb-6 text-lg"),
                blocks.todo_section(MemberHomeState.todo),
                blocks.trips_section(MemberHomeState.next_trips, MemberHomeState.upcoming_trips),
                blocks.claims_section(MemberHomeState.claims),
                blocks.rights_section(
                    MemberHomeState.files,
                    member_file_card,
                    rx.el.p(NO_FILE_TEXT, ui.call_platform(""), class_name="text-slate-800"),
                ),
                contract_section(),
                rx.el.section(
                    rx.el.h2("Bénéficiaires", class_name="mb-3 text-xl font-semibold"),
                    rx.el.ul(rx.foreach(MemberHomeState.beneficiaries, beneficiary_item)),
                    class_name="mb-8",
                ),
                reach_platform_section(),
            ),
            ui.loading(),
        ),
    )


class AccountState(rx.State):
    loaded: bool = False
    editing: bool = False
    busy: bool = False
    details: dict[str, str] = {}
    beneficiaries: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    message: str = ""

    async def _reload(self) -> None:
        details = await road.act(self, account.account_details)
        data = dataclasses.asdict(details)
        self.beneficiaries = data.pop("beneficiaries")
        self.details = data
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.editing, self.errors, self.message = False, False, {}, ""
        closing = await self.get_state(CloseAccountState)
        closing.errors, closing.busy = {}, False
        await self._reload()

    @rx.event
    def start_editing(self):
        self.editing, self.errors, self.message = True, {}, ""
        return rx.call_script("document.getElementById('phone')?.focus()")

    @rx.event
    def cancel_editing(self):
        self.editing, self.errors = False, {}

    @road.handler(["phone", "email", "current_password"], busy=True, sends_mail=True)
    async def save(self, form_data: dict):
        self.errors, self.message = {}, ""
        self.message = await road.act(
            self,
            account.update_contact_details,
            text(form_data, "phone", 40),
            text(form_data, "email", 254),
            text(form_data, "current_password", 1000),
        )
        self.editing = False
        await self._reload()


def account_view() -> rx.Component:
    d = AccountState.details
    return rx.fragment(
        rx.el.section(
            rx.el.h2("Mes informations", class_name="mb-3 text-xl font-semibold"),
            rx.el.dl(
                ui.definition("Prénom", d["first_name"]),
                ui.definition("Nom", d["last_name"]),
                ui.definition("Numéro adhérent", d["member_number"]),
                ui.definition("Organisme", d["insurer"]),
                ui.definition("Adresse e-mail", d["email"]),
                ui.definition("Téléphone mobile", d["phone"]),
                ui.definition("Dernière connexion", d["last_login"]),
            ),
            rx.cond(
                d["pending_email"] != "",
                ui.notice(
                    rx.fragment(
                        "Changement d'adresse en attente : ouvrez le lien envoyé à ",
                        rx.el.strong(d["pending_email"]),
                        ".",
                    ),
                    "info",
                ),
            ),
            rx.el.p(INSURER_NOTE, class_name="mb-4 text-sm text-slate-700"),
            rx.el.button(
                "Modifier", type="button", on_click=AccountState.start_editing, class_name=ui.PRIMARY_BUTTON_CLASS
            ),
            class_name="mb-8",
        ),
        rx.el.section(
            rx.el.h2("Bénéficiaires de mon contrat", class_name="mb-3 text-xl font-semibold"),
            rx.el.ul(rx.foreach(AccountState.beneficiaries, beneficiary_item)),
            class_name="mb-8",
        ),
        passkeys_section(),
        data_rights_section(),
    )


def account_form() -> rx.Component:
    d = AccountState.details
    return rx.el.form(
        rx.el.h2("Modifier mes coordonnées", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(INSURER_NOTE, class_name="mb-4 text-sm text-slate-700"),
        ui.field(
            "Téléphone mobile",
            "phone",
            AccountState.errors,
            input_type="tel",
            autocomplete="tel-national",
            hint=PHONE_RULE,
            default_value=d["phone"],
        ),
        ui.field(
            "Adresse e-mail",
            "email",
            AccountState.errors,
            input_type="email",
            autocomplete="email",
            hint="Une nouvelle adresse sera utilisée après confirmation par le lien que nous y enverrons.",
            default_value=d["email"],
        ),
        ui.field(
            "Mot de passe actuel",
            "current_password",
            AccountState.errors,
            input_type="password",
            autocomplete="current-password",
            hint="Obligatoire uniquement pour changer d'adresse e-mail.",
            required=False,
        ),
        rx.el.div(
            ui.submit_button("Enregistrer", AccountState.busy),
            rx.el.button(
                "Annuler", type="button", on_click=AccountState.cancel_editing, class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        on_submit=AccountState.save,
        no_validate=True,
        class_name="max-w-md",
    )


def account_page() -> rx.Component:
    return ui.page(
        "Mon compte",
        rx.cond(
            AccountState.loaded,
            rx.fragment(
                member_nav(),
                rx.cond(AccountState.message != "", ui.notice(AccountState.message, "success")),
                rx.cond(AccountState.editing, account_form(), account_view()),
            ),
            ui.loading(),
        ),
    )


class PasswordState(rx.State):
    loaded: bool = False
    errors: dict[str, str] = {}
    done: bool = False
    busy: bool = False

    @road.handler()
    async def load(self):
        self.loaded, self.errors, self.done = False, {}, False
        actors.member(await road.actor(self))
        self.loaded = True

    @road.handler(["current_password", "new_password", "new_password_confirmation"], busy=True, sends_mail=True)
    async def submit(self, form_data: dict):
        self.errors, self.done = {}, False
        await road.act(
            self,
            account.change_password,
            text(form_data, "current_password", 1000),
            text(form_data, "new_password", 1000),
            text(form_data, "new_password_confirmation", 1000),
        )
        self.done = True
        return rx.call_script("document.getElementById('mot-de-passe-form')?.reset()")


def password_page() -> rx.Component:
    return ui.page(
        "Mot de passe",
        rx.cond(
            PasswordState.loaded,
            rx.fragment(
                member_nav(),
                rx.cond(
                    PasswordState.done,
                    ui.notice(
                        "Votre mot de passe a été modifié : il vous sera demandé à votre prochaine connexion. "
                        "Vos autres sessions ont été fermées.",
                        "success",
                    ),
                ),
                rx.el.form(
                    ui.field(
                        "Mot de passe actuel",
                        "current_password",
                        PasswordState.errors,
                        input_type="password",
                        autocomplete="current-password",
                    ),
                    ui.field(
                        "Nouveau mot de passe",
                        "new_password",
                        PasswordState.errors,
                        input_type="password",
                        autocomplete="new-password",
                        hint=rx.fragment(RULE_TEXT, " ", ADVICE_TEXT),
                    ),
                    ui.field(
                        "Confirmation du mot de passe",
                        "new_password_confirmation",
                        PasswordState.errors,
                        input_type="password",
                        autocomplete="new-password",
                    ),
                    ui.submit_button("Changer mon mot de passe", PasswordState.busy),
                    id="mot-de-passe-form",
                    on_submit=PasswordState.submit,
                    no_validate=True,
                    class_name="max-w-md",
                ),
            ),
            ui.loading(),
        ),
    )
