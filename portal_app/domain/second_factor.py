"""Advisers' second factor: a TOTP code (authenticator app) at every login, single-use recovery codes.

After the password, an adviser's session is « pending »: it opens nothing until a valid code is
given. Enrolment happens at the first login, with a QR code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, AuditEvent, LoginSession, RecoveryCode, SecondFactor
from portal_app.domain import actors, audit, auth, clock, tokens
from portal_app.domain.actors import Actor
from portal_app.domain.errors import NotAllowed, ValidationError
from portal_app.domain.secret_box import open_sealed, seal

ISSUER = "Espace Assistance"
RECOVERY_CODE_COUNT = 10
MAX_ATTEMPTS = 5
BAD_CODE = (
    "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché par votre application, ou un code de secours."
)
_SECRET_PURPOSE = "totp-secret"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    qr_svg_data_uri: str


def _pending(session: Session, actor: Actor) -> tuple[LoginSession, Account]:
    pending = actors.pending_adviser(actor)
    login_session = session.get(LoginSession, pending.session_id)
    if (
        login_session is None
        or not login_session.second_factor_pending
        or login_session.ended_at is not None
        or as_utc(login_session.expires_at) <= clock.now()
    ):
        raise NotAllowed(actors.SECOND_FACTOR_EXPIRED)
    account = session.get(Account, login_session.account_id)
    if account is None or account.role != "adviser" or account.locked_at is not None:
        raise NotAllowed()
    return login_session, account


def _factor(session: Session, account_id: int) -> SecondFactor | None:
    return session.exec(select(SecondFactor).where(SecondFactor.account_id == account_id)).first()


def needs_enrolment(actor: Actor) -> bool:
    with session_scope() as session:
        _login_session, account = _pending(session, actor)
        factor = _factor(session, account.id)
        return factor is None or factor.confirmed_at is None


def start_enrolment(actor: Actor) -> Enrolment:
    """A new secret for an adviser who has none confirmed yet; shown once, as a QR code and as text."""
    with session_scope() as session:
        _login_session, account = _pending(session, actor)
        factor = _factor(session, account.id)
        if factor is not None and factor.confirmed_at is not None:
            raise NotAllowed("La double authentification est déjà activée pour ce compte.")
        secret = pyotp.random_base32()
        if factor is None:
            factor = SecondFactor(account_id=account.id, secret_encrypted=seal(secret, _SECRET_PURPOSE))
        else:
            factor.secret_encrypted = seal(secret, _SECRET_PURPOSE)
        session.add(factor)
        uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=ISSUER)
        return Enrolment(secret=secret, qr_svg_data_uri=segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _matching_step(secret: str, code: str) -> int | None:
    """The time step a 6-digit code belongs to (now, or one step either side for clock drift)."""
    totp = pyotp.TOTP(secret)
    now = clock.now()
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=30 * drift)
        if secrets.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _fail(login_session_id: int, account_id: int) -> None:
    """Count a wrong code (in the audit trail); the pending login ends after MAX_ATTEMPTS."""
    with session_scope() as session:
        account = session.get(Account, account_id)
        audit.record(session, "login_second_factor_failure", account, target_type="account", target_id=account.id)
        session.flush()
        row = session.get(LoginSession, login_session_id)
        failures = session.exec(
            select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "login_second_factor_failure",
                AuditEvent.actor_account_id == account.id,
                AuditEvent.created_at >= as_utc(row.last_seen_at),  # a pending session is never touched
            )
        ).one()
        if failures >= MAX_ATTEMPTS:
            row.ended_at = clock.now()
            session.add(row)


def _new_recovery_codes(session: Session, account_id: int) -> list[str]:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.account_id == account_id)).all():
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        codes.append(code)
        session.add(RecoveryCode(account_id=account_id, code_hash=tokens.digest(code)))
    return codes


def _open_session(session: Session, login_session: LoginSession, account: Account) -> None:
    now = clock.now()
    login_session.second_factor_pending = False
    login_session.last_seen_at = now
    login_session.expires_at = now + auth.ABSOLUTE_TIMEOUT
    session.add(login_session)
    account.last_login_at = now
    session.add(account)
    audit.record(session, "login_success", account, target_type="account", target_id=account.id)


def confirm_enrolment(actor: Actor, code: str) -> list[str]:
    """The first code proves the app is set up; returns the recovery codes, shown once."""
    code = "".join((code or "").split())
    with session_scope() as session:
        login_session, account = _pending(session, actor)
        factor = _factor(session, account.id)
        if factor is None or factor.confirmed_at is not None:
            raise NotAllowed()
        step = _matching_step(open_sealed(factor.secret_encrypted, _SECRET_PURPOSE), code) if code.isdigit() else None
        if step is None:
            ids = (login_session.id, account.id)
            session.rollback()
            _fail(*ids)
            raise ValidationError("code", BAD_CODE)
        factor.confirmed_at = clock.now()
        factor.last_used_step = step
        session.add(factor)
        codes = _new_recovery_codes(session, account.id)
        audit.record(session, "second_factor_enrolled", account, target_type="account", target_id=account.id)
        _open_session(session, login_session, account)
        return codes


def verify(actor: Actor, code: str) -> None:
    """A TOTP code (never the same one twice) or an unused recovery code opens the pending session."""
    code = (code or "").strip().upper()[:40]
    with session_scope() as session:
        login_session, account = _pending(session, actor)
        ids = (login_session.id, account.id)
        factor = _factor(session, account.id)
        if factor is None or factor.confirmed_at is None:
            raise NotAllowed()
        digits = "".join(code.split())
        if digits.isdigit() and len(digits) == 6:
            step = _matching_step(open_sealed(factor.secret_encrypted, _SECRET_PURPOSE), digits)
            if step is not None and step > factor.last_used_step:
                factor.last_used_step = step
                session.add(factor)
                _open_session(session, login_session, account)
                return
        elif code:
            recovery = session.exec(
                select(RecoveryCode).where(
                    RecoveryCode.account_id == account.id,
                    RecoveryCode.code_hash == tokens.digest(code),
                    RecoveryCode.used_at.is_(None),
                )
            ).first()
            if recovery is not None:
                recovery.used_at = clock.now()
                session.add(recovery)
                audit.record(session, "recovery_code_used", account, target_type="account", target_id=account.id)
                _open_session(session, login_session, account)
                return
        session.rollback()
    _fail(*ids)
    raise ValidationError("code", BAD_CODE)
