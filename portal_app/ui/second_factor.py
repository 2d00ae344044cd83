"""/connexion/verification: an adviser's TOTP code after the password, or enrolment at first login."""

from __future__ import annotations

import json

import reflex as rx

from portal_app.domain import passkey_login, passkeys, second_factor
from portal_app.domain.errors import NotAllowed
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import checked, text
from portal_app.ui.passkeys import FOCUS_BUTTON, browser_problem, ceremony_script
from portal_app.ui.session_state import SessionState

# An empty image until the script puts the QR code in (the key it encodes is never in a state var).
QR_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


def _show_secrets(qr_code: str = "", secret: str = "", recovery_codes: list[str] | None = None) -> rx.event.EventSpec:
    """The TOTP key and the recovery codes go into the page by this script, never into a state var (Reflex
    stores states on disk or in Redis). Retried for a moment: React draws the elements after the new mode."""
    values = json.dumps({"qr": qr_code, "secret": secret, "codes": recovery_codes or []})
    return rx.call_script(
        "(() => { const v = " + values + "; let tries = 0; const fill = () => {"
        " const img = document.getElementById('qr-totp'), key = document.getElementById('cle-totp'),"
        " list = document.getElementById('codes-de-secours');"
        " if (!img && !key && !list) { if (++tries < 40) setTimeout(fill, 50); return; }"
        " if (img && v.qr) img.src = v.qr; if (key) key.textContent = v.secret;"
        " if (list) list.replaceChildren(...v.codes.map((c) => { const li = document.createElement('li');"
        " li.className = 'font-mono'; li.textContent = c; return li; })); }; fill(); })()"
    )


class SecondFactorState(rx.State):
    mode: str = ""  # enrol, verify, codes
    errors: dict[str, str] = {}
    problem: str = ""
    passkey_available: bool = False
    _challenge_id: int = 0

    def _on_not_allowed(self, refusal: NotAllowed) -> None:
        """An expired or spent pending login is said here, with the way back to the login page."""
        self.problem, self.mode = refusal.message, ""

    @road.handler()
    async def load(self):
        self.errors, self.problem, self.mode, self.passkey_available = {}, "", "", False
        if await road.act(self, second_factor.needs_enrolment):
            enrolment = await road.act(self, second_factor.start_enrolment)
            self.mode = "enrol"
            return _show_secrets(enrolment.qr_svg_data_uri, enrolment.secret)
        self.mode = "verify"
        self.passkey_available = await road.act(self, passkey_login.second_factor_available)
        return None

    @road.handler([passkeys.FIELD])
    async def start_passkey(self):
        """« Utiliser ma clé d'accès » instead of the code (an adviser who added one on /conseiller/compte)."""
        self.errors = {}
        ceremony = await road.act(self, passkey_login.second_factor_options)
        self._challenge_id = ceremony.challenge_id
        return ceremony_script("get", ceremony.options_json, SecondFactorState.finish_passkey)

    @road.handler([passkeys.FIELD], sends_mail=True)
    async def finish_passkey(self, answer: str):
        challenge_id, self._challenge_id = self._challenge_id, 0
        problem = browser_problem(answer)
        if problem:
            self.errors = {passkeys.FIELD: problem}
            return FOCUS_BUTTON
        await road.act(self, passkey_login.verify_second_factor, challenge_id, answer[:20_000])
        (await self.get_state(SessionState))._signed_in("adviser")
        return rx.redirect("/conseiller", replace=True)

    @road.handler(["code"])
    async def submit(self, form_data: dict):
        self.errors = {}
        code = text(form_data, "code", 40)
        if self.mode == "enrol":
            recovery_codes = await road.act(self, second_factor.confirm_enrolment, code)
            self.mode = "codes"
            (await self.get_state(SessionState))._signed_in("adviser")
            return _show_secrets(recovery_codes=recovery_codes)
        await road.act(self, second_factor.verify, code)
        (await self.get_state(SessionState))._signed_in("adviser")
        return rx.redirect("/conseiller", replace=True)

    @road.handler(["codes_conserves"])
    async def leave_codes(self, form_data: dict):
        """« Continuer vers l'espace conseiller »: only once the adviser says the codes are kept."""
        self.errors = {}
        await road.act(self, second_factor.acknowledge_recovery_codes, checked(form_data, "codes_conserves"))
        return rx.redirect("/conseiller", replace=True)


# The recovery codes as a text file, built in the page from the list the script wrote (never sent again).
DOWNLOAD_CODES = rx.call_script(
    "(() => { const codes = [...document.querySelectorAll('#codes-de-secours li')].map((li) => li.textContent);"
    " const text = ['Espace Assistance : codes de secours de la double authentification',"
    " 'Chaque code permet une seule connexion si vous n\\'avez plus accès à votre application.', '',"
    " ...codes, ''].join('\\r\\n');"
    " const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));"
    " const a = document.createElement('a'); a.href = url; a.download = 'codes-de-secours-espace-assistance.txt';"
    " document.body.appendChild(a); a.click(); a.remove(); setTimeout(() => URL.revokeObjectURL(url), 1000); })()"
)


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


def passkey_block() -> rx.Component:
    error = SecondFactorState.errors.get(passkeys.FIELD, "")
    return rx.el.div(
        rx.el.p("Ou, à la place du code :", class_name="mb-3"),
        rx.el.button(
            "Utiliser ma clé d'accès",
            type="button",
            id=passkeys.FIELD,
            aria_describedby=f"{passkeys.FIELD}-erreur",
            on_click=SecondFactorState.start_passkey,
            class_name=ui.SECONDARY_BUTTON_CLASS,
        ),
        ui.error_text(error, f"{passkeys.FIELD}-erreur"),
        class_name="mt-6 max-w-md border-t border-slate-200 pt-6",
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
                        id="qr-totp",
                        src=QR_PLACEHOLDER,
                        alt="QR code à scanner avec votre application d'authentification",
                        width="200",
                        height="200",
                        class_name="mb-4",
                    ),
                    rx.el.p(
                        "Clé à saisir à la main si vous ne pouvez pas scanner : ",
                        rx.el.code(id="cle-totp", class_name="break-all font-mono"),
                        class_name="mb-6",
                    ),
                    code_form("Activer et continuer"),
                ),
            ),
            (
                "verify",
                rx.fragment(code_form("Vérifier"), rx.cond(SecondFactorState.passkey_available, passkey_block())),
            ),
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
                        id="codes-de-secours",
                        aria_label="Codes de secours",
                        class_name="mb-6 grid grid-cols-2 gap-2",
                    ),
                    rx.el.div(
                        rx.el.button(
                            "Télécharger les codes (.txt)",
                            type="button",
                            on_click=DOWNLOAD_CODES,
                            class_name=ui.SECONDARY_BUTTON_CLASS,
                        ),
                        rx.el.button(
                            "Imprimer",
                            type="button",
                            on_click=rx.call_script("window.print()"),
                            class_name=ui.SECONDARY_BUTTON_CLASS,
                        ),
                        class_name="mb-6 flex flex-col gap-3 sm:flex-row print:hidden",
                    ),
                    rx.el.form(
                        ui.checkbox(
                            "J'ai conservé mes codes de secours en lieu sûr.",
                            "codes_conserves",
                            SecondFactorState.errors,
                        ),
                        ui.submit_button("Continuer vers l'espace conseiller"),
                        on_submit=SecondFactorState.leave_codes,
                        no_validate=True,
                        class_name="print:hidden",
                    ),
                ),
            ),
            rx.cond(SecondFactorState.problem != "", ui.link("Retour à la connexion", "/connexion"), ui.loading()),
        ),
    )
