"""One figure for « reste » (issue 13): what an entitlement still allows is defined once in the domain — what
is granted, minus what open claims commit (asked, or accepted and not yet paid), minus what is paid — and the
claim form, Mon Espace and the adviser's file say it with the same words and figures.
"""

from __future__ import annotations

import pytest

from portal_app.domain import assistance_files, balances, claims, claims_backoffice
from portal_app.domain.assistance_files import EntitlementInput

from .advisers_support import contract_id, enrol_adviser
from .claims_support import claim_row, entitlement_of, home_help, open_file, submit


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def entitlement(adviser, claire) -> int:
    """Claire's home help: 500 € from 1 March to 30 June 2026 (today is 10 March 2026)."""
    return entitlement_of(open_file(adviser, claire.contract, home_help("500"))).id


def member_summary(claire) -> str:
    [f] = assistance_files.files_for_member(claire.token)
    [e] = f.entitlements
    return e.summary


def adviser_line(adviser, claire) -> assistance_files.EntitlementView:
    [f] = assistance_files.files_for_adviser(adviser.token, contract_id(claire.contract.number))
    [e] = f.entitlements
    return e


def claim_form_label(claire) -> str:
    [choice] = claims.claim_choices(claire.token)
    return choice.label


def test_a_claim_filed_leaves_the_same_reste_on_the_claim_form_mon_espace_and_the_adviser_file(
    adviser, claire, entitlement
):
    submit(claire, entitlement, amount="300,00")

    assert "reste 200,00 €" in claim_form_label(claire)
    assert "reste 200,00 €" in member_summary(claire)
    line = adviser_line(adviser, claire)
    assert line.remaining == "200,00 €"
    assert "reste 200,00 €" in line.balance
    # The same words of what makes it: granted, committed by open claims, paid.
    detail = "accordé 500,00 €, engagé 300,00 € par les demandes en cours, payé 0,00 €"
    assert detail in member_summary(claire) and detail in line.balance


def test_accepted_then_paid_moves_from_committed_to_paid_and_the_reste_stays(adviser, claire, entitlement):
    reference = submit(claire, entitlement, amount="300,00")
    claims_backoffice.decide(adviser.token, reference, "accepted", "submitted", amount="250,00")
    # Accepted for 250 €: 50 € come back, 250 € stay committed until paid.
    assert "reste 250,00 €" in claim_form_label(claire)
    assert "engagé 250,00 € par les demandes en cours, payé 0,00 €" in member_summary(claire)
    claims_backoffice.decide(adviser.token, reference, "paid", "accepted")
    assert claim_row(reference).status == "paid"
    summary = member_summary(claire)
    assert "reste 250,00 €" in summary and "engagé 0,00 € par les demandes en cours, payé 250,00 €" in summary
    assert "reste 250,00 €" in adviser_line(adviser, claire).balance
    assert claims_backoffice.adviser_claim(adviser.token, reference).remaining == "250,00 €"


def test_a_refused_claim_commits_nothing(adviser, claire, entitlement):
    reference = submit(claire, entitlement, amount="300,00")
    claims_backoffice.decide(adviser.token, reference, "refused", "submitted", reason="autre")
    assert "reste 500,00 €" in claim_form_label(claire)
    assert "reste 500,00 €" in member_summary(claire)


def test_the_adviser_claim_page_gives_the_same_reste_as_the_form(adviser, claire, entitlement):
    first = submit(claire, entitlement, amount="300,00")
    submit(claire, entitlement, amount="100,00")
    assert claims_backoffice.adviser_claim(adviser.token, first).remaining == "100,00 €"
    assert "reste 100,00 €" in claim_form_label(claire)


def test_trips_and_hours_keep_their_words(adviser, claire):
    open_file(
        adviser, claire.contract, EntitlementInput("transport_scolaire", "20", "trajets", "2026-03-01", "2026-06-30")
    )
    assert member_summary(claire).startswith("Conduite à l'école : reste 20 trajets jusqu'au")
    line = adviser_line(adviser, claire)
    assert line.balance.startswith("accordé 20 trajets, utilisé 0 trajet, reste 20 trajets")


def test_the_balance_is_granted_minus_committed_minus_paid():
    b = balances.Balance(unit="euros", granted=50000, committed=30000, paid=5000)
    assert b.remaining == 15000
    assert balances.Balance(unit="euros", granted=100, committed=300, paid=0).remaining == 0
