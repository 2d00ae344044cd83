"""Security review 1: a member sees the claims, invoices and trips their own account made, never those of a
closed account on the same contract (the next registration needs only what is printed on the card);
advisers still see all of the contract's."""

from __future__ import annotations

import pytest

from portal_app.db.models import MessageThread
from portal_app.domain import claims, claims_backoffice, messages, trips
from portal_app.domain.account_closing import close_for_session
from portal_app.domain.errors import NotFound

from .advisers_support import enrol_adviser
from .claims_support import files_of, invoice
from .data_rights_support import build_everything
from .support import CLAIRE, PASSWORD, all_rows, confirm, login, register
from .trips_support import trip_rows


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def after_closing(frozen_clock, adviser, claire):
    """Claire filed a claim (now refused) and booked trips, then closed her account; someone registers again
    on contract AB 123 456 with only what the card shows, and logs in."""
    everything = build_everything(frozen_clock, adviser, claire)
    claims_backoffice.decide(everything.adviser.token, everything.claim, "refused", "in_progress", reason="illisible")
    close_for_session(everything.member.token, PASSWORD, True)
    address = register(CLAIRE, email="nouveau.titulaire@example.fr")
    confirm(address)
    return everything, login(address)


def test_the_next_account_lists_none_of_the_closed_accounts_claims(after_closing):
    _everything, newcomer = after_closing
    assert claims.member_claims(newcomer) == []


def test_the_next_account_cannot_open_a_claim_of_the_closed_account(after_closing):
    everything, newcomer = after_closing
    with pytest.raises(NotFound):
        claims.member_claim(newcomer, everything.claim)


def test_the_next_account_cannot_download_the_closed_accounts_invoice(after_closing):
    everything, newcomer = after_closing
    [stored] = files_of(everything.claim)
    with pytest.raises(NotFound):
        claims_backoffice.open_claim_file(newcomer, stored.id)


def test_the_next_account_cannot_add_documents_to_the_closed_accounts_claim(after_closing):
    everything, newcomer = after_closing
    with pytest.raises(NotFound):
        claims.add_documents(newcomer, everything.claim, [invoice()])


def test_the_next_account_sees_none_of_the_closed_accounts_trips(after_closing):
    _everything, newcomer = after_closing
    assert trips.list_trips(newcomer) == ([], [])
    assert "BEGIN:VEVENT" not in trips.calendar_file(newcomer)


def test_the_next_account_cannot_change_or_cancel_the_closed_accounts_trips(after_closing):
    _everything, newcomer = after_closing
    for trip in trip_rows():
        with pytest.raises(NotFound):
            trips.cancel(newcomer, trip.id)
        with pytest.raises(NotFound):
            trips.change(newcomer, trip.id, "08:15", "")


def test_an_adviser_still_sees_the_closed_accounts_claim_and_invoice(after_closing):
    everything, _newcomer = after_closing
    adviser = everything.adviser
    assert claims_backoffice.adviser_claim(adviser.token, everything.claim).claim.reference == everything.claim
    [stored] = files_of(everything.claim)
    assert claims_backoffice.open_claim_file(adviser.token, stored.id).content.startswith(b"%PDF")
    assert everything.claim in [line.reference for line in claims_backoffice.queue(adviser.token)]


def test_the_next_account_sees_none_of_the_closed_accounts_messages(after_closing):
    _everything, newcomer = after_closing
    [kept] = all_rows(MessageThread)
    assert messages.threads(newcomer) == [] and messages.unread_count(newcomer) == 0
    with pytest.raises(NotFound):
        messages.open_thread(newcomer, kept.id)
    with pytest.raises(NotFound):
        messages.reply(newcomer, kept.id, "Bonjour")
