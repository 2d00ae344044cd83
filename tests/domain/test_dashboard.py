"""« Mon Espace » (issue 13): « À faire » (documents asked for, a callback planned, messages unread), the next
trips, the claims in progress with their next step, each entitlement's one « reste » — and only the member's own.

The portal's clock stands at Tuesday 10 March 2026, 10:00 in Paris.
"""

from __future__ import annotations

import pytest

from portal_app.domain import callbacks, claims, claims_backoffice, dashboard, messages, messages_desk, trips
from portal_app.domain.errors import NotAllowed

from .advisers_support import enrol_adviser
from .claims_support import entitlement_of, invoice, open_file, submit
from .support import CLAIRE
from .trips_support import add_home, add_school, beneficiary_id, open_transport, paris, relogin, request

ASKED = "La facture acquittée, s'il vous plaît."


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def home_help(adviser, claire) -> int:
    """Claire's home help: 2 000 € from 1 March to 30 June 2026."""
    return entitlement_of(open_file(adviser, claire.contract)).id


def board(member) -> dashboard.Dashboard:
    return dashboard.member_dashboard(member.token)


def decide(adviser, reference: str, decision: str, expected: str = "submitted", **kwargs) -> None:
    claims_backoffice.decide(adviser.token, reference, decision, expected, **kwargs)


def test_a_new_member_has_nothing_to_do_and_nothing_under_way(claire):
    seen = board(claire)
    assert seen.todo == [] and seen.next_trips == [] and seen.claims == [] and seen.files == []
    assert seen.upcoming_trips == ""
    assert seen.overview.first_name == "Claire"


def test_documents_asked_for_come_first_with_the_button_to_that_claim(adviser, claire, home_help):
    reference = submit(claire, home_help, amount="300")
    decide(adviser, reference, "documents_requested", message=ASKED)

    [item] = board(claire).todo
    assert item.title == f"Demande {reference} (Aide ménagère, 300,00 €) : pièces demandées"
    assert item.detail == ASKED
    assert item.button == "Ajouter les pièces"
    assert item.href == f"/mon-espace/remboursements/demande?ref={reference}"
    [line] = board(claire).claims
    assert (line.status_label, line.next_step) == ("pièces demandées", "Ajoutez les pièces demandées")

    claims.add_documents(claire.token, reference, [invoice("facture-acquittee.pdf")])
    seen = board(claire)
    assert seen.todo == []
    assert [(c.status_label, c.next_step) for c in seen.claims] == [("en cours", "En cours d'examen par un conseiller")]


def test_claims_in_progress_say_their_next_step_and_finished_ones_leave(adviser, claire, home_help):
    submitted = submit(claire, home_help, amount="100")
    accepted = submit(claire, home_help, amount="200")
    decide(adviser, accepted, "accepted", amount="200")
    paid = submit(claire, home_help, amount="50")
    decide(adviser, paid, "accepted", amount="50")
    decide(adviser, paid, "paid", "accepted")
    refused = submit(claire, home_help, amount="70")
    decide(adviser, refused, "refused", reason="illisible")

    lines = {c.reference: (c.status_label, c.next_step, c.amount) for c in board(claire).claims}
    assert lines == {
        accepted: ("acceptée", "Acceptée : paiement en cours", "200,00 €"),
        submitted: ("déposée", "Reçue : un conseiller va l'examiner", "100,00 €"),
    }
    assert [c.reference for c in board(claire).claims] == [accepted, submitted]  # newest first


def test_a_planned_callback_is_to_do_until_cancelled(frozen_clock, claire):
    view = callbacks.request_callback(claire.token, "trajets", ["2026-03-11T09:00"], "06 12 34 56 78", "")
    [item] = board(claire).todo
    assert item.title == "Rappel prévu : un conseiller vous appellera au 06 12 34 56 78"
    assert item.detail == "Sujet : Mes trajets. Créneaux choisis : mercredi 11 mars 2026, de 9 h à 11 h."
    assert (item.button, item.href) == ("Voir ma demande de rappel", "/mon-espace/rappel")

    callbacks.cancel_callback(claire.token, view.request_id)
    assert board(claire).todo == []


def test_unread_messages_are_counted_in_french(adviser, claire):
    thread_id = messages.start_thread(claire.token, "Aide ménagère", "Quand vient l'aide ?")
    messages_desk.reply(adviser.token, thread_id, "Jeudi matin.")
    [item] = board(claire).todo
    assert item.title == "1 message non lu de la plateforme d'assistance"
    assert (item.button, item.href) == ("Lire mes messages", "/mon-espace/messages")

    messages_desk.reply(adviser.token, thread_id, "Et elle restera deux heures.")
    assert board(claire).todo[0].title == "2 messages non lus de la plateforme d'assistance"
    messages.open_thread(claire.token, thread_id)
    assert board(claire).todo == []


def test_everything_to_do_is_listed_documents_then_callback_then_messages(adviser, claire, home_help):
    reference = submit(claire, home_help)
    decide(adviser, reference, "documents_requested", message=ASKED)
    callbacks.request_callback(claire.token, "remboursement", ["2026-03-11T09:00"], "06 12 34 56 78", "")
    messages_desk.reply(adviser.token, messages.start_thread(claire.token, "Facture", "Reçue ?"), "Oui.")
    assert [i.button for i in board(claire).todo] == [
        "Ajouter les pièces",
        "Voir ma demande de rappel",
        "Lire mes messages",
    ]


def book_three_days(adviser, member) -> None:
    """Léa, to school and back, Wednesday 11 to Friday 13 March 2026: six trips."""
    open_transport(adviser, CLAIRE, quantity=20, start="2026-03-02", end="2026-06-30", event_date="2026-02-20")
    lea = beneficiary_id(CLAIRE, "Léa")
    asked = request(
        lea, add_home(member), add_school(member), "2026-03-11", "2026-03-13", directions=("aller", "retour")
    )
    assert trips.book(member.token, asked) == 6


def test_the_next_three_trips_with_child_time_and_direction(adviser, claire):
    book_three_days(adviser, claire)
    seen = board(claire)
    assert [t.line for t in seen.next_trips] == [
        "mercredi 11 mars 2026 · 08:15 · Léa · aller (domicile → école)",
        "mercredi 11 mars 2026 · 16:30 · Léa · retour (école → domicile)",
        "jeudi 12 mars 2026 · 08:15 · Léa · aller (domicile → école)",
    ]
    assert seen.upcoming_trips == "6 trajets à venir"


def test_a_trip_already_picked_up_today_is_no_longer_next_and_a_cancelled_one_never(frozen_clock, adviser, claire):
    book_three_days(adviser, claire)
    first = board(claire).next_trips[0].trip_id
    trips.cancel(claire.token, board(claire).next_trips[2].trip_id)  # Thursday's outward trip
    frozen_clock.set(paris(2026, 3, 11, 12, 0))
    member = relogin(claire)
    seen = board(member)
    assert first not in [t.trip_id for t in seen.next_trips]
    assert [t.line for t in seen.next_trips] == [
        "mercredi 11 mars 2026 · 16:30 · Léa · retour (école → domicile)",
        "jeudi 12 mars 2026 · 16:30 · Léa · retour (école → domicile)",
        "vendredi 13 mars 2026 · 08:15 · Léa · aller (domicile → école)",
    ]
    assert seen.upcoming_trips == "4 trajets à venir"


def test_each_entitlement_says_its_one_reste_and_until_when(adviser, claire, home_help):
    submit(claire, home_help, amount="300")
    [choice] = claims.claim_choices(claire.token)
    [line] = board(claire).files[0].entitlements
    assert "reste 1\u202f700,00 €" in choice.label
    assert line.summary.startswith("Aide ménagère : reste 1\u202f700,00 € jusqu'au 30 juin 2026 (accordé")


def test_trips_rights_say_reste_too(adviser, claire):
    book_three_days(adviser, claire)
    summaries = [e.summary for f in board(claire).files for e in f.entitlements]
    assert "Conduite à l'école : reste 14 trajets jusqu'au 30 juin 2026" in summaries


def test_a_member_sees_only_their_own_account(adviser, claire, paul, home_help):
    reference = submit(claire, home_help)
    decide(adviser, reference, "documents_requested", message=ASKED)
    callbacks.request_callback(claire.token, "trajets", ["2026-03-11T09:00"], "06 12 34 56 78", "")
    messages_desk.reply(adviser.token, messages.start_thread(claire.token, "Question", "Bonjour"), "Bonjour !")
    book_three_days(adviser, claire)

    assert len(board(claire).todo) == 3
    seen = board(paul)
    assert seen.todo == [] and seen.next_trips == [] and seen.claims == [] and seen.files == []
    assert seen.overview.first_name == "Paul"
    assert reference not in str(seen) and "Léa" not in str(seen)


def test_only_a_member_has_a_dashboard(adviser):
    for who in (adviser.token, None):
        with pytest.raises(NotAllowed):
            dashboard.member_dashboard(who)
