"""« Clôturer mon compte »: the member's right to erasure, within what the law requires to keep.

Asks for the current password (a wrong one counts as a failed login, with the same brake) and an
explicit confirmation. Refused while a reimbursement claim is still being handled. Otherwise, in one
transaction: the farewell e-mail is queued to the member's address, trips to come are cancelled (past
ones kept), addresses are deleted (or anonymised when a kept trip refers to them), sessions and links
are deleted, the account is anonymised and released from its contract (the holder can register again).
Callback requests (« Être rappelé ») are deleted. Claims, their invoices, message threads (see
domain.messages for why) and the audit trail are kept for legal reasons; a thread waiting for an answer
leaves the advisers' queue.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import (
    Account,
    Address,
    Claim,
    Contract,
    EmailToken,
    LoginSession,
    OutgoingMail,
    Passkey,
    RecoveryCode,
    SecondFactor,
    Trip,
    WebAuthnChallenge,
)
from portal_app.db.vocabulary import ClaimStatus
from portal_app.domain import actors, audit, auth, callbacks, clock, mail, mail_texts, messages, trips
from portal_app.domain.actors import Actor
from portal_app.domain.claims import OPEN_STATUSES, STATUS_LABELS
from portal_app.domain.errors import NotAllowed, ValidationError

# Claims still being handled: déposée, en cours, pièces demandées, acceptée (not yet paid).
BLOCKING_STATUSES = (*OPEN_STATUSES, ClaimStatus.ACCEPTED)

PASSWORD_MISSING = "Indiquez votre mot de passe actuel pour clôturer votre compte."
WRONG_PASSWORD = "Le mot de passe actuel est incorrect."
CONFIRMATION_MISSING = "Cochez cette case pour confirmer que vous voulez clôturer définitivement votre compte."
UNUSABLE_PASSWORD = "!compte-clos"  # not a bcrypt hash: no password ever matches it
CLOSED_DOMAIN = "compte-clos.invalid"
ERASED = "(effacé)"


def claims_pending_message(references: list[str]) -> str:
    listed = ", ".join(references)
    return (
        "Votre compte ne peut pas encore être clôturé : une demande de remboursement est en cours de traitement "
        f"({listed}). Vous pourrez clôturer votre compte quand elle aura été payée ou refusée. Pour toute "
        "question, rapprochez-vous de votre conseiller."
    )


def closed_email(account_id: int) -> str:
    return f"clos-{account_id}@{CLOSED_DOMAIN}"


def _blocking_claims(session: Session, account: Account) -> list[str]:
    rows = session.exec(
        select(Claim.reference, Claim.status)
        .where(Claim.account_id == account.id, Claim.status.in_(BLOCKING_STATUSES))
        .order_by(Claim.id)
    ).all()
    return [f"{reference}, {STATUS_LABELS[status]}" for reference, status in rows]


def _check_password(session: Session, account: Account, password: str) -> str | None:
    """The error for the password field, or None; a wrong password is a failed login (same brake)."""
    if not password:
        return PASSWORD_MISSING
    refusal = auth.check_password_with_brake(session, account, password, "mot de passe incorrect (clôture du compte)")
    if refusal is None:
        return None
    return WRONG_PASSWORD if refusal.reason == "invalid" else str(refusal)


def _erase_addresses(session: Session, account: Account) -> None:
    """Delete the addresses no trip refers to; anonymise the others (street, number, label), keep the town."""
    used = set()
    for from_id, to_id in session.exec(
        select(Trip.from_address_id, Trip.to_address_id).where(Trip.account_id == account.id)
    ).all():
        used.update((from_id, to_id))
    now = clock.now()
    for address in session.exec(select(Address).where(Address.account_id == account.id)).all():
        if address.id in used:
            address.label = ERASED
            address.street_number = ""
            address.street = ERASED
            address.complement = ""
            address.deleted_at = address.deleted_at or now
            session.add(address)
        else:
            session.delete(address)


def close_account(session: Session, account_id: int, password: str, confirmation: bool) -> None:
    """Close the member's account (see the module); ValidationError with French messages when refused.

    The caller has established that `account_id` is the logged-in member (see `close_for_session`);
    the password proves it again. A refusal changes nothing, except that a wrong password is counted
    in the session: the caller, who opened the session, commits that before passing the refusal on
    (a ValidationError from here leaves nothing else in the session). Never commits.
    """
    account = session.get(Account, account_id)
    if account is None or account.role != "member" or account.closed_at is not None:
        raise NotAllowed()
    pending = _blocking_claims(session, account)
    if pending:
        raise ValidationError("close_account", claims_pending_message(pending))
    errors: dict[str, str] = {}
    password_error = _check_password(session, account, password or "")
    if password_error:
        errors["close_password"] = password_error
    if confirmation is not True:
        errors["close_confirmation"] = CONFIRMATION_MISSING
    if errors:
        raise ValidationError.many(errors)

    contract = session.get(Contract, account.contract_id) if account.contract_id else None
    old_email = account.email
    subject, body = mail_texts.account_closed(contract.holder_first_name if contract else "")
    farewell = mail.queue_mail(session, old_email, subject, body)

    today = clock.today_in_paris()
    for trip in session.exec(
        select(Trip).where(Trip.account_id == account.id, Trip.status.in_(trips.LIVE), Trip.trip_date >= today)
    ).all():
        trips.release(session, trip)
    _erase_addresses(session, account)
    callbacks.erase_for_closing(session, account.id)
    messages.forget_waiting(session, account.id)

    for model in (WebAuthnChallenge, Passkey, LoginSession, EmailToken, SecondFactor, RecoveryCode):
        session.execute(sa.delete(model).where(model.account_id == account.id))
    # Mail still waiting (links that no longer lead anywhere) goes; sent mail keeps its subject and date only.
    session.execute(
        sa.delete(OutgoingMail).where(
            OutgoingMail.recipient == old_email, OutgoingMail.sent_at.is_(None), OutgoingMail.id != farewell.id
        )
    )
    session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.recipient == old_email, OutgoingMail.sent_at.is_not(None))
        .values(recipient=closed_email(account.id), body=None)
    )

    contract_id = account.contract_id
    now = clock.now()
    account.email = closed_email(account.id)
    account.phone = None
    account.password_hash = UNUSABLE_PASSWORD
    account.contract_id = None
    account.closed_at = now
    account.failed_login_count = 0
    account.last_failed_login_at = None
    account.locked_at = None
    session.add(account)
    audit.record(
        session,
        "account_closed",
        account,
        target_type="account",
        target_id=account.id,
        member_account_id=account.id,
        contract_id=contract_id,
    )
    session.flush()


def close_for_session(actor: Actor, password: str, confirmation: bool) -> None:
    """The logged-in member closes their own account: the account comes from the actor only.

    Slow (bcrypt): call it from a thread.
    """
    member = actors.member(actor)
    with session_scope() as session:
        try:
            close_account(session, member.account_id, password, confirmation)
        except ValidationError:
            session.commit()  # keeps the counted failed attempt (and only it) before the refusal
            raise
