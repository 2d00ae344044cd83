"""« Être rappelé » (issue 13): slots within the opening hours over five working days, one open request at a
time, cancelling, the confirmation e-mail without the note, the adviser's list and « done », ownership, the
member's data export and the account's closing.

The portal's clock stands at Tuesday 10 March 2026, 10:00 in Paris; the demo hours are 09:00-18:00.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal_app.db.models import AuditEvent, CallbackRequest
from portal_app.domain import account_closing, callbacks, personal_data
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser
from .support import PASSWORD, all_rows, count, mails_to

NOTE = "Mon fils a une attelle jusqu'au 20 mars."


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


def slot(value: str) -> str:
    return value  # the form's value: Paris time, « YYYY-MM-DDTHH:MM »


def ask(member, *slots: str, subject: str = "trajets", phone: str = "06 12 34 56 78", note: str = NOTE):
    return callbacks.request_callback(member.token, subject, list(slots or ["2026-03-11T09:00"]), phone, note)


def refusal(member, *slots: str, **changes) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        ask(member, *slots, **changes)
    return refused.value.errors


def test_slots_cover_the_next_five_working_days_within_the_opening_hours(frozen_clock):
    slots = callbacks.available_slots()
    # Today from the next slot on (10:00 now: the 9 h slot has begun), then Wed, Thu, Fri and Monday.
    assert slots[0] == callbacks.Slot("2026-03-10T11:00", "mardi 10 mars 2026, de 11 h à 13 h")
    assert slots[3].label == "mardi 10 mars 2026, de 17 h à 18 h"  # cut at closing time
    days = sorted({s.value[:10] for s in slots})
    assert days == ["2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-16"]
    assert all("T09:00" <= s.value[10:] <= "T17:00" for s in slots)


def test_public_holidays_and_weekends_are_skipped(frozen_clock):
    frozen_clock.set(datetime(2026, 5, 7, 17, 30, tzinfo=UTC))  # Thursday 19:30 in Paris: today is over
    days = sorted({s.value[:10] for s in callbacks.available_slots()})
    # Friday 8 May (Victoire 1945) and Thursday 14 May (Ascension) are public holidays.
    assert days == ["2026-05-11", "2026-05-12", "2026-05-13", "2026-05-15", "2026-05-18"]


def test_a_request_is_recorded_confirmed_by_mail_without_the_note_and_audited(frozen_clock, claire):
    view = ask(claire, "2026-03-12T15:00", "2026-03-11T09:00", phone="07.98.76.54.32")

    assert view.status_label == "en attente de rappel" and view.is_open
    assert view.slots == ["mercredi 11 mars 2026, de 9 h à 11 h", "jeudi 12 mars 2026, de 15 h à 17 h"]
    [row] = all_rows(CallbackRequest)
    assert (row.subject, row.phone, row.note, row.status) == ("trajets", "+33798765432", NOTE, "open")
    [mail] = mails_to(claire.email)[-1:]
    assert "demande de rappel" in mail.subject
    assert "mercredi 11 mars 2026, de 9 h à 11 h" in mail.body and "jeudi 12 mars 2026, de 15 h à 17 h" in mail.body
    assert "07 98 76 54 32" in mail.body
    assert "attelle" not in mail.body and "attelle" not in mail.subject
    [event] = all_rows(AuditEvent, AuditEvent.action == "callback_requested")
    assert event.target_id == row.id and "attelle" not in event.detail


def test_the_form_is_prefilled_with_the_account_phone(frozen_clock, claire):
    form = callbacks.callback_form(claire.token)
    assert form.phone == "06 12 34 56 78"
    assert [s for s, _ in form.subjects] == ["trajets", "remboursement", "dossier", "compte", "autre"]
    assert form.requests == [] and form.slots == callbacks.available_slots()


@pytest.mark.parametrize(
    ("slots", "changes", "field", "message"),
    [
        ((), {"subject": "santé"}, "subject", "Choisissez le sujet"),
        (("",), {}, "slot_1", callbacks.NO_SLOT),
        (("2026-03-10T09:00",), {}, "slot_1", callbacks.SLOT_GONE),  # already begun
        (("2026-03-14T09:00",), {}, "slot_1", callbacks.SLOT_GONE),  # a Saturday
        (("2026-03-11T19:00",), {}, "slot_1", callbacks.SLOT_GONE),  # after closing
        (("2026-03-11T09:00", "2026-03-11T09:00"), {}, "slot_2", callbacks.SAME_SLOT),
        ((), {"phone": "01 23 45 67 89"}, "phone", "06 xx xx xx xx"),
        ((), {"phone": ""}, "phone", "Veuillez indiquer"),
        ((), {"note": "x" * 501}, "note", "500 caractères au plus"),
    ],
)
def test_bad_input_gets_a_message_by_its_field_and_nothing_is_written(
    frozen_clock, claire, slots, changes, field, message
):
    errors = refusal(claire, *slots, **changes)
    assert message in errors[field]
    assert count(CallbackRequest) == 0 and mails_to(claire.email)[-1].subject.startswith("Confirmez")


def test_more_than_three_slots_keeps_three(frozen_clock, claire):
    view = ask(claire, "2026-03-11T09:00", "2026-03-11T11:00", "2026-03-11T13:00", "2026-03-11T15:00")
    assert len(view.slots) == 3


def test_one_open_request_at_a_time_and_cancelling_frees_the_way(frozen_clock, claire):
    first = ask(claire)
    assert refusal(claire, "2026-03-12T09:00") == {"general": callbacks.ALREADY_OPEN}
    callbacks.cancel_callback(claire.token, first.request_id)
    assert callbacks.member_callback(claire.token, first.request_id).status_label == "annulée"
    with pytest.raises(ValidationError, match="plus en attente"):
        callbacks.cancel_callback(claire.token, first.request_id)
    second = ask(claire, "2026-03-12T09:00")
    assert [r.request_id for r in callbacks.callback_form(claire.token).requests] == [
        second.request_id,
        first.request_id,
    ]
    assert count(AuditEvent, AuditEvent.action == "callback_cancelled") == 1


def test_a_member_cannot_read_or_cancel_another_members_request(frozen_clock, claire, paul):
    claires = ask(claire)
    with pytest.raises(NotFound):
        callbacks.member_callback(paul.token, claires.request_id)
    with pytest.raises(NotFound):
        callbacks.cancel_callback(paul.token, claires.request_id)
    assert callbacks.callback_form(paul.token).requests == []
    assert all_rows(CallbackRequest)[0].status == "open"
    for nobody in (None, "", "not-a-session"):
        with pytest.raises(NotAllowed):
            callbacks.cancel_callback(nobody, claires.request_id)
        with pytest.raises(NotAllowed):
            callbacks.request_callback(nobody, "trajets", ["2026-03-11T09:00"], "0612345678", "")


def test_advisers_see_open_requests_earliest_slot_first_and_mark_one_done(frozen_clock, adviser, claire, paul):
    later = ask(claire, "2026-03-13T09:00", "2026-03-12T13:00")
    sooner = ask(paul, "2026-03-11T11:00", subject="remboursement", note="")

    lines = callbacks.open_requests(adviser.token)
    assert [line.request_id for line in lines] == [sooner.request_id, later.request_id]
    assert lines[1].member == "Claire Martin" and lines[1].phone_href == "tel:+33612345678"
    assert lines[1].slots[0] == "jeudi 12 mars 2026, de 13 h à 15 h" and lines[1].note == NOTE
    assert count(AuditEvent, AuditEvent.action == "callbacks_viewed") == 1

    with pytest.raises(ValidationError) as refused:
        callbacks.mark_done(adviser.token, later.request_id, "peut-être", "y" * 501)
    assert set(refused.value.errors) == {"outcome", "adviser_note"}
    assert callbacks.mark_done(adviser.token, later.request_id, "called", "Trajets du 16 expliqués.").endswith(
        "rappelé."
    )
    seen = callbacks.member_callback(claire.token, later.request_id)
    assert (seen.status_label, seen.outcome, seen.is_open) == ("traitée", "rappelé", False)
    assert [line.request_id for line in callbacks.open_requests(adviser.token)] == [sooner.request_id]
    with pytest.raises(ValidationError, match="plus en attente"):
        callbacks.mark_done(adviser.token, later.request_id, "unreachable", "")
    with pytest.raises(ValidationError, match="plus en attente"):
        callbacks.cancel_callback(claire.token, later.request_id)
    [done] = all_rows(AuditEvent, AuditEvent.action == "callback_done")
    assert done.member_account_id == all_rows(CallbackRequest, CallbackRequest.id == later.request_id)[0].account_id


def test_only_advisers_list_and_close_requests(frozen_clock, claire):
    request = ask(claire)
    with pytest.raises(NotAllowed):
        callbacks.open_requests(claire.token)
    with pytest.raises(NotAllowed):
        callbacks.mark_done(claire.token, request.request_id, "called", "")
    assert all_rows(CallbackRequest)[0].status == "open"


def test_requests_are_exported_with_the_members_data(frozen_clock, adviser, claire):
    request = ask(claire)
    callbacks.mark_done(adviser.token, request.request_id, "unreachable", "Messagerie.")
    [exported] = personal_data.export_for_session(claire.token)["demandes_de_rappel"]
    assert exported["note"] == NOTE and exported["outcome"] == "unreachable" and exported["traite_par"] == "conseiller"
    assert exported["phone"] == "+33612345678" and exported["slot_1_at"].startswith("2026-03-11T08:00")


def test_closing_the_account_deletes_its_requests(frozen_clock, claire):
    ask(claire)
    account_closing.close_for_session(claire.token, PASSWORD, True)
    assert count(CallbackRequest) == 0
