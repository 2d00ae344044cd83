"""Registration (PRODUCT.md rules 3 and 4): numéro adhérent + holder's names, then the account."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Beneficiary, Contract, Insurer, Offer
from portal_app.db.vocabulary import Relation, Role
from portal_app.domain import audit, clock, mail, mail_texts, rate_limits, tokens
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import DomainError, ValidationError
from portal_app.domain.formatting import day_date
from portal_app.domain.offers import contract_gives_access
from portal_app.domain.passwords import check_new_password, hash_password
from portal_app.domain.phone import normalize_mobile
from portal_app.domain.text import fold_name, member_number_key

NO_ACCESS_MESSAGE = (
    "Veuillez vous assurer que vous avez souscrit à une offre vous donnant l'accès au service, "
    "et que cette offre est en cours de validité. Le cas échéant, rapprochez-vous de votre conseiller."
)
NO_CONTRACT_MESSAGE = (
    "Aucun contrat ne correspond à ce numéro adhérent, ce prénom et ce nom. Vérifiez le numéro présent sur "
    "votre carte de tiers payant et le nom de la personne indiquée avec la qualité « Adhérent » / "
    "« Souscripteur »."
)
ACCOUNT_EXISTS_MESSAGE = (
    "Un compte existe déjà pour ce contrat. Connectez-vous avec l'adresse e-mail choisie lors de "
    "l'inscription, ou renouvelez votre mot de passe si vous l'avez oublié."
)
EMAIL_TAKEN_MESSAGE = "Cette adresse e-mail est déjà utilisée par un autre compte."
TERMS_MESSAGE = "Vous devez accepter les conditions d'utilisation pour créer votre compte."

RELATION_LABELS = {
    Relation.ADHERENT: "Adhérent",
    Relation.CONJOINT: "Conjoint",
    Relation.ENFANT: "Enfant",
    Relation.AUTRE: "Autre",
}


class RegistrationRefused(DomainError):
    """The contract cannot be used to register; `reason` is no_contract, no_access, account_exists or throttled."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class BeneficiaryView:
    first_name: str
    last_name: str
    relation: str
    birth_date: str


@dataclass(frozen=True)
class BeneficiaryName:
    """A beneficiary as registration step 2 shows them: first name and relation only.

    Whoever knows a card's number and holder sees this; a birth date or a last name there would hand out
    what identity checks elsewhere rely on (security review, finding 2).
    """

    first_name: str
    relation: str


@dataclass(frozen=True)
class ContractPreview:
    member_number: str
    insurer: str
    offer: str
    holder_first_name: str
    holder_last_name: str
    beneficiaries: list[BeneficiaryName]


def _identity_errors(member_number: str, first_name: str, last_name: str) -> dict[str, str]:
    errors = {}
    if not member_number_key(member_number or ""):
        errors["member_number"] = "Veuillez indiquer le numéro adhérent présent sur votre carte de tiers payant."
    if not (first_name or "").strip():
        errors["first_name"] = "Veuillez indiquer le prénom de l'adhérent / souscripteur."
    if not (last_name or "").strip():
        errors["last_name"] = "Veuillez indiquer le nom de l'adhérent / souscripteur."
    return errors


def _find_contract(session: Session, member_number: str, first_name: str, last_name: str) -> Contract:
    errors = _identity_errors(member_number, first_name, last_name)
    if errors:
        raise ValidationError.many(errors)
    key = member_number_key(member_number)
    if len(key) > 64:
        raise RegistrationRefused("no_contract", NO_CONTRACT_MESSAGE)
    candidates = session.exec(select(Contract).where(Contract.member_number_key == key)).all()
    matching = [
        c
        for c in candidates
        if fold_name(c.holder_first_name) == fold_name(first_name)
        and fold_name(c.holder_last_name) == fold_name(last_name)
    ]
    if not matching:
        raise RegistrationRefused("no_contract", NO_CONTRACT_MESSAGE)
    today = clock.today_in_paris()
    usable = [c for c in matching if contract_gives_access(c, session.get(Offer, c.offer_id), today)]
    if not usable:
        raise RegistrationRefused("no_access", NO_ACCESS_MESSAGE)
    contract = usable[0]
    if session.exec(select(Account.id).where(Account.contract_id == contract.id)).first() is not None:
        raise RegistrationRefused("account_exists", ACCOUNT_EXISTS_MESSAGE)
    return contract


def beneficiary_views(session: Session, contract_id: int) -> list[BeneficiaryView]:
    order = {"adherent": 0, "conjoint": 1, "enfant": 2, "autre": 3}
    people = session.exec(select(Beneficiary).where(Beneficiary.contract_id == contract_id)).all()
    people = sorted(people, key=lambda b: (order.get(b.relation, 9), b.birth_date, b.first_name))
    return [
        BeneficiaryView(b.first_name, b.last_name, RELATION_LABELS.get(b.relation, b.relation), day_date(b.birth_date))
        for b in people
    ]


def throttled_message(wait) -> str:
    return f"Trop d'essais. Réessayez dans {rate_limits.wait_in_words(wait)}."


def _count_check(member_number: str) -> None:
    """Step 1 answers « no contract », « no access » or « an account exists » (the FAQ wants them): limited per
    IP, then per numéro adhérent, so it cannot be run through a list. A refusal past a limit is audited."""
    ip = audit.current_origin().ip
    wait = rate_limits.REGISTRATION_PER_IP.hit(ip) if ip else None
    detail = "limite par adresse IP"
    if wait is None:
        wait = rate_limits.REGISTRATION_PER_NUMBER.hit(member_number_key(member_number)[:64])
        detail = "limite par numéro adhérent"
    if wait is not None:
        audit.record_now("registration_throttled", None, detail=detail)
        raise RegistrationRefused("throttled", throttled_message(wait))


def check_contract(member_number: str, first_name: str, last_name: str) -> ContractPreview:
    """Step 1 → step 2: the contract the member may register with, and its beneficiaries' first names."""
    errors = _identity_errors(member_number, first_name, last_name)
    if errors:
        raise ValidationError.many(errors)
    _count_check(member_number)
    with session_scope() as session:
        contract = _find_contract(session, member_number, first_name, last_name)
        insurer = session.get(Insurer, contract.insurer_id)
        offer = session.get(Offer, contract.offer_id)
        return ContractPreview(
            member_number=contract.member_number,
            insurer=insurer.name,
            offer=offer.label,
            holder_first_name=contract.holder_first_name,
            holder_last_name=contract.holder_last_name,
            beneficiaries=[BeneficiaryName(b.first_name, b.relation) for b in beneficiary_views(session, contract.id)],
        )


def personal_words(session: Session, contract_id: int) -> list[str]:
    """Names a password must not contain: every beneficiary's first and last name."""
    people = session.exec(select(Beneficiary).where(Beneficiary.contract_id == contract_id)).all()
    return [name for b in people for name in (b.first_name, b.last_name)]


def register_account(
    member_number: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    password: str,
    password_confirmation: str,
    accepted_terms: bool,
) -> str:
    """Step 3: create the account and queue its confirmation e-mail; returns the address used.

    Everything is checked again from scratch: the earlier steps only lived in the browser's state.
    Slow (bcrypt): call it from a thread.
    """
    with session_scope() as session:
        contract = _find_contract(session, member_number, first_name, last_name)
        errors: dict[str, str] = {}
        normalized_email = phone_e164 = None
        try:
            normalized_email = normalize_email(email)
        except ValidationError as exc:
            errors.update(exc.errors)
        try:
            phone_e164 = normalize_mobile(phone)
        except ValidationError as exc:
            errors.update(exc.errors)
        try:
            check_new_password(password, password_confirmation, personal_words(session, contract.id))
        except ValidationError as exc:
            errors.update(exc.errors)
        if not accepted_terms:
            errors["terms"] = TERMS_MESSAGE
        if normalized_email and session.exec(select(Account.id).where(Account.email == normalized_email)).first():
            errors["email"] = EMAIL_TAKEN_MESSAGE
        if errors:
            raise ValidationError.many(errors)
        account = Account(
            contract_id=contract.id,
            email=normalized_email,
            phone=phone_e164,
            password_hash=hash_password(password),
            role=Role.MEMBER,
            password_changed_at=clock.now(),
        )
        session.add(account)
        try:
            session.flush()
        except sa.exc.IntegrityError:
            # Another request registered the same contract or address in the meantime.
            session.rollback()
            raise RegistrationRefused("account_exists", ACCOUNT_EXISTS_MESSAGE) from None
        secret = tokens.issue_token(session, account.id, tokens.CONFIRM_EMAIL)
        subject, body = mail_texts.confirm_account(contract.holder_first_name, secret)
        mail.queue_mail(session, normalized_email, subject, body)
        audit.record(
            session,
            "account_created",
            account,
            target_type="account",
            target_id=account.id,
            member_account_id=account.id,
            contract_id=contract.id,
        )
        return normalized_email
