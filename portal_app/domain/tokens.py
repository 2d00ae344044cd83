"""Secrets handed to a person (links, session cookies): random, single-use, only their hash stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import as_utc
from portal_app.db.models import EmailToken
from portal_app.db.vocabulary import TokenPurpose
from portal_app.domain import clock

CONFIRM_EMAIL = TokenPurpose.CONFIRM_EMAIL
CHANGE_EMAIL = TokenPurpose.CHANGE_EMAIL
RESET_PASSWORD = TokenPurpose.RESET_PASSWORD
LOGIN_GRANT = TokenPurpose.LOGIN_GRANT

LIFETIMES = {
    CONFIRM_EMAIL: timedelta(hours=48),
    CHANGE_EMAIL: timedelta(hours=48),
    RESET_PASSWORD: timedelta(hours=1),
    LOGIN_GRANT: timedelta(seconds=60),  # the browser exchanges it at once for the session cookie
}


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def retire_tokens(session: Session, account_id: int, *purposes: str) -> None:
    """Mark every still-usable token of these purposes as used: a newer link replaces older ones."""
    session.execute(
        sa.update(EmailToken)
        .where(EmailToken.account_id == account_id, EmailToken.purpose.in_(purposes), EmailToken.used_at.is_(None))
        .values(used_at=clock.now())
    )


def issue_token(session: Session, account_id: int, purpose: str, new_email: str | None = None) -> str:
    retire_tokens(session, account_id, purpose)
    secret = new_secret()
    session.add(
        EmailToken(
            account_id=account_id,
            purpose=purpose,
            token_hash=digest(secret),
            new_email=new_email,
            expires_at=clock.now() + LIFETIMES[purpose],
        )
    )
    session.flush()
    return secret


def find_usable_token(session: Session, secret: str, purposes: tuple[str, ...]) -> EmailToken | None:
    if not secret or not isinstance(secret, str) or len(secret) > 200:
        return None
    return find_usable_token_by_digest(session, digest(secret), purposes)


def find_usable_token_by_digest(session: Session, token_digest: str, purposes: tuple[str, ...]) -> EmailToken | None:
    """For e-mail links: the server side sees only the SHA-256 of the secret the link's cookie holds."""
    if not isinstance(token_digest, str) or len(token_digest) != 64:
        return None
    token = session.exec(select(EmailToken).where(EmailToken.token_hash == token_digest)).first()
    if token is None or token.purpose not in purposes or token.used_at is not None:
        return None
    if as_utc(token.expires_at) <= clock.now():
        return None
    return token


def consume_token(session: Session, token: EmailToken) -> bool:
    """Atomically mark the token used; False when another request used it first."""
    result = session.execute(
        sa.update(EmailToken).where(EmailToken.id == token.id, EmailToken.used_at.is_(None)).values(used_at=clock.now())
    )
    return result.rowcount == 1
