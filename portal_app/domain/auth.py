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

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, Contract, LoginSession
from portal_app.domain import audit, clock, mail, mail_texts, tokens
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import DomainError, NotAllowed, ValidationError
from portal_app.domain.passwords import spend_verification_time, verify_password

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(seconds=60)
FAILURES_BEFORE_DELAY = 5
FAILURES_BEFORE_LOCK = 10
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
LOCKED_MESSAGE = (
    "Par sécurité, votre compte est bloqué après 10 tentatives de connexion infructueuses. Pour le "
    "débloquer, renouvelez votre mot de passe avec le lien « J'ai oublié mon mot de passe »."
)
DISABLED_MESSAGE = (
    "Votre compte conseiller est désactivé : aucune connexion n'est possible. Adressez-vous à votre responsable."
)
RESEND_MESSAGE = (
    "Si un compte en attente de confirmation existe pour cette adresse, un nouvel e-mail de confirmation "
    "vient de lui être envoyé."
)


class LoginRefused(DomainError):
    """`reason`: invalid, throttled, locked, unconfirmed or disabled."""

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


def _delay_after(failures: int) -> timedelta:
    """1 minute after the 5th failure, then doubling: 2, 4, 8, 16 minutes."""
    if failures < FAILURES_BEFORE_DELAY:
        return timedelta(0)
    return timedelta(minutes=2 ** (failures - FAILURES_BEFORE_DELAY))


def _minutes(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


def _throttled_message(wait: timedelta) -> str:
    minutes = _minutes(wait)
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Trop de tentatives de connexion infructueuses. Par sécurité, veuillez patienter {minutes} {unit} "
        "avant de réessayer, ou renouvelez votre mot de passe."
    )


def _record_failure(session: Session, account: Account) -> None:
    now = clock.now()
    session.execute(
        sa.update(Account)
        .where(Account.id == account.id)
        .values(failed_login_count=Account.failed_login_count + 1, last_failed_login_at=now)
    )
    session.flush()
    session.refresh(account)
    if account.failed_login_count >= FAILURES_BEFORE_LOCK and account.locked_at is None:
        account.locked_at = now
        session.add(account)


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
    account.failed_login_count = 0
    account.last_failed_login_at = None
    if not pending:
        account.last_login_at = now
        audit.record(
            session, "login_success", account, target_type="account", target_id=account.id, member_account_id=account.id
        )
    session.add(account)
    session.flush()
    return secret


def check_password_with_brake(session: Session, account: Account, password: str, detail: str) -> LoginRefused | None:
    """The login brake, for every check of an account's password (login, closing the account).

    Locked or still waiting: refused without trying the password. Wrong: counted (delay after 5 failures, lock
    at 10) and recorded, and the refusal returned for the caller to commit and raise. None when it is right.
    """
    if account.locked_at is not None:
        spend_verification_time(password)
        return LoginRefused("locked", LOCKED_MESSAGE)
    last_failure = as_utc(account.last_failed_login_at)
    wait_until = last_failure + _delay_after(account.failed_login_count) if last_failure else None
    if wait_until is not None and clock.now() < wait_until:
        spend_verification_time(password)
        return LoginRefused("throttled", _throttled_message(wait_until - clock.now()))
    if verify_password(password, account.password_hash):
        return None
    _record_failure(session, account)
    audit.record(
        session,
        "login_failure",
        None,
        target_type="account",
        target_id=account.id,
        member_account_id=account.id if account.role == "member" else None,
        detail=detail,
    )
    failures = account.failed_login_count
    if account.locked_at is not None:
        return LoginRefused("locked", LOCKED_MESSAGE)
    if failures >= FAILURES_BEFORE_DELAY:
        return LoginRefused("throttled", _throttled_message(_delay_after(failures)))
    return LoginRefused("invalid", LOGIN_FAILED_MESSAGE)


def login(email: str, password: str) -> LoginResult:
    """Check the credentials; slow on purpose (bcrypt), call it from a thread.

    An unknown address and a wrong password get the same answer after the same bcrypt work.
    """
    if not (email or "").strip() or not password:
        errors = {}
        if not (email or "").strip():
            errors["email"] = "Veuillez indiquer votre adresse e-mail."
        if not password:
            errors["password"] = "Veuillez indiquer votre mot de passe."
        raise ValidationError.many(errors)
    try:
        address = normalize_email(email)
    except ValidationError:
        spend_verification_time(password)
        raise LoginRefused("invalid", LOGIN_FAILED_MESSAGE) from None
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is None or account.closed_at is not None:  # a closed account is an unknown one
            spend_verification_time(password)
            audit.record(session, "login_failure", None, detail="adresse inconnue")
            session.commit()
            raise LoginRefused("invalid", LOGIN_FAILED_MESSAGE)
        refusal = check_password_with_brake(session, account, password, "mot de passe incorrect")
        if refusal is not None:
            session.commit()  # keeps the counted failure
            raise refusal
        if account.email_confirmed_at is None:
            raise LoginRefused("unconfirmed", UNCONFIRMED_MESSAGE)
        if account.disabled_at is not None:  # said only after the right password: it reveals nothing
            raise LoginRefused("disabled", DISABLED_MESSAGE)
        account.failed_login_count = 0
        account.last_failed_login_at = None
        session.add(account)
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
    """Send a fresh confirmation link; the answer is the same whether or not the address has an account."""
    try:
        address = normalize_email(email)
    except ValidationError:
        return RESEND_MESSAGE
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.email == address)).first()
        if account is None or account.email_confirmed_at is not None:
            return RESEND_MESSAGE
        contract = session.get(Contract, account.contract_id) if account.contract_id else None
        secret = tokens.issue_token(session, account.id, tokens.CONFIRM_EMAIL)
        subject, body = mail_texts.confirm_account(contract.holder_first_name if contract else "", secret)
        mail.queue_mail(session, account.email, subject, body)
    return RESEND_MESSAGE
