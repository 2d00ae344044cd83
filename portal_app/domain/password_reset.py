"""« J'ai oublié mon mot de passe » (PRODUCT.md rule 6): never reveals whether an address has an account."""

from __future__ import annotations

from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Contract
from portal_app.domain import audit, clock, mail, mail_texts, rate_limits, tokens
from portal_app.domain.account import set_password
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import ValidationError
from portal_app.domain.passwords import check_new_password
from portal_app.domain.registration import personal_words

REQUEST_ANSWER = (
    "Si cette adresse correspond à un compte, un e-mail vient d'y être envoyé. Il contient un lien, "
    "valable 1 heure, pour choisir un nouveau mot de passe. Pensez à vérifier vos courriers indésirables."
)
INVALID_LINK = (
    "Ce lien n'est plus valable : il a déjà été utilisé, il a expiré (1 heure) ou un lien plus récent a été "
    "envoyé. Faites une nouvelle demande."
)


def request_password_reset(email: str) -> str:
    """Queue a reset link when the address has an account, within the limits of mails sent on request (3 per
    address, 10 per IP per hour: a form must not become a way to flood a mailbox); the answer is the same
    every time."""
    address = normalize_email(email)  # a malformed address is a typing error, said next to the field
    if not rate_limits.may_send_requested_mail(address, audit.current_origin().ip):
        return REQUEST_ANSWER
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is not None and account.closed_at is None:
            contract = session.get(Contract, account.contract_id) if account.contract_id else None
            secret = tokens.issue_token(session, account.id, tokens.RESET_PASSWORD)
            subject, body = mail_texts.reset_password(contract.holder_first_name if contract else "", secret)
            mail.queue_mail(session, account.email, subject, body)
    return REQUEST_ANSWER


def reset_link_is_valid(link_digest: str) -> bool:
    """`link_digest`: the SHA-256 of the link's secret (the page's server side never sees the secret)."""
    with session_scope() as session:
        return tokens.find_usable_token_by_digest(session, link_digest, (tokens.RESET_PASSWORD,)) is not None


def reset_password(link_digest: str, new_password: str, confirmation: str) -> None:
    """Set the new password: ends every session, clears the login brake, confirms the address (the link
    proves it)."""
    with session_scope() as session:
        token = tokens.find_usable_token_by_digest(session, link_digest, (tokens.RESET_PASSWORD,))
        if token is None:
            raise ValidationError("token", INVALID_LINK)
        account = session.get(Account, token.account_id)
        contract = session.get(Contract, account.contract_id) if account.contract_id else None
        words = personal_words(session, contract.id) if contract else []
        check_new_password(new_password, confirmation, words)
        if not tokens.consume_token(session, token):
            raise ValidationError("token", INVALID_LINK)
        if account.email_confirmed_at is None:
            account.email_confirmed_at = clock.now()
        set_password(session, account, contract, new_password, keep_session_id=None)
        audit.record(
            session,
            "password_reset",
            account,
            target_type="account",
            target_id=account.id,
            member_account_id=account.id if account.role == "member" else None,
            contract_id=account.contract_id,
        )
        address = account.email
    rate_limits.LOGIN_BRAKE.succeeded(address)  # after the commit: the brake's counters are outside it
