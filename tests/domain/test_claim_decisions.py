"""An adviser's decision on a claim: the question it is confirmed with (amount and member's name), and a
decision taken only from what the adviser saw — a claim another adviser decided meanwhile is not overwritten.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent, ClaimEvent, OutgoingMail
from portal_app.domain import claims, claims_backoffice
from portal_app.domain.claims_backoffice import ALREADY_HANDLED
from portal_app.domain.errors import ValidationError

from .advisers_support import enrol_adviser
from .claims_support import claim_row, entitlement_of, invoice, open_file, submit, used_of
from .support import count


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def second_adviser(adviser):
    return enrol_adviser("conseiller2@example.fr")


@pytest.fixture
def entitlement(adviser, claire) -> int:
    """Claire's home help: 2 000 € from 1 March to 30 June 2026."""
    return entitlement_of(open_file(adviser, claire.contract)).id


@pytest.fixture
def claim(claire, entitlement) -> str:
    """Claire's claim of 300 €, just submitted."""
    return submit(claire, entitlement, amount="300")


def seen(adviser, reference: str) -> claims_backoffice.AdviserClaimView:
    """The claim as the adviser's page shows it."""
    return claims_backoffice.adviser_claim(adviser.token, reference)


def decide_from(adviser, view, decision: str, **kwargs) -> str:
    """A decision sent from a page showing `view` (its status and its version)."""
    return claims_backoffice.decide(
        adviser.token, view.claim.reference, decision, view.claim.status, expected_version=view.version, **kwargs
    )


def nothing_written(before: tuple[int, int, int]) -> bool:
    return (count(ClaimEvent), count(OutgoingMail), decisions_audited()) == before


def decisions_audited() -> int:
    with session_scope() as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.action == "claim_decided")).all())


def snapshot() -> tuple[int, int, int]:
    return (count(ClaimEvent), count(OutgoingMail), decisions_audited())


# --- the confirmation's question ------------------------------------------------------------------


def test_accepting_is_confirmed_with_the_amount_and_the_members_name(adviser, claim):
    view = seen(adviser, claim)
    before = snapshot()
    question = claims_backoffice.confirmation(
        adviser.token, claim, "accepted", "submitted", amount="300", expected_version=view.version
    )
    assert question == f"Accepter la demande {claim} de Claire Martin pour 300,00 € ?"
    assert claims_backoffice.confirmation(adviser.token, claim, "accepted", "submitted", amount="120,5") == (
        f"Accepter la demande {claim} de Claire Martin pour 120,50 € ?"
    )
    assert nothing_written(before) and claim_row(claim).status == "submitted"


def test_refusing_and_paying_are_confirmed_with_the_amount_and_the_members_name(adviser, claim):
    assert claims_backoffice.confirmation(adviser.token, claim, "refused", "submitted", reason="devis") == (
        f"Refuser la demande {claim} de Claire Martin pour 300,00 € ?"
    )
    claims_backoffice.decide(adviser.token, claim, "accepted", "submitted", amount="250")
    assert claims_backoffice.confirmation(adviser.token, claim, "paid", "accepted") == (
        f"Marquer comme payée la demande {claim} de Claire Martin pour 250,00 € ?"
    )


def test_the_confirmation_is_not_asked_for_a_decision_the_domain_would_refuse(adviser, claim, entitlement):
    with pytest.raises(ValidationError) as too_much:
        claims_backoffice.confirmation(adviser.token, claim, "accepted", "submitted", amount="301")
    assert set(too_much.value.errors) == {"amount"}
    with pytest.raises(ValidationError) as no_reason:
        claims_backoffice.confirmation(adviser.token, claim, "refused", "submitted")
    assert set(no_reason.value.errors) == {"reason"}
    with pytest.raises(ValidationError) as not_yet:
        claims_backoffice.confirmation(adviser.token, claim, "paid", "submitted")
    assert set(not_yet.value.errors) == {"decision"}
    assert used_of(entitlement) == 0


# --- two advisers ---------------------------------------------------------------------------------


def test_a_decision_made_meanwhile_by_another_adviser_is_not_overwritten(adviser, second_adviser, claim, entitlement):
    first_view, second_view = seen(adviser, claim), seen(second_adviser, claim)
    decide_from(second_adviser, second_view, "accepted", amount="300")
    before = snapshot()

    with pytest.raises(ValidationError) as stale:
        decide_from(adviser, first_view, "refused", reason="devis")

    assert stale.value.errors == {"decision": ALREADY_HANDLED}
    assert "autre conseiller" in ALREADY_HANDLED
    assert claim_row(claim).status == "accepted" and used_of(entitlement) == 300_00
    assert nothing_written(before)
    # Reloaded, the page shows the other adviser's decision, and a decision from there goes through.
    now = seen(adviser, claim)
    assert now.claim.status == "accepted" and now.claim.timeline[-1].status.startswith("acceptée")
    decide_from(adviser, now, "paid")
    assert claim_row(claim).status == "paid"


def test_a_claim_that_came_back_to_the_status_seen_is_not_decided_on_an_old_page(
    adviser, second_adviser, claire, claim, entitlement
):
    """The status alone is not enough: in progress, documents asked by another adviser, documents added by the
    member, in progress again — the first adviser has not seen the new documents."""
    claims_backoffice.decide(adviser.token, claim, "in_progress", "submitted")
    old_page = seen(adviser, claim)
    second_view = seen(second_adviser, claim)
    decide_from(second_adviser, second_view, "documents_requested", message="La facture acquittée.")
    claims.add_documents(claire.token, claim, [invoice("acquittee.pdf")])
    assert claim_row(claim).status == old_page.claim.status == "in_progress"
    before = snapshot()

    with pytest.raises(ValidationError) as stale:
        decide_from(adviser, old_page, "accepted", amount="300")
    with pytest.raises(ValidationError) as stale_question:
        claims_backoffice.confirmation(
            adviser.token, claim, "accepted", "in_progress", amount="300", expected_version=old_page.version
        )

    assert stale.value.errors == stale_question.value.errors == {"decision": ALREADY_HANDLED}
    assert claim_row(claim).status == "in_progress" and used_of(entitlement) == 0
    assert nothing_written(before)
