"""What the operator (an advisers' manager, at the command line) does to adviser accounts.

Disabling ends the adviser's sessions at once and refuses every login until enabled again; resetting the
second factor deletes the authenticator and the recovery codes, so the next login enrols again. Each is
audited as the operator and told to the adviser by e-mail (but a disabled adviser is not written to:
they may have left, and the mailbox may be someone else's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, RecoveryCode, SecondFactor
from portal_app.db.vocabulary import Role
from portal_app.domain import actors, audit, auth, clock, mail, mail_texts
from portal_app.domain.actors import Actor
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.second_factor import ADVISER_NOT_FOUND


@dataclass(frozen=True)
class AdviserLine:
    email: str
    created_at: datetime
    last_login_at: datetime | None
    second_factor: str  # « à activer », « active », « verrouillée »
    disabled: bool


def _operator(actor: Actor | None) -> actors.Operator:
    if not isinstance(actor, actors.Operator):
        raise NotAllowed("Réservé à l'exploitant du portail (ligne de commande).")
    return actor


def _adviser(session: Session, email: str) -> Account:
    try:
        address = normalize_email(email)
    except ValidationError:
        raise NotFound(ADVISER_NOT_FOUND) from None
    account = session.exec(select(Account).where(Account.email == address, Account.role == Role.ADVISER)).first()
    if account is None or account.closed_at is not None:
        raise NotFound(ADVISER_NOT_FOUND)
    return account


def _factor_state(factor: SecondFactor | None) -> str:
    if factor is None or factor.confirmed_at is None:
        return "à activer"
    return "verrouillée" if factor.locked_at is not None else "active"


def list_advisers(actor: Actor | None) -> list[AdviserLine]:
    """Every adviser account, by e-mail address."""
    _operator(actor)
    with session_scope() as session:
        rows = session.exec(
            select(Account, SecondFactor)
            .join(SecondFactor, SecondFactor.account_id == Account.id, isouter=True)
            .where(Account.role == Role.ADVISER, Account.closed_at.is_(None))
            .order_by(Account.email)
        ).all()
        return [
            AdviserLine(
                email=account.email,
                created_at=as_utc(account.created_at),
                last_login_at=as_utc(account.last_login_at),
                second_factor=_factor_state(factor),
                disabled=account.disabled_at is not None,
            )
            for account, factor in rows
        ]


def disable_adviser(actor: Actor | None, email: str) -> bool:
    """The adviser's sessions end now and no login opens until enabled; False if already disabled."""
    operator = _operator(actor)
    with session_scope() as session:
        account = _adviser(session, email)
        if account.disabled_at is not None:
            return False
        account.disabled_at = clock.now()
        session.add(account)
        auth.end_sessions(session, account.id)
        audit.record(session, "adviser_disabled", operator, target_type="account", target_id=account.id)
        return True


def enable_adviser(actor: Actor | None, email: str) -> bool:
    """Logins are accepted again (with the same password and second factor); False if it was not disabled."""
    operator = _operator(actor)
    with session_scope() as session:
        account = _adviser(session, email)
        if account.disabled_at is None:
            return False
        account.disabled_at = None
        session.add(account)
        audit.record(session, "adviser_enabled", operator, target_type="account", target_id=account.id)
        subject, body = mail_texts.adviser_enabled()
        mail.queue_mail(session, account.email, subject, body)
        return True


def reset_second_factor(actor: Actor | None, email: str) -> None:
    """For a lost phone: the authenticator and recovery codes go, sessions end; the next login enrols again."""
    operator = _operator(actor)
    with session_scope() as session:
        account = _adviser(session, email)
        session.execute(sa.delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
        session.execute(sa.delete(SecondFactor).where(SecondFactor.account_id == account.id))
        auth.end_sessions(session, account.id)
        audit.record(session, "second_factor_reset", operator, target_type="account", target_id=account.id)
        if account.disabled_at is None:
            subject, body = mail_texts.second_factor_reset()
            mail.queue_mail(session, account.email, subject, body)
