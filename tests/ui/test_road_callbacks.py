"""« Être rappelé » through the road: the member's page and the adviser's, their handlers called as a websocket
event would call them, for the member, another member, an adviser and nobody (both databases)."""

from __future__ import annotations

import pytest
from domain.advisers_support import enrol_adviser, pending_adviser_token
from domain.conftest import _empty_tables, claire_confirmed, claire_contract, database, paul_contract  # noqa: F401
from domain.support import PAUL, actor_of, confirm, login_token, register

from portal_app.domain import callbacks, second_factor
from portal_app.ui.adviser.callbacks import AdviserCallbacksState
from portal_app.ui.callbacks import SENT, CallbackState

from .road_support import page_state, redirect_of, run, scripts_of

PAGE = "/mon-espace/rappel"


@pytest.fixture
def claire(claire_confirmed) -> str:
    return login_token(claire_confirmed.email)


@pytest.fixture
def paul(paul_contract) -> str:
    address = register(PAUL)
    confirm(address)
    return login_token(address)


@pytest.fixture
def adviser() -> str:
    adviser = enrol_adviser()
    token = pending_adviser_token(adviser.email)
    second_factor.verify(actor_of(token), adviser.recovery_codes[0])
    return token


def form(**values) -> dict:
    return {"subject": "compte", "slot_1": callbacks.available_slots()[0].value, "phone": "0612345678"} | values


def test_the_member_asks_and_sees_the_request(claire):
    state = page_state(CallbackState, PAGE, claire)
    run(state, CallbackState.load)
    assert state.loaded and state.phone == "06 12 34 56 78" and len(state.subjects) == 5 and state.slots
    run(state, CallbackState.submit, form(note="Merci"))
    assert state.message == SENT and state.has_current and state.current.subject == "Mon compte"


def test_bad_input_comes_back_by_its_field_with_the_focus(claire):
    state = page_state(CallbackState, PAGE, claire)
    run(state, CallbackState.load)
    events = run(state, CallbackState.submit, form(slot_1="", note="n" * 600))
    assert set(state.errors) == {"slot_1", "note"}
    assert any("slot_1" in script for script in scripts_of(events))
    assert not state.has_current


def test_another_member_cannot_cancel_the_request(claire, paul):
    mine = callbacks.request_callback(
        actor_of(claire), "trajets", [callbacks.available_slots()[0].value], "0612345678", ""
    )
    state = page_state(CallbackState, PAGE, paul)
    run(state, CallbackState.load)
    run(state, CallbackState.cancel, mine.request_id)
    assert callbacks.member_callback(actor_of(claire), mine.request_id).is_open


def test_nobody_and_advisers_are_sent_away_from_the_member_page(database, adviser):
    for token in (None, adviser):
        state = page_state(CallbackState, PAGE, token)
        events = run(state, CallbackState.submit, form())
        assert redirect_of(events) is not None
    assert callbacks.available_slots()  # and nothing was recorded: no member to record it for


def test_the_adviser_marks_a_request_done_and_a_member_cannot(claire, adviser):
    mine = callbacks.request_callback(
        actor_of(claire), "trajets", [callbacks.available_slots()[0].value], "0612345678", ""
    )
    member_tab = page_state(AdviserCallbacksState, "/conseiller/rappels", claire)
    assert redirect_of(run(member_tab, AdviserCallbacksState.load)) == "/mon-espace"

    state = page_state(AdviserCallbacksState, "/conseiller/rappels", adviser)
    run(state, AdviserCallbacksState.load)
    assert [line.request_id for line in state.lines] == [mine.request_id]
    run(state, AdviserCallbacksState.start, mine.request_id)
    run(state, AdviserCallbacksState.save, {"outcome": "", "adviser_note": ""})
    assert "outcome" in state.errors
    run(state, AdviserCallbacksState.save, {"outcome": "unreachable", "adviser_note": "Messagerie pleine."})
    assert state.message.endswith("injoignable.") and state.lines == []
    assert callbacks.member_callback(actor_of(claire), mine.request_id).outcome == "injoignable"
