"""Messages between a member and the platform: threads, ownership, lengths, the advisers' queue, the mail."""

from __future__ import annotations

import pytest

from portal_app.db.models import AuditEvent, Message, MessageThread, OutgoingMail
from portal_app.domain import messages, messages_desk
from portal_app.domain.account_closing import close_for_session
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser, pending_adviser
from .claims_support import open_file
from .support import PASSWORD, PAUL, all_rows, count, mails_to

SUBJECT = "Question sur l'aide ménagère"
BODY = "Mon fils sort de l'hôpital vendredi : l'aide peut-elle commencer lundi ?"
ANSWER = "Oui, l'intervenante passera lundi à 9 h."


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


def errors_of(call, *args) -> dict[str, str]:
    with pytest.raises(ValidationError) as refusal:
        call(*args)
    return refusal.value.errors


# --- the member writes -------------------------------------------------------------------------------


def test_a_member_starts_a_thread_and_sees_it_in_order(claire):
    thread_id = messages.start_thread(claire.token, "  Question   générale ", BODY)
    messages.reply(claire.token, thread_id, "Et aussi : merci.")

    view = messages.open_thread(claire.token, thread_id)
    assert view.subject == "Question générale" and view.file_reference == ""
    assert [(m.author, m.body) for m in view.messages] == [("Vous", BODY), ("Vous", "Et aussi : merci.")]
    assert " à " in view.messages[0].when
    [line] = messages.threads(claire.token)
    assert (line.thread_id, line.unread) == (thread_id, 0)


def test_a_thread_may_be_about_one_of_the_members_assistance_files(adviser, claire):
    reference = open_file(adviser, claire.contract)
    assert [c.reference for c in messages.file_choices(claire.token)] == [reference]

    thread_id = messages.start_thread(claire.token, SUBJECT, BODY, reference)

    assert messages.open_thread(claire.token, thread_id).file_reference == reference
    assert messages_desk.waiting_threads(adviser.token, 10)[0].file_reference == reference


def test_another_contracts_file_is_refused_like_an_unknown_one_and_nothing_is_written(adviser, claire, paul):
    pauls_file = open_file(adviser, PAUL)

    assert errors_of(messages.start_thread, claire.token, SUBJECT, BODY, pauls_file) == {
        "file_reference": messages.UNKNOWN_FILE
    }
    assert errors_of(messages.start_thread, claire.token, SUBJECT, BODY, "AS-2099-999999") == {
        "file_reference": messages.UNKNOWN_FILE
    }
    assert count(MessageThread) == 0 and count(Message) == 0


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("", BODY, {"subject": messages.SUBJECT_MISSING}),
        ("ab", BODY, {"subject": messages.SUBJECT_MISSING}),
        ("x" * 121, BODY, {"subject": messages.SUBJECT_TOO_LONG}),
        (SUBJECT, "  \n ", {"body": messages.BODY_MISSING}),
        (SUBJECT, "x" * 4001, {"body": messages.body_too_long(4001)}),
        ("", "", {"subject": messages.SUBJECT_MISSING, "body": messages.BODY_MISSING}),
        (None, 42, {"subject": messages.SUBJECT_MISSING, "body": messages.BODY_MISSING}),
    ],
)
def test_bad_input_is_refused_by_its_field_and_nothing_is_written(claire, subject, body, expected):
    assert errors_of(messages.start_thread, claire.token, subject, body) == expected
    assert count(MessageThread) == 0 and count(AuditEvent, AuditEvent.action == "message_thread_started") == 0


def test_the_limits_themselves_are_accepted_and_control_characters_dropped(claire):
    thread_id = messages.start_thread(claire.token, "abc", "x" * 3999 + "\x00y")
    [message] = all_rows(Message)
    assert message.body == "x" * 3999 + "y"
    assert errors_of(messages.start_thread, claire.token, "x" * 120, "")["body"] == messages.BODY_MISSING
    assert errors_of(messages.reply, claire.token, thread_id, "x" * 4001) == {"body": messages.body_too_long(4001)}
    assert count(Message) == 1
    assert messages.body_too_long(4001).endswith("(il en compte 4 001).")


# --- ownership ---------------------------------------------------------------------------------------


def test_a_member_never_reads_replies_to_nor_learns_of_another_members_thread(claire, paul):
    thread_id = messages.start_thread(claire.token, SUBJECT, BODY)

    assert messages.threads(paul.token) == []
    assert messages.unread_count(paul.token) == 0
    for call in (messages.open_thread, lambda actor, tid: messages.reply(actor, tid, "Bonjour")):
        with pytest.raises(NotFound) as refusal:
            call(paul.token, thread_id)
        assert refusal.value.message == messages.THREAD_NOT_FOUND
        with pytest.raises(NotFound) as unknown:
            call(paul.token, thread_id + 1000)
        assert unknown.value.message == refusal.value.message  # same words: the thread's existence is not told
    assert count(Message) == 1


@pytest.mark.parametrize("bad_id", ["1", None, True, -1, 2**40, 1.5])
def test_an_id_that_is_not_one_is_not_found(claire, bad_id):
    messages.start_thread(claire.token, SUBJECT, BODY)
    with pytest.raises(NotFound):
        messages.open_thread(claire.token, bad_id)


def test_nobody_else_uses_the_members_side_nor_the_advisers_side(frozen_clock, adviser, claire):
    thread_id = messages.start_thread(claire.token, SUBJECT, BODY)
    for who in ("", None, adviser.token):
        with pytest.raises(NotAllowed):
            messages.threads(who)
        with pytest.raises(NotAllowed):
            messages.start_thread(who, SUBJECT, BODY)
    for who in ("", claire.token, pending_adviser()):
        with pytest.raises(NotAllowed):
            messages_desk.waiting_threads(who, 10)
        with pytest.raises(NotAllowed):
            messages_desk.open_thread(who, thread_id)
        with pytest.raises(NotAllowed):
            messages_desk.reply(who, thread_id, ANSWER)
    assert count(Message) == 1


# --- the advisers' side ------------------------------------------------------------------------------


def test_the_queue_puts_the_oldest_unanswered_first_and_an_answer_takes_it_out(frozen_clock, adviser, claire, paul):
    first = messages.start_thread(claire.token, "Premier", BODY)
    frozen_clock.advance(minutes=5)
    second = messages.start_thread(paul.token, "Second", BODY)
    frozen_clock.advance(minutes=5)
    messages.reply(claire.token, first, "Une précision.")  # still waiting since the first message

    queue = messages_desk.waiting_threads(adviser.token, 10)
    assert [(w.thread_id, w.member) for w in queue] == [(first, "Claire Martin"), (second, "Paul Durand")]
    assert len(messages_desk.waiting_threads(adviser.token, 1)) == 1

    messages_desk.reply(adviser.token, first, ANSWER)
    assert [w.thread_id for w in messages_desk.waiting_threads(adviser.token, 10)] == [second]

    frozen_clock.advance(minutes=5)
    messages.reply(claire.token, first, "Merci, encore une question.")
    assert [w.thread_id for w in messages_desk.waiting_threads(adviser.token, 10)] == [second, first]


def test_an_adviser_sees_the_member_by_name_and_advisers_by_email_and_each_reading_is_audited(adviser, claire):
    thread_id = messages.start_thread(claire.token, SUBJECT, BODY)
    messages_desk.reply(adviser.token, thread_id, ANSWER)

    view = messages_desk.open_thread(adviser.token, thread_id)
    messages_desk.open_thread(adviser.token, thread_id)

    assert [(m.author, m.body) for m in view.messages] == [("Claire Martin", BODY), (adviser.email, ANSWER)]
    assert view.member_number == claire.contract.number and not view.waiting
    viewed = all_rows(AuditEvent, AuditEvent.action == "message_thread_viewed")
    assert len(viewed) == 2 and {e.target_id for e in viewed} == {thread_id}
    assert all(SUBJECT not in e.detail and BODY not in e.detail for e in all_rows(AuditEvent))


def test_the_member_reads_the_answer_as_from_the_platform_and_the_unread_count_follows(adviser, claire):
    thread_id = messages.start_thread(claire.token, SUBJECT, BODY)
    messages_desk.reply(adviser.token, thread_id, ANSWER)
    messages_desk.reply(adviser.token, thread_id, "Et elle restera deux heures.")

    assert messages.unread_count(claire.token) == 2
    assert messages.threads(claire.token)[0].unread == 2
    view = messages.open_thread(claire.token, thread_id)

    assert [m.author for m in view.messages] == ["Vous", messages.ADVISER_NAME, messages.ADVISER_NAME]
    assert adviser.email not in str(view)
    assert messages.unread_count(claire.token) == 0


def test_the_mail_says_a_message_is_waiting_without_its_text_nor_its_subject(adviser, claire):
    thread_id = messages.start_thread(claire.token, SUBJECT, BODY)
    before = len(mails_to(claire.email))
    messages_desk.reply(adviser.token, thread_id, ANSWER)

    mails = mails_to(claire.email)
    assert len(mails) == before + 1
    mail = mails[-1]
    text = f"{mail.subject}\n{mail.body}"
    assert "nouveau message" in text.lower()
    assert f"/mon-espace/messages/fil?id={thread_id}" in mail.body
    for secret in (SUBJECT, BODY, ANSWER, "aide ménagère", "intervenante"):
        assert secret not in text
    assert count(OutgoingMail, OutgoingMail.recipient == adviser.email) == 0  # advisers are not mailed


def test_a_closed_account_keeps_its_threads_out_of_the_queue_and_cannot_be_answered(frozen_clock, adviser, claire):
    thread_id = messages.start_thread(claire.token, SUBJECT, BODY)
    close_for_session(claire.token, PASSWORD, True)

    assert count(Message) == 1 and count(MessageThread) == 1
    assert messages_desk.waiting_threads(adviser.token, 10) == []
    assert messages_desk.open_thread(adviser.token, thread_id).account_closed
    assert errors_of(messages_desk.reply, adviser.token, thread_id, ANSWER) == {"body": messages_desk.ACCOUNT_CLOSED}
