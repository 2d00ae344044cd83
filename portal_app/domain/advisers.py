"""The adviser back-office: who may use it, finding a member, reading and acting on their file.

Every function takes the acting person and starts by checking that it is an adviser whose second factor
was given; a member, a pending adviser or nobody gets NotAllowed, whatever the arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Beneficiary, Contract, Insurer, Offer
from portal_app.domain import actors, audit, clock, mail, mail_texts, tokens
from portal_app.domain.actors import Actor
from portal_app.domain.contracts import ImportReport, import_into
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.formatting import long_date, paris_datetime
from portal_app.domain.offers import contract_gives_access
from portal_app.domain.passwords import check_new_password, hash_password
from portal_app.domain.phone import display_mobile
from portal_app.domain.registration import BeneficiaryView, beneficiary_views
from portal_app.domain.text import fold_name, member_number_key

ADVISER_ONLY = actors.ADVISER_ONLY


def require_adviser(session: Session, actor: Actor | None) -> Account:
    """The adviser's account (for the audit trail), or NotAllowed(ADVISER_ONLY) for anyone else."""
    adviser = actors.adviser(actor)
    account = session.get(Account, adviser.account_id)
    if account is None or account.role != "adviser" or account.locked_at is not None or account.closed_at is not None:
        raise NotAllowed(ADVISER_ONLY)
    return account


def create_adviser(email: str, password: str | None) -> str:
    """Operator command. With a password: usable at once. Without: a set-password link is e-mailed."""
    address = normalize_email(email)
    with session_scope() as session:
        if session.exec(select(Account.id).where(Account.email == address)).first():
            raise ValidationError("email", "Un compte existe déjà avec cette adresse e-mail.")
        if password is not None:
            check_new_password(password, password)
        account = Account(
            email=address,
            role="adviser",
            email_confirmed_at=clock.now(),
            password_hash=hash_password(password if password is not None else tokens.new_secret()),
            password_changed_at=clock.now(),
        )
        session.add(account)
        session.flush()
        audit.record(session, "adviser_created", None, target_type="account", target_id=account.id)
        if password is None:
            secret = tokens.issue_token(session, account.id, tokens.RESET_PASSWORD)
            subject, body = mail_texts.reset_password("", secret)
            mail.queue_mail(session, address, subject, body)
        return address


@dataclass(frozen=True)
class ContractHit:
    contract_id: int
    member_number: str
    holder: str
    insurer: str
    email: str


def search(actor: Actor, query: str) -> list[ContractHit]:
    """By numéro adhérent, holder or beneficiary name, or e-mail (case and accents ignored)."""
    query = (query or "").strip()[:100]
    with session_scope() as session:
        require_adviser(session, actor)
        if len(query) < 2:
            raise ValidationError("query", "Saisissez au moins 2 caractères : numéro adhérent, nom ou adresse e-mail.")
        ids: set[int] = set()
        key = member_number_key(query)
        if key:
            ids |= set(session.exec(select(Contract.id).where(Contract.member_number_key.contains(key))).all())
        if "@" in query:
            ids |= {
                cid
                for cid in session.exec(select(Account.contract_id).where(Account.email.contains(query.lower()))).all()
                if cid
            }
        folded = fold_name(query)
        # Names are compared without accents: done in Python over the (bounded) name columns.
        for contract_id, first, last in session.exec(
            select(Beneficiary.contract_id, Beneficiary.first_name, Beneficiary.last_name)
        ).all():
            if folded in fold_name(f"{first} {last}") or folded in fold_name(f"{last} {first}"):
                ids.add(contract_id)
        if not ids:
            return []
        rows = session.exec(
            select(Contract, Insurer, Account)
            .join(Insurer, Insurer.id == Contract.insurer_id)
            .join(Account, Account.contract_id == Contract.id, isouter=True)
            .where(Contract.id.in_(sorted(ids)[:200]))
            .order_by(Contract.holder_last_name, Contract.holder_first_name)
        ).all()
        return [
            ContractHit(
                c.id, c.member_number, f"{c.holder_first_name} {c.holder_last_name}", i.name, a.email if a else ""
            )
            for c, i, a in rows
        ]


@dataclass(frozen=True)
class MemberFile:
    contract_id: int
    member_number: str
    holder: str
    insurer: str
    offer: str
    validity: str
    is_valid: bool
    beneficiaries: list[BeneficiaryView]
    has_account: bool
    email: str
    phone: str
    confirmed: str
    locked: str
    last_login: str


def _contract(session: Session, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id) if isinstance(contract_id, int) else None
    if contract is None:
        raise NotFound("Contrat introuvable.")
    return contract


def _member_account(session: Session, contract_id: int) -> Account | None:
    return session.exec(select(Account).where(Account.contract_id == contract_id)).first()


def member_file(actor: Actor, contract_id: int) -> MemberFile:
    """Every adviser read of a member's file is recorded in the audit trail."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        contract = _contract(session, contract_id)
        offer = session.get(Offer, contract.offer_id)
        account = _member_account(session, contract.id)
        audit.record(
            session,
            "member_file_viewed",
            adviser,
            target_type="contract",
            target_id=contract.id,
            contract_id=contract.id,
            member_account_id=account.id if account else None,
        )
        validity = (
            f"du {long_date(contract.valid_from)} au {long_date(contract.valid_to)}"
            if contract.valid_to
            else f"depuis le {long_date(contract.valid_from)}"
        )
        return MemberFile(
            contract_id=contract.id,
            member_number=contract.member_number,
            holder=f"{contract.holder_first_name} {contract.holder_last_name}",
            insurer=session.get(Insurer, contract.insurer_id).name,
            offer=offer.label,
            validity=validity,
            is_valid=contract_gives_access(contract, offer, clock.today_in_paris()),
            beneficiaries=beneficiary_views(session, contract.id),
            has_account=account is not None,
            email=account.email if account else "",
            phone=display_mobile(account.phone) if account else "",
            confirmed=paris_datetime(account.email_confirmed_at) if account and account.email_confirmed_at else "",
            locked=paris_datetime(account.locked_at) if account and account.locked_at else "",
            last_login=paris_datetime(account.last_login_at) if account and account.last_login_at else "",
        )


def resend_confirmation(actor: Actor, contract_id: int) -> str:
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        contract = _contract(session, contract_id)
        account = _member_account(session, contract.id)
        if account is None or account.email_confirmed_at is not None:
            raise ValidationError("account", "Ce compte n'attend pas de confirmation d'adresse e-mail.")
        secret = tokens.issue_token(session, account.id, tokens.CONFIRM_EMAIL)
        subject, body = mail_texts.confirm_account(contract.holder_first_name, secret)
        mail.queue_mail(session, account.email, subject, body)
        audit.record(
            session,
            "confirmation_resent",
            adviser,
            target_type="account",
            target_id=account.id,
            member_account_id=account.id,
            contract_id=contract.id,
        )
        return f"Un nouvel e-mail de confirmation a été envoyé à {account.email}."


def unlock_account(actor: Actor, contract_id: int) -> str:
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        contract = _contract(session, contract_id)
        account = _member_account(session, contract.id)
        if account is None or account.locked_at is None:
            raise ValidationError("account", "Ce compte n'est pas bloqué.")
        session.execute(
            sa.update(Account)
            .where(Account.id == account.id)
            .values(locked_at=None, failed_login_count=0, last_failed_login_at=None)
        )
        audit.record(
            session,
            "account_unlocked",
            adviser,
            target_type="account",
            target_id=account.id,
            member_account_id=account.id,
            contract_id=contract.id,
        )
        return "Le compte est débloqué : le membre peut de nouveau se connecter."


def import_contracts(actor: Actor, content: bytes) -> ImportReport:
    """The insurer's file, from the browser (an adviser) or the CLI (the operator): all or nothing, and its audit
    entry in the same transaction (no entry, no import). The operator has no account: recorded without one."""
    who = actors.adviser_or_operator(actor)
    with session_scope() as session:
        adviser = require_adviser(session, who) if isinstance(who, actors.Adviser) else None
        report = import_into(session, content)
        if not report.ok:
            session.rollback()
            return report
        audit.record(session, "contracts_imported", adviser or who, detail=report.summary)
    return report


@dataclass(frozen=True)
class AuditLine:
    when: str
    actor: str
    action: str
    target: str
    origin: str


def audit_trail(actor: Actor, criteria: audit.AuditFilter) -> list[AuditLine]:
    with session_scope() as session:
        require_adviser(session, actor)
        events = audit.search(session, criteria)
        account_ids = {e.actor_account_id for e in events if e.actor_account_id}
        emails = (
            dict(session.exec(select(Account.id, Account.email).where(Account.id.in_(account_ids))).all())
            if account_ids
            else {}
        )
        return [
            AuditLine(
                when=paris_datetime(e.created_at) + f":{e.created_at.second:02d}",
                actor=f"{emails.get(e.actor_account_id, 'anonyme')} ({e.actor_role})",
                action=audit.ACTIONS.get(e.action, e.action),
                target=f"{e.target_type} {e.target_id}" if e.target_type else "",
                origin=f"{e.ip} {e.user_agent[:60]}".strip(),
            )
            for e in events
        ]


def account_id_for_email(actor: Actor, email: str) -> int | None:
    """For the audit filters: the account behind an address (adviser or member)."""
    with session_scope() as session:
        require_adviser(session, actor)
        return session.exec(select(Account.id).where(Account.email == email.strip().lower())).first()


def member_email_of(actor: Actor, account_id: int) -> str:
    """For the journal opened from a member's file (?membre=<account id>): that member's address, "" if none."""
    with session_scope() as session:
        require_adviser(session, actor)
        account = session.get(Account, account_id) if isinstance(account_id, int) else None
        return account.email if account is not None and account.role == "member" else ""


def check_adviser(actor: Actor) -> str:
    """For a back-office page's on_load: the adviser's e-mail, or NotAllowed."""
    with session_scope() as session:
        return require_adviser(session, actor).email


NO_ACCOUNT_TEXT = "Aucun compte avec cette adresse."
BAD_DATE_TEXT = "Date invalide."


def filtered_audit_trail(
    actor: Actor,
    member_email: str = "",
    adviser_email: str = "",
    action: str = "",
    date_from: str = "",
    date_to: str = "",
) -> list[AuditLine]:
    """The audit page's filters as typed (addresses, an action code, ISO dates), each checked, then the lines.

    An unknown address or a bad date is a ValidationError by field; an unknown action code means « all ».
    """
    errors: dict[str, str] = {}
    ids: dict[str, int | None] = {}
    with session_scope() as session:
        require_adviser(session, actor)
        for name, email in (("member_email", member_email), ("adviser_email", adviser_email)):
            address = (email or "").strip().lower()
            ids[name] = session.exec(select(Account.id).where(Account.email == address)).first() if address else None
            if address and ids[name] is None:
                errors[name] = NO_ACCOUNT_TEXT
    dates: dict[str, date | None] = {}
    for name, raw in (("date_from", date_from), ("date_to", date_to)):
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            errors[name] = BAD_DATE_TEXT
    if errors:
        raise ValidationError.many(errors)
    criteria = audit.AuditFilter(
        member_account_id=ids["member_email"],
        actor_account_id=ids["adviser_email"],
        action=action if action in audit.ACTIONS else "",
        date_from=dates["date_from"],
        date_to=dates["date_to"],
    )
    return audit_trail(actor, criteria)
