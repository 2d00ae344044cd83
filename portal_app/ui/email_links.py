"""Pages opened from e-mail links: /confirmation-email, /mot-de-passe-oublie, /nouveau-mot-de-passe."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import account, password_reset
from portal_app.domain.errors import ValidationError
from portal_app.domain.passwords import ADVICE_TEXT, RULE_TEXT
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import focus_when_shown, text
from portal_app.ui.session_cookie import link_digest

OUTCOME_ID = "resultat-confirmation"  # focused when shown, so that a screen reader reads the outcome


class EmailConfirmationState(rx.State):
    outcome: str = ""
    success: bool = False
    done: bool = False

    @road.handler()
    async def load(self):
        """The link's secret came in the `ea_lien` cookie (session_cookie.py): the page only sees its digest."""
        self.done = False
        try:
            self.outcome = await road.call(account.confirm_email_link, link_digest(self))
            self.success = True
        except ValidationError as error:
            self.outcome, self.success = error.message, False
        self.done = True
        return focus_when_shown(OUTCOME_ID)


def email_confirmation_page() -> rx.Component:
    return ui.page(
        "Confirmation de l'adresse e-mail",
        rx.cond(
            EmailConfirmationState.done,
            rx.cond(
                EmailConfirmationState.success,
                ui.notice(EmailConfirmationState.outcome, "success", id=OUTCOME_ID, tab_index=-1),
                ui.notice(EmailConfirmationState.outcome, "error", id=OUTCOME_ID, tab_index=-1),
            ),
            ui.loading(),
        ),
        ui.link("Aller à la page de connexion", "/connexion"),
    )


class ForgotPasswordState(rx.State):
    errors: dict[str, str] = {}
    answer: str = ""

    @rx.event
    def load(self):
        self.errors, self.answer = {}, ""

    @road.handler(["email"], sends_mail=True)
    async def submit(self, form_data: dict):
        self.errors, self.answer = {}, ""
        self.answer = await road.call(password_reset.request_password_reset, text(form_data, "email", 254))


def forgot_password_page() -> rx.Component:
    return ui.page(
        "Mot de passe oublié",
        rx.el.p(
            "Indiquez l'adresse e-mail de votre compte : vous recevrez un message à partir duquel vous pourrez "
            "saisir un nouveau mot de passe.",
            class_name="mb-6",
        ),
        rx.cond(ForgotPasswordState.answer != "", ui.notice(ForgotPasswordState.answer, "success")),
        rx.el.form(
            ui.field("Adresse e-mail", "email", ForgotPasswordState.errors, input_type="email", autocomplete="email"),
            ui.submit_button("Recevoir le lien"),
            on_submit=ForgotPasswordState.submit,
            no_validate=True,
            class_name="max-w-md",
        ),
        rx.el.p(ui.link("Retour à la connexion", "/connexion"), class_name="mt-6"),
    )


class NewPasswordState(rx.State):
    errors: dict[str, str] = {}
    link_valid: bool = False
    done: bool = False
    checked: bool = False
    busy: bool = False

    @road.handler()
    async def load(self):
        """The link's secret came in the `ea_lien` cookie (session_cookie.py): the page only sees its digest."""
        self.errors, self.done, self.checked, self.busy = {}, False, False, False
        self.link_valid = await road.call(password_reset.reset_link_is_valid, link_digest(self))
        self.checked = True

    @road.handler(["password", "password_confirmation"], busy=True, sends_mail=True)
    async def submit(self, form_data: dict):
        self.errors = {}
        try:
            await road.call(
                password_reset.reset_password,
                link_digest(self),
                text(form_data, "password", 1000),
                text(form_data, "password_confirmation", 1000),
            )
        except ValidationError as error:
            self.link_valid = "token" not in error.errors
            raise
        self.done = True


def new_password_page() -> rx.Component:
    return ui.page(
        "Nouveau mot de passe",
        rx.cond(
            ~NewPasswordState.checked,
            ui.loading(),
            rx.cond(
                NewPasswordState.done,
                rx.fragment(
                    ui.notice(
                        "Votre mot de passe a été modifié. Vous pouvez maintenant vous connecter avec ce nouveau mot de passe.",
                        "success",
                    ),
                    ui.link("Se connecter", "/connexion"),
                ),
                rx.cond(
                    NewPasswordState.link_valid,
                    rx.el.form(
                        ui.field(
                            "Mot de passe",
                            "password",
                            NewPasswordState.errors,
                            input_type="password",
                            autocomplete="new-password",
                            hint=rx.fragment(RULE_TEXT, " ", ADVICE_TEXT),
                        ),
                        ui.field(
                            "Confirmation du mot de passe",
                            "password_confirmation",
                            NewPasswordState.errors,
                            input_type="password",
                            autocomplete="new-password",
                        ),
                        ui.submit_button("Enregistrer le nouveau mot de passe", NewPasswordState.busy),
                        on_submit=NewPasswordState.submit,
                        no_validate=True,
                        class_name="max-w-md",
                    ),
                    rx.fragment(
                        ui.notice(password_reset.INVALID_LINK, "error"),
                        ui.link("Faire une nouvelle demande", "/mot-de-passe-oublie"),
                    ),
                ),
            ),
        ),
    )
