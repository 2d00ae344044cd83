"""/connexion: « Se connecter », with the FAQ's help when it fails and the confirmation resend."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import actors, auth, passkey_login, passkeys
from portal_app.domain.faq import LOGIN_IDENTIFIERS_ENTRY
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import text
from portal_app.ui.passkeys import FOCUS_BUTTON, browser_problem, ceremony_script
from portal_app.ui.session_cookie import open_session_script
from portal_app.ui.session_state import SessionState, safe_next

FIELDS = ["email", "password"]
SECOND_FACTOR_PATH = "/connexion/verification"
INFO_LOGGED_OUT = "Vous êtes déconnecté(e)."
INFO_EXPIRED = "Votre connexion n'a pas pu être ouverte : veuillez vous connecter à nouveau."


def _landing(role: str, next_path: str | None) -> str:
    """Members go back to the page they asked for; advisers land on /conseiller."""
    if role == "adviser":
        return safe_next(next_path, "/conseiller") if (next_path or "").startswith("/conseiller") else "/conseiller"
    target = safe_next(next_path)
    return "/mon-espace" if target.startswith("/conseiller") else target


class LoginState(rx.State):
    errors: dict[str, str] = {}
    refusal: str = ""
    refusal_reason: str = ""
    info: str = ""
    busy: bool = False
    _email: str = ""
    _challenge_id: int = 0

    @rx.event
    async def load(self):
        self.errors, self.refusal, self.refusal_reason, self.busy = {}, "", "", False
        params = self.router.url.query_parameters
        self.info = INFO_LOGGED_OUT if params.get("deconnecte") else INFO_EXPIRED if params.get("expiree") else ""
        session = await self.get_state(SessionState)
        actor = await session._current_actor()
        if isinstance(actor, actors.PendingAdviser):
            return rx.redirect(SECOND_FACTOR_PATH, replace=True)
        if actor is not None:
            return rx.redirect(_landing(actors.role_of(actor), params.get("next")), replace=True)

    @road.handler(FIELDS, busy=True)
    async def submit(self, form_data: dict):
        email, password = text(form_data, "email"), text(form_data, "password", limit=1000)
        self.errors, self.refusal, self.refusal_reason, self.info = {}, "", "", ""
        self._email = ""
        try:
            result = await road.call(auth.login, email, password)
        except auth.LoginRefused as refusal:
            self.refusal, self.refusal_reason = refusal.message, refusal.reason
            if refusal.reason == "unconfirmed":  # the server recorded it too: only then may a resend be asked
                self._email = email
            return None
        if not result.second_factor_required:
            (await self.get_state(SessionState))._signed_in(result.role)
        return self._opened(result)

    def _opened(self, result: auth.LoginResult) -> rx.event.EventSpec:
        """A right password or passkey: the grant goes to the HTTP route, the asked page loads."""
        if result.second_factor_required:
            target = SECOND_FACTOR_PATH
        else:
            target = _landing(result.role, self.router.url.query_parameters.get("next"))
        # The grant travels in this script only (never in a state var); the HTTP route sets the cookie.
        return open_session_script(result.grant, target)

    @road.handler([passkeys.FIELD])
    async def start_passkey(self):
        """« Se connecter avec une clé d'accès »: no address typed, the device offers the portal's passkeys."""
        self.errors, self.refusal, self.refusal_reason, self.info = {}, "", "", ""
        ceremony = await road.call(passkey_login.login_options)
        self._challenge_id = ceremony.challenge_id
        return ceremony_script("get", ceremony.options_json, LoginState.finish_passkey)

    @road.handler([passkeys.FIELD], sends_mail=True)
    async def finish_passkey(self, answer: str):
        challenge_id, self._challenge_id = self._challenge_id, 0
        problem = browser_problem(answer)
        if problem:
            self.errors = {passkeys.FIELD: problem}
            return FOCUS_BUTTON
        try:
            result = await road.call(passkey_login.login, challenge_id, answer[:20_000])
        except auth.LoginRefused as refusal:
            self.refusal, self.refusal_reason = refusal.message, refusal.reason
            return None
        (await self.get_state(SessionState))._signed_in(result.role)
        return self._opened(result)

    @road.handler(sends_mail=True)
    async def resend_confirmation(self):
        self.info = await road.call(auth.resend_confirmation, self._email)
        self.refusal, self.refusal_reason = "", ""


def refusal_block() -> rx.Component:
    return rx.el.div(
        rx.el.p(LoginState.refusal),
        rx.cond(
            LoginState.refusal_reason == "unconfirmed",
            rx.el.button(
                "Renvoyer l'e-mail de confirmation",
                type="button",
                on_click=LoginState.resend_confirmation,
                class_name=ui.SECONDARY_BUTTON_CLASS + " mt-3",
            ),
            rx.el.p(ui.link("Renouveler mon mot de passe", "/mot-de-passe-oublie"), class_name="mt-2"),
        ),
        role="alert",
        id="refus-connexion",
        class_name="mb-6 rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900",
    )


def passkey_button() -> rx.Component:
    error = LoginState.errors.get(passkeys.FIELD, "")
    return rx.el.div(
        rx.el.p("Ou, sans mot de passe, avec le déverrouillage de votre appareil :", class_name="mb-3"),
        rx.el.button(
            "Se connecter avec une clé d'accès",
            type="button",
            id=passkeys.FIELD,
            aria_describedby=f"{passkeys.FIELD}-erreur",
            on_click=LoginState.start_passkey,
            class_name=ui.SECONDARY_BUTTON_CLASS,
        ),
        ui.error_text(error, f"{passkeys.FIELD}-erreur"),
        class_name="mt-6 max-w-md border-t border-slate-200 pt-6",
    )


def login_page() -> rx.Component:
    return ui.page(
        "Connexion",
        rx.cond(LoginState.info != "", ui.notice(LoginState.info, "info")),
        rx.cond(LoginState.refusal != "", refusal_block()),
        rx.el.form(
            ui.field("Adresse e-mail", "email", LoginState.errors, input_type="email", autocomplete="username"),
            ui.field(
                "Mot de passe",
                "password",
                LoginState.errors,
                input_type="password",
                autocomplete="current-password",
            ),
            ui.submit_button("Se connecter", LoginState.busy, "Connexion en cours…"),
            on_submit=LoginState.submit,
            no_validate=True,
            class_name="max-w-md",
        ),
        passkey_button(),
        rx.el.p(ui.link("J'ai oublié mon mot de passe", "/mot-de-passe-oublie"), class_name="mt-6"),
        rx.el.p(ui.link("Identifiants refusés ?", f"/faq#{LOGIN_IDENTIFIERS_ENTRY}"), class_name="mt-3"),
        rx.el.p(
            "Pas encore de compte ? ",
            ui.link("Inscrivez-vous avec votre numéro adhérent", "/inscription"),
            class_name="mt-3",
        ),
    )
