"""The messages pages' handlers through the road, as a websocket event would call them, without a browser.

A member lists, writes and answers; bad input comes back by its field with nothing written; another member's
thread is « introuvable »; an adviser answers from the back-office and the member is mailed; anyone else
is sent to /connexion.
"""

from __future__ import annotations

import pytest
from domain.advisers_support import enrol_adviser, pending_adviser_token
from domain.conftest import (  # noqa: F401
    _clock_always_unfrozen,
    _empty_tables,
    claire,
    claire_confirmed,
    claire_contract,
    database,
    paul,
    paul_contract,
)
from domain.support import actor_of, count, login_token, mails_to

from portal_app.db.models import Message, MessageThread
from portal_app.domain import messages, second_factor
from portal_app.ui.adviser.message_thread import AdviserThreadState
from portal_app.ui.adviser.messages import AdviserMessagesState
from portal_app.ui.message_thread import MessageThreadState
from portal_app.ui.messages import MessagesState

from .road_support import page_state, redirect_of, run, scripts_of

LIST_PATH = "/mon-espace/messages"
THREAD_PATH = "/mon-espace/messages/fil"


@pytest.fixture
def claire_session(claire) -> str:
    return login_token(claire.email)


@pytest.fixture
def paul_session(paul) -> str:
    return login_token(paul.email)


@pytest.fixture
def adviser_session() -> str:
    adviser = enrol_adviser()
    session_token = pending_adviser_token(adviser.email)
    second_factor.verify(actor_of(session_token), adviser.recovery_codes[0])
    return session_token


def thread_state(cls, path: str, thread_id: int, session_token: str | None):
    return page_state(cls, f"{path}?id={thread_id}", session_token, query={"id": str(thread_id)})


def test_a_member_writes_and_is_taken_to_the_new_thread(claire_session):
    state = page_state(MessagesState, LIST_PATH, claire_session)
    run(state, MessagesState.load)
    assert state.loaded and state.threads == []

    events = run(state, MessagesState.send, {"subject": "Une question", "body": "Bonjour.", "file_reference": ""})

    [thread] = messages.threads(actor_of(claire_session))
    assert redirect_of(events) == f"{THREAD_PATH}?id={thread.thread_id}"
    assert state.errors == {} and not state.busy


def test_bad_input_comes_back_by_its_field_with_the_focus_and_nothing_written(claire_session):
    state = page_state(MessagesState, LIST_PATH, claire_session)
    run(state, MessagesState.load)

    events = run(state, MessagesState.send, {"subject": "ab", "body": "x" * 4001, "file_reference": "AS-2026-000009"})

    assert state.errors == {
        "subject": messages.SUBJECT_MISSING,
        "file_reference": messages.UNKNOWN_FILE,
        "body": messages.body_too_long(4001),
    }
    assert 'getElementById("subject")' in " ".join(scripts_of(events))
    assert count(MessageThread) == 0


def test_another_members_thread_is_not_found_and_cannot_be_answered(claire_session, paul_session):
    thread_id = messages.start_thread(actor_of(claire_session), "Une question", "Bonjour.")
    state = thread_state(MessageThreadState, THREAD_PATH, thread_id, paul_session)

    run(state, MessageThreadState.load)
    assert state.problem == messages.THREAD_NOT_FOUND and state.thread is None
    run(state, MessageThreadState.send, {"body": "Je m'invite."})
    assert count(Message) == 1


def test_anyone_not_logged_in_is_sent_to_login_and_brought_back(claire_session):
    thread_id = messages.start_thread(actor_of(claire_session), "Une question", "Bonjour.")
    state = thread_state(MessageThreadState, THREAD_PATH, thread_id, None)

    events = run(state, MessageThreadState.load)

    assert redirect_of(events) == f"/connexion?next={THREAD_PATH}%3Fid%3D{thread_id}"
    assert state.thread is None


def test_an_adviser_answers_the_member_is_mailed_and_reads_it(claire, claire_session, adviser_session):
    thread_id = messages.start_thread(actor_of(claire_session), "Une question", "Bonjour.")
    queue = page_state(AdviserMessagesState, "/conseiller/messages", adviser_session)
    run(queue, AdviserMessagesState.load)
    assert [w.thread_id for w in queue.waiting] == [thread_id]

    desk = thread_state(AdviserThreadState, "/conseiller/messages/fil", thread_id, adviser_session)
    run(desk, AdviserThreadState.load)
    run(desk, AdviserThreadState.send, {"body": ""})
    assert desk.errors == {"body": messages.BODY_MISSING}
    run(desk, AdviserThreadState.send, {"body": "Voici la réponse."})
    assert desk.message and desk.errors == {} and len(desk.thread.messages) == 2
    mail = mails_to(claire.email)[-1]  # already delivered (sends_mail): its body is erased once sent
    assert mail.subject == "Nouveau message dans votre Espace Assistance"
    assert "Voici la réponse." not in (mail.body or "")

    member = thread_state(MessageThreadState, THREAD_PATH, thread_id, claire_session)
    run(member, MessageThreadState.load)
    assert [m.author for m in member.thread.messages] == ["Vous", messages.ADVISER_NAME]
    run(member, MessageThreadState.send, {"body": "Merci !"})
    assert member.message and [m.body for m in member.thread.messages][-1] == "Merci !"


def test_a_member_on_the_advisers_queue_goes_back_home(claire_session):
    state = page_state(AdviserMessagesState, "/conseiller/messages", claire_session)

    events = run(state, AdviserMessagesState.load)

    assert redirect_of(events) == "/mon-espace" and state.waiting == []
