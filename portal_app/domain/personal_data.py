"""« Télécharger mes données »: everything the portal holds about a member, as one JSON document.

Every table linked to an account, a contract or a beneficiary is either exported (EXPORTED: the columns
given, in the section named by SECTIONS) or excluded with its reason (EXCLUDED_TABLES); every column of an
exported table is either exported or excluded with its reason (EXCLUDED_COLUMNS). A test reads the
database schema and fails when a new table or column is in neither list.

Not exported: the contents of the invoices (the file names, types and sizes are; each invoice can be
downloaded from the page of its claim), the password (only a one-way fingerprint is kept) and the
secrets of links and sessions. The advisers who acted on the file appear as « conseiller », without
their names or addresses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel, select

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import (
    Account,
    Address,
    AssistanceFile,
    AuditEvent,
    Beneficiary,
    CallbackRequest,
    Claim,
    ClaimEvent,
    ClaimFile,
    Contract,
    EmailToken,
    Entitlement,
    Insurer,
    LoginSession,
    Message,
    MessageThread,
    Offer,
    OutgoingMail,
    Passkey,
    Trip,
)
from portal_app.domain import actors, audit, clock
from portal_app.domain.actors import Actor
from portal_app.domain.claims import STATUS_LABELS as CLAIM_STATUS_LABELS
from portal_app.domain.errors import NotAllowed
from portal_app.domain.secret_box import open_sealed

FORMAT = "espace-assistance/donnees-personnelles"
VERSION = 1

NOTES = [
    "Ce fichier contient toutes les données que l'Espace Assistance conserve sur vous et votre contrat, "
    "dans un format lisible par un ordinateur (JSON). Les dates et heures sont en temps universel (UTC).",
    "Le contenu de vos justificatifs (factures) n'est pas inclus dans ce fichier : seuls leur nom, leur type et "
    "leur taille y figurent. Vous pouvez télécharger chaque justificatif depuis la page de la demande de "
    "remboursement concernée.",
    "Votre mot de passe n'y figure pas : seule une empreinte irréversible est conservée. Les secrets des liens "
    "envoyés par e-mail et des sessions de connexion n'y figurent pas non plus.",
    "Les conseillers qui ont consulté ou traité votre dossier apparaissent comme « conseiller », sans leur nom.",
]

# Table → (section of the export, exported columns).
EXPORTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "account": (
        "compte",
        (
            "id",
            "created_at",
            "updated_at",
            "contract_id",
            "email",
            "email_confirmed_at",
            "phone",
            "role",
            "failed_login_count",
            "last_failed_login_at",
            "locked_at",
            "last_login_at",
            "password_changed_at",
            "closed_at",
        ),
    ),
    "loginsession": ("sessions_de_connexion", ("id", "created_at", "last_seen_at", "expires_at", "ended_at")),
    "emailtoken": ("liens_envoyes_par_email", ("id", "created_at", "purpose", "new_email", "expires_at", "used_at")),
    "passkey": ("cles_acces", ("id", "created_at", "name", "transports", "sign_count", "last_used_at")),
    "contract": (
        "contrat",
        (
            "id",
            "created_at",
            "updated_at",
            "insurer_id",
            "offer_id",
            "member_number",
            "holder_first_name",
            "holder_last_name",
            "valid_from",
            "valid_to",
            "status",
        ),
    ),
    "beneficiary": (
        "beneficiaires",
        ("id", "created_at", "updated_at", "contract_id", "first_name", "last_name", "birth_date", "relation"),
    ),
    "assistancefile": (
        "dossiers_assistance",
        (
            "id",
            "created_at",
            "updated_at",
            "reference",
            "contract_id",
            "beneficiary_id",
            "event_type",
            "event_date",
            "status",
            "closed_at",
        ),
    ),
    "entitlement": (
        "droits",
        (
            "id",
            "created_at",
            "updated_at",
            "assistance_file_id",
            "service",
            "unit",
            "quantity",
            "used",
            "valid_from",
            "valid_to",
        ),
    ),
    "address": (
        "adresses",
        (
            "id",
            "created_at",
            "updated_at",
            "account_id",
            "label",
            "kind",
            "street_number",
            "street",
            "postcode",
            "city",
            "complement",
            "deleted_at",
        ),
    ),
    "trip": (
        "trajets",
        (
            "id",
            "created_at",
            "updated_at",
            "account_id",
            "assistance_file_id",
            "entitlement_id",
            "beneficiary_id",
            "trip_date",
            "pickup_time",
            "from_address_id",
            "to_address_id",
            "direction",
            "status",
            "notes",
            "cancelled_at",
        ),
    ),
    "claim": (
        "demandes_remboursement",
        (
            "id",
            "created_at",
            "updated_at",
            "reference",
            "account_id",
            "contract_id",
            "assistance_file_id",
            "entitlement_id",
            "service",
            "service_date_from",
            "service_date_to",
            "provider",
            "amount_cents",
            "accepted_amount_cents",
            "status",
        ),
    ),
    "claimevent": ("historique_demandes", ("id", "created_at", "claim_id", "status", "message")),
    "claimfile": ("justificatifs", ("id", "created_at", "claim_id", "filename", "content_type", "size_bytes")),
    "callbackrequest": (
        "demandes_de_rappel",
        (
            "id",
            "created_at",
            "updated_at",
            "subject",
            "phone",
            "note",
            "slot_1_at",
            "slot_2_at",
            "slot_3_at",
            "status",
            "outcome",
            "adviser_note",
            "handled_at",
            "cancelled_at",
        ),
    ),
    "messagethread": (
        "messages",
        ("id", "created_at", "account_id", "contract_id", "assistance_file_id", "subject", "last_message_at"),
    ),
    "message": ("messages_du_fil", ("id", "created_at", "thread_id", "author_role", "body", "read_at")),
    "outgoingmail": ("emails_envoyes", ("id", "created_at", "recipient", "subject", "sent_at")),
    "auditevent": (
        "journal",
        ("id", "created_at", "action", "target_type", "target_id", "contract_id", "ip", "user_agent", "detail"),
    ),
}

SECRET = "secret : seule une empreinte est conservée, elle ne vous apprendrait rien"
EXCLUDED_COLUMNS: dict[str, dict[str, str]] = {
    "account": {
        "password_hash": "empreinte irréversible du mot de passe (" + SECRET + ")",
        "disabled_at": "comptes conseillers uniquement (désactivation par l'exploitant)",
    },
    "loginsession": {
        "account_id": "votre compte (section compte)",
        "token_hash": SECRET,
        "updated_at": "technique",
        "second_factor_pending": "conseillers uniquement",
    },
    "emailtoken": {"account_id": "votre compte (section compte)", "token_hash": SECRET, "updated_at": "technique"},
    "passkey": {
        "account_id": "votre compte (section compte)",
        "updated_at": "technique",
        "credential_id": "identifiant technique de la clé, propre à votre appareil",
        "public_key": "clé publique : ne permet pas de se connecter, inutile hors du portail",
        "user_handle": "identifiant aléatoire donné à votre appareil, sans information sur vous",
    },
    "contract": {"member_number_key": "le numéro adhérent sans espaces ni tirets, déjà exporté (member_number)"},
    "assistancefile": {"opened_by_account_id": "un conseiller : remplacé par « conseiller »"},
    "claim": {
        "submission_key": "technique (évite un double envoi du formulaire)",
        "iban_encrypted": "chiffré : exporté en clair dans le champ iban",
        "iban_last4": "déjà dans le champ iban",
        "decided_by_account_id": "un conseiller : remplacé par « conseiller »",
    },
    "claimevent": {"updated_at": "technique", "author_account_id": "remplacé par auteur (vous ou conseiller)"},
    "claimfile": {
        "updated_at": "technique",
        "key_id": "technique (nom de la clé de chiffrement)",
        "ciphertext": "le contenu de la facture, non inclus : téléchargeable depuis la page de la demande",
    },
    "callbackrequest": {
        "account_id": "votre compte (section compte)",
        "contract_id": "votre contrat (section contrat)",
        "handled_by_account_id": "un conseiller : remplacé par « conseiller »",
    },
    "messagethread": {"updated_at": "technique", "waiting_since": "technique (file d'attente des conseillers)"},
    "message": {"updated_at": "technique", "author_account_id": "remplacé par auteur (vous ou conseiller)"},
    "outgoingmail": {
        "updated_at": "technique",
        "body": "effacé dès l'envoi (il peut contenir un lien à usage unique)",
        "attempts": "technique (envoi)",
        "next_attempt_at": "technique (envoi)",
        "claimed_until": "technique (envoi)",
        "last_error": "technique (envoi)",
    },
    "auditevent": {
        "updated_at": "technique",
        "actor_account_id": "remplacé par auteur (vous, conseiller ou système)",
        "actor_role": "remplacé par auteur",
        "member_account_id": "votre compte",
    },
}

# Tables linked to an account, a contract or a beneficiary that the export leaves out, with the reason.
EXCLUDED_TABLES: dict[str, str] = {
    "secondfactor": "double authentification des conseillers : jamais liée à un compte membre",
    "recoverycode": "codes de secours des conseillers : jamais liés à un compte membre",
    "webauthnchallenge": "défi à usage unique d'une clé d'accès, valable 5 minutes : technique",
}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(table: str, record: SQLModel) -> dict[str, Any]:
    return {name: _value(getattr(record, name)) for name in EXPORTED[table][1]}


def _rows(table: str, records) -> list[dict[str, Any]]:
    return [_row(table, r) for r in records]


def _author(account: Account, actor_id: int | None, actor_role: str = "") -> str:
    if actor_id is not None and actor_id == account.id:
        return "vous"
    if actor_role == "adviser" or actor_id is not None:
        return "conseiller"
    return "système"


def _audit_entries(session: Session, account: Account) -> list[dict[str, Any]]:
    events = session.exec(
        select(AuditEvent).where(AuditEvent.member_account_id == account.id).order_by(AuditEvent.id)
    ).all()
    entries = []
    for event in events:
        entry = _row("auditevent", event)
        entry["libelle"] = audit.ACTIONS.get(event.action, event.action)
        entry["auteur"] = _author(account, event.actor_account_id, event.actor_role)
        if entry["auteur"] != "vous":
            # Someone else's network address and browser are not the member's data.
            entry["ip"] = ""
            entry["user_agent"] = ""
        entries.append(entry)
    return entries


def _claims(session: Session, account: Account) -> list[dict[str, Any]]:
    claims = session.exec(select(Claim).where(Claim.account_id == account.id).order_by(Claim.id)).all()
    result = []
    for claim in claims:
        entry = _row("claim", claim)
        entry["statut"] = CLAIM_STATUS_LABELS.get(claim.status, claim.status)
        entry["iban"] = open_sealed(claim.iban_encrypted, "claim-iban")
        entry["decide_par"] = "conseiller" if claim.decided_by_account_id else ""
        history = []
        for event in session.exec(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id)):
            step = _row("claimevent", event)
            step["statut"] = CLAIM_STATUS_LABELS.get(event.status, event.status)
            step["auteur"] = _author(account, event.author_account_id)
            history.append(step)
        entry[EXPORTED["claimevent"][0]] = history
        files = session.exec(select(ClaimFile).where(ClaimFile.claim_id == claim.id).order_by(ClaimFile.id)).all()
        entry[EXPORTED["claimfile"][0]] = _rows("claimfile", files)
        result.append(entry)
    return result


def _threads(session: Session, account: Account) -> list[dict[str, Any]]:
    threads = session.exec(
        select(MessageThread).where(MessageThread.account_id == account.id).order_by(MessageThread.id)
    )
    result = []
    for thread in threads:
        entry = _row("messagethread", thread)
        entry[EXPORTED["message"][0]] = [
            {**_row("message", m), "auteur": _author(account, m.author_account_id)}
            for m in session.exec(select(Message).where(Message.thread_id == thread.id).order_by(Message.id))
        ]
        result.append(entry)
    return result


def _assistance_files(session: Session, contract_id: int | None) -> list[dict[str, Any]]:
    if contract_id is None:
        return []
    files = session.exec(
        select(AssistanceFile).where(AssistanceFile.contract_id == contract_id).order_by(AssistanceFile.id)
    ).all()
    result = []
    for file in files:
        entry = _row("assistancefile", file)
        entry["ouvert_par"] = "conseiller" if file.opened_by_account_id else ""
        rights = session.exec(
            select(Entitlement).where(Entitlement.assistance_file_id == file.id).order_by(Entitlement.id)
        ).all()
        entry[EXPORTED["entitlement"][0]] = _rows("entitlement", rights)
        result.append(entry)
    return result


def export_personal_data(session: Session, account_id: int) -> dict[str, Any]:
    """The member's data as a JSON-serialisable dict; records the export in the audit trail.

    The caller has established that `account_id` is the logged-in member (see `export_for_session`).
    """
    account = session.get(Account, account_id)
    if account is None or account.role != "member" or account.closed_at is not None:
        raise NotAllowed()
    contract = session.get(Contract, account.contract_id) if account.contract_id else None
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "genere_le": _value(clock.now()),
        "a_savoir": NOTES,
        "compte": _row("account", account),
    }
    data["sessions_de_connexion"] = _rows(
        "loginsession",
        session.exec(select(LoginSession).where(LoginSession.account_id == account.id).order_by(LoginSession.id)),
    )
    data["liens_envoyes_par_email"] = _rows(
        "emailtoken",
        session.exec(select(EmailToken).where(EmailToken.account_id == account.id).order_by(EmailToken.id)),
    )
    data["cles_acces"] = _rows("passkey", session.exec(select(Passkey).where(Passkey.account_id == account.id)))
    if contract is not None:
        data["contrat"] = _row("contract", contract)
        data["contrat"]["organisme"] = session.get(Insurer, contract.insurer_id).name
        data["contrat"]["offre"] = session.get(Offer, contract.offer_id).label
        people = session.exec(
            select(Beneficiary).where(Beneficiary.contract_id == contract.id).order_by(Beneficiary.id)
        ).all()
    else:
        data["contrat"] = None
        people = []
    data["beneficiaires"] = _rows("beneficiary", people)
    data["dossiers_assistance"] = _assistance_files(session, account.contract_id)
    data["adresses"] = _rows(
        "address", session.exec(select(Address).where(Address.account_id == account.id).order_by(Address.id))
    )
    data["trajets"] = _rows(
        "trip",
        session.exec(select(Trip).where(Trip.account_id == account.id).order_by(Trip.trip_date, Trip.id)),
    )
    data["demandes_remboursement"] = _claims(session, account)
    data["demandes_de_rappel"] = [
        _row("callbackrequest", r) | {"traite_par": "conseiller" if r.handled_by_account_id else ""}
        for r in session.exec(
            select(CallbackRequest).where(CallbackRequest.account_id == account.id).order_by(CallbackRequest.id)
        )
    ]
    data["messages"] = _threads(session, account)
    data["emails_envoyes"] = _rows(
        "outgoingmail",
        session.exec(select(OutgoingMail).where(OutgoingMail.recipient == account.email).order_by(OutgoingMail.id)),
    )
    data["journal"] = _audit_entries(session, account)
    audit.record(
        session,
        "personal_data_exported",
        account,
        target_type="account",
        target_id=account.id,
        member_account_id=account.id,
        contract_id=account.contract_id,
    )
    return data


def export_for_session(actor: Actor) -> dict[str, Any]:
    """The logged-in member's own data: the account comes from the actor, never from the request."""
    member = actors.member(actor)
    with session_scope() as session:
        return export_personal_data(session, member.account_id)


def file_name(today: date | None = None) -> str:
    return f"mes-donnees-espace-assistance-{(today or clock.today_in_paris()).isoformat()}.json"
