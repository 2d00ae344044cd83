"""Passkeys: a member adds one and logs in with it (no password), an adviser uses one as second factor.

The answers come from a software authenticator (tests/domain/passkey_support.py): a real P-256 key signing
what a browser would send, checked by the portal through the `webauthn` library.
"""

from __future__ import annotations

import pytest

from portal_app.db.models import AuditEvent, Passkey, WebAuthnChallenge
from portal_app.domain import account_closing, actors, auth, passkey_login, passkeys
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser, pending_adviser_token
from .passkey_support import UP, SoftAuthenticator, add_passkey
from .support import account_of, actor_of, all_rows, login, mails_to


def passkey_login_actor(device: SoftAuthenticator, **answer) -> actors.Actor:
    """/connexion « Se connecter avec une clé d'accès », then the grant exchanged for the cookie."""
    ceremony = passkey_login.login_options()
    result = passkey_login.login(ceremony.challenge_id, device.get(ceremony.options_json, **answer))
    return actor_of(auth.open_session(result.grant).session_token)


def refused_login(device: SoftAuthenticator, **answer) -> auth.LoginRefused:
    ceremony = passkey_login.login_options()
    with pytest.raises(auth.LoginRefused) as refused:
        passkey_login.login(ceremony.challenge_id, device.get(ceremony.options_json, **answer))
    return refused.value


def actions(account_id: int) -> list[str]:
    return [e.action for e in all_rows(AuditEvent, AuditEvent.member_account_id == account_id)]


def test_a_member_adds_a_passkey_listed_audited_and_confirmed_by_email(claire):
    device = SoftAuthenticator()

    added = add_passkey(claire.token, device, "Téléphone de Claire")

    listed = passkeys.list_passkeys(claire.token)
    assert [(p.name, p.last_used) for p in listed] == [("Téléphone de Claire", "jamais")]
    assert listed[0].added == added.added != ""
    row = all_rows(Passkey)[0]
    assert row.account_id == account_of(claire.email).id and row.transports == "internal" and row.public_key
    assert "passkey_added" in actions(row.account_id)
    mail = mails_to(claire.email)[-1]
    assert mail.subject.startswith("Nouvelle clé d'accès ajoutée") and "« Téléphone de Claire »" in mail.body


def test_a_member_logs_in_with_the_passkey_and_the_password_keeps_working(claire):
    device = SoftAuthenticator()
    add_passkey(claire.token, device)

    actor = passkey_login_actor(device)

    account = account_of(claire.email)
    assert isinstance(actor, actors.Member) and actor.account_id == account.id
    assert passkeys.list_passkeys(actor)[0].last_used != "jamais"
    assert actions(account.id)[-2:] == ["passkey_used", "login_success"]
    assert mails_to(claire.email)[-1].subject.startswith("Connexion avec votre clé d'accès")
    assert isinstance(login(claire.email), actors.Member)  # the password still opens the account


def test_the_counter_must_grow(claire):
    device = SoftAuthenticator()
    add_passkey(claire.token, device)
    passkey_login_actor(device)
    passkey_login_actor(device)
    assert all_rows(Passkey)[0].sign_count == 2

    assert refused_login(device, counter=2).reason == "passkey"  # a cloned authenticator replays its count


def test_another_origin_is_refused_at_registration_and_login(claire):
    device = SoftAuthenticator()
    ceremony = passkeys.registration_options(claire.token, "Clé")
    with pytest.raises(ValidationError) as refused:
        passkeys.register(
            claire.token, ceremony.challenge_id, "Clé", device.create(ceremony.options_json, "https://evil.example")
        )
    assert refused.value.errors == {"passkey": passkeys.ADD_REFUSED}
    assert all_rows(Passkey) == []

    add_passkey(claire.token, device)
    refused_login(device, origin="https://espace-assistance.evil.example")


def test_the_person_must_be_verified_on_the_device(claire):
    device = SoftAuthenticator()
    add_passkey(claire.token, device)
    refused_login(device, flags=UP)


def test_a_challenge_serves_once_and_expires(claire, frozen_clock):
    device = SoftAuthenticator()
    add_passkey(claire.token, device)
    ceremony = passkey_login.login_options()
    answer = device.get(ceremony.options_json)
    passkey_login.login(ceremony.challenge_id, answer)

    with pytest.raises(ValidationError, match="expiré ou a déjà servi"):
        passkey_login.login(ceremony.challenge_id, answer)

    late = passkey_login.login_options()
    frozen_clock.advance(minutes=6)
    with pytest.raises(ValidationError):
        passkey_login.login(late.challenge_id, device.get(late.options_json))

    adding = passkeys.registration_options(claire.token, "Autre")  # a challenge of another ceremony
    with pytest.raises(ValidationError):
        passkey_login.login(adding.challenge_id, device.get(adding.options_json))
    assert all_rows(WebAuthnChallenge, WebAuthnChallenge.id == ceremony.challenge_id)[0].used_at is not None


def test_a_passkey_of_member_a_never_opens_member_b(claire, paul):
    claires, pauls = SoftAuthenticator(), SoftAuthenticator()
    add_passkey(claire.token, claires)
    add_passkey(paul.token, pauls)

    assert passkey_login_actor(claires).account_id == account_of(claire.email).id
    # Claire's key answering with Paul's user handle: refused, never Paul's account.
    refusal = refused_login(claires, user_handle=pauls.user_handle)
    assert refusal.message == passkey_login.LOGIN_REFUSED
    # Paul's credential id signed by another key: the signature does not match Paul's public key.
    forger = SoftAuthenticator(credential_id=pauls.credential_id, user_handle=pauls.user_handle, rp_id=pauls.rp_id)
    refused_login(forger)
    # Paul cannot see nor remove Claire's passkey.
    assert [p.name for p in passkeys.list_passkeys(paul.token)] == ["Mon téléphone"]
    claire_key = passkeys.list_passkeys(claire.token)[0].id
    with pytest.raises(NotFound):
        passkeys.remove(paul.token, claire_key)
    with pytest.raises(NotAllowed):
        passkeys.list_passkeys(None)


def test_a_removed_passkey_no_longer_opens_the_account(claire):
    device = SoftAuthenticator()
    added = add_passkey(claire.token, device)

    assert passkeys.remove(claire.token, added.id) == "Mon téléphone"

    assert passkeys.list_passkeys(claire.token) == []
    assert "passkey_removed" in actions(account_of(claire.email).id)
    assert mails_to(claire.email)[-1].subject.startswith("Clé d'accès supprimée")
    refused_login(device)


def test_a_closed_account_is_refused_and_its_passkeys_go(claire):
    device = SoftAuthenticator()
    add_passkey(claire.token, device)
    account_id = account_of(claire.email).id

    account_closing.close_for_session(claire.token, claire.password, True)

    assert all_rows(Passkey) == []
    assert refused_login(device).message == passkey_login.LOGIN_REFUSED
    failures = all_rows(AuditEvent, AuditEvent.action == "login_failure")
    assert failures[-1].detail == "clé d'accès inconnue" and account_id


def test_an_adviser_uses_a_passkey_as_second_factor_not_instead_of_the_password():
    adviser = enrol_adviser()
    device = SoftAuthenticator()
    add_passkey(adviser.token, device, "Clé USB")

    session_token = pending_adviser_token(adviser.email)
    pending = actor_of(session_token)
    with pytest.raises(NotAllowed):
        passkeys.registration_options(pending, "Autre")  # only once fully signed in
    assert passkey_login.second_factor_available(pending)
    ceremony = passkey_login.second_factor_options(pending)
    passkey_login.verify_second_factor(pending, ceremony.challenge_id, device.get(ceremony.options_json))

    assert isinstance(actor_of(session_token), actors.Adviser)
    adviser_id = account_of(adviser.email).id
    used = all_rows(AuditEvent, AuditEvent.action == "passkey_used")
    assert used[-1].actor_account_id == adviser_id
    assert mails_to(adviser.email)[-1].subject.startswith("Connexion avec votre clé d'accès")
    assert refused_login(device).message == passkey_login.ADVISER_WITH_PASSWORD


def test_an_adviser_refused_passkey_counts_as_a_wrong_code():
    adviser = enrol_adviser()
    add_passkey(adviser.token, SoftAuthenticator())
    pending = actor_of(pending_adviser_token(adviser.email))
    ceremony = passkey_login.second_factor_options(pending)

    with pytest.raises(ValidationError) as refused:
        passkey_login.verify_second_factor(
            pending, ceremony.challenge_id, SoftAuthenticator().get(ceremony.options_json)
        )

    assert refused.value.errors == {"passkey": passkey_login.SECOND_FACTOR_REFUSED}
    assert all_rows(AuditEvent, AuditEvent.action == "login_second_factor_failure")
    assert isinstance(actor_of(pending_adviser_token(adviser.email)), actors.PendingAdviser)
