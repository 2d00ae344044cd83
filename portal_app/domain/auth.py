"""Logging in and out, login sessions, and the brute-force brake (PRODUCT.md rule 5).

A session is a random 256-bit token held by the browser in an HttpOnly cookie; the database keeps only its
SHA-256. The password is checked over the websocket, which cannot set an HttpOnly cookie: a right password
gives a single-use grant (valid LOGIN_GRANT_LIFETIME), which the browser exchanges at once on the portal's
own HTTP route for the session cookie (`open_session`). Sessions end after 30 minutes without activity,
12 hours after login, or at « Déconnexion ».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Contract, LoginSession
from portal_app.domain import audit, clock, mail, mail_texts, rate_limits, tokens
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import DomainError, NotAllowed, ValidationError
from portal_app.domain.passwords import spend_verification_time, verify_password

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(seconds=60)
SECOND_FACTOR_WINDOW = timedelta(minutes=10)

LOGIN_FAILED_MESSAGE = (
    "Adresse e-mail ou mot de passe incorrect. Assurez-vous que vous utilisez les bons identifiants : "
    "vérifiez l'adresse e-mail communiquée à votre inscription et la bonne réception de l'e-mail de "
    "confirmation, et assurez-vous de saisir correctement votre mot de passe. Le cas échéant, vous pouvez "
    "procéder au renouvellement de votre mot de passe."
)
UNCONFIRMED_MESSAGE = (
    "Votre adresse e-mail n'est pas encore confirmée. Ouvrez le lien de l'e-mail de confirmation reçu "
    "après votre inscription (pensez à vérifier vos courriers indésirables), ou demandez un nouvel e-mail."
)
DISABLED_MESSAGE = (
    "Votre compte conseiller est désactivé : aucune connexion n'est possible. Adressez-vous à votre responsable."
)
RESEND_MESSAGE = (
    "Si un compte en attente de confirmation existe pour cette adresse, un nouvel e-mail de confirmation "
    "vient de lui être envoyé."
)


class LoginRefused(DomainError):
    """`reason`: invalid, throttled, unconfirmed or disabled."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class LoginResult:
    """A right password: `grant` is exchanged for the session cookie by the HTTP route (never stored)."""

    grant: str
    role: str
    second_factor_required: bool = False


@dataclass(frozen=True)
class OpenedSession:
    """What the HTTP route puts in the cookie; `pending` while an adviser still owes the TOTP code."""

    session_token: str
    role: str
    pending: bool


def _throttled_message(wait: timedelta) -> str:
    return (
        "Trop de tentatives de connexion infructueuses. Par sécurité, veuillez patienter "
        f"{rate_limits.wait_in_words(wait)} avant de réessayer, ou renouvelez votre mot de passe."
    )


def _brake_subject(email: str) -> str:
    """The brake counts per address as typed (normalised when it is one): accounts and unknown addresses alike."""
    try:
        return normalize_email(email)
    except ValidationError:
        return (email or "").strip().casefold()


def _failed(subject: str) -> LoginRefused:
    """Count a failed login for the address; the refusal to give (the same words with or without an account)."""
    delay = rate_limits.LOGIN_BRAKE.failed(subject)
    if delay:
        return LoginRefused("throttled", _throttled_message(delay))
    return LoginRefused("invalid", LOGIN_FAILED_MESSAGE)


def _braked(subject: str, password: str) -> LoginRefused | None:
    """While the address must wait: refused without trying the password (same time spent), not counted."""
    wait = rate_limits.LOGIN_BRAKE.wait(subject)
    if wait is None:
        return None
    spend_verification_time(password)
    return LoginRefused("throttled", _throttled_message(wait))


def start_session(session: Session, account: Account) -> str:
    """A new login session. An adviser's stays pending (opens nothing) until the TOTP code is given."""
    secret = tokens.new_secret()
    now = clock.now()
    pending = account.role == "adviser"
    session.add(
        LoginSession(
            account_id=account.id,
            token_hash=tokens.digest(secret),
            last_seen_at=now,
            expires_at=now + (SECOND_FACTOR_WINDOW if pending else ABSOLUTE_TIMEOUT),
            second_factor_pending=pending,
        )
    )
    if not pending:
        account.last_login_at = now
        audit.record(
            session, "login_success", account, target_type="account", target_id=account.id, member_account_id=account.id
        )
    session.add(account)
    session.flush()
    return secret


def check_password_with_brake(session: Session, account: Account, password: str, detail: str) -> LoginRefused | None:
    """The login brake, for every check of an account's password (login, closing the account, changing it).

    Braked: refused without trying the password. Wrong: counted for the address (a growing delay from the 5th
    failure in a row, no lock) and audited, and the refusal returned for the caller to commit and raise.
    None when it is right (the failures are then forgotten). The brake's counters live outside the caller's
    transaction: call this before that transaction writes (see `rate_limits.DatabaseStore`).
    """
    if account.locked_at is not None:  # no password opens it (the old rule's locks were lifted by 0008)
        spend_verification_time(password)
        return LoginRefused("invalid", LOGIN_FAILED_MESSAGE)
    refusal = _braked(account.email, password)
    if refusal is not None:
        return refusal
    if verify_password(password, account.password_hash):
        rate_limits.LOGIN_BRAKE.succeeded(account.email)
        return None
    audit.record(
        session,
        "login_failure",
        None,
        target_type="account",
        target_id=account.id,
        member_account_id=account.id if account.role == "member" else None,
        detail=detail,
    )
    return _failed(account.email)


def login(email: str, password: str) -> LoginResult:
    """Check the credentials; slow on purpose (bcrypt), call it from a thread.

    An unknown address and a wrong password get the same answers after the same bcrypt work, the brake's
    included. A right password for an unconfirmed address is recorded (the only case where the page offers
    to send the confirmation again, see `resend_confirmation`).
    """
    if not (email or "").strip() or not password:
        errors = {}
        if not (email or "").strip():
            errors["email"] = "Veuillez indiquer votre adresse e-mail."
        if not password:
            errors["password"] = "Veuillez indiquer votre mot de passe."
        raise ValidationError.many(errors)
    subject = _brake_subject(email)
    refusal = _braked(subject, password)
    if refusal is not None:
        raise refusal
    try:
        address = normalize_email(email)
    except ValidationError:
        spend_verification_time(password)
        raise _failed(subject) from None
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is None or account.closed_at is not None:  # a closed account is an unknown one
            spend_verification_time(password)
            refusal = _failed(address)
            audit.record(session, "login_failure", None, detail="adresse inconnue")
            session.commit()
            raise refusal
        refusal = check_password_with_brake(session, account, password, "mot de passe incorrect")
        if refusal is not None:
            session.commit()  # keeps the audited failure
            raise refusal
        if account.email_confirmed_at is None:
            rate_limits.UNCONFIRMED_LOGIN_REFUSED.set(address)
            raise LoginRefused("unconfirmed", UNCONFIRMED_MESSAGE)
        if account.disabled_at is not None:  # said only after the right password: it reveals nothing
            raise LoginRefused("disabled", DISABLED_MESSAGE)
        grant = tokens.issue_token(session, account.id, tokens.LOGIN_GRANT)
        return LoginResult(grant=grant, role=account.role, second_factor_required=account.role == "adviser")


def open_session(grant: str) -> OpenedSession:
    """Exchange a login grant (single use, seconds old) for a new session; NotAllowed when spent or stale."""
    with session_scope() as session:
        token = tokens.find_usable_token(session, grant, (tokens.LOGIN_GRANT,))
        if token is None or not tokens.consume_token(session, token):
            raise NotAllowed()
        account = session.get(Account, token.account_id)
        if account is None or account.locked_at or account.closed_at or account.disabled_at:
            raise NotAllowed()
        secret = start_session(session, account)
        return OpenedSession(session_token=secret, role=account.role, pending=account.role == "adviser")


def logout(session_digest: str) -> None:
    """End the session on the server (the cookie alone is worthless afterwards)."""
    if not session_digest or len(session_digest) != 64:
        return
    with session_scope() as session:
        login_session = session.exec(
            select(LoginSession).where(LoginSession.token_hash == session_digest, LoginSession.ended_at.is_(None))
        ).first()
        if login_session is None:
            return
        login_session.ended_at = clock.now()
        session.add(login_session)
        account = session.get(Account, login_session.account_id)
        audit.record(
            session,
            "logout",
            account,
            target_type="account",
            target_id=account.id,
            member_account_id=account.id if account.role == "member" else None,
        )


def end_sessions(session: Session, account_id: int, keep_session_id: int | None = None) -> None:
    """End every session of the account, except the one making the request when given."""
    query = sa.update(LoginSession).where(LoginSession.account_id == account_id, LoginSession.ended_at.is_(None))
    if keep_session_id is not None:
        query = query.where(LoginSession.id != keep_session_id)
    session.execute(query.values(ended_at=clock.now()))


def resend_confirmation(email: str) -> str:
    """Send a fresh confirmation link, only to an address whose login was just refused as unconfirmed (by
    the server: `login` records it), within the limits of mails sent on request. The answer is always the same.
    """
    try:
        address = normalize_email(email)
    except ValidationError:
        return RESEND_MESSAGE
    if not rate_limits.UNCONFIRMED_LOGIN_REFUSED.is_set(address):
        return RESEND_MESSAGE
    if not rate_limits.may_send_requested_mail(address, audit.current_origin().ip):
        return RESEND_MESSAGE
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is None or account.email_confirmed_at is not None or account.closed_at is not None:
            return RESEND_MESSAGE
        contract = session.get(Contract, account.contract_id) if account.contract_id else None
        secret = tokens.issue_token(session, account.id, tokens.CONFIRM_EMAIL)
        subject, body = mail_texts.confirm_account(contract.holder_first_name if contract else "", secret)
        mail.queue_mail(session, account.email, subject, body)
    return RESEND_MESSAGE
