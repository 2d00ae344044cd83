"""Mails sent on request are limited (security review, finding 3).

Password reset and « renvoyer l'e-mail de confirmation » send at most 3 mails per address per hour and
10 per IP per hour, with the same neutral answer; a resend is sent only for an address whose login the
server refused because it is unconfirmed.
"""

from __future__ import annotations

import pytest

from portal_app.domain import audit, auth, password_reset

from .support import CLAIRE, PASSWORD, mails_to, register

IP = "203.0.113.9"
RESEND_ANSWER = auth.RESEND_MESSAGE
RESET_ANSWER = password_reset.REQUEST_ANSWER


@pytest.fixture
def from_ip():
    audit.set_origin(IP, "pytest")
    yield IP
    audit.set_origin("", "")


def refused_as_unconfirmed(address: str) -> None:
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(address, PASSWORD)
    assert refused.value.reason == "unconfirmed"


def test_three_resets_per_address_per_hour_with_the_same_answer(claire_confirmed, frozen_clock, from_ip):
    before = len(mails_to(claire_confirmed.email))

    answers = {password_reset.request_password_reset(claire_confirmed.email) for _ in range(10)}

    assert answers == {RESET_ANSWER}
    assert len(mails_to(claire_confirmed.email)) == before + 3
    frozen_clock.advance(hours=1, seconds=1)
    password_reset.request_password_reset(claire_confirmed.email)
    assert len(mails_to(claire_confirmed.email)) == before + 4


def test_ten_requests_per_ip_per_hour_whatever_the_address(claire_confirmed, frozen_clock, from_ip):
    for i in range(10):
        password_reset.request_password_reset(f"personne{i}@example.fr")
    before = len(mails_to(claire_confirmed.email))

    assert password_reset.request_password_reset(claire_confirmed.email) == RESET_ANSWER

    assert len(mails_to(claire_confirmed.email)) == before
    audit.set_origin("192.0.2.44", "pytest")
    password_reset.request_password_reset(claire_confirmed.email)
    assert len(mails_to(claire_confirmed.email)) == before + 1


def test_no_resend_for_an_address_whose_login_was_never_refused_as_unconfirmed(claire_contract, from_ip):
    address = register(CLAIRE)
    before = len(mails_to(address))

    assert auth.resend_confirmation(address) == RESEND_ANSWER

    assert len(mails_to(address)) == before


def test_resend_after_the_login_was_refused_as_unconfirmed(claire_contract, from_ip):
    address = register(CLAIRE)
    before = len(mails_to(address))
    refused_as_unconfirmed(address)

    assert auth.resend_confirmation(address.upper()) == RESEND_ANSWER

    assert len(mails_to(address)) == before + 1


def test_a_wrong_password_records_no_refusal_for_unconfirmed(claire_contract, from_ip):
    address = register(CLAIRE)
    before = len(mails_to(address))
    with pytest.raises(auth.LoginRefused):
        auth.login(address, "Mauvais-Mot-2-Passe")

    auth.resend_confirmation(address)

    assert len(mails_to(address)) == before


def test_three_resends_per_address_per_hour(claire_contract, frozen_clock, from_ip):
    address = register(CLAIRE)
    before = len(mails_to(address))
    refused_as_unconfirmed(address)

    answers = {auth.resend_confirmation(address) for _ in range(6)}

    assert answers == {RESEND_ANSWER}
    assert len(mails_to(address)) == before + 3


def test_resets_and_resends_share_the_limit_of_an_address(claire_contract, frozen_clock, from_ip):
    address = register(CLAIRE)
    before = len(mails_to(address))
    refused_as_unconfirmed(address)

    auth.resend_confirmation(address)
    password_reset.request_password_reset(address)
    password_reset.request_password_reset(address)
    auth.resend_confirmation(address)

    assert len(mails_to(address)) == before + 3
