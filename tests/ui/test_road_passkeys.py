"""The passkey handlers on the road: Mon compte, /connexion, /conseiller/compte and the second-factor page.

The page's script (assets/passkeys.js) is played by the software authenticator of the domain tests: the options
are read from the script the handler sends, the answer goes back to the handler as the script's callback would.
"""

from __future__ import annotations

import pytest
from domain.advisers_support import enrol_adviser, pending_adviser_token
from domain.conftest import _empty_tables, claire_confirmed, claire_contract, database  # noqa: F401
from domain.passkey_support import SoftAuthenticator
from domain.support import actor_of, login_token

from portal_app.domain import actors, second_factor
from portal_app.ui.login import LoginState
from portal_app.ui.passkeys import CANCELLED, UNSUPPORTED, PasskeysState
from portal_app.ui.second_factor import SecondFactorState

from .road_support import page_state, redirect_of, run, scripts_of


def options_of(events: list, kind: str) -> str:
    """The options JSON in `window.eaPasskeys.<kind>(…)` (what the page's script hands to the browser)."""
    (script,) = [s for s in scripts_of(events) if s.startswith(f"window.eaPasskeys.{kind}(")]
    return script[len(f"window.eaPasskeys.{kind}(") : -1]


@pytest.fixture
def claire_session(claire_confirmed) -> str:
    return login_token(claire_confirmed.email)


def add(session_token: str, device: SoftAuthenticator, path: str = "/mon-espace/compte") -> PasskeysState:
    state = page_state(PasskeysState, path, session_token)
    events = run(state, PasskeysState.start, {"passkey_name": "Mon téléphone"})
    run(state, PasskeysState.finish, device.create(options_of(events, "create")))
    return state


def test_a_member_adds_a_passkey_and_sees_it_listed(claire_session):
    state = add(claire_session, SoftAuthenticator())

    assert state.errors == {} and "« Mon téléphone » est ajoutée" in state.message
    assert [k["name"] for k in state.keys] == ["Mon téléphone"] and state.keys[0]["last_used"] == "jamais"


@pytest.mark.parametrize(
    ("answer", "message"),
    [('{"error": "NotAllowedError"}', CANCELLED), ('{"error": "unsupported"}', UNSUPPORTED), ("[1]", CANCELLED)],
)
def test_a_cancelled_ceremony_is_said_next_to_the_button(claire_session, answer, message):
    state = page_state(PasskeysState, "/mon-espace/compte", claire_session)
    run(state, PasskeysState.start, {"passkey_name": ""})
    events = run(state, PasskeysState.finish, answer)
    assert state.errors == {"passkey": message} and state.keys == []
    assert any("getElementById('passkey')" in s for s in scripts_of(events))


def test_a_too_long_name_comes_back_by_its_field(claire_session):
    state = page_state(PasskeysState, "/mon-espace/compte", claire_session)
    events = run(state, PasskeysState.start, {"passkey_name": "x" * 61})
    assert set(state.errors) == {"passkey_name"} and not [s for s in scripts_of(events) if "eaPasskeys" in s]


def test_nobody_is_sent_to_the_login_page_and_a_member_away_from_the_adviser_page(claire_session):
    nobody = page_state(PasskeysState, "/mon-espace/compte", None)
    assert redirect_of(run(nobody, PasskeysState.start, {"passkey_name": ""})).startswith("/connexion?next=")
    member = page_state(PasskeysState, "/conseiller/compte", claire_session)
    assert redirect_of(run(member, PasskeysState.load_for_adviser)) == "/mon-espace"


def test_login_with_a_passkey_answers_with_the_grant_script(claire_session):
    device = SoftAuthenticator()
    add(claire_session, device)
    state = page_state(LoginState, "/connexion", None)

    events = run(state, LoginState.start_passkey)
    events = run(state, LoginState.finish_passkey, device.get(options_of(events, "get")))

    (script,) = scripts_of(events)
    assert "/session/ouvrir" in script and '"/mon-espace"' in script and state.refusal == ""


def test_an_unknown_passkey_is_refused_on_the_login_page(claire_session):
    state = page_state(LoginState, "/connexion", None)
    events = run(state, LoginState.start_passkey)
    stranger = SoftAuthenticator(user_handle=b"x" * 32, rp_id="localhost")
    run(state, LoginState.finish_passkey, stranger.get(options_of(events, "get")))
    assert state.refusal.startswith("Cette clé d'accès n'a pas permis") and state.refusal_reason == "passkey"


def test_an_adviser_adds_a_passkey_then_uses_it_as_second_factor():
    adviser = enrol_adviser()
    device = SoftAuthenticator()
    full = pending_adviser_token(adviser.email)
    second_factor.verify(actor_of(full), adviser.recovery_codes[0])
    state = add(full, device, "/conseiller/compte")
    assert len(state.keys) == 1

    pending = pending_adviser_token(adviser.email)
    page = page_state(SecondFactorState, "/connexion/verification", pending)
    run(page, SecondFactorState.load)
    assert page.mode == "verify" and page.passkey_available
    events = run(page, SecondFactorState.start_passkey)
    events = run(page, SecondFactorState.finish_passkey, device.get(options_of(events, "get")))

    assert redirect_of(events) == "/conseiller"
    assert isinstance(actor_of(pending), actors.Adviser)
