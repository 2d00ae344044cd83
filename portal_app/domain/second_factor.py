"""Advisers' second factor: a TOTP code (authenticator app) at every login, single-use recovery codes.

After the password, an adviser's session is « pending »: it opens nothing until a valid code is
given. Enrolment happens at the first login, with a QR code.

Wrong codes end a pending login after MAX_ATTEMPTS, and are also counted per account across logins (a right
password must not start a fresh count): after MAX_ACCOUNT_ATTEMPTS the second factor locks, even a right code
is refused, the adviser is told by e-mail, and only an operator (CLI) or another adviser unlocks it.
Recovery codes carry 100 bits and are stored as an HMAC under a key derived from the portal's secret.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import as_utc, get_by_id, session_scope
from portal_app.db.models import Account, AuditEvent, LoginSession, RecoveryCode, SecondFactor
from portal_app.domain import actors, audit, auth, clock, mail, mail_texts, tokens
from portal_app.domain.actors import Actor
from portal_app.domain.emails import normalize_email
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.secret_box import keyed_digest, open_sealed, seal

ISSUER = "Espace Assistance"
RECOVERY_CODE_COUNT = 10
MAX_ATTEMPTS = 5  # wrong codes in one pending login: it ends
MAX_ACCOUNT_ATTEMPTS = 10  # wrong codes across logins since the last right one: the second factor locks
BAD_CODE = (
    "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché par votre application, ou un code de secours."
)
LOCKED = (
    "Trop de codes erronés ont été saisis : la double authentification de votre compte est verrouillée et aucun "
    "code n'est accepté. Demandez à un autre conseiller ou à l'exploitant du portail de la déverrouiller."
)
CODES_NOT_KEPT = (
    "Cochez la case pour confirmer que vous avez conservé vos codes de secours : ils ne seront plus affichés."
)
OWN_UNLOCK = "Un autre conseiller doit déverrouiller votre double authentification."
ADVISER_NOT_FOUND = "Aucun conseiller avec cette adresse e-mail."
_SECRET_PURPOSE = "totp-secret"
_RECOVERY_PURPOSE = "recovery-code"
# Base32 (no 0/1/8/9, easy to read aloud): 5 groups of 4 characters = 100 bits.
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RECOVERY_GROUPS = 5
RECOVERY_GROUP_SIZE = 4
_OLD_RECOVERY = re.compile(r"^[0-9A-F]{12}$")  # XXXX-XXXX-XXXX in hex (48 bits), stored as plain SHA-256


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
    """The secret to scan for an adviser who has none confirmed yet, as a QR code and as text.

    The same secret comes back until a code confirms it: an adviser who reloads the page (or logs in again)
    after scanning it must not be left with an app showing codes for a key the portal threw away.
    """
    with session_scope() as session:
        _login_session, account = _pending(session, actor)
        factor = _factor(session, account.id)
        if factor is not None and factor.confirmed_at is not None:
            raise NotAllowed("La double authentification est déjà activée pour ce compte.")
        if factor is None:
            secret = pyotp.random_base32()
            factor = SecondFactor(account_id=account.id, secret_encrypted=seal(secret, _SECRET_PURPOSE))
            session.add(factor)
        else:
            secret = open_sealed(factor.secret_encrypted, _SECRET_PURPOSE)
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


def _fail(login_session_id: int, account_id: int) -> bool:
    """Count a wrong code: the pending login ends after MAX_ATTEMPTS (counted in the audit trail), the
    account's second factor locks after MAX_ACCOUNT_ATTEMPTS across logins. True when it is locked."""
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
        return _count_for_account(session, account)


def _count_for_account(session: Session, account: Account) -> bool:
    """One more wrong code for the account (one statement: concurrent guesses all count); lock at the limit,
    and tell the adviser and the audit trail once (only the statement that sets locked_at does)."""
    confirmed = (SecondFactor.account_id == account.id, SecondFactor.confirmed_at.is_not(None))
    session.execute(sa.update(SecondFactor).where(*confirmed).values(failed_attempts=SecondFactor.failed_attempts + 1))
    attempts, locked_at = session.execute(
        sa.select(SecondFactor.failed_attempts, SecondFactor.locked_at).where(*confirmed)
    ).one_or_none() or (0, None)
    if locked_at is not None:
        return True
    if attempts < MAX_ACCOUNT_ATTEMPTS:
        return False
    result = session.execute(
        sa.update(SecondFactor).where(*confirmed, SecondFactor.locked_at.is_(None)).values(locked_at=clock.now())
    )
    if result.rowcount == 1:
        subject, body = mail_texts.second_factor_locked(attempts)
        mail.queue_mail(session, account.email, subject, body)
        audit.record(
            session, "second_factor_locked", account, target_type="account", target_id=account.id, detail=str(attempts)
        )
    return True


def _canonical_recovery(code: str) -> str:
    return "-".join(code[i : i + RECOVERY_GROUP_SIZE] for i in range(0, len(code), RECOVERY_GROUP_SIZE))


def _recovery_digest(typed: str) -> str | None:
    """What the table stores for a typed recovery code (spaces, dashes and case ignored), None if it cannot be one.

    New codes: HMAC-SHA256 under a key derived from the portal's secret. Codes given before (12 hex
    characters) keep their plain SHA-256, so that no adviser is locked out by the upgrade.
    """
    compact = "".join(c for c in typed.upper() if c.isalnum())
    if len(compact) == RECOVERY_GROUPS * RECOVERY_GROUP_SIZE and all(c in RECOVERY_ALPHABET for c in compact):
        return keyed_digest(compact, _RECOVERY_PURPOSE)
    if _OLD_RECOVERY.fullmatch(compact):
        return tokens.digest(_canonical_recovery(compact))
    return None


def _new_recovery_codes(session: Session, account_id: int) -> list[str]:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.account_id == account_id)).all():
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        compact = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_SIZE))
        codes.append(_canonical_recovery(compact))
        session.add(RecoveryCode(account_id=account_id, code_hash=keyed_digest(compact, _RECOVERY_PURPOSE)))
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


def acknowledge_recovery_codes(actor: Actor, kept: bool) -> None:
    """The adviser goes on to the back-office only after saying the recovery codes are kept: they are shown
    once, and an adviser who lost both the phone and the codes can only be helped by another adviser."""
    actors.adviser(actor)
    if not kept:
        raise ValidationError("codes_conserves", CODES_NOT_KEPT)


def verify(actor: Actor, code: str) -> None:
    """A TOTP code (never the same one twice) or an unused recovery code opens the pending session.

    While the second factor is locked nothing is checked: even a right code is refused (LOCKED).
    """
    code = (code or "").strip().upper()[:40]
    with session_scope() as session:
        login_session, account = _pending(session, actor)
        ids = (login_session.id, account.id)
        factor = _factor(session, account.id)
        if factor is None or factor.confirmed_at is None:
            raise NotAllowed()
        if factor.locked_at is not None:
            raise ValidationError("code", LOCKED)
        digits = "".join(code.split())
        digest = _recovery_digest(code)
        if digits.isdigit() and len(digits) == 6:
            step = _matching_step(open_sealed(factor.secret_encrypted, _SECRET_PURPOSE), digits)
            if step is not None and step > factor.last_used_step:
                factor.last_used_step = step
                factor.failed_attempts = 0
                session.add(factor)
                _open_session(session, login_session, account)
                return
        elif digest is not None:
            recovery = session.exec(
                select(RecoveryCode).where(
                    RecoveryCode.account_id == account.id,
                    RecoveryCode.code_hash == digest,
                    RecoveryCode.used_at.is_(None),
                )
            ).first()
            if recovery is not None:
                recovery.used_at = clock.now()
                session.add(recovery)
                factor.failed_attempts = 0
                session.add(factor)
                audit.record(session, "recovery_code_used", account, target_type="account", target_id=account.id)
                _open_session(session, login_session, account)
                return
        session.rollback()
    locked = _fail(*ids)
    raise ValidationError("code", LOCKED if locked else BAD_CODE)


def unlock_second_factor(actor: Actor | None, account_id: int) -> bool:
    """Another adviser or the operator unlocks an adviser's second factor (audited); False if it was not locked.

    Not the adviser themself: whoever locked it by guessing may hold that adviser's session on another device.
    """
    who = actors.adviser_or_operator(actor)
    with session_scope() as session:
        unlocker: Account | actors.Operator = who
        if isinstance(who, actors.Adviser):
            unlocker = session.get(Account, who.account_id)
            if unlocker is None or unlocker.role != "adviser" or unlocker.locked_at or unlocker.closed_at:
                raise NotAllowed(actors.ADVISER_ONLY)
            if who.account_id == account_id:
                raise NotAllowed(OWN_UNLOCK)
        target = get_by_id(session, Account, account_id)
        if target is None or target.role != "adviser":
            raise NotFound(ADVISER_NOT_FOUND)
        result = session.execute(
            sa.update(SecondFactor)
            .where(SecondFactor.account_id == target.id, SecondFactor.locked_at.is_not(None))
            .values(locked_at=None, failed_attempts=0)
        )
        if result.rowcount != 1:
            return False
        audit.record(session, "second_factor_unlocked", unlocker, target_type="account", target_id=target.id)
        return True


def unlock_second_factor_by_email(actor: Actor | None, email: str) -> bool:
    """The operator's command names the adviser by e-mail address."""
    actors.adviser_or_operator(actor)
    with session_scope() as session:
        account_id = session.exec(
            select(Account.id).where(Account.email == normalize_email(email), Account.role == "adviser")
        ).first()
    if account_id is None:
        raise NotFound(ADVISER_NOT_FOUND)
    return unlock_second_factor(actor, account_id)
