"""The audit trail (HDS traceability): append-only records of who did what, when and from where.

The request's origin (IP, user agent) is set once per event by the UI layer in a context variable,
which asyncio.to_thread carries into the thread running the domain function.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, AuditEvent
from portal_app.db.vocabulary import ActorRole
from portal_app.domain import clock
from portal_app.domain.actors import Operator
from portal_app.domain.clock import PARIS


@dataclass(frozen=True)
class RequestOrigin:
    ip: str = ""
    user_agent: str = ""


_NO_ORIGIN = RequestOrigin()
_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar("request_origin", default=None)

ACTIONS = {
    "login_success": "Connexion réussie",
    "login_failure": "Échec de connexion",
    "login_second_factor_failure": "Code de double authentification refusé",
    "logout": "Déconnexion",
    "password_changed": "Mot de passe modifié",
    "password_reset": "Mot de passe renouvelé par e-mail",
    "email_change_requested": "Changement d'e-mail demandé",
    "email_changed": "Adresse e-mail modifiée",
    "phone_changed": "Téléphone modifié",
    "account_created": "Compte créé",
    "email_confirmed": "Adresse e-mail confirmée",
    "second_factor_enrolled": "Double authentification activée",
    "recovery_code_used": "Code de secours utilisé",
    "second_factor_locked": "Double authentification verrouillée (trop de codes refusés)",
    "second_factor_unlocked": "Double authentification déverrouillée",
    "second_factor_reset": "Double authentification réinitialisée (nouvel enrôlement)",
    "adviser_disabled": "Compte conseiller désactivé",
    "adviser_enabled": "Compte conseiller réactivé",
    "member_file_viewed": "Consultation d'un dossier membre",
    "confirmation_resent": "E-mail de confirmation renvoyé",
    "account_unlocked": "Compte débloqué",
    "contracts_imported": "Import de contrats",
    "assistance_file_opened": "Dossier d'assistance ouvert",
    "entitlement_changed": "Droit modifié",
    "assistance_file_closed": "Dossier d'assistance clos",
    "adviser_created": "Compte conseiller créé",
    "address_added": "Adresse ajoutée",
    "address_changed": "Adresse modifiée",
    "address_deleted": "Adresse supprimée",
    "trips_booked": "Trajets planifiés",
    "trip_changed": "Trajet modifié",
    "claim_file_previewed": "Aperçu d'un justificatif affiché",
    "trips_cancelled": "Trajets annulés sur une période",
    "trip_cancelled": "Trajet annulé",
    "trip_status_changed": "Statut de trajet modifié",
    "run_sheet_viewed": "Feuille de route consultée",
    "claim_submitted": "Demande de remboursement déposée",
    "claim_documents_added": "Pièces ajoutées à une demande",
    "claim_viewed": "Consultation d'une demande de remboursement",
    "claim_file_downloaded": "Justificatif téléchargé",
    "claim_decided": "Décision sur une demande de remboursement",
    "message_thread_started": "Message envoyé à la plateforme (nouvelle conversation)",
    "message_sent": "Message envoyé à la plateforme",
    "message_thread_viewed": "Consultation d'une conversation par un conseiller",
    "message_answered": "Réponse d'un conseiller à un message",
    "personal_data_exported": "Données personnelles téléchargées",
    "account_closed": "Compte clôturé",
    "passkey_added": "Clé d'accès ajoutée",
    "passkey_used": "Clé d'accès utilisée",
    "passkey_removed": "Clé d'accès supprimée",
    "callback_requested": "Demande de rappel envoyée",
    "callback_cancelled": "Demande de rappel annulée",
    "callbacks_viewed": "Consultation des demandes de rappel",
    "callback_done": "Demande de rappel traitée",
    "registration_throttled": "Inscription refusée : trop d'essais",
}


def set_origin(ip: str, user_agent: str) -> None:
    _origin.set(RequestOrigin(ip=(ip or "")[:64], user_agent=(user_agent or "")[:300]))


def current_origin() -> RequestOrigin:
    """Where the request being served comes from (empty for the command line and tests)."""
    return _origin.get() or _NO_ORIGIN


def record(
    session: Session,
    action: str,
    actor: Account | Operator | None = None,
    *,
    target_type: str = "",
    target_id: int | None = None,
    member_account_id: int | None = None,
    contract_id: int | None = None,
    detail: str = "",
) -> None:
    """Add one entry in the caller's transaction: it exists if and only if the action happened."""
    if action not in ACTIONS:  # not an assert: `python -O` would drop it and write any word
        raise ValueError(f"unknown audit action {action!r}")
    origin = _origin.get() or _NO_ORIGIN
    if isinstance(actor, Operator):  # the command line has no account, but is not « nobody »
        actor_id, actor_role = None, ActorRole.OPERATOR
    else:
        actor_id, actor_role = (actor.id, actor.role) if actor else (None, ActorRole.ANONYMOUS)
    session.add(
        AuditEvent(
            created_at=clock.now(),
            updated_at=clock.now(),
            actor_account_id=actor_id,
            actor_role=actor_role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            member_account_id=member_account_id,
            contract_id=contract_id,
            ip=origin.ip,
            user_agent=origin.user_agent,
            detail=detail[:300],
        )
    )


def record_now(action: str, actor: Account | Operator | None = None, **kwargs) -> None:
    """Record in a transaction of its own (for refusals, whose own transaction is rolled back)."""
    with session_scope() as session:
        record(session, action, actor, **kwargs)


@dataclass(frozen=True)
class AuditFilter:
    member_account_id: int | None = None
    actor_account_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 200


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


def search(session: Session, criteria: AuditFilter) -> list[AuditEvent]:
    query = select(AuditEvent)
    if criteria.member_account_id:
        query = query.where(AuditEvent.member_account_id == criteria.member_account_id)
    if criteria.actor_account_id:
        query = query.where(AuditEvent.actor_account_id == criteria.actor_account_id)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.date_from:
        query = query.where(AuditEvent.created_at >= _paris_midnight(criteria.date_from))
    if criteria.date_to:
        query = query.where(AuditEvent.created_at < _paris_midnight(criteria.date_to + timedelta(days=1)))
    return list(session.exec(query.order_by(AuditEvent.id.desc()).limit(min(criteria.limit, 1000))).all())
