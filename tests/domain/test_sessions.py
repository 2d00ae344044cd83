"""Login sessions: 30 minutes idle, 12 hours at most, ended on the server by « Déconnexion »."""

from __future__ import annotations

import pytest

from portal_app.db.engine import as_utc
from portal_app.db.models import LoginSession
from portal_app.domain import account, auth, password_reset
from portal_app.domain.errors import NotAllowed

from .support import NEW_PASSWORD, PASSWORD, all_rows, link_token, login


def refused(token: str) -> bool:
    try:
        auth.authenticate(token)
    except NotAllowed:
        return True
    return False


def test_authenticate_returns_the_logged_in_account(claire):
    user = auth.authenticate(claire.token)

    assert user.role == "member"
    assert user.contract_id is not None


@pytest.mark.parametrize("token", ["", "pas-un-jeton", "x" * 500], ids=["no-token", "made-up", "oversized"])
def test_unknown_session_token_is_refused(claire, token):
    assert refused(token)


def test_session_survives_29_minutes_of_inactivity(claire_confirmed, frozen_clock):
    token = login(claire_confirmed.email)
    frozen_clock.advance(minutes=29)

    assert not refused(token)


def test_session_ends_after_31_minutes_of_inactivity(claire_confirmed, frozen_clock):
    token = login(claire_confirmed.email)
    frozen_clock.advance(minutes=31)

    assert refused(token)


def test_activity_keeps_the_session_alive(claire_confirmed, frozen_clock):
    token = login(claire_confirmed.email)
    frozen_clock.advance(minutes=29)
    auth.authenticate(token)
    frozen_clock.advance(minutes=29)

    assert not refused(token)
    frozen_clock.advance(minutes=31)
    assert refused(token)


def test_session_ends_after_12_hours_even_with_activity(claire_confirmed, frozen_clock):
    token = login(claire_confirmed.email)
    for _ in range(28):  # every 25 minutes until 11 h 40
        frozen_clock.advance(minutes=25)
        assert not refused(token)
    frozen_clock.advance(minutes=19)  # 11 h 59
    assert not refused(token)

    frozen_clock.advance(minutes=2)  # 12 h 01

    assert refused(token)


def test_logout_ends_the_session_on_the_server(claire):
    auth.logout(claire.token)

    assert refused(claire.token)
    [stored] = all_rows(LoginSession)
    assert stored.ended_at is not None


def test_logout_ends_only_that_session(claire):
    other = login(claire.email)

    auth.logout(claire.token)

    assert not refused(other)


def test_change_password_keeps_the_current_session_and_ends_the_others(claire):
    other_browser = login(claire.email)

    account.change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert not refused(claire.token)
    assert refused(other_browser)


def test_password_reset_ends_every_session(claire):
    other_browser = login(claire.email)
    password_reset.request_password_reset(claire.email)

    password_reset.reset_password(link_token(claire.email, "/nouveau-mot-de-passe"), NEW_PASSWORD, NEW_PASSWORD)

    assert refused(claire.token)
    assert refused(other_browser)


def test_session_expiry_is_stored_12_hours_after_login(claire_confirmed, frozen_clock):
    login(claire_confirmed.email)

    [stored] = all_rows(LoginSession)
    assert (as_utc(stored.expires_at) - frozen_clock.now).total_seconds() == 12 * 3600
