"""Login sessions: 30 minutes idle, 12 hours at most, ended on the server by « Déconnexion ».

The browser holds the session token; the server side only ever sees its SHA-256 (the session digest),
which `actors.resolve` turns into the actor of the request, or refuses.
"""

from __future__ import annotations

import pytest

from portal_app.db.engine import as_utc
from portal_app.db.models import LoginSession
from portal_app.domain import account, actors, auth, password_reset, tokens
from portal_app.domain.errors import NotAllowed

from .support import NEW_PASSWORD, PASSWORD, account_of, actor_of, all_rows, link_token, login_token


def refused(token: str) -> bool:
    """Would a request carrying this session cookie be refused?"""
    try:
        actor_of(token)
    except NotAllowed:
        return True
    return False


def test_resolve_returns_the_logged_in_member(claire_confirmed):
    claire = actors.resolve(tokens.digest(login_token(claire_confirmed.email)))

    assert isinstance(claire, actors.Member)
    assert claire.account_id == account_of(claire_confirmed.email).id
    assert claire.contract_id is not None
    assert actors.role_of(claire) == "member"


@pytest.mark.parametrize("token", ["", "pas-un-jeton", "x" * 500], ids=["no-token", "made-up", "oversized"])
def test_unknown_session_token_is_refused(claire, token):
    assert refused(token)
    with pytest.raises(NotAllowed):
        actors.resolve(token)
    assert actors.resolve_or_none(tokens.digest(token)) is None


def test_no_cookie_at_all_is_refused(claire):
    with pytest.raises(NotAllowed):
        actors.resolve(None)
    assert actors.resolve_or_none(None) is None


def test_session_survives_29_minutes_of_inactivity(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    frozen_clock.advance(minutes=29)

    assert not refused(token)


def test_session_ends_after_31_minutes_of_inactivity(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    frozen_clock.advance(minutes=31)

    assert refused(token)


def test_activity_keeps_the_session_alive(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    frozen_clock.advance(minutes=29)
    actor_of(token)
    frozen_clock.advance(minutes=29)

    assert not refused(token)
    frozen_clock.advance(minutes=31)
    assert refused(token)


def test_session_ends_after_12_hours_even_with_activity(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    for _ in range(28):  # every 25 minutes until 11 h 40
        frozen_clock.advance(minutes=25)
        assert not refused(token)
    frozen_clock.advance(minutes=19)  # 11 h 59
    assert not refused(token)

    frozen_clock.advance(minutes=2)  # 12 h 01

    assert refused(token)


def test_logout_ends_the_session_on_the_server(claire_confirmed):
    token = login_token(claire_confirmed.email)

    auth.logout(tokens.digest(token))

    assert refused(token)
    [stored] = all_rows(LoginSession)
    assert stored.ended_at is not None


def test_logout_ends_only_that_session(claire_confirmed):
    token = login_token(claire_confirmed.email)
    other = login_token(claire_confirmed.email)

    auth.logout(tokens.digest(token))

    assert not refused(other)


def test_change_password_keeps_the_current_session_and_ends_the_others(claire_confirmed):
    token = login_token(claire_confirmed.email)
    other_browser = login_token(claire_confirmed.email)

    account.change_password(actor_of(token), PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert not refused(token)
    assert refused(other_browser)


def test_password_reset_ends_every_session(claire_confirmed):
    token = login_token(claire_confirmed.email)
    other_browser = login_token(claire_confirmed.email)
    password_reset.request_password_reset(claire_confirmed.email)

    password_reset.reset_password(
        tokens.digest(link_token(claire_confirmed.email, "/nouveau-mot-de-passe")), NEW_PASSWORD, NEW_PASSWORD
    )

    assert refused(token)
    assert refused(other_browser)


def test_session_expiry_is_stored_12_hours_after_login(claire_confirmed, frozen_clock):
    login_token(claire_confirmed.email)

    [stored] = all_rows(LoginSession)
    assert (as_utc(stored.expires_at) - frozen_clock.now).total_seconds() == 12 * 3600
