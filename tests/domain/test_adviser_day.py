"""The adviser's day (/conseiller): claims waiting, callbacks, unanswered messages, today's and tomorrow's trips,
entitlements ending soon; and the member's whole file (trips, claims, conversations, callbacks, audit)."""

from __future__ import annotations

from datetime import date

import pytest

from portal_app.db.models import AuditEvent
from portal_app.domain import (
    adviser_day,
    assistance_files,
    callbacks,
    claims,
    member_overview,
    messages,
    messages_desk,
    run_sheet,
    trips,
)
from portal_app.domain.adviser_day import USUAL_DELAY_WORKING_DAYS, working_days_between
from portal_app.domain.claims_backoffice import decide
from portal_app.domain.errors import NotAllowed, NotFound

from .advisers_support import contract_id, enrol_adviser, pending_adviser, relogin_adviser
from .claims_support import entitlement_of, invoice, open_file, relogin, submit
from .support import CLAIRE, PAUL, account_of, count
from .trips_support import add_home, add_school, beneficiary_id, open_transport, paris, request


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


def test_only_a_verified_adviser_reads_the_day_and_the_whole_file(claire, adviser):
    cid = contract_id(CLAIRE.number)
    for who in (claire.token, pending_adviser(), None):
        with pytest.raises(NotAllowed):
            adviser_day.adviser_day(who)
        with pytest.raises(NotAllowed):
            member_overview.whole_file(who, cid)
        with pytest.raises(NotAllowed):
            member_overview.member_activity(who, cid)


def test_an_empty_day_says_so_and_names_today_and_tomorrow(adviser):
    day = adviser_day.adviser_day(adviser.token)
    assert (day.claims_count, day.callbacks_count, day.messages_count, day.ending_count) == (0, 0, 0, 0)
    assert [d.heading for d in day.trip_days] == [
        "Aujourd'hui, mardi 10 mars 2026 : aucun trajet",
        "Demain, mercredi 11 mars 2026 : aucun trajet",
    ]
    assert [d.day_iso for d in day.trip_days] == ["2026-03-10", "2026-03-11"]


def test_working_days_skip_weekends_and_public_holidays():
    friday, monday = date(2026, 3, 13), date(2026, 3, 16)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(friday, friday) == 0
    # Thursday 30 April → Friday 8 May 2026: 1 and 8 May are public holidays.
    assert working_days_between(date(2026, 4, 30), date(2026, 5, 8)) == 4


def test_claims_wait_oldest_first_with_their_age_and_are_late_past_the_usual_delay(adviser, claire, paul, frozen_clock):
    claire_file = open_file(adviser, CLAIRE)
    paul_file = open_file(adviser, PAUL)
    first = submit(claire, entitlement_of(claire_file).id)
    frozen_clock.advance(days=1)
    claire, paul, adviser_now = relogin(claire), relogin(paul), relogin_adviser(adviser)
    second = submit(paul, entitlement_of(paul_file).id)

    day = adviser_day.adviser_day(adviser_now.token)
    assert [c.reference for c in day.claims] == [first, second] and day.claims_count == 2
    assert [c.age for c in day.claims] == ["depuis 1 jour", "depuis aujourd'hui"]
    assert day.claims[0].member == "Claire Martin (AB 123 456)" and day.claims[0].status_label == "déposée"
    assert day.claims[0].amount == "150,00 €" and not any(c.late for c in day.claims)

    # Tuesday 10 → Wednesday 18 March: 6 working days for the first, 5 for the second (not late yet).
    frozen_clock.set(paris(2026, 3, 18, 10))
    adviser_now = relogin_adviser(adviser)
    day = adviser_day.adviser_day(adviser_now.token)
    assert [(c.age_days, c.late) for c in day.claims] == [(8, True), (7, False)]
    assert day.late_count == 1
    assert f"{USUAL_DELAY_WORKING_DAYS} jours ouvrés" in adviser_day.LATE_TEXT

    # Taken by an adviser: in their hands, off the list.
    decide(adviser_now.token, first, "in_progress", "submitted")
    assert [c.reference for c in adviser_day.adviser_day(adviser_now.token).claims] == [second]


def test_a_claim_whose_documents_were_added_waits_again_since_they_were(adviser, claire, frozen_clock):
    reference = submit(claire, entitlement_of(open_file(adviser, CLAIRE)).id)
    decide(adviser.token, reference, "documents_requested", "submitted", message="La facture acquittée.")
    assert adviser_day.adviser_day(adviser.token).claims == []
    frozen_clock.advance(days=2)
    claire, adviser_now = relogin(claire), relogin_adviser(adviser)
    claims.add_documents(claire.token, reference, [invoice("acquittee.pdf")])
    [line] = adviser_day.adviser_day(adviser_now.token).claims
    assert (line.reference, line.status_label, line.age) == (reference, "pièces ajoutées", "depuis aujourd'hui")


def test_callbacks_come_by_earliest_slot_and_messages_until_answered(adviser, claire, paul):
    callbacks.request_callback(claire.token, "trajets", ["2026-03-12T09:00"], "06 12 34 56 78", "")
    callbacks.request_callback(paul.token, "compte", ["2026-03-11T15:00", "2026-03-13T09:00"], "07 51 23 45 67", "")
    thread = messages.start_thread(claire.token, "Horaires du taxi", "Le taxi peut-il venir à 8 h ?")

    day = adviser_day.adviser_day(adviser.token)
    assert [(c.member, c.subject) for c in day.callbacks] == [
        ("Paul Durand (XY-987-654)", "Mon compte"),
        ("Claire Martin (AB 123 456)", "Mes trajets"),
    ]
    assert day.callbacks[0].first_slot == "mercredi 11 mars 2026 à 15:00" and day.callbacks_count == 2
    assert [(m.thread_id, m.subject) for m in day.messages] == [(thread, "Horaires du taxi")]
    assert day.messages_count == 1

    messages_desk.reply(adviser.token, thread, "Oui, c'est noté.")
    assert adviser_day.adviser_day(adviser.token).messages == []
    # The day's list reads no note and no message: it is not audited (what is opened from it is).
    assert count(AuditEvent, AuditEvent.action == "callbacks_viewed") == 0


def test_todays_and_tomorrows_trips_say_how_many_are_still_planned(adviser, claire, frozen_clock):
    frozen_clock.set(paris(2026, 11, 2, 10, 0))  # Monday
    adviser_now = relogin_adviser(adviser)
    claire = relogin(claire)
    open_transport(adviser_now, CLAIRE)
    home, school = add_home(claire), add_school(claire)
    lea, hugo = beneficiary_id(CLAIRE, "Léa"), beneficiary_id(CLAIRE, "Hugo")
    trips.book(claire.token, request(lea, home, school, "2026-11-03", directions=("aller", "retour")))
    trips.book(claire.token, request(hugo, home, school, "2026-11-04"))

    frozen_clock.set(paris(2026, 11, 3, 9, 0))  # Tuesday: Léa's two trips today, Hugo's tomorrow
    adviser_now = relogin_adviser(adviser)
    today, tomorrow = adviser_day.adviser_day(adviser_now.token).trip_days
    assert today.heading == "Aujourd'hui, mardi 3 novembre 2026 : 2 trajets"
    assert (today.total, today.planned, today.planned_text) == (2, 2, "dont 2 encore planifiés")
    assert (tomorrow.day_iso, tomorrow.total, tomorrow.planned_text) == ("2026-11-04", 1, "dont 1 encore planifié")

    for line in run_sheet.run_sheet(adviser_now.token, "2026-11-03"):
        run_sheet.set_status(adviser_now.token, line.trip_id, "confirmed")
    today = adviser_day.adviser_day(adviser_now.token).trip_days[0]
    assert (today.total, today.planned, today.planned_text) == (2, 0, "aucun encore planifié")


def test_entitlements_ending_within_fifteen_days_of_open_files_only(adviser, claire, paul):
    soon = assistance_files.EntitlementInput("aide_menagere", "300", "euros", "2026-03-01", "2026-03-20")
    later = assistance_files.EntitlementInput("aide_menagere", "300", "euros", "2026-03-01", "2026-03-26")
    open_file(adviser, CLAIRE, soon)
    pauls = open_file(adviser, PAUL, later)
    [line] = adviser_day.adviser_day(adviser.token).ending
    assert (line.member, line.service, line.remaining) == (
        "Claire Martin (AB 123 456)",
        "Aide ménagère",
        "reste 300,00 €",
    )
    assert line.ends == "vendredi 20 mars 2026" and line.days_left == "se termine dans 10 jours"
    assert line.contract_id == contract_id(CLAIRE.number)

    # Ending on the 25th (15 days from today) is listed; a closed file is not.
    entitlement = entitlement_of(pauls)
    assistance_files.update_entitlement(adviser.token, entitlement.id, "300", "2026-03-01", "2026-03-25")
    assert [e.member[:4] for e in adviser_day.adviser_day(adviser.token).ending] == ["Clai", "Paul"]
    assistance_files.close_file(adviser.token, entitlement.assistance_file_id)
    assert adviser_day.adviser_day(adviser.token).ending_count == 1


# --- the member's whole file ----------------------------------------------------------------------


def test_the_whole_file_holds_trips_claims_conversations_callbacks_and_audit(adviser, claire, paul, frozen_clock):
    frozen_clock.set(paris(2026, 11, 2, 10, 0))
    adviser_now, claire = relogin_adviser(adviser), relogin(claire)
    open_transport(adviser_now, CLAIRE)
    home, school = add_home(claire), add_school(claire)
    lea = beneficiary_id(CLAIRE, "Léa")
    trips.book(claire.token, request(lea, home, school, "2026-11-03", "2026-11-17"))  # 10 school days
    money = open_file(
        adviser_now,
        CLAIRE,
        assistance_files.EntitlementInput("aide_menagere", "500", "euros", "2026-10-01", "2026-12-31"),
    )
    reference = submit(claire, entitlement_of(money).id, date_from="2026-10-26", date_to="2026-10-30", amount="120,00")
    thread = messages.start_thread(claire.token, "Horaires du taxi", "Le taxi peut-il venir à 8 h ?")
    callbacks.request_callback(claire.token, "trajets", [callbacks.available_slots()[0].value], "0612345678", "")

    frozen_clock.set(paris(2026, 11, 6, 9, 0))  # Friday: 3 trips past, 7 to come
    adviser_now = relogin_adviser(adviser)
    cid = contract_id(CLAIRE.number)
    before = count(AuditEvent, AuditEvent.action == "member_file_viewed")
    whole = member_overview.whole_file(adviser_now.token, cid)
    assert count(AuditEvent, AuditEvent.action == "member_file_viewed") == before + 1
    assert whole.member.member_number == "AB 123 456"
    activity = whole.activity
    assert (activity.upcoming_count, activity.past_count) == (7, 3)
    assert [t.day_iso for t in activity.upcoming_trips] == [
        "2026-11-06",
        "2026-11-09",
        "2026-11-10",
        "2026-11-12",  # Wednesday 11 November is a public holiday: no trip
        "2026-11-13",
    ]
    assert len(activity.upcoming_trips) == member_overview.FEW and activity.upcoming_trips[0].child == "Léa"
    assert [t.day_iso for t in activity.past_trips] == ["2026-11-05", "2026-11-04", "2026-11-03"]
    assert activity.upcoming_trips[0].status_label == "planifié"
    assert [(c.reference, c.status_label, c.amount) for c in activity.claims] == [(reference, "déposée", "120,00 €")]
    assert [(t.thread_id, t.waiting, t.about) for t in activity.threads] == [(thread, True, "Question générale")]
    assert [(c.subject, c.status_label, c.is_open) for c in activity.callbacks] == [
        ("Mes trajets", "en attente de rappel", True)
    ]
    assert activity.audit[0].action == "Consultation d'un dossier membre"
    assert activity.audit[0].actor == "conseillere@example.fr (adviser)"
    assert (
        len(activity.audit) == member_overview.AUDIT_SHOWN and activity.member_account_id == account_of(claire.email).id
    )

    # Asked for all: every trip to come.
    everything = member_overview.member_activity(adviser_now.token, cid, show_all=True)
    assert len(everything.upcoming_trips) == 7 and everything.showing_all

    # Paul's file holds none of Claire's.
    pauls = member_overview.member_activity(adviser_now.token, contract_id(PAUL.number))
    assert (pauls.upcoming_count, pauls.claims_count, pauls.threads, pauls.callbacks) == (0, 0, [], [])


def test_an_unknown_contract_is_not_found(adviser):
    with pytest.raises(NotFound):
        member_overview.member_activity(adviser.token, 999_999)
    with pytest.raises(NotFound):
        member_overview.whole_file(adviser.token, "1")  # type: ignore[arg-type]


def test_the_journal_filter_from_a_file_gives_a_members_address_to_advisers_only(adviser, claire):
    from portal_app.domain import advisers

    account = account_of(claire.email).id
    assert advisers.member_email_of(adviser.token, account) == claire.email
    assert advisers.member_email_of(adviser.token, account_of(adviser.email).id) == ""  # not a member
    assert advisers.member_email_of(adviser.token, 999_999) == ""
    with pytest.raises(NotAllowed):
        advisers.member_email_of(claire.token, account)
