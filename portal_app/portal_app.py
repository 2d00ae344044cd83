"""Builds the Reflex app: head tags, routes, background mail delivery. Nothing else."""

from __future__ import annotations

import reflex as rx

from portal_app import settings
from portal_app.ui.addresses import AddressesState, addresses_page
from portal_app.ui.adviser.audit_trail import AuditTrailState, audit_trail_page
from portal_app.ui.adviser.callbacks import AdviserCallbacksState, adviser_callbacks_page
from portal_app.ui.adviser.contract_import import ContractImportState, contract_import_page
from portal_app.ui.adviser.member_file import adviser_contract_page
from portal_app.ui.adviser.member_file_state import AdviserContractState
from portal_app.ui.adviser.message_thread import AdviserThreadState, adviser_thread_page
from portal_app.ui.adviser.messages import AdviserMessagesState, adviser_messages_page
from portal_app.ui.adviser.search import AdviserSearchState, adviser_search_page
from portal_app.ui.background import mail_retry_loop
from portal_app.ui.callbacks import CallbackState, callback_page
from portal_app.ui.claim_page import ClaimState, claim_page
from portal_app.ui.claims import ClaimsState, claims_page
from portal_app.ui.claims_backoffice import (
    AdviserClaimState,
    ClaimQueueState,
    adviser_claim_page,
    claim_queue_page,
)
from portal_app.ui.data_rights import account_closed_page
from portal_app.ui.downloads import routes as download_routes
from portal_app.ui.email_links import (
    EmailConfirmationState,
    ForgotPasswordState,
    NewPasswordState,
    email_confirmation_page,
    forgot_password_page,
    new_password_page,
)
from portal_app.ui.errors import backend_exception_handler
from portal_app.ui.faq import faq_page
from portal_app.ui.home import home_page
from portal_app.ui.info_pages import (
    accessibility_page,
    browsers_page,
    cookies_page,
    legal_notice_page,
    not_found_page,
    old_browser_banner_script,
)
from portal_app.ui.login import LoginState, login_page
from portal_app.ui.member import (
    AccountState,
    MemberHomeState,
    PasswordState,
    account_page,
    member_home_page,
    password_page,
)
from portal_app.ui.message_thread import MessageThreadState, message_thread_page
from portal_app.ui.messages import MessagesState, messages_page
from portal_app.ui.passkeys import PasskeysState, adviser_account_page
from portal_app.ui.privacy_page import privacy_page
from portal_app.ui.registration import RegistrationState, registration_page
from portal_app.ui.run_sheet import RunSheetState, run_sheet_page
from portal_app.ui.second_factor import SecondFactorState, second_factor_page
from portal_app.ui.security_headers import security_headers
from portal_app.ui.session_cookie import protect_session_cookie
from portal_app.ui.session_cookie import routes as session_routes
from portal_app.ui.session_state import SessionState
from portal_app.ui.trips import TripsState, trips_page
from portal_app.ui.upload_limit import limit_uploads

settings.check_production_settings()

app = rx.App(
    html_lang="fr",
    reset_style=False,
    toaster=None,
    backend_exception_handler=backend_exception_handler,
    # Outermost last: the session middleware sees every request first (session_cookie.py), and the security
    # headers are put on every answer, its own included (security_headers.py).
    api_transformer=[download_routes, session_routes, limit_uploads, protect_session_cookie, security_headers],
    head_components=[
        rx.el.meta(name="theme-color", content="#1e40af"),
        old_browser_banner_script(),
        # Installable app (assets/manifest.webmanifest, assets/sw.js registered by assets/register-sw.js).
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.link(rel="icon", type="image/png", sizes="192x192", href="/icons/icon-192.png"),
        rx.el.link(rel="apple-touch-icon", sizes="180x180", href="/apple-touch-icon.png"),
        rx.el.script(src="/register-sw.js", defer=True),
        rx.el.script(src="/passkeys.js", defer=True),  # window.eaPasskeys (ui/passkeys.py)
    ],
)
app.register_lifespan_task(mail_retry_loop)

PAGES = [
    ("/", home_page, "Espace Assistance", "Vos garanties d'assistance santé en ligne.", SessionState.refresh),
    (
        "/inscription",
        registration_page,
        "Inscription – Espace Assistance",
        "Créez votre compte avec le numéro adhérent de votre carte de tiers payant.",
        RegistrationState.load,
    ),
    (
        "/connexion",
        login_page,
        "Connexion – Espace Assistance",
        "Connectez-vous à votre Espace Assistance.",
        LoginState.load,
    ),
    (
        "/faq",
        faq_page,
        "Questions fréquentes – Espace Assistance",
        "Réponses aux questions fréquentes : inscription, connexion, compte, trajets, remboursements, données, cookies.",
        SessionState.refresh,
    ),
    (
        "/confirmation-email",
        email_confirmation_page,
        "Confirmation de l'adresse e-mail – Espace Assistance",
        "Confirmez l'adresse e-mail de votre compte.",
        EmailConfirmationState.load,
    ),
    (
        "/mot-de-passe-oublie",
        forgot_password_page,
        "Mot de passe oublié – Espace Assistance",
        "Recevez un lien pour choisir un nouveau mot de passe.",
        ForgotPasswordState.load,
    ),
    (
        "/nouveau-mot-de-passe",
        new_password_page,
        "Nouveau mot de passe – Espace Assistance",
        "Choisissez un nouveau mot de passe.",
        NewPasswordState.load,
    ),
    (
        "/mon-espace",
        member_home_page,
        "Mon Espace – Espace Assistance",
        "Ce qui vous attend : à faire, prochains trajets, remboursements en cours, droits, contrat.",
        MemberHomeState.load,
    ),
    (
        "/mon-espace/compte",
        account_page,
        "Mon compte – Espace Assistance",
        "Vos données personnelles et leur modification.",
        [AccountState.load, PasskeysState.load],
    ),
    (
        "/mon-espace/mot-de-passe",
        password_page,
        "Mot de passe – Espace Assistance",
        "Changez votre mot de passe.",
        PasswordState.load,
    ),
    (
        "/mon-espace/adresses",
        addresses_page,
        "Mes adresses – Espace Assistance",
        "Vos domiciles et les établissements scolaires de vos enfants.",
        AddressesState.load,
    ),
    (
        "/mon-espace/trajets",
        trips_page,
        "Mes trajets – Espace Assistance",
        "Planifiez les trajets de votre enfant entre le domicile et l'école.",
        TripsState.load,
    ),
    (
        "/mon-espace/remboursements",
        claims_page,
        "Demande de remboursement – Espace Assistance",
        "Envoyez la facture d'un service d'assistance dont vous avez avancé les frais.",
        ClaimsState.load,
    ),
    (
        "/mon-espace/remboursements/demande",
        claim_page,
        "Ma demande de remboursement – Espace Assistance",
        "Le suivi de votre demande de remboursement.",
        ClaimState.load,
    ),
    (
        "/mon-espace/rappel",
        callback_page,
        "Être rappelé – Espace Assistance",
        "Demandez à un conseiller de la plateforme d'assistance de vous rappeler.",
        CallbackState.load,
    ),
    (
        "/conseiller/rappels",
        adviser_callbacks_page,
        "Demandes de rappel – Espace conseiller",
        "Les demandes de rappel des membres, le premier créneau d'abord.",
        AdviserCallbacksState.load,
    ),
    (
        "/mon-espace/messages",
        messages_page,
        "Mes messages – Espace Assistance",
        "Écrivez à la plateforme d'assistance et lisez ses réponses.",
        MessagesState.load,
    ),
    (
        "/mon-espace/messages/fil",
        message_thread_page,
        "Conversation – Espace Assistance",
        "Une conversation avec la plateforme d'assistance.",
        MessageThreadState.load,
    ),
    (
        "/connexion/verification",
        second_factor_page,
        "Vérification en deux étapes – Espace Assistance",
        "Code de double authentification des conseillers.",
        SecondFactorState.load,
    ),
    (
        "/conseiller",
        adviser_search_page,
        "Espace conseiller",
        "Recherche d'un membre ou d'un contrat.",
        AdviserSearchState.load,
    ),
    (
        "/conseiller/contrat",
        adviser_contract_page,
        "Dossier du membre – Espace conseiller",
        "Contrat, compte et dossiers d'assistance d'un membre.",
        AdviserContractState.load,
    ),
    (
        "/conseiller/trajets",
        run_sheet_page,
        "Trajets du jour – Espace conseiller",
        "Feuille de route du transporteur pour un jour donné.",
        RunSheetState.load,
    ),
    (
        "/conseiller/remboursements",
        claim_queue_page,
        "Remboursements – Espace conseiller",
        "Les demandes de remboursement à traiter.",
        ClaimQueueState.load,
    ),
    (
        "/conseiller/remboursements/demande",
        adviser_claim_page,
        "Demande de remboursement – Espace conseiller",
        "Une demande de remboursement, ses justificatifs et la décision.",
        AdviserClaimState.load,
    ),
    (
        "/conseiller/messages",
        adviser_messages_page,
        "Messages – Espace conseiller",
        "Les messages des membres en attente de réponse.",
        AdviserMessagesState.load,
    ),
    (
        "/conseiller/messages/fil",
        adviser_thread_page,
        "Conversation – Espace conseiller",
        "Une conversation avec un membre.",
        AdviserThreadState.load,
    ),
    (
        "/conseiller/import",
        contract_import_page,
        "Import de contrats – Espace conseiller",
        "Import d'un fichier de contrats d'assureur.",
        ContractImportState.load,
    ),
    (
        "/conseiller/compte",
        adviser_account_page,
        "Mon compte – Espace conseiller",
        "Les clés d'accès du conseiller, utilisables comme second facteur.",
        PasskeysState.load_for_adviser,
    ),
    (
        "/conseiller/journal",
        audit_trail_page,
        "Journal d'audit – Espace conseiller",
        "Journal des accès et des modifications.",
        AuditTrailState.load,
    ),
    (
        "/donnees-personnelles",
        privacy_page,
        "Données personnelles – Espace Assistance",
        "Données de santé, hébergement HDS, qui voit quoi, durées de conservation et vos droits.",
        SessionState.refresh,
    ),
    (
        "/cookies",
        cookies_page,
        "Cookies – Espace Assistance",
        "Les seuls cookies du portail sont nécessaires à son fonctionnement ; comment les désactiver.",
        SessionState.refresh,
    ),
    (
        "/navigateurs",
        browsers_page,
        "Navigateurs pris en charge – Espace Assistance",
        "Les navigateurs à utiliser : dernières versions de Chrome, Firefox, Safari et Edge.",
        SessionState.refresh,
    ),
    (
        "/mentions-legales",
        legal_notice_page,
        "Mentions légales – Espace Assistance",
        "Éditeur, directeur de la publication, hébergeur certifié HDS et contact.",
        SessionState.refresh,
    ),
    (
        "/accessibilite",
        accessibility_page,
        "Déclaration d'accessibilité – Espace Assistance",
        "Accessibilité du portail : partiellement conforme, ce qui a été vérifié, contact et recours.",
        SessionState.refresh,
    ),
    (
        "404",
        not_found_page,
        "Page introuvable – Espace Assistance",
        "Cette page n'existe pas ou plus.",
        SessionState.refresh,
    ),
    (
        "/compte-cloture",
        account_closed_page,
        "Compte clôturé – Espace Assistance",
        "Votre compte Espace Assistance est clôturé.",
        SessionState.refresh,
    ),
]

for route, component, title, description, on_load in PAGES:
    app.add_page(component, route=route, title=title, description=description, on_load=on_load)
