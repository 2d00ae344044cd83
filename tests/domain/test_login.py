"""Logging in (PRODUCT.md rule 5): one answer for every bad credential, a brake on brute force."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, LoginSession
from portal_app.domain import actors, auth, password_reset, tokens
from portal_app.domain.errors import ValidationError

from .support import (
    NEW_PASSWORD,
    PASSWORD,
    account_of,
    actor_of,
    all_rows,
    brake_failures,
    link_token,
    login,
    login_token,
)

WRONG = "Mauvais-Mot-2-Passe"
FAQ_HELP = "vérifiez l'adresse e-mail communiquée à votre inscription et la bonne réception de l'e-mail de confirmation"


def refusal(email: str, password: str) -> auth.LoginRefused:
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(email, password)
    return refused.value


def fail(email: str, times: int) -> list[str]:
    return [refusal(email, WRONG).reason for _ in range(times)]


def test_right_credentials_give_a_grant_that_opens_a_session(claire_confirmed):
    result = auth.login(claire_confirmed.email, PASSWORD)
    opened = auth.open_session(result.grant)

    assert (result.role, result.second_factor_required) == ("member", False)
    assert (opened.role, opened.pending) == ("member", False)
    claire = actor_of(opened.session_token)
    assert isinstance(claire, actors.Member)
    assert claire.account_id == account_of(claire_confirmed.email).id


def test_login_ignores_the_case_of_the_address(claire_confirmed):
    assert auth.login(claire_confirmed.email.upper(), PASSWORD).grant


def test_session_token_has_at_least_128_random_bits_and_only_its_sha256_is_stored(claire_confirmed):
    token = login_token(claire_confirmed.email)

    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    [stored] = all_rows(LoginSession)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in stored.model_dump().values())


def test_each_login_gets_a_new_token(claire_confirmed):
    first = login_token(claire_confirmed.email)
    second = login_token(claire_confirmed.email)

    assert first != second


def test_unknown_address_and_wrong_password_get_the_same_answer(claire_confirmed):
    unknown = refusal("personne@example.fr", PASSWORD)
    wrong = refusal(claire_confirmed.email, WRONG)

    assert (unknown.reason, unknown.message) == (wrong.reason, wrong.message) == ("invalid", wrong.message)
    assert FAQ_HELP in wrong.message
    assert "renouvellement de votre mot de passe" in wrong.message


def test_unknown_address_takes_about_as_long_as_a_wrong_password(claire_confirmed):
    def fastest(email: str) -> float:
        durations = []
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(auth.LoginRefused):
                auth.login(email, WRONG)
            durations.append(time.perf_counter() - start)
        return min(durations)

    unknown, wrong = fastest("personne@example.fr"), fastest(claire_confirmed.email)

    assert unknown > wrong * 0.5


def test_malformed_address_gets_the_same_answer_as_a_wrong_password(claire_confirmed):
    assert refusal("pas-une-adresse", PASSWORD).message == refusal(claire_confirmed.email, WRONG).message


def test_empty_fields_are_asked_for():
    with pytest.raises(ValidationError) as error:
        auth.login(" ", "")

    assert set(error.value.errors) == {"email", "password"}


def test_four_failures_do_not_slow_the_member_down(claire_confirmed, frozen_clock):
    assert fail(claire_confirmed.email, 4) == ["invalid"] * 4

    assert login(claire_confirmed.email)


def test_fifth_failure_imposes_a_delay_of_thirty_seconds(claire_confirmed, frozen_clock):
    assert fail(claire_confirmed.email, 5) == ["invalid"] * 4 + ["throttled"]
    frozen_clock.advance(seconds=29)

    during = refusal(claire_confirmed.email, PASSWORD)

    assert during.reason == "throttled"
    assert "patienter 1 seconde" in during.message


def test_right_password_works_again_once_the_delay_is_over(claire_confirmed, frozen_clock):
    fail(claire_confirmed.email, 5)
    frozen_clock.advance(seconds=31)

    assert login(claire_confirmed.email)


def test_delay_grows_with_each_further_failure(claire_confirmed, frozen_clock):
    fail(claire_confirmed.email, 5)
    frozen_clock.advance(seconds=31)
    sixth = refusal(claire_confirmed.email, WRONG)
    frozen_clock.advance(seconds=45)

    during = refusal(claire_confirmed.email, PASSWORD)
    frozen_clock.advance(seconds=16)

    assert sixth.reason == "throttled" and "1 minute" in sixth.message
    assert during.reason == "throttled"
    assert login(claire_confirmed.email)


def test_attempts_during_the_delay_do_not_count_as_failures(claire_confirmed, frozen_clock):
    fail(claire_confirmed.email, 5)

    fail(claire_confirmed.email, 3)

    assert brake_failures(claire_confirmed.email) == 5


def test_many_failures_never_lock_the_account(claire_confirmed, frozen_clock):
    reasons = fail(claire_confirmed.email, 5)
    for seconds in (30, 60, 120, 240, 480, 900, 900):  # wait out each delay, then fail again
        frozen_clock.advance(seconds=seconds)
        reasons += fail(claire_confirmed.email, 1)
    frozen_clock.advance(minutes=15)

    assert reasons == ["invalid"] * 4 + ["throttled"] * 8
    assert account_of(claire_confirmed.email).locked_at is None
    assert login(claire_confirmed.email)


def test_password_reset_clears_the_brake(claire_confirmed, frozen_clock):
    fail(claire_confirmed.email, 5)
    password_reset.request_password_reset(claire_confirmed.email)

    password_reset.reset_password(
        tokens.digest(link_token(claire_confirmed.email, "/nouveau-mot-de-passe")), NEW_PASSWORD, NEW_PASSWORD
    )

    assert brake_failures(claire_confirmed.email) == 0
    assert login(claire_confirmed.email, NEW_PASSWORD)


def test_a_lock_left_by_the_old_rule_opens_with_no_password_and_says_nothing_more(claire_confirmed, frozen_clock):
    with session_scope() as session:
        account = session.get(Account, account_of(claire_confirmed.email).id)
        account.locked_at = frozen_clock.now

    refused = refusal(claire_confirmed.email, PASSWORD)

    assert (refused.reason, refused.message) == ("invalid", auth.LOGIN_FAILED_MESSAGE)


def test_successful_login_resets_the_failure_count(claire_confirmed, frozen_clock):
    fail(claire_confirmed.email, 4)
    auth.login(claire_confirmed.email, PASSWORD)

    reasons = fail(claire_confirmed.email, 4)

    assert reasons == ["invalid"] * 4
    assert brake_failures(claire_confirmed.email) == 4


def test_successful_login_records_the_time_the_session_opens(claire_confirmed, frozen_clock):
    result = auth.login(claire_confirmed.email, PASSWORD)
    assert account_of(claire_confirmed.email).last_login_at is None  # a grant is not a login yet
    frozen_clock.advance(seconds=2)

    auth.open_session(result.grant)

    assert as_utc(account_of(claire_confirmed.email).last_login_at) == frozen_clock.now
