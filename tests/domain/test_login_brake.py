"""One brake for known and unknown addresses, a growing delay and no lock (security review, finding 4).

Before, only a real account got « Trop de tentatives » after 5 failures, and a lock after 10 that anyone
could trigger for a victim. Now every address, with or without an account, gets the same delay after the
5th failure in a row: 30 seconds, doubling up to 15 minutes; the right password works once it is over.
"""

from __future__ import annotations

import pytest

from portal_app.domain import auth

from .support import PASSWORD, login

WRONG = "Mauvais-Mot-2-Passe"
UNKNOWN = "personne@example.fr"


def refusal(email: str, password: str = WRONG) -> auth.LoginRefused:
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(email, password)
    return refused.value


def answers(email: str, times: int) -> list[tuple[str, str]]:
    return [(r.reason, r.message) for r in (refusal(email) for _ in range(times))]


def test_unknown_and_known_addresses_get_the_same_answers_after_five_failures(claire_confirmed, frozen_clock):
    known = answers(claire_confirmed.email, 7)
    unknown = answers(UNKNOWN, 7)

    assert known == unknown
    assert [reason for reason, _ in known] == ["invalid"] * 4 + ["throttled"] * 3
    assert "Trop de tentatives" in known[4][1]


def test_the_first_delay_is_thirty_seconds(claire_confirmed, frozen_clock):
    answers(claire_confirmed.email, 5)

    frozen_clock.advance(seconds=29)
    assert refusal(claire_confirmed.email, PASSWORD).reason == "throttled"
    frozen_clock.advance(seconds=2)
    assert login(claire_confirmed.email)


def test_the_message_says_how_long_to_wait(claire_confirmed, frozen_clock):
    fifth = answers(UNKNOWN, 5)[-1][1]

    assert "patienter 30 secondes" in fifth


def test_the_delay_doubles_up_to_fifteen_minutes_and_never_locks(claire_confirmed, frozen_clock):
    answers(claire_confirmed.email, 5)

    for wait in (30, 60, 120, 240, 480, 900, 900, 900):
        frozen_clock.advance(seconds=wait - 1)
        assert refusal(claire_confirmed.email, PASSWORD).reason == "throttled"  # not counted
        frozen_clock.advance(seconds=1)
        assert refusal(claire_confirmed.email).reason == "throttled"  # a failure again, the delay grows

    frozen_clock.advance(minutes=15)
    assert login(claire_confirmed.email)


def test_a_success_clears_the_failures(claire_confirmed, frozen_clock):
    answers(claire_confirmed.email, 4)
    login(claire_confirmed.email)

    assert [reason for reason, _ in answers(claire_confirmed.email, 4)] == ["invalid"] * 4
