"""« J'ai oublié mon mot de passe » (PRODUCT.md rule 6): never reveals an account, link 1 hour, single use."""

from __future__ import annotations

import pytest

from portal_app import settings
from portal_app.db.models import OutgoingMail
from portal_app.domain import auth
from portal_app.domain.errors import ValidationError
from portal_app.domain.password_reset import request_password_reset, reset_link_is_valid, reset_password

from .support import CLAIRE, NEW_PASSWORD, PASSWORD, account_of, count, link_token, mails_to, register

RESET_PATH = "/nouveau-mot-de-passe"


def reset_token(email: str) -> str:
    return link_token(email, RESET_PATH)


def test_answer_is_the_same_for_known_and_unknown_addresses(claire_confirmed):
    assert request_password_reset(claire_confirmed.email) == request_password_reset("personne@example.fr")


def test_mail_is_queued_only_for_a_known_address(claire_confirmed):
    before = count(OutgoingMail)

    request_password_reset("personne@example.fr")
    assert count(OutgoingMail) == before
    request_password_reset(claire_confirmed.email.upper())

    assert count(OutgoingMail) == before + 1
    mail = mails_to(claire_confirmed.email)[-1]
    assert mail.subject.startswith("Renouvellement de votre mot de passe")
    assert f"{settings.PUBLIC_URL}{RESET_PATH}?token=" in mail.body


def test_malformed_address_is_a_typing_error_on_the_field():
    with pytest.raises(ValidationError) as error:
        request_password_reset("claire@")

    assert error.value.field == "email"


def test_reset_link_is_valid_for_59_minutes(claire_confirmed, frozen_clock):
    request_password_reset(claire_confirmed.email)
    frozen_clock.advance(minutes=59)

    assert reset_link_is_valid(reset_token(claire_confirmed.email))


def test_reset_link_is_refused_after_61_minutes(claire_confirmed, frozen_clock):
    request_password_reset(claire_confirmed.email)
    token = reset_token(claire_confirmed.email)
    frozen_clock.advance(minutes=61)

    assert not reset_link_is_valid(token)
    with pytest.raises(ValidationError) as error:
        reset_password(token, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.field == "token"


def test_reset_link_works_only_once(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    token = reset_token(claire_confirmed.email)
    reset_password(token, NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(ValidationError) as error:
        reset_password(token, "Autre-Choix-Solide-64", "Autre-Choix-Solide-64")

    assert error.value.field == "token"
    assert auth.login(claire_confirmed.email, NEW_PASSWORD).session_token


def test_newer_reset_link_kills_the_older_one(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    older = reset_token(claire_confirmed.email)
    request_password_reset(claire_confirmed.email)
    newer = reset_token(claire_confirmed.email)

    assert newer != older
    assert not reset_link_is_valid(older)
    assert reset_link_is_valid(newer)


def test_confirmation_link_is_not_a_reset_link(claire_contract):
    address = register(CLAIRE)

    assert not reset_link_is_valid(link_token(address, "/confirmation-email"))


def test_reset_sets_the_new_password(claire_confirmed):
    request_password_reset(claire_confirmed.email)

    reset_password(reset_token(claire_confirmed.email), NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(auth.LoginRefused):
        auth.login(claire_confirmed.email, PASSWORD)
    assert auth.login(claire_confirmed.email, NEW_PASSWORD).session_token


def test_reset_sends_a_password_changed_mail(claire_confirmed):
    request_password_reset(claire_confirmed.email)

    reset_password(reset_token(claire_confirmed.email), NEW_PASSWORD, NEW_PASSWORD)

    last = mails_to(claire_confirmed.email)[-1]
    assert last.subject.startswith("Votre mot de passe a été modifié")
    assert NEW_PASSWORD not in last.body


def test_weak_new_password_is_refused_and_the_link_stays_usable(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    token = reset_token(claire_confirmed.email)

    with pytest.raises(ValidationError) as error:
        reset_password(token, "Orage-Claire-93", "Orage-Claire-93")

    assert set(error.value.errors) == {"password"}
    assert reset_link_is_valid(token)
    reset_password(token, NEW_PASSWORD, NEW_PASSWORD)
    assert auth.login(claire_confirmed.email, NEW_PASSWORD).session_token


def test_mismatched_confirmation_is_refused_and_the_link_stays_usable(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    token = reset_token(claire_confirmed.email)

    with pytest.raises(ValidationError) as error:
        reset_password(token, NEW_PASSWORD, NEW_PASSWORD + "!")

    assert set(error.value.errors) == {"password_confirmation"}
    assert reset_link_is_valid(token)


def test_reset_by_an_unconfirmed_member_confirms_the_address(claire_contract):
    address = register(CLAIRE)
    request_password_reset(address)

    reset_password(reset_token(address), NEW_PASSWORD, NEW_PASSWORD)

    assert account_of(address).email_confirmed_at is not None
    assert auth.login(address, NEW_PASSWORD).session_token
