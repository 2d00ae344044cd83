"""Passkeys (WebAuthn credentials): adding, listing and removing them for a member or an adviser.

Every check of what an authenticator sends is done by the maintained `webauthn` library (CBOR, COSE keys,
signatures, origin, relying party, counter): nothing of it is written here. The relying party is the portal's
public URL (`settings.PUBLIC_URL`): its host name is the RP id and its scheme + host + port the only origin.
Each ceremony's challenge is kept server-side (`WebAuthnChallenge`): bound to its purpose and account, single
use, a few minutes long; the browser gets it, never chooses it. Logging in with a passkey is in passkey_login.py.

Choices: user verification is required (the passkey replaces the password: PIN or biometrics on the device),
and the credential must be discoverable (resident key), so that /connexion asks for no e-mail address.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, select
from webauthn import generate_registration_options, options_to_json, verify_registration_response
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal_app import settings
from portal_app.db.engine import as_utc, get_by_id, session_scope
from portal_app.db.models import Account, Contract, Passkey, WebAuthnChallenge
from portal_app.db.vocabulary import ChallengePurpose
from portal_app.domain import actors, audit, clock, mail, mail_texts, tokens
from portal_app.domain.actors import Actor
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.formatting import paris_datetime
from portal_app.domain.secret_box import keyed_digest

RP_NAME = "Espace Assistance"
CHALLENGE_LIFETIME = timedelta(minutes=5)
BROWSER_TIMEOUT_MS = 120_000
MAX_PASSKEYS = 10
NAME_MAX = 60
FIELD = "passkey"  # where a refusal is shown (the « Ajouter une clé d'accès » button)
NAME_FIELD = "passkey_name"

EXPIRED = "La demande a expiré ou a déjà servi : recommencez."
ADD_REFUSED = "Cette clé d'accès n'a pas pu être enregistrée. Recommencez, ou utilisez un autre appareil."
ALREADY_ADDED = "Cette clé d'accès est déjà enregistrée."
TOO_MANY = f"Vous avez déjà {MAX_PASSKEYS} clés d'accès : supprimez-en une avant d'en ajouter une autre."
NAME_TOO_LONG = f"Le nom de la clé ne doit pas dépasser {NAME_MAX} caractères."
PASSKEY_NOT_FOUND = "Cette clé d'accès n'existe pas ou a déjà été supprimée."
_USER_HANDLE_PURPOSE = "passkey-user-handle"


@dataclass(frozen=True)
class Ceremony:
    """What the browser needs for navigator.credentials.create/get; the challenge stays in the database too."""

    challenge_id: int
    options_json: str


@dataclass(frozen=True)
class PasskeyView:
    id: int
    name: str
    added: str
    last_used: str


def relying_party() -> tuple[str, str]:
    """(RP id, origin) from the portal's public URL, read at each call (tests change it)."""
    parts = urlsplit(settings.PUBLIC_URL)
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def first_name(session: Session, account: Account) -> str:
    contract = session.get(Contract, account.contract_id) if account.contract_id else None
    return contract.holder_first_name if contract else ""


def new_challenge(
    session: Session, purpose: ChallengePurpose, account_id: int | None = None, login_session_id: int | None = None
) -> WebAuthnChallenge:
    """A fresh random challenge kept for one ceremony (the library's own 64-byte generator is not needed)."""
    row = WebAuthnChallenge(
        purpose=purpose,
        challenge=tokens.new_secret(),  # 256 random bits, base64url
        account_id=account_id,
        login_session_id=login_session_id,
        expires_at=clock.now() + CHALLENGE_LIFETIME,
    )
    session.add(row)
    session.flush()
    return row


def consume_challenge(
    session: Session,
    challenge_id: int | None,
    purpose: ChallengePurpose,
    account_id: int | None = None,
    login_session_id: int | None = None,
) -> bytes:
    """The stored challenge of this ceremony, marked used (one statement: two answers cannot both use it).

    ValidationError when it is unknown, of another purpose or account, expired or already used."""
    row = get_by_id(session, WebAuthnChallenge, challenge_id) if isinstance(challenge_id, int) else None
    if (
        row is None
        or row.purpose != purpose
        or row.account_id != account_id
        or row.login_session_id != login_session_id
        or row.used_at is not None
        or as_utc(row.expires_at) <= clock.now()
    ):
        raise ValidationError(FIELD, EXPIRED)
    used = session.execute(
        sa.update(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == row.id, WebAuthnChallenge.used_at.is_(None))
        .values(used_at=clock.now())
    )
    if used.rowcount != 1:
        raise ValidationError(FIELD, EXPIRED)
    return base64url_to_bytes(row.challenge)


def owner(session: Session, actor: Actor) -> Account:
    """The member or the fully signed-in adviser whose passkeys these are (never a pending adviser)."""
    if not isinstance(actor, actors.Member | actors.Adviser):
        raise NotAllowed()
    account = session.get(Account, actor.account_id)
    if account is None or account.closed_at is not None or account.locked_at is not None:
        raise NotAllowed()
    return account


def _passkeys(session: Session, account_id: int) -> list[Passkey]:
    return list(session.exec(select(Passkey).where(Passkey.account_id == account_id).order_by(Passkey.id)).all())


def _user_handle(session: Session, account: Account) -> str:
    """The same random-looking id for every passkey of an account (no e-mail or database id in it)."""
    existing = session.exec(select(Passkey.user_handle).where(Passkey.account_id == account.id)).first()
    if existing:
        return existing
    return bytes_to_base64url(bytes.fromhex(keyed_digest(str(account.id), _USER_HANDLE_PURPOSE)))


def descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports.split(",") if t in known] or None,
        )
        for p in passkeys
    ]


def _clean_name(name: str, count: int) -> str:
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise ValidationError(NAME_FIELD, NAME_TOO_LONG)
    return name or f"Clé d'accès {count + 1}"


def list_passkeys(actor: Actor) -> list[PasskeyView]:
    """« Clés d'accès » of Mon compte (or of the adviser's account page): name, date added, last use."""
    with session_scope() as session:
        account = owner(session, actor)
        return [
            PasskeyView(p.id, p.name, paris_datetime(p.created_at), paris_datetime(p.last_used_at) or "jamais")
            for p in _passkeys(session, account.id)
        ]


def registration_options(actor: Actor, name: str) -> Ceremony:
    """Start adding a passkey: the options for navigator.credentials.create, with a stored challenge."""
    with session_scope() as session:
        account = owner(session, actor)
        existing = _passkeys(session, account.id)
        _clean_name(name, len(existing))
        if len(existing) >= MAX_PASSKEYS:
            raise ValidationError(FIELD, TOO_MANY)
        rp_id, _origin = relying_party()
        row = new_challenge(session, ChallengePurpose.REGISTER, account_id=account.id)
        options = generate_registration_options(
            rp_id=rp_id,
            rp_name=RP_NAME,
            user_id=base64url_to_bytes(_user_handle(session, account)),
            user_name=account.email,
            user_display_name=account.email,
            challenge=base64url_to_bytes(row.challenge),
            timeout=BROWSER_TIMEOUT_MS,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=descriptors(existing),
        )
        return Ceremony(challenge_id=row.id, options_json=options_to_json(options))


def _transports(credential_json: str) -> str:
    try:
        found = json.loads(credential_json).get("response", {}).get("transports") or []
    except (ValueError, AttributeError):
        return ""
    known = {t.value for t in AuthenticatorTransport}
    return ",".join(t for t in found if isinstance(t, str) and t in known)[:200]


def register(actor: Actor, challenge_id: int | None, name: str, credential_json: str) -> PasskeyView:
    """Finish adding a passkey: the library checks the authenticator's answer against the stored challenge,
    this portal's origin and RP id, and that the person was verified on the device. Audited, e-mailed."""
    with session_scope() as session:
        account = owner(session, actor)
        existing = _passkeys(session, account.id)
        label = _clean_name(name, len(existing))
        if len(existing) >= MAX_PASSKEYS:
            raise ValidationError(FIELD, TOO_MANY)
        challenge = consume_challenge(session, challenge_id, ChallengePurpose.REGISTER, account_id=account.id)
        rp_id, origin = relying_party()
        try:
            verified = verify_registration_response(
                credential=credential_json,
                expected_challenge=challenge,
                expected_rp_id=rp_id,
                expected_origin=origin,
                require_user_verification=True,
            )
        except (InvalidRegistrationResponse, ValueError, TypeError, KeyError) as refused:
            session.commit()  # the challenge stays spent
            raise ValidationError(FIELD, ADD_REFUSED) from refused
        credential_id = bytes_to_base64url(verified.credential_id)
        if session.exec(select(Passkey.id).where(Passkey.credential_id == credential_id)).first():
            session.commit()
            raise ValidationError(FIELD, ALREADY_ADDED)
        passkey = Passkey(
            account_id=account.id,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            user_handle=_user_handle(session, account),
            sign_count=verified.sign_count,
            name=label,
            transports=_transports(credential_json),
        )
        session.add(passkey)
        session.flush()
        record(session, account, "passkey_added", passkey)
        subject, body = mail_texts.passkey_added(first_name(session, account), label, paris_datetime(clock.now()))
        mail.queue_mail(session, account.email, subject, body)
        return PasskeyView(passkey.id, label, paris_datetime(passkey.created_at), "jamais")


def remove(actor: Actor, passkey_id: int) -> str:
    """Remove one of the actor's own passkeys (another account's is « not found »); returns its name."""
    with session_scope() as session:
        account = owner(session, actor)
        passkey = get_by_id(session, Passkey, passkey_id)
        if passkey is None or passkey.account_id != account.id:
            raise NotFound(PASSKEY_NOT_FOUND)
        name = passkey.name
        record(session, account, "passkey_removed", passkey)
        session.delete(passkey)
        subject, body = mail_texts.passkey_removed(first_name(session, account), name, paris_datetime(clock.now()))
        mail.queue_mail(session, account.email, subject, body)
        return name


def record(session: Session, account: Account, action: str, passkey: Passkey) -> None:
    """An audit entry about a passkey of the account (its name in the detail, never key material)."""
    audit.record(
        session,
        action,
        account,
        target_type="passkey",
        target_id=passkey.id,
        member_account_id=account.id if account.role == "member" else None,
        contract_id=account.contract_id,
        detail=passkey.name,
    )
