"""The member's rights on their data, on « Mon compte »: download everything (JSON), close the account.

The download is a plain HTTP route (/telechargement/mes-donnees, see downloads.py) that checks the session
cookie on the server. Closing asks the domain (account_closing) through the road; on success the
browser's cookie is cleared by the HTTP route and /compte-cloture is shown.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import account_closing
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import checked, text
from portal_app.ui.session_cookie import CLEAR_COOKIE_THEN
from portal_app.ui.session_state import SessionState

DOWNLOAD_PATH = "/telechargement/mes-donnees"
CLOSED_PATH = "/compte-cloture"

DOWNLOAD_TEXT = (
    "Téléchargez toutes les données que l'Espace Assistance conserve sur vous (compte, contrat, bénéficiaires, "
    "adresses, trajets, dossiers d'assistance, demandes de remboursement, messages, e-mails envoyés, journal des accès) "
    "dans un fichier JSON. Le contenu de vos justificatifs n'y figure pas : téléchargez-les depuis chaque demande."
)
CLOSE_TEXT = (
    "La clôture est définitive : votre adresse e-mail, votre téléphone et vos adresses sont effacés ou anonymisés, "
    "vos trajets à venir annulés, et vous ne pourrez plus vous connecter. Vos demandes de remboursement, leurs "
    "justificatifs, vos messages et le journal des accès sont conservés pendant la durée imposée par la loi. Un e-mail vous "
    "confirmera la clôture. Vous pourrez créer un nouveau compte plus tard avec votre numéro adhérent."
)
CONFIRM_LABEL = "Je confirme vouloir clôturer définitivement mon compte."


class CloseAccountState(rx.State):
    errors: dict[str, str] = {}
    busy: bool = False

    @rx.event
    def reset_form(self):
        self.errors, self.busy = {}, False

    @road.handler(["close_account", "close_password", "close_confirmation"], busy=True, sends_mail=True)
    async def close(self, form_data: dict):
        self.errors = {}
        await road.act(
            self,
            account_closing.close_for_session,
            text(form_data, "close_password", 1000),
            checked(form_data, "close_confirmation"),
        )
        (await self.get_state(SessionState))._forget()
        # The session rows are gone: the cookie is worthless; the HTTP route clears it on the way out.
        return rx.call_script(CLEAR_COOKIE_THEN.replace("__TARGET__", CLOSED_PATH))


def data_rights_section() -> rx.Component:
    refusal = CloseAccountState.errors.get("close_account", "")
    return rx.el.section(
        rx.el.h2("Mes données personnelles", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(
            "Vos droits et la durée de conservation de chaque donnée sont expliqués sur la page ",
            ui.link("Données personnelles", "/donnees-personnelles"),
            ".",
            class_name="mb-4",
        ),
        rx.el.h3("Télécharger mes données", class_name="mb-2 text-lg font-semibold"),
        rx.el.p(DOWNLOAD_TEXT, id="telecharger-aide", class_name="mb-3 text-slate-800"),
        rx.el.a(
            "Télécharger mes données",
            href=DOWNLOAD_PATH,
            reload_document=True,  # a server route, not a page of the app: no client-side navigation
            aria_describedby="telecharger-aide",
            class_name=ui.SECONDARY_BUTTON_CLASS + " mb-8",
        ),
        rx.el.h3("Clôturer mon compte", id="cloture-titre", class_name="mb-2 mt-6 text-lg font-semibold"),
        rx.el.p(CLOSE_TEXT, class_name="mb-4 text-slate-800"),
        rx.el.form(
            rx.el.div(
                rx.cond(refusal != "", rx.fragment(refusal, ui.call_platform()), ""),
                id="close_account",
                role="alert",
                tab_index=-1,
                class_name=rx.cond(
                    refusal != "", "mb-5 rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900", "hidden"
                ),
            ),
            ui.field(
                "Mot de passe actuel",
                "close_password",
                CloseAccountState.errors,
                input_type="password",
                autocomplete="current-password",
            ),
            ui.checkbox(CONFIRM_LABEL, "close_confirmation", CloseAccountState.errors),
            ui.submit_button("Clôturer mon compte", CloseAccountState.busy),
            id="cloture-form",
            aria_labelledby="cloture-titre",
            on_submit=CloseAccountState.close,
            no_validate=True,
            class_name="max-w-md",
        ),
        class_name="mt-8 border-t border-slate-200 pt-6",
    )


def account_closed_page() -> rx.Component:
    return ui.page(
        "Votre compte est clôturé",
        rx.el.p(
            "Votre compte est clôturé : vos données personnelles ont été effacées ou anonymisées, et ce qui doit être "
            "conservé pour des raisons légales (demandes de remboursement, justificatifs, journal des accès) le sera "
            "pendant la durée imposée par la loi. Un e-mail de confirmation vous a été envoyé.",
            class_name="mb-4",
        ),
        rx.el.p(
            "Vous pouvez créer un nouveau compte à tout moment avec le numéro adhérent de votre carte de tiers payant.",
            class_name="mb-6",
        ),
        rx.el.div(
            rx.el.a("Retour à l'accueil", href="/", class_name=ui.PRIMARY_BUTTON_CLASS),
            rx.el.a("Créer un compte", href="/inscription", class_name=ui.SECONDARY_BUTTON_CLASS),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
    )
