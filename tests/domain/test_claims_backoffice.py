"""Reimbursement requests, the adviser's side: the queue, a claim's page, decisions and what they change,
the member's added documents, and who may do what.
"""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent, Claim, ClaimEvent, ClaimFile, OutgoingMail
from portal_app.domain import claims, claims_backoffice, scanner
from portal_app.domain.claims import STATUS_LABELS
from portal_app.domain.claims_backoffice import ALREADY_HANDLED, REFUSAL_REASONS
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.domain.uploads import Upload

from .advisers_support import enrol_adviser, pending_adviser
from .claims_support import (
    EICAR,
    HTML_PAGE,
    claim_row,
    entitlement_of,
    files_of,
    invoice,
    jpeg,
    open_file,
    pdf,
    png,
    relogin,
    relogin_adviser,
    set_used,
    submit,
    used_of,
)
from .support import account_of, count, mails_to

IMPOSSIBLE = "Décision impossible à ce stade."


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
    """Claire's claim of 150 €, just submitted."""
    return submit(claire, entitlement, amount="150")


def decide(adviser, reference, decision, expected="submitted", **kwargs) -> str:
    return claims_backoffice.decide(adviser.token, reference, decision, expected, **kwargs)


def refused(adviser, reference, decision, expected="submitted", **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        decide(adviser, reference, decision, expected, **kwargs)
    return error.value.errors


def status(reference: str) -> str:
    return claim_row(reference).status


def events(reference: str) -> list[ClaimEvent]:
    claim_id = claim_row(reference).id
    with session_scope() as session:
        return list(session.exec(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id).order_by(ClaimEvent.id)))


def audited(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def move_to(adviser, reference, target: str) -> None:
    """Take a fresh claim to `target` through the ordinary decisions."""
    if target == "submitted":
        return
    if target == "in_progress":
        decide(adviser, reference, "in_progress")
    elif target == "documents_requested":
        decide(adviser, reference, "documents_requested", message="La facture acquittée, s'il vous plaît.")
    elif target == "accepted":
        decide(adviser, reference, "accepted", amount="150")
    elif target == "refused":
        decide(adviser, reference, "refused", reason="illisible")
    elif target == "paid":
        decide(adviser, reference, "accepted", amount="150")
        decide(adviser, reference, "paid", "accepted")
    assert status(reference) == target


# --- the queue and a claim's page -----------------------------------------------------------------


def test_the_queue_lists_every_claim_oldest_first(adviser, claire, paul, entitlement, frozen_clock):
    first = submit(claire, entitlement, amount="1 234,50")
    frozen_clock.advance(minutes=5)
    paul_entitlement = entitlement_of(open_file(adviser, paul.contract)).id
    second = submit(paul, paul_entitlement)

    lines = claims_backoffice.queue(adviser.token)

    assert [line.reference for line in lines] == [first, second]
    assert lines[0].member == "Claire Martin (AB 123 456)"
    assert (lines[0].service, lines[0].amount, lines[0].status_label) == ("Aide ménagère", "1\u202f234,50 €", "déposée")
    assert lines[0].age_days == 0


def test_the_queue_is_filtered_by_status(adviser, claire, entitlement):
    waiting = submit(claire, entitlement)
    handled = submit(claire, entitlement)
    decide(adviser, handled, "in_progress")

    assert [line.reference for line in claims_backoffice.queue(adviser.token, "submitted")] == [waiting]
    assert [line.reference for line in claims_backoffice.queue(adviser.token, "in_progress")] == [handled]
    assert len(claims_backoffice.queue(adviser.token, "unknown-status")) == 2


def test_the_queue_is_filtered_by_age(adviser, claire, entitlement, frozen_clock):
    old = submit(claire, entitlement)
    frozen_clock.advance(days=8)
    claire = relogin(claire)
    recent = submit(claire, entitlement)
    frozen_clock.advance(days=1)
    relogin_adviser(adviser)

    lines = claims_backoffice.queue(adviser.token, older_than_days=7)

    assert [line.reference for line in lines] == [old]
    assert lines[0].age_days == 9
    assert {line.reference for line in claims_backoffice.queue(adviser.token)} == {old, recent}


def test_the_claims_page_shows_member_entitlement_files_and_history(adviser, claire, entitlement):
    set_used(entitlement, 500_00)
    reference = submit(claire, entitlement, [invoice("facture.pdf"), Upload("photo.png", png())], amount="150")

    page = claims_backoffice.adviser_claim(adviser.token, reference)

    assert (page.member, page.member_number) == ("Claire Martin", "AB 123 456")
    # The member's « reste » (2 000 − 500 accepted − 150 asked), and what this claim may be accepted for.
    assert page.remaining == "1\u202f350,00 €"
    assert page.acceptable == "150,00 €"
    assert page.claim.reference == reference
    assert page.claim.iban == "FR76 •••• •••• •••• 0189"
    assert [f.filename for f in page.claim.files] == ["facture.pdf", "photo.png"]
    assert [step.status for step in page.claim.timeline] == ["déposée"]


def test_an_adviser_reading_a_claim_is_audited(adviser, claim):
    claims_backoffice.adviser_claim(adviser.token, claim)

    [event] = audited("claim_viewed")
    assert (event.actor_role, event.target_type, event.detail) == ("adviser", "claim", claim)
    assert event.member_account_id == claim_row(claim).account_id


def test_a_missing_claim_is_not_found(adviser, claim):
    with pytest.raises(NotFound):
        claims_backoffice.adviser_claim(adviser.token, "RB-2026-999999")
    with pytest.raises(NotFound):
        decide(adviser, "RB-2026-999999", "in_progress")


# --- decisions ------------------------------------------------------------------------------------


def test_taking_a_claim_in_hand(adviser, claire, claim):
    message = decide(adviser, claim, "in_progress")

    assert message == f"Demande {claim} : en cours."
    assert status(claim) == "in_progress"
    assert claims.member_claim(claire.token, claim).status_label == "en cours"


def test_asking_for_documents_needs_a_message(adviser, claim):
    errors = refused(adviser, claim, "documents_requested", message="   ")

    assert errors == {"message": "Indiquez au membre les pièces attendues."}
    assert status(claim) == "submitted"


def test_the_member_sees_which_documents_are_asked_for(adviser, claire, claim):
    decide(adviser, claim, "documents_requested", message="Merci d'envoyer la facture acquittée.")

    timeline = claims.member_claim(claire.token, claim).timeline
    assert [(step.status, step.message) for step in timeline] == [
        ("déposée", ""),
        ("pièces demandées", "Merci d'envoyer la facture acquittée."),
    ]


def test_accepting_uses_the_entitlement(adviser, claire, claim, entitlement):
    decide(adviser, claim, "accepted", amount="120,50")

    row = claim_row(claim)
    assert (row.status, row.accepted_amount_cents) == ("accepted", 12050)
    assert row.decided_by_account_id == account_of(adviser.email).id
    assert used_of(entitlement) == 12050
    assert claims.member_claim(claire.token, claim).accepted_amount == "120,50 €"


def test_accepting_more_than_requested_is_refused(adviser, claim, entitlement):
    errors = refused(adviser, claim, "accepted", amount="150,01")

    assert errors["amount"].startswith("Le montant accepté ne peut pas dépasser 150,00 €")
    assert status(claim) == "submitted"
    assert used_of(entitlement) == 0


def test_accepting_more_than_the_entitlement_still_allows_is_refused(adviser, claim, entitlement):
    set_used(entitlement, 1_900_00)  # used meanwhile by another accepted claim: 100 € left

    errors = refused(adviser, claim, "accepted", amount="100,01")

    assert errors["amount"].startswith("Le montant accepté ne peut pas dépasser 100,00 €")
    decide(adviser, claim, "accepted", amount="100")
    assert used_of(entitlement) == 2_000_00


@pytest.mark.parametrize("amount", ["", "0", "-5", "beaucoup"])
def test_accepting_needs_an_amount(adviser, claim, amount):
    assert refused(adviser, claim, "accepted", amount=amount) == {"amount": "Indiquez le montant accepté en euros."}


def test_refusing_needs_a_reason_from_the_list(adviser, claim):
    assert refused(adviser, claim, "refused", reason="") == {"reason": "Choisissez un motif de refus."}
    assert refused(adviser, claim, "refused", reason="pas envie") == {"reason": "Choisissez un motif de refus."}
    assert status(claim) == "submitted"


def test_a_refusal_tells_the_reason_and_the_advisers_words(adviser, claire, claim):
    decide(adviser, claim, "refused", reason="frais_de_sante", message="Il s'agit de soins dentaires.")

    last = claims.member_claim(claire.token, claim).timeline[-1]
    assert last.status == "refusée"
    assert last.message == f"{REFUSAL_REASONS['frais_de_sante']}. Il s'agit de soins dentaires."


def test_a_refused_claim_gives_back_what_it_was_holding(adviser, claire, entitlement):
    reference = submit(claire, entitlement, amount="2 000")
    with pytest.raises(ValidationError):
        submit(claire, entitlement, amount="1")

    decide(adviser, reference, "refused", reason="hors_garantie")

    assert submit(claire, entitlement, amount="2 000").startswith("RB-")


def test_an_accepted_claim_counts_for_what_was_accepted(adviser, claire, entitlement):
    reference = submit(claire, entitlement, amount="2 000")
    decide(adviser, reference, "accepted", amount="1 500")

    with pytest.raises(ValidationError) as over:
        submit(claire, entitlement, amount="500,01")

    assert over.value.errors["amount"].endswith("500,00 €.")
    assert submit(claire, entitlement, amount="500").startswith("RB-")


def test_paid_only_after_accepted(adviser, claim, entitlement):
    assert refused(adviser, claim, "paid") == {"decision": IMPOSSIBLE}

    decide(adviser, claim, "accepted", amount="150")
    decide(adviser, claim, "paid", "accepted")

    assert status(claim) == "paid"
    assert used_of(entitlement) == 150_00  # paying does not use the entitlement a second time


@pytest.mark.parametrize(
    ("current", "decision"),
    [
        ("submitted", "paid"),
        ("in_progress", "in_progress"),
        ("in_progress", "paid"),
        ("documents_requested", "accepted"),
        ("documents_requested", "in_progress"),
        ("documents_requested", "paid"),
        ("accepted", "refused"),
        ("accepted", "documents_requested"),
        ("accepted", "accepted"),
        ("refused", "accepted"),
        ("refused", "paid"),
        ("refused", "in_progress"),
        ("paid", "refused"),
        ("paid", "paid"),
    ],
)
def test_impossible_transitions_are_refused_and_change_nothing(adviser, claim, current, decision):
    move_to(adviser, claim, current)
    events_before, decided_before, mails_before = len(events(claim)), len(audited("claim_decided")), count(OutgoingMail)

    errors = refused(adviser, claim, decision, current, amount="10", reason="autre", message="Message.")

    assert errors == {"decision": IMPOSSIBLE}
    assert status(claim) == current
    assert len(events(claim)) == events_before
    assert len(audited("claim_decided")) == decided_before
    assert count(OutgoingMail) == mails_before


def test_an_unknown_decision_is_refused(adviser, claim):
    assert refused(adviser, claim, "deleted") == {"decision": "Décision inconnue."}


# --- every decision: timeline, audit, mail --------------------------------------------------------


EVERY_DECISION = [
    # (status before, decision, what the adviser gave, label in the mail, step message)
    (
        "submitted",
        "in_progress",
        {"message": "Nous étudions votre demande."},
        "en cours",
        "Nous étudions votre demande.",
    ),
    (
        "in_progress",
        "documents_requested",
        {"message": "La facture acquittée."},
        "pièces demandées",
        "La facture acquittée.",
    ),
    (
        "submitted",
        "accepted",
        {"amount": "120", "message": "Virement sous 5 jours."},
        "acceptée (120,00 €)",
        "Virement sous 5 jours.",
    ),
    (
        "documents_requested",
        "refused",
        {"reason": "illisible", "message": "Rien reçu."},
        "refusée",
        "Justificatif illisible ou incomplet. Rien reçu.",
    ),
    ("accepted", "paid", {"message": "Virement émis."}, "payée", "Virement émis."),
]
DECISION_IDS = [d[1] for d in EVERY_DECISION]


@pytest.mark.parametrize(("before", "decision", "given", "label", "text"), EVERY_DECISION, ids=DECISION_IDS)
def test_every_decision_adds_a_step_with_the_advisers_message(adviser, claim, before, decision, given, label, text):
    move_to(adviser, claim, before)

    decide(adviser, claim, decision, before, **given)

    last = events(claim)[-1]
    assert (last.status, last.message) == (decision, text)
    assert last.author_account_id == account_of(adviser.email).id


@pytest.mark.parametrize(("before", "decision", "given", "label", "text"), EVERY_DECISION, ids=DECISION_IDS)
def test_every_decision_is_audited(adviser, claim, before, decision, given, label, text):
    move_to(adviser, claim, before)
    already = len(audited("claim_decided"))

    decide(adviser, claim, decision, before, **given)

    decided = audited("claim_decided")
    assert len(decided) == already + 1
    event = decided[-1]
    assert (event.actor_role, event.target_type, event.detail) == ("adviser", "claim", f"{claim} {decision}")
    assert event.actor_account_id == account_of(adviser.email).id
    assert event.member_account_id == claim_row(claim).account_id


@pytest.mark.parametrize(("before", "decision", "given", "label", "text"), EVERY_DECISION, ids=DECISION_IDS)
def test_every_decision_is_mailed_to_the_member(adviser, claire, claim, before, decision, given, label, text):
    move_to(adviser, claim, before)

    decide(adviser, claim, decision, before, **given)

    mail = mails_to(claire.email)[-1]
    assert mail.subject == f"Demande de remboursement {claim} : {label} – Espace Assistance"
    assert f"est désormais : {label}." in mail.body
    assert text in mail.body


def test_the_timeline_follows_the_whole_life_of_a_claim(adviser, claire, claim, frozen_clock):
    for decision, expected, kwargs in [
        ("in_progress", "submitted", {}),
        ("documents_requested", "in_progress", {"message": "Facture acquittée ?"}),
    ]:
        frozen_clock.advance(minutes=10)
        decide(adviser, claim, decision, expected, **kwargs)
    frozen_clock.advance(minutes=10)
    claire = relogin(claire)  # sessions end after 30 idle minutes
    claims.add_documents(claire.token, claim, [invoice("acquittee.pdf")])
    frozen_clock.advance(minutes=10)
    decide(adviser, claim, "accepted", "in_progress", amount="150")
    frozen_clock.advance(minutes=10)
    decide(adviser, claim, "paid", "accepted")

    timeline = claims.member_claim(claire.token, claim).timeline
    assert [step.status for step in timeline] == [
        "déposée",
        "en cours",
        "pièces demandées",
        "en cours",
        "acceptée",
        "payée",
    ]
    assert [step.when[-5:] for step in timeline] == ["10:00", "10:10", "10:20", "10:30", "10:40", "10:50"]


# --- two advisers at once -------------------------------------------------------------------------


def test_a_decision_on_a_claim_that_just_changed_is_refused(adviser, second_adviser, claim):
    decide(second_adviser, claim, "accepted", amount="150")

    errors = refused(adviser, claim, "refused", "submitted", reason="illisible")

    assert errors == {"decision": ALREADY_HANDLED}
    assert status(claim) == "accepted"
    assert len(audited("claim_decided")) == 1


def test_two_advisers_deciding_at_the_same_moment(adviser, second_adviser, claim, entitlement):
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide_as(name, who, decision, **kwargs):
        start.wait()
        try:
            outcomes[name] = claims_backoffice.decide(who.token, claim, decision, "submitted", **kwargs)
        except ValidationError as error:
            outcomes[name] = error.message
        except Exception as error:  # reported by the assertion below
            outcomes[name] = f"unexpected {error!r}"

    threads = [
        threading.Thread(target=decide_as, args=("accept", adviser, "accepted"), kwargs={"amount": "150"}),
        threading.Thread(target=decide_as, args=("refuse", second_adviser, "refused"), kwargs={"reason": "illisible"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    final = status(claim)
    assert final in ("accepted", "refused")
    assert sorted(outcomes.values()) == sorted([ALREADY_HANDLED, f"Demande {claim} : {STATUS_LABELS[final]}."])
    assert len(events(claim)) == 2
    assert len(audited("claim_decided")) == 1
    assert used_of(entitlement) == (150_00 if final == "accepted" else 0)


# --- the member adds documents --------------------------------------------------------------------


def test_documents_can_be_added_only_when_asked_for(claire, claim):
    with pytest.raises(ValidationError) as refused_add:
        claims.add_documents(claire.token, claim, [invoice("en-plus.pdf")])

    assert refused_add.value.errors == {"files": "Aucune pièce n'est demandée pour cette demande."}
    assert len(files_of(claim)) == 1


def test_added_documents_join_the_same_claim_which_goes_back_in_progress(adviser, claire, claim):
    decide(adviser, claim, "documents_requested", message="La facture acquittée.")

    claims.add_documents(claire.token, claim, [invoice("acquittee.pdf"), Upload("tampon.jpg", jpeg())])

    assert [f.filename for f in files_of(claim)] == ["facture.pdf", "acquittee.pdf", "tampon.jpg"]
    assert status(claim) == "in_progress"
    assert events(claim)[-1].message == "2 pièces ajoutées par l'adhérent"
    assert count(Claim) == 1
    [event] = audited("claim_documents_added")
    assert event.detail == claim


def test_a_bad_added_file_adds_nothing(adviser, claire, claim):
    decide(adviser, claim, "documents_requested", message="La facture acquittée.")

    with pytest.raises(ValidationError) as refused_add:
        claims.add_documents(claire.token, claim, [invoice("bonne.pdf"), Upload("page.pdf", HTML_PAGE)])

    assert "« page.pdf »" in refused_add.value.errors["files"]
    assert len(files_of(claim)) == 1
    assert status(claim) == "documents_requested"


def test_added_documents_are_scanned_too(adviser, claire, claim, monkeypatch):
    decide(adviser, claim, "documents_requested", message="La facture acquittée.")
    monkeypatch.setattr(settings, "CLAMD_SOCKET", "/nonexistent/clamd.sock")
    monkeypatch.setattr(scanner, "scan", lambda content: "Portal.Test.EICAR" if EICAR in content else None)

    with pytest.raises(ValidationError) as refused_add:
        claims.add_documents(claire.token, claim, [invoice("virus.pdf", pdf(extra=EICAR))])

    assert refused_add.value.errors["files"] == "« virus.pdf » a été refusé par l'analyse antivirus."
    assert status(claim) == "documents_requested"


def test_added_documents_are_encrypted_and_readable_by_the_owner(adviser, claire, claim):
    decide(adviser, claim, "documents_requested", message="La facture acquittée.")
    content = pdf("ACQUITTEE-SECRET")

    claims.add_documents(claire.token, claim, [invoice("acquittee.pdf", content)])

    added = files_of(claim)[-1]
    assert b"ACQUITTEE-SECRET" not in added.ciphertext
    assert claims_backoffice.open_claim_file(claire.token, added.id).content == content


# --- authorisation --------------------------------------------------------------------------------


def test_another_member_cannot_see_the_claim(paul, claim):
    with pytest.raises(NotFound):
        claims.member_claim(paul.token, claim)
    assert claims.member_claims(paul.token) == []


def test_another_member_cannot_add_documents(adviser, paul, claim):
    decide(adviser, claim, "documents_requested", message="La facture acquittée.")

    with pytest.raises(NotFound):
        claims.add_documents(paul.token, claim, [invoice()])

    assert len(files_of(claim)) == 1
    assert status(claim) == "documents_requested"


def test_another_member_cannot_download_the_file(paul, claim):
    [stored] = files_of(claim)

    with pytest.raises(NotFound):
        claims_backoffice.open_claim_file(paul.token, stored.id)


def test_a_member_sees_the_same_not_found_for_a_claim_of_another_and_a_missing_one(paul, claim):
    with pytest.raises(NotFound) as other:
        claims.member_claim(paul.token, claim)
    with pytest.raises(NotFound) as missing:
        claims.member_claim(paul.token, "RB-2026-999999")

    assert other.value.message == missing.value.message


def test_members_cannot_use_the_adviser_functions(claire, claim):
    with pytest.raises(NotAllowed):
        claims_backoffice.queue(claire.token)
    with pytest.raises(NotAllowed):
        claims_backoffice.adviser_claim(claire.token, claim)
    with pytest.raises(NotAllowed):
        claims_backoffice.decide(claire.token, claim, "accepted", "submitted", amount="150")

    assert status(claim) == "submitted"
    assert audited("claim_viewed") == []


@pytest.mark.parametrize("who", ["nobody", "pending adviser"])
def test_strangers_cannot_use_the_adviser_functions(claim, who):
    actor = pending_adviser() if who == "pending adviser" else None
    with pytest.raises(NotAllowed):
        claims_backoffice.queue(actor)
    with pytest.raises(NotAllowed):
        claims_backoffice.decide(actor, claim, "refused", "submitted", reason="autre")


def test_strangers_see_no_member_claims(claim):
    with pytest.raises(NotAllowed):
        claims.member_claims("forged-session-token")
    with pytest.raises(NotAllowed):
        claims.member_claim("forged-session-token", claim)


def test_an_adviser_has_no_member_space(adviser, claim):
    with pytest.raises(NotAllowed):
        claims.member_claims(adviser.token)
    with pytest.raises(NotAllowed):
        claims.add_documents(adviser.token, claim, [invoice()])


def test_the_files_rows_belong_to_their_claim_only(claire, paul, adviser, claim):
    paul_reference = submit(paul, entitlement_of(open_file(adviser, paul.contract)).id, [Upload("p.png", png())])

    with session_scope() as session:
        by_claim = {
            c.reference: [f.filename for f in session.exec(select(ClaimFile).where(ClaimFile.claim_id == c.id))]
            for c in session.exec(select(Claim))
        }
    assert by_claim == {claim: ["facture.pdf"], paul_reference: ["p.png"]}
    assert [c.reference for c in claims.member_claims(claire.token)] == [claim]
