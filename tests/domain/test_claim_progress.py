"""A claim as the member follows it: the progress line and its delays, the history in the member's words, the
adviser's request for documents, and the status e-mails (amount, date, last four digits of the IBAN, the link
to that claim's page)."""

from __future__ import annotations

import pytest

from portal_app import settings
from portal_app.domain import claim_progress, claims, claims_backoffice

from .advisers_support import enrol_adviser
from .claims_support import entitlement_of, invoice, jpeg, open_file, relogin, submit
from .support import mails_to

CLAIM_PAGE = "/mon-espace/remboursements/demande?ref="


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def claim(adviser, claire) -> str:
    """Claire's claim of 150 € for home help, filed on Tuesday 10 March 2026 (IBAN ending in 0189)."""
    return submit(claire, entitlement_of(open_file(adviser, claire.contract)).id, amount="150")


def decide(adviser, reference, decision, expected, **kwargs) -> None:
    claims_backoffice.decide(adviser.token, reference, decision, expected, **kwargs)


def steps(member, reference) -> list[tuple[str, str]]:
    return [(s.label, s.state) for s in claims.member_claim(member.token, reference).progress]


def history(member, reference) -> list[tuple[str, str]]:
    return [(h.text, h.message) for h in claims.member_claim(member.token, reference).history]


# --- the progress line ----------------------------------------------------------------------------


def test_a_new_claim_is_at_the_first_of_the_usual_steps(claire, claim):
    assert steps(claire, claim) == [
        ("Déposée", "current"),
        ("En cours d'examen", "todo"),
        ("Acceptée", "todo"),
        ("Payée", "todo"),
    ]


def test_each_step_gives_its_usual_delay_from_the_domains_constants(claire, claim):
    delays = {s.label: s.delay for s in claims.member_claim(claire.token, claim).progress}
    assert (
        delays["En cours d'examen"] == f"examen sous {claim_progress.REVIEW_WORKING_DAYS} jours ouvrés après le dépôt"
    )
    assert delays["Payée"] == f"paiement sous {claim_progress.PAYMENT_DAYS} jours après l'acceptation"
    assert (claim_progress.REVIEW_WORKING_DAYS, claim_progress.PAYMENT_DAYS) == (5, 10)
    assert delays["Acceptée"].startswith("décision sous")


def test_documents_asked_for_appear_as_the_current_step(adviser, claire, claim):
    decide(adviser, claim, "documents_requested", "submitted", message="La facture acquittée.")
    assert steps(claire, claim) == [
        ("Déposée", "done"),
        ("En cours d'examen", "done"),
        ("Pièces demandées", "current"),
        ("Acceptée", "todo"),
        ("Payée", "todo"),
    ]


def test_a_refusal_ends_the_line(adviser, claire, claim):
    decide(adviser, claim, "refused", "submitted", reason="illisible")
    assert steps(claire, claim) == [("Déposée", "done"), ("En cours d'examen", "done"), ("Refusée", "current")]


def test_a_paid_claim_has_every_step_done_and_payment_current(adviser, claire, claim):
    decide(adviser, claim, "accepted", "submitted", amount="150")
    decide(adviser, claim, "paid", "accepted")
    assert [state for _label, state in steps(claire, claim)] == ["done", "done", "done", "current"]


# --- the history in the member's words ------------------------------------------------------------


def test_the_history_speaks_to_the_member(adviser, claire, claim, frozen_clock):
    decide(adviser, claim, "in_progress", "submitted")
    decide(adviser, claim, "documents_requested", "in_progress", message="La facture acquittée, s'il vous plaît.")
    claims.add_documents(claire.token, claim, [invoice("acquittee.pdf")])
    decide(adviser, claim, "documents_requested", "in_progress", message="Et le tampon du prestataire.")
    frozen_clock.advance(minutes=40)
    claire = relogin(claire)
    claims.add_documents(claire.token, claim, [invoice("tampon.pdf"), invoice("photo.jpg", jpeg())])
    decide(adviser, claim, "accepted", "in_progress", amount="120", message="Hors frais de déplacement.")
    decide(adviser, claim, "paid", "accepted")

    assert history(claire, claim) == [
        ("Vous avez déposé la demande.", ""),
        ("Un conseiller examine votre demande.", ""),
        ("Un conseiller a demandé des pièces : La facture acquittée, s'il vous plaît.", ""),
        ("Vous avez ajouté 1 document.", ""),
        ("Un conseiller a demandé des pièces : Et le tampon du prestataire.", ""),
        ("Vous avez ajouté 2 documents.", ""),
        ("Demande acceptée pour 120,00 €.", "Hors frais de déplacement."),
        ("Remboursement de 120,00 € versé sur le compte se terminant par 0189.", ""),
    ]
    # The adviser's page keeps its own wording.
    adviser_view = claims_backoffice.adviser_claim(adviser.token, claim).claim
    assert adviser_view.timeline[3].message == "1 pièce ajoutée par l'adhérent"
    assert adviser_view.history == [] and adviser_view.progress == []


def test_a_refusal_gives_its_reason_in_the_history(adviser, claire, claim):
    decide(adviser, claim, "refused", "submitted", reason="hors_periode")
    assert history(claire, claim)[-1] == ("Demande refusée : Prestation en dehors de la période de vos droits.", "")


def test_the_advisers_request_is_given_while_documents_are_asked_for(adviser, claire, claim):
    assert claims.member_claim(claire.token, claim).documents_request == ""
    decide(adviser, claim, "documents_requested", "submitted", message="La facture acquittée.")
    assert claims.member_claim(claire.token, claim).documents_request == "La facture acquittée."
    claims.add_documents(claire.token, claim, [invoice("acquittee.pdf")])
    assert claims.member_claim(claire.token, claim).documents_request == ""


# --- the e-mails ----------------------------------------------------------------------------------


def test_the_acknowledgement_gives_amount_date_iban_end_and_the_claims_page(claire, claim):
    [mail] = [m for m in mails_to(claire.email) if claim in m.subject]
    assert "d'un montant de 150,00 €" in mail.body
    assert "le 10 mars 2026" in mail.body
    assert "sur le compte se terminant par 0189" in mail.body
    assert f"{settings.PUBLIC_URL}{CLAIM_PAGE}{claim}" in mail.body
    assert "FR76" not in mail.body and "3000 6000" not in mail.body


@pytest.mark.parametrize(
    ("path", "amount", "iban_line"),
    [
        ([("accepted", "submitted", {"amount": "120"})], "120,00 €", "sera versé sous 10 jours"),
        (
            [("accepted", "submitted", {"amount": "120"}), ("paid", "accepted", {})],
            "120,00 €",
            "a été émis le 10 mars 2026",
        ),
        ([("in_progress", "submitted", {})], "", "sur le compte se terminant par 0189"),
    ],
    ids=["accepted", "paid", "in_progress"],
)
def test_status_mails_give_amount_date_iban_end_and_link(adviser, claire, claim, path, amount, iban_line):
    for decision, expected, kwargs in path:
        decide(adviser, claim, decision, expected, **kwargs)

    mail = mails_to(claire.email)[-1]
    assert mail.body.startswith("Bonjour Claire,\n\nLe 10 mars 2026, votre demande de remboursement")
    assert iban_line in mail.body and "se terminant par 0189" in mail.body
    if amount:
        assert amount in mail.body
    assert f"{settings.PUBLIC_URL}{CLAIM_PAGE}{claim}" in mail.body


def test_a_refusal_mail_gives_the_platforms_number(adviser, claire, claim):
    decide(adviser, claim, "refused", "submitted", reason="illisible")
    mail = mails_to(claire.email)[-1]
    assert "Aucun versement ne sera fait" in mail.body and settings.ASSISTANCE_PHONE in mail.body
    assert f"{CLAIM_PAGE}{claim}" in mail.body


def test_a_documents_request_mail_sends_to_the_claims_page(adviser, claire, claim):
    decide(adviser, claim, "documents_requested", "submitted", message="La facture acquittée.")
    mail = mails_to(claire.email)[-1]
    assert "La facture acquittée." in mail.body and "Ajoutez les pièces demandées" in mail.body
    assert f"{CLAIM_PAGE}{claim}" in mail.body
