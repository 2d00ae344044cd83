"""Logging in with a passkey: a member without password on /connexion, an adviser's second factor.

A member's passkey login ends like a password login: a single-use login grant (auth.LoginResult) that the
page exchanges on the portal's HTTP route for the session cookie. The passkey is found by its credential id and
the user handle the authenticator returns must be the one stored with it: a passkey opens only the account that
registered it. Closed accounts are refused like unknown passkeys; a locked account stays locked.
Advisers use their passkey only as the second factor (after the password), never instead of it on /connexion.
"""

from __future__ import annotations

from sqlmodel import Session, select
from webauthn import generate_authentication_options, options_to_json, verify_authentication_response
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidJSONStructure
from webauthn.helpers.structs import AuthenticationCredential, UserVerificationRequirement

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Passkey
from portal_app.db.vocabulary import ChallengePurpose
from portal_app.domain import audit, auth, clock, mail, mail_texts, passkeys, second_factor, tokens
from portal_app.domain.actors import Actor
from portal_app.domain.errors import NotAllowed, ValidationError
from portal_app.domain.formatting import paris_datetime

LOGIN_REFUSED = (
    "Cette clé d'accès n'a pas permis de vous connecter : elle n'est pas (ou plus) enregistrée sur votre compte. "
    "Connectez-vous avec votre adresse e-mail et votre mot de passe."
)
ADVISER_WITH_PASSWORD = (
    "Les conseillers se connectent avec leur mot de passe, puis utilisent leur clé d'accès comme second facteur."
)
SECOND_FACTOR_REFUSED = "Cette clé d'accès n'a pas été reconnue. Réessayez, ou saisissez un code de vérification."


def _parse(credential_json: str) -> AuthenticationCredential | None:
    try:
        return parse_authentication_credential_json(credential_json)
    except (InvalidJSONStructure, ValueError, TypeError, KeyError, AttributeError):
        return None


def _verify(credential: AuthenticationCredential, challenge: bytes, passkey: Passkey) -> bool:
    """The library checks signature, challenge, origin, RP id, user verification and the counter."""
    rp_id, origin = passkeys.relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (InvalidAuthenticationResponse, ValueError, TypeError):
        return False
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = clock.now()
    return True


def _own_handle(credential: AuthenticationCredential, passkey: Passkey, required: bool) -> bool:
    handle = credential.response.user_handle
    if handle is None:
        return not required
    return bytes_to_base64url(handle) == passkey.user_handle


def _used(session: Session, account: Account, passkey: Passkey) -> None:
    session.add(passkey)
    passkeys.record(session, account, "passkey_used", passkey)
    subject, body = mail_texts.passkey_used(
        passkeys.first_name(session, account), passkey.name, paris_datetime(clock.now())
    )
    mail.queue_mail(session, account.email, subject, body)


def login_options() -> passkeys.Ceremony:
    """/connexion « Se connecter avec une clé d'accès »: no address asked, the device offers its passkeys."""
    rp_id, _origin = passkeys.relying_party()
    with session_scope() as session:
        row = passkeys.new_challenge(session, ChallengePurpose.LOGIN)
        options = generate_authentication_options(
            rp_id=rp_id,
            challenge=base64url_to_bytes(row.challenge),
            timeout=passkeys.BROWSER_TIMEOUT_MS,
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return passkeys.Ceremony(challenge_id=row.id, options_json=options_to_json(options))


def _refuse(detail: str, account: Account | None = None, message: str = LOGIN_REFUSED) -> auth.LoginRefused:
    audit.record_now(
        "login_failure",
        None,
        target_type="account" if account else "",
        target_id=account.id if account else None,
        member_account_id=account.id if account and account.role == "member" else None,
        detail=detail,
    )
    return auth.LoginRefused("passkey", message)


def login(challenge_id: int | None, credential_json: str) -> auth.LoginResult:
    """A member's passkey instead of e-mail and password; the answer is a login grant, as for a password."""
    credential = _parse(credential_json)
    with session_scope() as session:
        challenge = passkeys.consume_challenge(session, challenge_id, ChallengePurpose.LOGIN)
        session.commit()  # spent, whatever follows
        passkey = None
        if credential is not None:
            passkey = session.exec(select(Passkey).where(Passkey.credential_id == credential.id)).first()
        account = session.get(Account, passkey.account_id) if passkey else None
        if passkey is None or account is None or account.closed_at is not None:
            raise _refuse("clé d'accès inconnue")
        if not _own_handle(credential, passkey, required=True) or not _verify(credential, challenge, passkey):
            raise _refuse("clé d'accès refusée", account)
        if account.role != "member":  # said only to the holder of the key: the signature is checked above
            raise _refuse("clé d'accès de conseiller sur /connexion", account, ADVISER_WITH_PASSWORD)
        if account.locked_at is not None:
            raise _refuse("clé d'accès : compte bloqué", account, auth.LOCKED_MESSAGE)
        if account.email_confirmed_at is None:
            raise auth.LoginRefused("unconfirmed", auth.UNCONFIRMED_MESSAGE)
        _used(session, account, passkey)
        grant = tokens.issue_token(session, account.id, tokens.LOGIN_GRANT)
        return auth.LoginResult(grant=grant, role=account.role)


def _adviser_passkeys(session: Session, account_id: int) -> list[Passkey]:
    return list(session.exec(select(Passkey).where(Passkey.account_id == account_id).order_by(Passkey.id)).all())


def second_factor_available(actor: Actor) -> bool:
    """A pending adviser who has added a passkey may use it instead of the TOTP code."""
    with session_scope() as session:
        _login_session, account = second_factor._pending(session, actor)
        return bool(_adviser_passkeys(session, account.id))


def second_factor_options(actor: Actor) -> passkeys.Ceremony:
    """The adviser's own passkeys only; the challenge is bound to this pending login."""
    rp_id, _origin = passkeys.relying_party()
    with session_scope() as session:
        login_session, account = second_factor._pending(session, actor)
        own = _adviser_passkeys(session, account.id)
        if not own:
            raise NotAllowed()
        row = passkeys.new_challenge(
            session, ChallengePurpose.SECOND_FACTOR, account_id=account.id, login_session_id=login_session.id
        )
        options = generate_authentication_options(
            rp_id=rp_id,
            challenge=base64url_to_bytes(row.challenge),
            timeout=passkeys.BROWSER_TIMEOUT_MS,
            allow_credentials=passkeys.descriptors(own),
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        return passkeys.Ceremony(challenge_id=row.id, options_json=options_to_json(options))


def verify_second_factor(actor: Actor, challenge_id: int | None, credential_json: str) -> None:
    """The adviser's passkey opens the pending login, like a right TOTP code (and is refused while the second
    factor is locked). A refused answer counts as a wrong code."""
    credential = _parse(credential_json)
    with session_scope() as session:
        login_session, account = second_factor._pending(session, actor)
        ids = (login_session.id, account.id)
        factor = second_factor._factor(session, account.id)
        if factor is not None and factor.locked_at is not None:
            raise ValidationError(passkeys.FIELD, second_factor.LOCKED)
        challenge = passkeys.consume_challenge(
            session, challenge_id, ChallengePurpose.SECOND_FACTOR, account_id=account.id, login_session_id=ids[0]
        )
        passkey = None
        if credential is not None:
            passkey = session.exec(
                select(Passkey).where(Passkey.credential_id == credential.id, Passkey.account_id == account.id)
            ).first()
        if (
            passkey is not None
            and _own_handle(credential, passkey, required=False)
            and _verify(credential, challenge, passkey)
        ):
            if factor is not None:
                factor.failed_attempts = 0
                session.add(factor)
            _used(session, account, passkey)
            second_factor._open_session(session, login_session, account)
            return
        session.commit()  # the challenge stays spent
    locked = second_factor._fail(*ids)
    raise ValidationError(passkeys.FIELD, second_factor.LOCKED if locked else SECOND_FACTOR_REFUSED)
