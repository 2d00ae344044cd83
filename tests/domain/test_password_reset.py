"""« J'ai oublié mon mot de passe » (PRODUCT.md rule 6): never reveals an account, link 1 hour, single use."""

from __future__ import annotations

import pytest

from portal_app import settings
from portal_app.db.models import OutgoingMail
from portal_app.domain import auth, tokens
from portal_app.domain.errors import ValidationError
from portal_app.domain.password_reset import request_password_reset, reset_link_is_valid, reset_password

from .support import CLAIRE, NEW_PASSWORD, PASSWORD, account_of, count, link_token, login, mails_to, register

RESET_PATH = "/nouveau-mot-de-passe"


def reset_secret(email: str) -> str:
    """The secret of the newest reset link mailed to `email`: what the browser's cookie holds."""
    return link_token(email, RESET_PATH)


def reset_digest(email: str) -> str:
    """What the page's server side sees of that link: the SHA-256 of its secret."""
    return tokens.digest(reset_secret(email))


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

    assert reset_link_is_valid(reset_digest(claire_confirmed.email))


def test_reset_link_is_refused_after_61_minutes(claire_confirmed, frozen_clock):
    request_password_reset(claire_confirmed.email)
    link = reset_digest(claire_confirmed.email)
    frozen_clock.advance(minutes=61)

    assert not reset_link_is_valid(link)
    with pytest.raises(ValidationError) as error:
        reset_password(link, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.field == "token"


def test_reset_link_works_only_once(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    link = reset_digest(claire_confirmed.email)
    reset_password(link, NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(ValidationError) as error:
        reset_password(link, "Autre-Choix-Solide-64", "Autre-Choix-Solide-64")

    assert error.value.field == "token"
    assert login(claire_confirmed.email, NEW_PASSWORD)


def test_newer_reset_link_kills_the_older_one(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    older = reset_digest(claire_confirmed.email)
    request_password_reset(claire_confirmed.email)
    newer = reset_digest(claire_confirmed.email)

    assert newer != older
    assert not reset_link_is_valid(older)
    assert reset_link_is_valid(newer)


def test_confirmation_link_is_not_a_reset_link(claire_contract):
    address = register(CLAIRE)

    assert not reset_link_is_valid(tokens.digest(link_token(address, "/confirmation-email")))


def test_reset_sets_the_new_password(claire_confirmed):
    request_password_reset(claire_confirmed.email)

    reset_password(reset_digest(claire_confirmed.email), NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(auth.LoginRefused):
        auth.login(claire_confirmed.email, PASSWORD)
    assert login(claire_confirmed.email, NEW_PASSWORD)


def test_reset_sends_a_password_changed_mail(claire_confirmed):
    request_password_reset(claire_confirmed.email)

    reset_password(reset_digest(claire_confirmed.email), NEW_PASSWORD, NEW_PASSWORD)

    last = mails_to(claire_confirmed.email)[-1]
    assert last.subject.startswith("Votre mot de passe a été modifié")
    assert NEW_PASSWORD not in last.body


def test_weak_new_password_is_refused_and_the_link_stays_usable(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    link = reset_digest(claire_confirmed.email)

    with pytest.raises(ValidationError) as error:
        reset_password(link, "Orage-Claire-93", "Orage-Claire-93")

    assert set(error.value.errors) == {"password"}
    assert reset_link_is_valid(link)
    reset_password(link, NEW_PASSWORD, NEW_PASSWORD)
    assert login(claire_confirmed.email, NEW_PASSWORD)


def test_mismatched_confirmation_is_refused_and_the_link_stays_usable(claire_confirmed):
    request_password_reset(claire_confirmed.email)
    link = reset_digest(claire_confirmed.email)

    with pytest.raises(ValidationError) as error:
        reset_password(link, NEW_PASSWORD, NEW_PASSWORD + "!")

    assert set(error.value.errors) == {"password_confirmation"}
    assert reset_link_is_valid(link)


def test_reset_by_an_unconfirmed_member_confirms_the_address(claire_contract):
    address = register(CLAIRE)
    request_password_reset(address)

    reset_password(reset_digest(address), NEW_PASSWORD, NEW_PASSWORD)

    assert account_of(address).email_confirmed_at is not None
    assert login(address, NEW_PASSWORD)


def test_the_secret_of_the_mail_itself_is_refused_only_its_digest_works(claire_confirmed):
    """The page's server side holds the SHA-256 of the link's secret, never the secret: a secret read from a
    log or from Reflex's stored state is no use to the functions, and neither is the stored hash's hash."""
    request_password_reset(claire_confirmed.email)
    secret = reset_secret(claire_confirmed.email)

    assert not reset_link_is_valid(secret)
    assert not reset_link_is_valid(tokens.digest(tokens.digest(secret)))
    with pytest.raises(ValidationError) as error:
        reset_password(secret, NEW_PASSWORD, NEW_PASSWORD)
    assert error.value.field == "token"
    assert login(claire_confirmed.email, PASSWORD)

    assert reset_link_is_valid(tokens.digest(secret))
    reset_password(tokens.digest(secret), NEW_PASSWORD, NEW_PASSWORD)
    assert login(claire_confirmed.email, NEW_PASSWORD)


@pytest.mark.parametrize(
    "link", ["", None, 42, "0" * 63, "0" * 65, "é" * 64], ids=["empty", "none", "number", "63", "65", "accents"]
)
def test_anything_but_a_digest_is_refused(claire_confirmed, link):
    request_password_reset(claire_confirmed.email)

    assert not reset_link_is_valid(link)
    with pytest.raises(ValidationError):
        reset_password(link, NEW_PASSWORD, NEW_PASSWORD)
