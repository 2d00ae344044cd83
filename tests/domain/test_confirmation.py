"""The e-mail confirmation link sent at registration (PRODUCT.md rule 5): 48 hours, single use."""

from __future__ import annotations

import pytest

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, AuditEvent, OutgoingMail
from portal_app.domain import auth, clock, tokens
from portal_app.domain.account import confirm_email_link
from portal_app.domain.errors import ValidationError

from .support import CLAIRE, PASSWORD, account_of, confirm, count, link_token, login, mails_to, register

RESEND_ANSWER = (
    "Si un compte en attente de confirmation existe pour cette adresse, un nouvel e-mail de confirmation "
    "vient de lui être envoyé."
)


def test_confirmation_link_confirms_the_address(claire_contract):
    address = register(CLAIRE)

    message = confirm(address)

    assert "confirmée" in message
    assert account_of(address).email_confirmed_at is not None
    assert login(address)


def test_confirmation_link_still_works_after_47_hours(claire_contract, frozen_clock):
    address = register(CLAIRE)
    frozen_clock.advance(hours=47)

    confirm(address)

    assert account_of(address).email_confirmed_at is not None


def test_confirmation_link_is_refused_after_49_hours(claire_contract, frozen_clock):
    address = register(CLAIRE)
    frozen_clock.advance(hours=49)

    with pytest.raises(ValidationError) as error:
        confirm(address)

    assert error.value.field == "token"
    assert account_of(address).email_confirmed_at is None


def test_confirmation_link_opened_again_says_the_address_is_already_confirmed(claire_contract):
    address = register(CLAIRE)
    link = tokens.digest(link_token(address, "/confirmation-email"))
    confirm_email_link(link)
    confirmed_at = account_of(address).email_confirmed_at

    assert confirm_email_link(link) == "Votre adresse e-mail est déjà confirmée : vous pouvez vous connecter."
    assert account_of(address).email_confirmed_at == confirmed_at
    assert count(AuditEvent, AuditEvent.action == "email_confirmed") == 1


def test_a_used_link_of_an_account_closed_since_is_refused(claire_contract):
    address = register(CLAIRE)
    link = tokens.digest(link_token(address, "/confirmation-email"))
    confirm_email_link(link)
    with session_scope() as session:
        account = session.get(Account, account_of(address).id)
        account.closed_at = clock.now()
        session.add(account)
        session.commit()

    with pytest.raises(ValidationError) as error:
        confirm_email_link(link)

    assert "n'est plus valable" in error.value.message


def test_made_up_confirmation_link_is_refused(claire_contract):
    register(CLAIRE)

    with pytest.raises(ValidationError):
        confirm_email_link(tokens.digest("pas-un-vrai-jeton"))
    with pytest.raises(ValidationError):
        confirm_email_link("pas-un-vrai-jeton")


def test_login_before_confirming_is_refused_as_unconfirmed(claire_contract):
    address = register(CLAIRE)

    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(address, PASSWORD)

    assert refused.value.reason == "unconfirmed"
    assert "confirm" in refused.value.message
    assert "nouvel e-mail" in refused.value.message


def test_login_before_confirming_with_a_wrong_password_does_not_say_unconfirmed(claire_contract):
    address = register(CLAIRE)

    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(address, "Mauvais-Mot-2-Passe")

    assert refused.value.reason == "invalid"


def test_resend_gives_the_same_answer_for_unknown_confirmed_and_unconfirmed_addresses(claire_contract, paul):
    unconfirmed = register(CLAIRE)

    answers = {
        auth.resend_confirmation("personne@example.fr"),
        auth.resend_confirmation(paul.email),
        auth.resend_confirmation(unconfirmed),
    }

    assert answers == {RESEND_ANSWER}


def refused_as_unconfirmed(address: str) -> None:
    """What the login page records before it offers « renvoyer l'e-mail de confirmation »."""
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(address, PASSWORD)
    assert refused.value.reason == "unconfirmed"


def test_resend_queues_a_mail_only_for_an_unconfirmed_address(claire_contract, paul):
    unconfirmed = register(CLAIRE)
    refused_as_unconfirmed(unconfirmed)
    mails_before = count(OutgoingMail)

    auth.resend_confirmation("personne@example.fr")
    auth.resend_confirmation(paul.email)
    assert count(OutgoingMail) == mails_before
    auth.resend_confirmation(unconfirmed.upper())

    assert count(OutgoingMail) == mails_before + 1
    assert len(mails_to(unconfirmed)) == 2


def test_resent_link_replaces_the_old_one(claire_contract):
    address = register(CLAIRE)
    refused_as_unconfirmed(address)
    old = link_token(address, "/confirmation-email")

    auth.resend_confirmation(address)
    new = link_token(address, "/confirmation-email")

    assert new != old
    with pytest.raises(ValidationError):
        confirm_email_link(tokens.digest(old))
    confirm_email_link(tokens.digest(new))
    assert account_of(address).email_confirmed_at is not None


def test_the_secret_of_the_mail_itself_is_refused_only_its_digest_works(claire_contract):
    """The page's server side holds the SHA-256 of the link's secret (kept in an HttpOnly cookie), never the
    secret: a secret read from a log or from Reflex's stored state confirms nothing."""
    address = register(CLAIRE)
    secret = link_token(address, "/confirmation-email")

    with pytest.raises(ValidationError) as error:
        confirm_email_link(secret)
    assert error.value.field == "token"
    assert account_of(address).email_confirmed_at is None

    assert "confirmée" in confirm_email_link(tokens.digest(secret))
    assert account_of(address).email_confirmed_at is not None
