"""Who is acting: a session turned once per request into a typed actor, and the role rules in one place.

The browser holds a random session token in an HttpOnly cookie; everything on the server sees only its
SHA-256 (`session digest`, what the database stores), so neither Reflex's stored state nor a log can replay
it. Domain actions take the actor, never a token or a bare id, and narrow it with `member()`/`adviser()`:
anyone can send any event, so the action itself decides whether this actor may do this.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, LoginSession
from portal_app.domain import clock
from portal_app.domain.errors import NotAllowed

ADVISER_ONLY = "Cette page est réservée aux conseillers."
SECOND_FACTOR_EXPIRED = "Votre connexion a expiré : saisissez à nouveau votre adresse e-mail et votre mot de passe."
DIGEST_LENGTH = 64


@dataclass(frozen=True)
class Member:
    """A member logged in: their account and the contract it was registered on."""

    account_id: int
    contract_id: int
    session_id: int


@dataclass(frozen=True)
class Adviser:
    """An adviser who gave the password and the second factor."""

    account_id: int
    session_id: int


@dataclass(frozen=True)
class PendingAdviser:
    """An adviser whose password was right and who still owes the TOTP code: opens nothing else."""

    account_id: int
    session_id: int


@dataclass(frozen=True)
class Operator:
    """The operator at the command line (imports, key rotation): trusted by whoever can run the CLI."""

    name: str = "operator"


Actor = Member | Adviser | PendingAdviser | Operator


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == DIGEST_LENGTH and all(c in "0123456789abcdef" for c in value)


def live_login_session(session: Session, session_digest: str | None) -> LoginSession | None:
    """The login session behind a digest while it lives (not ended, not expired, not idle too long)."""
    from portal_app.domain.auth import IDLE_TIMEOUT  # auth builds on this module

    if not _is_digest(session_digest):
        return None
    login_session = session.exec(select(LoginSession).where(LoginSession.token_hash == session_digest)).first()
    if login_session is None or login_session.ended_at is not None:
        return None
    now = clock.now()
    if as_utc(login_session.expires_at) <= now:
        return None
    if not login_session.second_factor_pending and as_utc(login_session.last_seen_at) + IDLE_TIMEOUT <= now:
        return None
    return login_session


def actor_in(session: Session, session_digest: str | None, touch: bool = True) -> Member | Adviser | PendingAdviser:
    """The actor of a live session inside an open transaction, or NotAllowed. Counts as activity."""
    from portal_app.domain.auth import TOUCH_INTERVAL

    login_session = live_login_session(session, session_digest)
    if login_session is None:
        raise NotAllowed()
    account = session.get(Account, login_session.account_id)
    if account is None or account.locked_at is not None or account.closed_at is not None:
        raise NotAllowed()
    if account.disabled_at is not None:  # disabled by the operator: every session ends at once
        raise NotAllowed()
    if login_session.second_factor_pending:
        if account.role != "adviser":
            raise NotAllowed()
        return PendingAdviser(account.id, login_session.id)
    now = clock.now()
    if touch and as_utc(login_session.last_seen_at) + TOUCH_INTERVAL <= now:
        login_session.last_seen_at = now
        session.add(login_session)
    if account.role == "adviser":
        return Adviser(account.id, login_session.id)
    if account.role == "member" and account.contract_id is not None:
        return Member(account.id, account.contract_id, login_session.id)
    raise NotAllowed()


def resolve(session_digest: str | None) -> Member | Adviser | PendingAdviser:
    """The actor behind the request's session, or NotAllowed (no cookie, ended, expired, locked, closed)."""
    with session_scope() as session:
        return actor_in(session, session_digest)


def resolve_or_none(session_digest: str | None) -> Member | Adviser | PendingAdviser | None:
    """For pages that only adapt to who is there (« Mon Espace » or « Connexion » in the header)."""
    try:
        return resolve(session_digest)
    except NotAllowed:
        return None


def member(actor: Actor | None) -> Member:
    if not isinstance(actor, Member):
        raise NotAllowed()
    return actor


def adviser(actor: Actor | None) -> Adviser:
    if not isinstance(actor, Adviser):
        raise NotAllowed(ADVISER_ONLY)
    return actor


def adviser_or_operator(actor: Actor | None) -> Adviser | Operator:
    if not isinstance(actor, Adviser | Operator):
        raise NotAllowed(ADVISER_ONLY)
    return actor


def pending_adviser(actor: Actor | None) -> PendingAdviser:
    if not isinstance(actor, PendingAdviser):
        raise NotAllowed(SECOND_FACTOR_EXPIRED)
    return actor


def role_of(actor: Actor | None) -> str:
    """The role word the pages and the audit trail use."""
    if isinstance(actor, Member):
        return "member"
    if isinstance(actor, Adviser):
        return "adviser"
    if isinstance(actor, Operator):
        return "operator"
    return ""
