"""/connexion/verification: an adviser's TOTP code after the password, or enrolment at first login."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal_app.domain import second_factor
from portal_app.domain.errors import NotAllowed, ValidationError
from portal_app.ui import components as ui
from portal_app.ui.forms import text
from portal_app.ui.request_origin import remember_origin
from portal_app.ui.session_state import SessionState


class SecondFactorState(rx.State):
    mode: str = ""  # enrol, verify, codes
    qr_code: str = ""
    secret: str = ""
    recovery_codes: list[str] = []
    errors: dict[str, str] = {}
    problem: str = ""

    @rx.event
    async def load(self):
        self.errors, self.problem, self.recovery_codes, self.mode = {}, "", [], ""
        session = await self.get_state(SessionState)
        token = session.session_token
        try:
            if await asyncio.to_thread(second_factor.needs_enrolment, token):
                enrolment = await asyncio.to_thread(second_factor.start_enrolment, token)
                self.qr_code, self.secret, self.mode = enrolment.qr_svg_data_uri, enrolment.secret, "enrol"
            else:
                self.qr_code, self.secret, self.mode = "", "", "verify"
        except NotAllowed as refusal:
            session._forget()
            self.problem = refusal.message

    @rx.event
    async def submit(self, form_data: dict):
        remember_origin(self)
        session = await self.get_state(SessionState)
        self.errors = {}
        code = text(form_data, "code", 40)
        try:
            if self.mode == "enrol":
                self.recovery_codes = await asyncio.to_thread(
                    second_factor.confirm_enrolment, session.session_token, code
                )
                self.qr_code, self.secret, self.mode = "", "", "codes"
                session._verified()
                return
            await asyncio.to_thread(second_factor.verify, session.session_token, code)
        except ValidationError as error:
            self.errors = error.errors
            return rx.call_script("document.getElementById('code')?.focus()")
        except NotAllowed as refusal:
            session._forget()
            self.problem, self.mode = refusal.message, ""
            return
        session._verified()
        return rx.redirect("/conseiller", replace=True)


def code_form(button: str) -> rx.Component:
    return rx.el.form(
        ui.field(
            "Code de vérification",
            "code",
            SecondFactorState.errors,
            autocomplete="one-time-code",
            inputmode="numeric",
            hint="Le code à 6 chiffres affiché par votre application d'authentification, ou un code de secours.",
        ),
        ui.submit_button(button),
        on_submit=SecondFactorState.submit,
        no_validate=True,
        class_name="max-w-md",
    )


def second_factor_page() -> rx.Component:
    return ui.page(
        "Vérification en deux étapes",
        rx.cond(SecondFactorState.problem != "", ui.notice(SecondFactorState.problem, "error")),
        rx.match(
            SecondFactorState.mode,
            (
                "enrol",
                rx.fragment(
                    rx.el.p(
                        "Première connexion : activez la double authentification. Scannez ce QR code avec votre "
                        "application d'authentification (par exemple FreeOTP, Aegis ou Google Authenticator), puis "
                        "saisissez le code qu'elle affiche.",
                        class_name="mb-4",
                    ),
                    rx.el.img(
                        src=SecondFactorState.qr_code,
                        alt="QR code à scanner avec votre application d'authentification",
                        width="200",
                        height="200",
                        class_name="mb-4",
                    ),
                    rx.el.p(
                        "Clé à saisir à la main si vous ne pouvez pas scanner : ",
                        rx.el.code(SecondFactorState.secret, id="cle-totp", class_name="break-all font-mono"),
                        class_name="mb-6",
                    ),
                    code_form("Activer et continuer"),
                ),
            ),
            ("verify", code_form("Vérifier")),
            (
                "codes",
                rx.fragment(
                    ui.notice(
                        "La double authentification est activée. Conservez ces codes de secours en lieu sûr : "
                        "chacun permet une seule connexion si vous n'avez plus accès à votre application. "
                        "Ils ne seront plus affichés.",
                        "success",
                    ),
                    rx.el.ul(
                        rx.foreach(SecondFactorState.recovery_codes, lambda c: rx.el.li(c, class_name="font-mono")),
                        id="codes-de-secours",
                        class_name="mb-6 grid grid-cols-2 gap-2",
                    ),
                    rx.el.a(
                        "Continuer vers l'espace conseiller", href="/conseiller", class_name=ui.PRIMARY_BUTTON_CLASS
                    ),
                ),
            ),
            rx.cond(SecondFactorState.problem != "", ui.link("Retour à la connexion", "/connexion"), ui.loading()),
        ),
    )
