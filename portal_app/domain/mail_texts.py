"""The words of every e-mail the portal sends, in one place to be checked against the FAQ."""

from __future__ import annotations

from portal_app import settings
from portal_app.domain import claim_progress

SIGNATURE = "\n\nL'équipe Espace Assistance\nCet e-mail est envoyé automatiquement : merci de ne pas y répondre."


def link(path: str, token: str) -> str:
    return f"{settings.PUBLIC_URL}{path}?token={token}"


def confirm_account(first_name: str, token: str) -> tuple[str, str]:
    return (
        "Confirmez votre adresse e-mail – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Votre compte Espace Assistance a bien été créé. Pour l'activer, confirmez votre adresse e-mail "
        "en ouvrant ce lien (valable 48 heures, utilisable une seule fois) :\n\n"
        f"{link('/confirmation-email', token)}\n\n"
        "Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message." + SIGNATURE,
    )


def reset_password(first_name: str, token: str) -> tuple[str, str]:
    return (
        "Renouvellement de votre mot de passe – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Vous avez demandé le renouvellement de votre mot de passe. Pour choisir un nouveau mot de passe, "
        "ouvrez ce lien (valable 1 heure, utilisable une seule fois) :\n\n"
        f"{link('/nouveau-mot-de-passe', token)}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste valable." + SIGNATURE,
    )


def password_changed(first_name: str) -> tuple[str, str]:
    return (
        "Votre mot de passe a été modifié – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Votre mot de passe a été modifié. Par sécurité, toutes vos autres sessions ont été fermées.\n\n"
        "Si vous n'êtes pas à l'origine de cette modification, renouvelez immédiatement votre mot de passe "
        f"depuis {settings.PUBLIC_URL}/mot-de-passe-oublie et contactez votre conseiller." + SIGNATURE,
    )


def confirm_new_email(first_name: str, token: str) -> tuple[str, str]:
    return (
        "Confirmez votre nouvelle adresse e-mail – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Vous avez demandé à utiliser cette adresse pour votre Espace Assistance. Pour confirmer ce "
        "changement, ouvrez ce lien (valable 48 heures, utilisable une seule fois) :\n\n"
        f"{link('/confirmation-email', token)}\n\n"
        "Tant que ce lien n'est pas ouvert, votre ancienne adresse reste celle de votre compte." + SIGNATURE,
    )


def email_change_requested(first_name: str) -> tuple[str, str]:
    return (
        "Demande de changement d'adresse e-mail – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Une demande de changement de l'adresse e-mail de votre Espace Assistance a été faite. Elle ne prendra "
        "effet qu'après confirmation depuis la nouvelle adresse.\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, changez votre mot de passe et contactez votre "
        "conseiller." + SIGNATURE,
    )


def trip_status_changed(first_name: str, child: str, day: str, pickup_time: str, status_label: str) -> tuple[str, str]:
    return (
        f"Trajet de {child} du {day} : {status_label} – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        f"Le trajet de {child} du {day} (prise en charge à {pickup_time}) est {status_label} par la plateforme "
        "d'assistance.\n\n"
        f"Retrouvez vos trajets dans votre espace : {settings.PUBLIC_URL}/mon-espace/trajets" + SIGNATURE,
    )


def claim_link(reference: str) -> str:
    """The page of one claim (/mon-espace/remboursements/demande?ref=RB-…): the mail leads to that claim."""
    return f"{settings.PUBLIC_URL}/mon-espace/remboursements/demande?ref={reference}"


def claim_received(first_name: str, reference: str, amount: str, day: str, iban_last4: str) -> tuple[str, str]:
    return (
        f"Demande de remboursement {reference} reçue – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        f"Nous avons bien reçu le {day} votre demande de remboursement {reference} d'un montant de {amount}. "
        f"Un conseiller l'examinera sous {claim_progress.REVIEW_WORKING_DAYS} jours ouvrés ; vous serez informé(e) "
        "par e-mail de chaque étape. Une fois acceptée, elle sera payée sous "
        f"{claim_progress.PAYMENT_DAYS} jours sur le compte se terminant par {iban_last4}.\n\n"
        f"Suivre votre demande : {claim_link(reference)}" + SIGNATURE,
    )


_CLAIM_NEXT = {
    "in_progress": (
        f"La décision est prise sous {claim_progress.DECISION_WORKING_DAYS} jours ouvrés après le dépôt ; "
        "le remboursement sera versé sur le compte se terminant par {last4}."
    ),
    "documents_requested": (
        "Ajoutez les pièces demandées depuis la page de votre demande : son examen reprendra sous "
        f"{claim_progress.REVIEW_WORKING_DAYS} jours ouvrés après leur envoi."
    ),
    "accepted": (
        f"Le remboursement de {{amount}} sera versé sous {claim_progress.PAYMENT_DAYS} jours sur le compte se "
        "terminant par {last4}."
    ),
    "refused": "Aucun versement ne sera fait. Pour toute question, appelez la plateforme d'assistance au {phone}.",
    "paid": "Le virement de {amount} a été émis le {day} sur le compte se terminant par {last4}.",
}


def claim_status_changed(
    first_name: str,
    reference: str,
    status: str,
    status_label: str,
    message: str,
    *,
    amount: str,
    day: str,
    iban_last4: str,
) -> tuple[str, str]:
    """A decision on a claim: the amount (the one accepted, once accepted), the date, the last four digits of the
    IBAN it is paid to, what comes next, and the link to the claim's page."""
    detail = f"\n\nMessage de votre conseiller :\n{message}" if message else ""
    next_step = _CLAIM_NEXT[status].format(amount=amount, day=day, last4=iban_last4, phone=settings.ASSISTANCE_PHONE)
    return (
        f"Demande de remboursement {reference} : {status_label} – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        f"Le {day}, votre demande de remboursement {reference} est désormais : {status_label}.{detail}\n\n"
        f"{next_step}\n\n"
        f"Suivre votre demande : {claim_link(reference)}" + SIGNATURE,
    )


def new_message(first_name: str, link: str) -> tuple[str, str]:
    """Only that a message is waiting: never its text nor its subject (health data stays in the portal)."""
    return (
        "Nouveau message dans votre Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Un conseiller de la plateforme d'assistance vous a répondu. Pour lire sa réponse, connectez-vous à "
        f"votre Espace Assistance :\n\n{link}\n\n"
        "Par confidentialité, le contenu de vos messages n'est jamais envoyé par e-mail." + SIGNATURE,
    )


def account_closed(first_name: str) -> tuple[str, str]:
    return (
        "Votre compte a été clôturé – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        "Comme vous l'avez demandé, votre compte Espace Assistance est clôturé. Votre adresse e-mail, votre "
        "téléphone, vos adresses et vos trajets à venir ont été effacés ou anonymisés, et vous ne pouvez plus "
        "vous connecter avec ce compte.\n\n"
        "Les demandes de remboursement, leurs justificatifs et le journal des accès sont conservés pendant la durée "
        "imposée par la loi, puis supprimés.\n\n"
        "Vous pourrez créer un nouveau compte à tout moment avec le numéro adhérent de votre carte de tiers payant. "
        f"Si vous n'êtes pas à l'origine de cette clôture, contactez votre conseiller." + SIGNATURE,
    )


def second_factor_locked(attempts: int) -> tuple[str, str]:
    return (
        "Double authentification verrouillée – Espace Assistance",
        "Bonjour,\n\n"
        f"{attempts} codes de double authentification erronés ont été saisis pour votre compte conseiller, "
        "après votre mot de passe. Par sécurité, la double authentification de votre compte est verrouillée : "
        "plus aucun code n'est accepté, même correct.\n\n"
        "Pour la déverrouiller, adressez-vous à un autre conseiller ou à l'exploitant du portail. Si ces codes "
        "n'ont pas été saisis par vous, quelqu'un connaît votre mot de passe : changez-le dès que votre compte "
        "est déverrouillé." + SIGNATURE,
    )


def second_factor_reset() -> tuple[str, str]:
    return (
        "Double authentification réinitialisée – Espace Assistance",
        "Bonjour,\n\n"
        "À la demande de votre responsable, la double authentification de votre compte conseiller a été "
        "réinitialisée : votre ancienne application d'authentification et vos codes de secours ne fonctionnent "
        "plus, et vos sessions ouvertes ont été fermées. À votre prochaine connexion, vous activerez à nouveau "
        "la double authentification avec un nouveau QR code.\n\n"
        "Si vous n'avez rien demandé, prévenez votre responsable." + SIGNATURE,
    )


def adviser_enabled() -> tuple[str, str]:
    return (
        "Compte conseiller réactivé – Espace Assistance",
        "Bonjour,\n\n"
        "Votre compte conseiller Espace Assistance est de nouveau actif : vous pouvez vous connecter avec votre "
        "mot de passe et votre double authentification.\n\n"
        "Si vous ne vous attendiez pas à ce message, prévenez votre responsable." + SIGNATURE,
    )


def _hello(first_name: str) -> str:
    """Members are greeted by their first name; advisers (no contract) by « Bonjour, »."""
    return f"Bonjour {first_name},\n\n" if first_name else "Bonjour,\n\n"


def _passkey_warning() -> str:
    return (
        "Si vous n'êtes pas à l'origine de cette opération, supprimez cette clé depuis la page de votre compte, "
        f"changez votre mot de passe ({settings.PUBLIC_URL}/mot-de-passe-oublie) et contactez votre conseiller."
    )


def passkey_added(first_name: str, name: str, when: str) -> tuple[str, str]:
    return (
        "Nouvelle clé d'accès ajoutée – Espace Assistance",
        _hello(first_name)
        + f"La clé d'accès « {name} » a été ajoutée à votre compte le {when}. Elle permet désormais de vous "
        "connecter sans saisir votre mot de passe.\n\n" + _passkey_warning() + SIGNATURE,
    )


def passkey_used(first_name: str, name: str, when: str) -> tuple[str, str]:
    return (
        "Connexion avec votre clé d'accès – Espace Assistance",
        _hello(first_name)
        + f"Votre clé d'accès « {name} » a été utilisée pour vous connecter le {when}.\n\n"
        + _passkey_warning()
        + SIGNATURE,
    )


def passkey_removed(first_name: str, name: str, when: str) -> tuple[str, str]:
    return (
        "Clé d'accès supprimée – Espace Assistance",
        _hello(first_name)
        + f"La clé d'accès « {name} » a été supprimée de votre compte le {when} : elle ne permet plus de vous "
        "connecter. Votre mot de passe et vos autres clés d'accès restent valables.\n\n"
        "Si vous n'êtes pas à l'origine de cette suppression, changez votre mot de passe et contactez votre "
        "conseiller." + SIGNATURE,
    )


def callback_requested(first_name: str, subject: str, slots: list[str], phone: str) -> tuple[str, str]:
    """The confirmation of « Être rappelé »: the subject, the slots and the number; never the member's note."""
    listed = "\n".join(f"- {slot}" for slot in slots)
    return (
        "Votre demande de rappel est enregistrée – Espace Assistance",
        f"Bonjour {first_name},\n\n"
        f"Un conseiller de la plateforme d'assistance vous appellera au {phone}, sur l'un des créneaux que vous "
        f"avez choisis :\n\n{listed}\n\n"
        f"Sujet : {subject}.\n\n"
        "Vous pouvez suivre ou annuler cette demande dans votre Espace Assistance : "
        f"{settings.PUBLIC_URL}/mon-espace/rappel" + SIGNATURE,
    )
