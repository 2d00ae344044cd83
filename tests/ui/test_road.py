"""The road every handler takes, shown on the member pages: member, adviser, pending adviser and nobody.

Handlers are called as a websocket event would call them (road_support.py), with the session as the
middleware hands it; the database is the domain tests' (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest
from domain.advisers_support import enrol_adviser, pending_adviser_token
from domain.conftest import _empty_tables, claire_confirmed, claire_contract, database  # noqa: F401
from domain.support import PASSWORD, login_token

from portal_app.domain import auth, tokens
from portal_app.ui.member import AccountState, MemberHomeState, PasswordState
from portal_app.ui.session_state import SessionState

from .road_support import page_state, redirect_of, run, scripts_of


@pytest.fixture
def claire_session(claire_confirmed) -> str:
    return login_token(claire_confirmed.email)


@pytest.fixture
def adviser_session() -> str:
    adviser = enrol_adviser()
    return login_token(adviser.email, "Boussole-Marine-64")


def test_a_member_gets_her_home_page(claire_session):
    state = page_state(MemberHomeState, "/mon-espace", claire_session)
    events = run(state, MemberHomeState.load)
    assert redirect_of(events) is None
    assert state.loaded and state.overview["first_name"] == "Claire"
    assert state.todo == [] and state.next_trips == [] and state.claims == [] and state.files == []
    session = state.parent_state.get_substate([SessionState.get_name()])
    assert session.is_logged_in and session.role == "member"


def test_nobody_is_sent_to_the_login_page_and_brought_back(database):
    state = page_state(MemberHomeState, "/mon-espace")
    events = run(state, MemberHomeState.load)
    assert redirect_of(events) == "/connexion?next=/mon-espace"
    assert not state.loaded


def test_an_ended_session_is_nobody(claire_session):
    auth.logout(tokens.digest(claire_session))
    state = page_state(AccountState, "/mon-espace/compte", claire_session)
    assert redirect_of(run(state, AccountState.load)) == "/connexion?next=/mon-espace/compte"


def test_an_adviser_is_not_a_member(adviser_session):
    state = page_state(MemberHomeState, "/mon-espace", adviser_session)
    assert redirect_of(run(state, MemberHomeState.load)) == "/connexion?next=/mon-espace"
    assert not state.loaded


def test_a_pending_adviser_opens_nothing(database):
    enrol_adviser()
    pending = pending_adviser_token("conseillere@example.fr")
    state = page_state(PasswordState, "/mon-espace/mot-de-passe", pending)
    assert redirect_of(run(state, PasswordState.load)) == "/connexion?next=/mon-espace/mot-de-passe"
    assert not state.loaded


def test_bad_input_comes_back_by_its_field_with_the_focus(claire_session):
    state = page_state(PasswordState, "/mon-espace/mot-de-passe", claire_session)
    events = run(
        state,
        PasswordState.submit,
        {"current_password": PASSWORD, "new_password": "court", "new_password_confirmation": "court"},
    )
    assert redirect_of(events) is None
    assert set(state.errors) == {"new_password"}
    assert any('getElementById("new_password")' in script for script in scripts_of(events))
    assert state.busy is False and state.done is False


def test_a_wrong_current_password_changes_nothing(claire_session):
    state = page_state(AccountState, "/mon-espace/compte", claire_session)
    run(state, AccountState.load)
    events = run(
        state,
        AccountState.save,
        {"phone": "06 12 34 56 78", "email": "autre@example.fr", "current_password": "pas-le-bon"},
    )
    assert "current_password" in state.errors and redirect_of(events) is None
    assert state.details["email"] == "claire.martin@example.fr"


def test_a_form_sent_without_a_session_changes_nothing(claire_confirmed):
    state = page_state(AccountState, "/mon-espace/compte")
    events = run(state, AccountState.save, {"phone": "07 00 00 00 00", "email": "", "current_password": ""})
    assert redirect_of(events) == "/connexion?next=/mon-espace/compte"
    member = page_state(AccountState, "/mon-espace/compte", login_token(claire_confirmed.email))
    run(member, AccountState.load)
    assert member.details["phone"] == "06 12 34 56 78"


def test_the_login_brings_back_the_page_with_its_query(database):
    from portal_app.ui.claim_page import ClaimState

    path = "/mon-espace/remboursements/demande?ref=RB-2026-000001"
    state = page_state(ClaimState, path, query={"ref": "RB-2026-000001"})
    assert redirect_of(run(state, ClaimState.load)) == (
        "/connexion?next=/mon-espace/remboursements/demande%3Fref%3DRB-2026-000001"
    )
