"""The login grant and the session digest (auth.open_session, domain.actors).

A right password gives a single-use grant, valid 60 s; the portal's HTTP route exchanges it for the
session cookie. The browser keeps the session token; the server side only ever sees its SHA-256 (the
session digest), from which `actors.resolve` gives the actor of the request, or refuses.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, AuditEvent, EmailToken, LoginSession
from portal_app.domain import account, account_closing, actors, advisers, auth, password_reset, personal_data, tokens
from portal_app.domain.errors import NotAllowed, ValidationError

from .advisers_support import ADVISER_EMAIL, ADVISER_PASSWORD
from .support import NEW_PASSWORD, PASSWORD, account_of, actor_of, all_rows, count, link_token, login_token


def grant_of(email: str, password: str = PASSWORD) -> str:
    return auth.login(email, password).grant


def refused(token: str) -> bool:
    """Would a request carrying this session cookie be refused?"""
    return actors.resolve_or_none(tokens.digest(token)) is None


def set_account(email: str, **values) -> None:
    with session_scope() as session:
        row = session.get(Account, account_of(email).id)
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)


# --- the grant ------------------------------------------------------------------------------------


def test_login_stores_no_session_before_the_exchange_and_only_the_grant_s_hash(claire_confirmed, frozen_clock):
    grant = grant_of(claire_confirmed.email)

    assert count(LoginSession) == 0
    assert all_rows(AuditEvent, AuditEvent.action == "login_success") == []
    [stored] = all_rows(EmailToken, EmailToken.purpose == tokens.LOGIN_GRANT)
    assert stored.token_hash == tokens.digest(grant)
    assert not any(grant in str(value) for value in stored.model_dump().values())
    assert as_utc(stored.expires_at) == frozen_clock.now + timedelta(seconds=60)
    assert stored.used_at is None


def test_a_grant_opens_exactly_one_session_and_cannot_be_used_twice(claire_confirmed):
    grant = grant_of(claire_confirmed.email)

    opened = auth.open_session(grant)

    [stored] = all_rows(LoginSession)
    assert stored.token_hash == tokens.digest(opened.session_token)
    assert opened.session_token != grant
    assert actor_of(opened.session_token).account_id == account_of(claire_confirmed.email).id
    assert len(all_rows(AuditEvent, AuditEvent.action == "login_success")) == 1
    with pytest.raises(NotAllowed):
        auth.open_session(grant)
    assert count(LoginSession) == 1
    assert len(all_rows(AuditEvent, AuditEvent.action == "login_success")) == 1


@pytest.mark.parametrize(
    "grant", ["", None, "pas-une-autorisation", "x" * 500], ids=["empty", "none", "made-up", "big"]
)
def test_a_made_up_grant_opens_nothing(claire_confirmed, grant):
    with pytest.raises(NotAllowed):
        auth.open_session(grant)
    assert count(LoginSession) == 0


def test_the_grant_s_digest_is_not_a_grant(claire_confirmed):
    grant = grant_of(claire_confirmed.email)

    with pytest.raises(NotAllowed):
        auth.open_session(tokens.digest(grant))
    assert auth.open_session(grant).session_token


def test_a_grant_is_valid_59_seconds(claire_confirmed, frozen_clock):
    grant = grant_of(claire_confirmed.email)
    frozen_clock.advance(seconds=59)

    assert not refused(auth.open_session(grant).session_token)


def test_a_grant_expires_after_60_seconds(claire_confirmed, frozen_clock):
    grant = grant_of(claire_confirmed.email)
    frozen_clock.advance(seconds=60)

    with pytest.raises(NotAllowed):
        auth.open_session(grant)
    assert count(LoginSession) == 0


def test_a_grant_of_a_locked_account_opens_nothing(claire_confirmed, frozen_clock):
    grant = grant_of(claire_confirmed.email)
    set_account(claire_confirmed.email, locked_at=frozen_clock.now)

    with pytest.raises(NotAllowed):
        auth.open_session(grant)
    assert count(LoginSession) == 0


def test_a_grant_of_an_account_closed_meanwhile_opens_nothing(claire_confirmed):
    token = login_token(claire_confirmed.email)
    grant = grant_of(claire_confirmed.email)

    account_closing.close_for_session(actor_of(token), PASSWORD, True)

    with pytest.raises(NotAllowed):
        auth.open_session(grant)
    assert count(LoginSession) == 0


def test_a_grant_of_a_closed_account_opens_nothing_even_if_its_row_is_left(claire_confirmed, frozen_clock):
    grant = grant_of(claire_confirmed.email)
    set_account(claire_confirmed.email, closed_at=frozen_clock.now)

    with pytest.raises(NotAllowed):
        auth.open_session(grant)
    assert count(LoginSession) == 0


@pytest.mark.parametrize("change", ["change_password", "reset_password"])
def test_a_grant_given_before_a_password_change_opens_nothing_after_it(claire_confirmed, change):
    """Changing or resetting the password ends the other sessions; a grant not yet exchanged is one of them."""
    token = login_token(claire_confirmed.email)
    other_browser = grant_of(claire_confirmed.email)

    if change == "change_password":
        account.change_password(actor_of(token), PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    else:
        password_reset.request_password_reset(claire_confirmed.email)
        link = tokens.digest(link_token(claire_confirmed.email, "/nouveau-mot-de-passe"))
        password_reset.reset_password(link, NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(NotAllowed):
        auth.open_session(other_browser)
    assert count(LoginSession, LoginSession.ended_at.is_(None)) == (1 if change == "change_password" else 0)


def test_a_grant_is_not_an_email_link_and_an_email_link_is_not_a_grant(claire_confirmed):
    grant = grant_of(claire_confirmed.email)
    password_reset.request_password_reset(claire_confirmed.email)
    reset_secret = link_token(claire_confirmed.email, "/nouveau-mot-de-passe")

    assert not password_reset.reset_link_is_valid(tokens.digest(grant))
    with pytest.raises(ValidationError):
        password_reset.reset_password(tokens.digest(grant), NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(ValidationError):
        account.confirm_email_link(tokens.digest(grant))
    with pytest.raises(NotAllowed):
        auth.open_session(reset_secret)
    assert count(LoginSession) == 0
    assert password_reset.reset_link_is_valid(tokens.digest(reset_secret))
    assert auth.open_session(grant).session_token


# --- an adviser's grant ---------------------------------------------------------------------------


def test_an_adviser_s_grant_opens_a_pending_session_that_opens_nothing(frozen_clock, claire_confirmed):
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    result = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD)
    assert (result.role, result.second_factor_required) == ("adviser", True)

    opened = auth.open_session(result.grant)

    assert (opened.role, opened.pending) == ("adviser", True)
    pending = actor_of(opened.session_token)
    assert pending == actors.PendingAdviser(account_of(ADVISER_EMAIL).id, pending.session_id)
    [stored] = all_rows(LoginSession)
    assert stored.second_factor_pending
    assert as_utc(stored.expires_at) == frozen_clock.now + auth.SECOND_FACTOR_WINDOW
    assert all_rows(AuditEvent, AuditEvent.action == "login_success") == []
    assert account_of(ADVISER_EMAIL).last_login_at is None
    with pytest.raises(NotAllowed) as adviser_only:
        actors.adviser(pending)
    assert adviser_only.value.message == actors.ADVISER_ONLY
    for refused_action in (actors.member, actors.adviser_or_operator, account.member_overview):
        with pytest.raises(NotAllowed):
            refused_action(pending)
    with pytest.raises(NotAllowed):
        personal_data.export_for_session(pending)


def test_a_member_session_marked_pending_is_refused(claire_confirmed):
    """Only an adviser's session may wait for a second factor: a member's marked so resolves to nobody."""
    token = login_token(claire_confirmed.email)
    with session_scope() as session:
        stored = session.exec(select(LoginSession)).one()
        stored.second_factor_pending = True
        session.add(stored)

    assert refused(token)


# --- the session digest ---------------------------------------------------------------------------


def test_resolve_refuses_the_raw_token_and_accepts_only_its_digest(claire_confirmed):
    token = login_token(claire_confirmed.email)

    with pytest.raises(NotAllowed):
        actors.resolve(token)
    assert actors.resolve_or_none(token) is None
    with pytest.raises(NotAllowed):
        actors.resolve(tokens.digest(tokens.digest(token)))
    with pytest.raises(NotAllowed):
        actors.resolve(tokens.digest(token).upper())
    assert isinstance(actors.resolve(tokens.digest(token)), actors.Member)


def test_resolve_refuses_an_ended_session(claire_confirmed):
    token = login_token(claire_confirmed.email)
    auth.logout(tokens.digest(token))

    with pytest.raises(NotAllowed):
        actors.resolve(tokens.digest(token))


def test_resolve_refuses_a_session_idle_for_30_minutes(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    frozen_clock.advance(minutes=29, seconds=59)
    assert not refused(token)  # and this request counts as activity

    frozen_clock.advance(minutes=30)

    with pytest.raises(NotAllowed):
        actors.resolve(tokens.digest(token))


def test_resolve_refuses_a_locked_account(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    set_account(claire_confirmed.email, locked_at=frozen_clock.now)

    with pytest.raises(NotAllowed):
        actors.resolve(tokens.digest(token))


def test_resolve_refuses_a_closed_account(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    set_account(claire_confirmed.email, closed_at=frozen_clock.now)

    with pytest.raises(NotAllowed):
        actors.resolve(tokens.digest(token))


def test_resolve_gives_each_session_its_own_id(claire_confirmed):
    first, second = actor_of(login_token(claire_confirmed.email)), actor_of(login_token(claire_confirmed.email))

    assert first.account_id == second.account_id and first.contract_id == second.contract_id
    assert first.session_id != second.session_id
    assert {first.session_id, second.session_id} == {s.id for s in all_rows(LoginSession)}


# --- logout ---------------------------------------------------------------------------------------


def test_logout_by_digest_ends_the_session_and_records_it(claire_confirmed, frozen_clock):
    token = login_token(claire_confirmed.email)
    claire_id = account_of(claire_confirmed.email).id

    auth.logout(tokens.digest(token))

    assert refused(token)
    [stored] = all_rows(LoginSession)
    assert as_utc(stored.ended_at) == frozen_clock.now
    [event] = all_rows(AuditEvent, AuditEvent.action == "logout")
    assert (event.actor_account_id, event.actor_role) == (claire_id, "member")
    assert (event.target_type, event.target_id, event.member_account_id) == ("account", claire_id, claire_id)


def test_logout_twice_is_recorded_once(claire_confirmed):
    token = login_token(claire_confirmed.email)

    auth.logout(tokens.digest(token))
    auth.logout(tokens.digest(token))

    assert len(all_rows(AuditEvent, AuditEvent.action == "logout")) == 1


@pytest.mark.parametrize("what", ["raw-token", "empty", "made-up-digest"])
def test_logout_with_anything_but_the_digest_ends_nothing(claire_confirmed, what):
    token = login_token(claire_confirmed.email)
    sent = {"raw-token": token, "empty": "", "made-up-digest": tokens.digest("pas-un-jeton")}[what]

    auth.logout(sent)

    assert not refused(token)
    assert count(LoginSession, LoginSession.ended_at.is_not(None)) == 0
    assert all_rows(AuditEvent, AuditEvent.action == "logout") == []


def test_an_adviser_s_logout_is_recorded_without_a_member(frozen_clock):
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    token = auth.open_session(grant_of(ADVISER_EMAIL, ADVISER_PASSWORD)).session_token

    auth.logout(tokens.digest(token))

    assert refused(token)
    [event] = all_rows(AuditEvent, AuditEvent.action == "logout")
    assert event.actor_role == "adviser" and event.member_account_id is None


# --- changing the password ------------------------------------------------------------------------


def test_changing_the_password_keeps_the_current_session_and_ends_the_others(claire_confirmed):
    current = login_token(claire_confirmed.email)
    others = [login_token(claire_confirmed.email) for _ in range(2)]
    claire = actor_of(current)

    account.change_password(claire, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert actor_of(current) == claire
    assert all(refused(other) for other in others)
    live = all_rows(LoginSession, LoginSession.ended_at.is_(None))
    assert [s.id for s in live] == [claire.session_id]


def test_end_sessions_keeps_only_the_session_named_by_its_id(claire_confirmed, paul):
    cookies = [login_token(claire_confirmed.email) for _ in range(3)]
    kept = actor_of(cookies[1])

    with session_scope() as session:
        auth.end_sessions(session, kept.account_id, keep_session_id=kept.session_id)

    assert [refused(cookie) for cookie in cookies] == [True, False, True]
    assert actors.resolve(tokens.digest(login_token(paul.email)))  # another account's sessions are untouched
    assert count(LoginSession, LoginSession.account_id == paul.token.account_id, LoginSession.ended_at.is_(None)) == 2
