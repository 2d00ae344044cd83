"""What a logged-in member sees and edits about themselves (PRODUCT.md rules 7 and 8)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Contract, EmailToken, Insurer, Offer
from portal_app.domain import actors, audit, auth, clock, mail, mail_texts, tokens
from portal_app.domain.actors import Actor
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import ValidationError
from portal_app.domain.formatting import long_date, paris_datetime
from portal_app.domain.offers import contract_gives_access
from portal_app.domain.passwords import check_new_password, hash_password, verify_password
from portal_app.domain.phone import display_mobile, normalize_mobile
from portal_app.domain.registration import EMAIL_TAKEN_MESSAGE, BeneficiaryView, beneficiary_views, personal_words

WRONG_CURRENT_PASSWORD = "Le mot de passe actuel est incorrect."


@dataclass(frozen=True)
class MemberOverview:
    first_name: str
    last_name: str
    member_number: str
    insurer: str
    offer: str
    validity: str
    is_valid: bool
    beneficiaries: list[BeneficiaryView]


@dataclass(frozen=True)
class AccountDetails:
    first_name: str
    last_name: str
    member_number: str
    insurer: str
    email: str
    pending_email: str
    phone: str
    last_login: str
    beneficiaries: list[BeneficiaryView]


def _audit_self(session: Session, account: Account, action: str) -> None:
    """A member's change to their own data (the actor is the member)."""
    audit.record(
        session,
        action,
        account,
        target_type="account",
        target_id=account.id,
        member_account_id=account.id if account.role == "member" else None,
        contract_id=account.contract_id,
    )


def _member(session: Session, actor: Actor) -> tuple[Account, Contract]:
    member = actors.member(actor)
    return session.get(Account, member.account_id), session.get(Contract, member.contract_id)


def _validity_text(contract: Contract) -> str:
    if contract.valid_to is None:
        return f"depuis le {long_date(contract.valid_from)}"
    return f"du {long_date(contract.valid_from)} au {long_date(contract.valid_to)}"


def member_overview(actor: Actor) -> MemberOverview:
    with session_scope() as session:
        account, contract = _member(session, actor)
        offer = session.get(Offer, contract.offer_id)
        return MemberOverview(
            first_name=contract.holder_first_name,
            last_name=contract.holder_last_name,
            member_number=contract.member_number,
            insurer=session.get(Insurer, contract.insurer_id).name,
            offer=offer.label,
            validity=_validity_text(contract),
            is_valid=contract_gives_access(contract, offer, clock.today_in_paris()),
            beneficiaries=beneficiary_views(session, contract.id),
        )


def account_details(actor: Actor) -> AccountDetails:
    with session_scope() as session:
        account, contract = _member(session, actor)
        pending = session.exec(
            select(tokens.EmailToken)
            .where(
                tokens.EmailToken.account_id == account.id,
                tokens.EmailToken.purpose == tokens.CHANGE_EMAIL,
                tokens.EmailToken.used_at.is_(None),
                tokens.EmailToken.expires_at > clock.now(),
            )
            .order_by(tokens.EmailToken.id.desc())
        ).first()
        return AccountDetails(
            first_name=contract.holder_first_name,
            last_name=contract.holder_last_name,
            member_number=contract.member_number,
            insurer=session.get(Insurer, contract.insurer_id).name,
            email=account.email,
            pending_email=pending.new_email if pending else "",
            phone=display_mobile(account.phone),
            last_login=paris_datetime(account.last_login_at),
            beneficiaries=beneficiary_views(session, contract.id),
        )


def _braked_check(session: Session, account: Account, password: str, what: str) -> str | None:
    """The error for « Mot de passe actuel », or None. Every check of a password goes through the login brake:
    otherwise a stolen session could try passwords here without limit."""
    refusal = auth.check_password_with_brake(session, account, password, f"mot de passe incorrect ({what})")
    if refusal is None:
        return None
    return WRONG_CURRENT_PASSWORD if refusal.reason == "invalid" else refusal.message


def update_contact_details(actor: Actor, phone: str, new_email: str, current_password: str) -> str:
    """« Modifier »: the phone changes at once; a new e-mail waits for its confirmation link.

    Changing the e-mail asks for the current password. Returns a French summary of what happened.
    Slow when the e-mail changes (bcrypt): call it from a thread.
    """
    with session_scope() as session:
        account, contract = _member(session, actor)
        errors: dict[str, str] = {}
        phone_e164 = None
        try:
            phone_e164 = normalize_mobile(phone)
        except ValidationError as exc:
            errors.update(exc.errors)
        address = None
        try:
            address = normalize_email(new_email)
        except ValidationError as exc:
            errors.update(exc.errors)
        email_changes = address is not None and address != account.email
        if email_changes:
            if not current_password:
                errors["current_password"] = "Pour changer d'adresse e-mail, indiquez votre mot de passe actuel."
            elif (
                refused := _braked_check(session, account, current_password, "changement d'adresse e-mail")
            ) is not None:
                errors["current_password"] = refused
            if session.exec(select(Account.id).where(Account.email == address, Account.id != account.id)).first():
                errors["email"] = EMAIL_TAKEN_MESSAGE
        if errors:
            session.commit()  # keeps a counted wrong password (and only it) before the refusal
            raise ValidationError.many(errors)
        messages = []
        if phone_e164 != account.phone:
            account.phone = phone_e164
            session.add(account)
            _audit_self(session, account, "phone_changed")
            messages.append("Votre numéro de téléphone mobile a été enregistré.")
        if email_changes:
            secret = tokens.issue_token(session, account.id, tokens.CHANGE_EMAIL, new_email=address)
            subject, body = mail_texts.confirm_new_email(contract.holder_first_name, secret)
            mail.queue_mail(session, address, subject, body)
            subject, body = mail_texts.email_change_requested(contract.holder_first_name)
            mail.queue_mail(session, account.email, subject, body)
            _audit_self(session, account, "email_change_requested")
            messages.append(
                f"Un e-mail de confirmation a été envoyé à {address}. Votre nouvelle adresse sera utilisée "
                "dès que vous aurez ouvert le lien qu'il contient."
            )
        return " ".join(messages) or "Aucune modification à enregistrer."


def change_password(actor: Actor, current_password: str, new_password: str, confirmation: str) -> None:
    """Rule 7: the new password is the one asked at the next login; every other session ends."""
    with session_scope() as session:
        account, contract = _member(session, actor)
        refused = _braked_check(session, account, current_password or "", "changement de mot de passe")
        if refused is not None:
            session.commit()  # keeps the counted wrong password before the refusal
            raise ValidationError("current_password", refused)
        check_new_password(
            new_password,
            confirmation,
            personal_words(session, contract.id),
            field="new_password",
            confirmation_field="new_password_confirmation",
        )
        if verify_password(new_password, account.password_hash):
            raise ValidationError("new_password", "Le nouveau mot de passe doit être différent de l'actuel.")
        set_password(session, account, contract, new_password, keep_session_id=actors.member(actor).session_id)
        _audit_self(session, account, "password_changed")


def set_password(
    session: Session, account: Account, contract: Contract | None, password: str, keep_session_id: int | None
) -> None:
    """Store a new password: ends other sessions (and login grants not yet exchanged for one), reset links
    and pending e-mail changes, clears the lock.

    Cancelling a pending e-mail change matters: the notice sent to the old address tells a member who
    did not ask for the change to change their password, and that must stop the takeover.
    """
    account.password_hash = hash_password(password)
    account.password_changed_at = clock.now()
    account.failed_login_count = 0
    account.last_failed_login_at = None
    account.locked_at = None
    session.add(account)
    auth.end_sessions(session, account.id, keep_session_id=keep_session_id)
    tokens.retire_tokens(session, account.id, tokens.RESET_PASSWORD, tokens.CHANGE_EMAIL, tokens.LOGIN_GRANT)
    subject, body = mail_texts.password_changed(contract.holder_first_name if contract else "")
    mail.queue_mail(session, account.email, subject, body)


ALREADY_CONFIRMED = "Votre adresse e-mail est déjà confirmée : vous pouvez vous connecter."


def _already_confirmed_by(session: Session, link_digest: str) -> bool:
    """A confirmation link opened again after it worked (a second click, the mail app's preview…)."""
    if not isinstance(link_digest, str) or len(link_digest) != 64:
        return False
    token = session.exec(select(EmailToken).where(EmailToken.token_hash == link_digest)).first()
    if token is None or token.purpose != tokens.CONFIRM_EMAIL or token.used_at is None:
        return False
    account = session.get(Account, token.account_id)
    return account is not None and account.email_confirmed_at is not None and account.closed_at is None


def confirm_email_link(link_digest: str) -> str:
    """The link of a confirmation e-mail (new account or new address); returns what to tell the member.

    `link_digest`: the SHA-256 of the link's secret (the page's server side never sees the secret)."""
    with session_scope() as session:
        token = tokens.find_usable_token_by_digest(session, link_digest, (tokens.CONFIRM_EMAIL, tokens.CHANGE_EMAIL))
        if token is None or not tokens.consume_token(session, token):
            if _already_confirmed_by(session, link_digest):
                return ALREADY_CONFIRMED
            raise ValidationError(
                "token",
                "Ce lien de confirmation n'est plus valable : il a déjà été utilisé ou il a expiré. "
                "Connectez-vous pour en demander un nouveau.",
            )
        account = session.get(Account, token.account_id)
        if token.purpose == tokens.CONFIRM_EMAIL:
            if account.email_confirmed_at is None:
                account.email_confirmed_at = clock.now()
                session.add(account)
                _audit_self(session, account, "email_confirmed")
            return "Votre adresse e-mail est confirmée. Vous pouvez maintenant vous connecter."
        if session.exec(select(Account.id).where(Account.email == token.new_email, Account.id != account.id)).first():
            session.rollback()
            raise ValidationError("token", EMAIL_TAKEN_MESSAGE)
        account.email = token.new_email
        account.email_confirmed_at = clock.now()
        session.add(account)
        tokens.retire_tokens(session, account.id, tokens.CHANGE_EMAIL, tokens.RESET_PASSWORD)
        _audit_self(session, account, "email_changed")
        return f"Votre nouvelle adresse e-mail {token.new_email} est confirmée : utilisez-la pour vous connecter."
