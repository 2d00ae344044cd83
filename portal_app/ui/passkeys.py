"""« Clés d'accès »: the section of Mon compte (members) and of /conseiller/compte (advisers).

The browser's half is the static assets/passkeys.js (window.eaPasskeys): a handler asks the domain for the
options (the challenge is kept in the database; only its row id stays in this state, never a secret), the
page's script asks the device, and its answer comes back to a second handler that hands it to the domain,
which checks everything. Login with a passkey is in login.py, the adviser's second factor in second_factor.py.
"""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from portal_app.domain import actors, passkeys
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav
from portal_app.ui.forms import text
from portal_app.ui.session_state import SessionState

INTRO = (
    "Une clé d'accès vous connecte sans mot de passe, avec le déverrouillage de votre téléphone ou de votre "
    "ordinateur (empreinte, visage ou code). Votre mot de passe reste valable."
)
ADVISER_INTRO = (
    "Une clé d'accès remplace le code de votre application d'authentification après votre mot de passe, et "
    "résiste à l'hameçonnage."
)
CANCELLED = "L'opération a été annulée ou n'a pas abouti sur votre appareil. Vous pouvez recommencer."
UNSUPPORTED = "Votre navigateur ne permet pas d'utiliser une clé d'accès. Utilisez une version récente."
EXCLUDED = "Cet appareil a déjà une clé d'accès pour votre compte."
FOCUS_BUTTON = rx.call_script(f"document.getElementById('{passkeys.FIELD}')?.focus()")


def ceremony_script(kind: str, options_json: str, callback) -> rx.event.EventSpec:
    """Call the static assets/passkeys.js with the server's options; its answer goes to `callback`."""
    json.loads(options_json)  # only JSON made by the library is ever written into the call
    return rx.call_script(f"window.eaPasskeys.{kind}({options_json})", callback=callback)


def browser_problem(answer: object) -> str:
    """The French words for an answer that is no credential (cancelled, unsupported), or "" for one."""
    if not isinstance(answer, str):
        return CANCELLED
    try:
        parsed = json.loads(answer)
    except ValueError:
        return CANCELLED
    if not isinstance(parsed, dict):
        return CANCELLED
    error = parsed.get("error")
    if error is None:
        return ""
    return {"unsupported": UNSUPPORTED, "InvalidStateError": EXCLUDED}.get(error, CANCELLED)


class PasskeysState(rx.State):
    keys: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    message: str = ""
    busy: bool = False
    _challenge_id: int = 0
    _name: str = ""

    async def _reload(self) -> None:
        views = await road.act(self, passkeys.list_passkeys)
        self.keys = [{k: str(v) for k, v in dataclasses.asdict(p).items()} for p in views]

    @road.handler()
    async def load(self):
        """On_load of Mon compte (members) and /conseiller/compte (advisers)."""
        self.errors, self.message, self.busy, self._challenge_id = {}, "", False, 0
        await self._reload()

    @road.handler()
    async def load_for_adviser(self):
        actors.adviser(await road.actor(self))
        (await self.get_state(SessionState))._signed_in("adviser")
        self.errors, self.message, self.busy, self._challenge_id = {}, "", False, 0
        await self._reload()

    @road.handler([passkeys.NAME_FIELD, passkeys.FIELD], busy=True)
    async def start(self, form_data: dict):
        self.errors, self.message = {}, ""
        name = text(form_data, passkeys.NAME_FIELD, 200)
        ceremony = await road.act(self, passkeys.registration_options, name)
        self._challenge_id, self._name = ceremony.challenge_id, name
        return ceremony_script("create", ceremony.options_json, PasskeysState.finish)

    @road.handler([passkeys.NAME_FIELD, passkeys.FIELD], sends_mail=True)
    async def finish(self, answer: str):
        challenge_id, self._challenge_id = self._challenge_id, 0
        problem = browser_problem(answer)
        if problem:
            self.errors = {passkeys.FIELD: problem}
            return FOCUS_BUTTON
        added = await road.act(self, passkeys.register, challenge_id, self._name, answer[:20_000])
        self.message = f"La clé d'accès « {added.name} » est ajoutée : un e-mail vous le confirme."
        await self._reload()
        return rx.call_script("document.getElementById('cle-acces-form')?.reset()")

    @road.handler(sends_mail=True)
    async def remove(self, passkey_id: str):
        self.errors, self.message = {}, ""
        try:
            wanted = int(passkey_id)
        except (TypeError, ValueError):
            wanted = 0
        name = await road.act(self, passkeys.remove, wanted)
        self.message = f"La clé d'accès « {name} » est supprimée : un e-mail vous le confirme."
        await self._reload()


def passkey_item(p: dict) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.el.p(p["name"], class_name="font-semibold"),
            rx.el.p("Ajoutée le ", p["added"], class_name="text-sm text-slate-700"),
            rx.el.p("Dernière utilisation : ", p["last_used"], class_name="text-sm text-slate-700"),
        ),
        rx.el.button(
            "Supprimer",
            type="button",
            aria_label="Supprimer la clé d'accès " + p["name"],
            on_click=PasskeysState.remove(p["id"]),
            class_name=ui.SECONDARY_BUTTON_CLASS,
        ),
        class_name="flex flex-col gap-2 border-b border-slate-200 py-3 sm:flex-row sm:items-center sm:justify-between",
    )


def passkeys_section(intro: str = INTRO) -> rx.Component:
    error = PasskeysState.errors.get(passkeys.FIELD, "")
    return rx.el.section(
        rx.el.h2("Clés d'accès", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(intro, class_name="mb-4"),
        rx.cond(PasskeysState.message != "", ui.notice(PasskeysState.message, "success")),
        rx.cond(
            PasskeysState.keys.length() > 0,
            rx.el.ul(rx.foreach(PasskeysState.keys, passkey_item), id="cles-acces", class_name="mb-4"),
            rx.el.p("Aucune clé d'accès enregistrée.", class_name="mb-4 text-slate-700"),
        ),
        rx.el.form(
            ui.field(
                "Nom de la clé (facultatif)",
                passkeys.NAME_FIELD,
                PasskeysState.errors,
                hint="Par exemple « Mon téléphone », pour la reconnaître dans cette liste.",
                required=False,
                max_length=passkeys.NAME_MAX,
            ),
            rx.el.button(
                rx.cond(PasskeysState.busy, "Veuillez patienter…", "Ajouter une clé d'accès"),
                type="submit",
                id=passkeys.FIELD,
                disabled=PasskeysState.busy,
                aria_busy=rx.cond(PasskeysState.busy, "true", "false"),
                aria_describedby=f"{passkeys.FIELD}-erreur",
                class_name=ui.PRIMARY_BUTTON_CLASS,
            ),
            rx.el.p(
                rx.cond(error != "", error, ""),
                id=f"{passkeys.FIELD}-erreur",
                role="alert",
                class_name=rx.cond(error != "", "mt-2 text-sm font-medium text-red-700", "hidden"),
            ),
            id="cle-acces-form",
            on_submit=PasskeysState.start,
            no_validate=True,
            class_name="max-w-md",
        ),
        class_name="mb-8",
    )


def adviser_account_page() -> rx.Component:
    """/conseiller/compte: an adviser's passkeys (added once fully signed in, used as second factor)."""
    return ui.page("Mon compte conseiller", adviser_nav(), passkeys_section(ADVISER_INTRO))
