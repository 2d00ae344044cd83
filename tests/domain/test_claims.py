"""Reimbursement requests, the member's side: the form's rules, references, idempotency, what the member sees.

Only entitlements in euros of reimbursable services (aide ménagère, garde d'enfants) of open assistance
files can be claimed: a home-help entitlement of 2 000 € from March to June is the default here.
"""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import AssistanceFile, AuditEvent, Claim, ClaimEvent, ClaimFile, OutgoingMail
from portal_app.domain import assistance_files, claims
from portal_app.domain.assistance_files import EntitlementInput
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser, pending_adviser_token
from .claims_support import (
    FAQ_QUOTES,
    HTML_PAGE,
    VALID_IBAN_COMPACT,
    WRONG_CHECKSUM_IBAN,
    claim_input,
    claim_row,
    entitlement_of,
    home_help,
    invoice,
    jpeg,
    new_key,
    open_file,
    set_used,
    submit,
)
from .support import actor_of, count, mails_to


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def entitlement(adviser, claire) -> int:
    """Claire's home help: 2 000 € from 1 March to 30 June 2026 (today is 10 March 2026)."""
    return entitlement_of(open_file(adviser, claire.contract)).id


def refusal(member, entitlement_id, files=None, **changes) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        submit(member, entitlement_id, files, **changes)
    return refused.value.errors


def nothing_written() -> bool:
    return count(Claim) == 0 and count(ClaimFile) == 0 and count(ClaimEvent) == 0


# --- references and acknowledgement ---------------------------------------------------------------


def test_claims_get_sequential_references_of_the_year(claire, entitlement):
    assert submit(claire, entitlement) == "RB-2026-000001"
    assert submit(claire, entitlement) == "RB-2026-000002"


def test_the_member_gets_an_acknowledgement_by_email(claire, entitlement):
    reference = submit(claire, entitlement, amount="1 234,50")

    [mail] = [m for m in mails_to(claire.email) if reference in m.subject]
    assert mail.subject == f"Demande de remboursement {reference} reçue – Espace Assistance"
    assert "1\u202f234,50 €" in mail.body
    assert "/mon-espace/remboursements" in mail.body


def test_a_submission_is_audited_without_health_details(claire, entitlement):
    reference = submit(claire, entitlement)

    [event] = _audit("claim_submitted")
    assert event.detail == reference
    assert event.actor_role == "member"


def _audit(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


# --- amounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("1 234,50", 123450), ("1\u202f234,50 €", 123450), ("89", 8900), ("12.30", 1230), ("0,01", 1)],
)
def test_amounts_in_french_are_kept_in_cents(claire, entitlement, typed, cents):
    reference = submit(claire, entitlement, amount=typed)

    assert claim_row(reference).amount_cents == cents


@pytest.mark.parametrize("typed", ["0", "0,00", "-10", "", "douze", "12,345", "1,2,3"])
def test_an_amount_that_is_not_a_positive_sum_in_euros_is_refused(claire, entitlement, typed):
    errors = refusal(claire, entitlement, amount=typed)

    assert errors["amount"] == "Indiquez le montant avancé en euros (par exemple 1 234,50)."
    assert nothing_written()


def test_an_amount_over_what_was_granted_is_refused(claire, entitlement):
    errors = refusal(claire, entitlement, amount="2 000,01")

    assert errors["amount"] == "Le montant dépasse ce que votre droit permet encore : 2\u202f000,00 €."


def test_what_was_already_used_lowers_the_ceiling(claire, entitlement):
    set_used(entitlement, 1_500_00)

    assert refusal(claire, entitlement, amount="500,01")["amount"].endswith("500,00 €.")
    assert submit(claire, entitlement, amount="500,00").startswith("RB-")


def test_claims_still_open_lower_the_ceiling(claire, entitlement):
    set_used(entitlement, 500_00)
    submit(claire, entitlement, amount="1 000")

    assert refusal(claire, entitlement, amount="500,01")["amount"].endswith("500,00 €.")
    assert submit(claire, entitlement, amount="500").startswith("RB-")
    assert refusal(claire, entitlement, amount="0,01")["amount"].endswith("0,00 €.")


def test_the_choices_show_what_remains(claire, entitlement):
    submit(claire, entitlement, amount="150")

    [choice] = claims.claim_choices(claire.token)
    assert choice.entitlement_id == entitlement
    assert choice.label == "AS-2026-000001 — Aide ménagère (reste 1\u202f850,00 €)"


# --- which entitlements ---------------------------------------------------------------------------


def test_only_reimbursable_services_granted_in_euros_are_offered(adviser, claire):
    reference = open_file(
        adviser,
        claire.contract,
        EntitlementInput("transport_scolaire", "10", "trajets", "2026-03-01", "2026-06-30"),
        EntitlementInput("garde_enfants", "20", "heures", "2026-03-01", "2026-06-30"),
        home_help(),
    )

    choices = claims.claim_choices(claire.token)

    assert [c.entitlement_id for c in choices] == [entitlement_of(reference).id]


def test_childcare_granted_in_euros_can_be_claimed(adviser, claire):
    reference = open_file(
        adviser, claire.contract, EntitlementInput("garde_enfants", "300", "euros", "2026-03-01", "2026-06-30")
    )
    childcare = entitlement_of(reference, "garde_enfants").id

    assert claim_row(submit(claire, childcare)).service == "garde_enfants"


def test_a_service_rendered_in_kind_cannot_be_claimed(adviser, claire):
    reference = open_file(
        adviser, claire.contract, EntitlementInput("transport_scolaire", "10", "trajets", "2026-03-01", "2026-06-30")
    )

    errors = refusal(claire, entitlement_of(reference, "transport_scolaire").id)

    assert errors["entitlement"] == "Choisissez le dossier d'assistance et le service concernés."
    assert nothing_written()


def test_a_closed_file_can_no_longer_be_claimed(adviser, claire, entitlement):
    with session_scope() as session:
        file_id = session.exec(select(AssistanceFile.id)).one()
    assistance_files.close_file(adviser.token, file_id)

    assert claims.claim_choices(claire.token) == []
    assert "entitlement" in refusal(claire, entitlement)


def test_another_members_entitlement_cannot_be_claimed(claire, paul, entitlement):
    errors = refusal(paul, entitlement)

    assert "entitlement" in errors
    assert nothing_written()


def test_a_member_without_assistance_file_has_nothing_to_claim(paul, entitlement):
    assert claims.claim_choices(paul.token) == []


# --- dates, provider ------------------------------------------------------------------------------


def test_dates_before_the_entitlement_period_are_refused(claire, entitlement):
    errors = refusal(claire, entitlement, date_from="2026-02-27", date_to="2026-03-02")

    assert (
        errors["date_from"]
        == "Les dates doivent être dans la période de vos droits (du 1er mars 2026 au 30 juin 2026)."
    )


def test_a_service_in_the_future_cannot_be_claimed(claire, entitlement):
    errors = refusal(claire, entitlement, date_from="2026-03-09", date_to="2026-03-11")

    assert errors["date_to"] == "Une prestation à venir ne peut pas encore être remboursée."


def test_a_service_of_today_can_be_claimed(claire, entitlement):
    reference = submit(claire, entitlement, date_from="2026-03-10", date_to="2026-03-10")

    assert str(claim_row(reference).service_date_to) == "2026-03-10"


def test_a_single_day_needs_no_end_date(claire, entitlement):
    reference = submit(claire, entitlement, date_from="2026-03-04", date_to="")

    row = claim_row(reference)
    assert str(row.service_date_from) == str(row.service_date_to) == "2026-03-04"


def test_the_end_cannot_come_before_the_start(claire, entitlement):
    errors = refusal(claire, entitlement, date_from="2026-03-06", date_to="2026-03-02")

    assert errors["date_to"] == "La date de fin doit être après la date de début."


@pytest.mark.parametrize("typed", ["06/03/2026", "2026-02-30"])
def test_a_date_that_is_not_a_date_is_refused(claire, entitlement, typed):
    assert refusal(claire, entitlement, date_from=typed)["date_from"] == "Indiquez une date valide."


@pytest.mark.parametrize("typed", ["", "  "])
def test_a_missing_start_date_is_asked_for(claire, entitlement, typed):
    errors = refusal(claire, entitlement, date_from=typed)

    assert errors["date_from"] == "Indiquez la date de la prestation (ou de son premier jour)."
    assert "date_to" not in errors


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_a_blank_end_date_means_a_one_day_service(claire, entitlement, typed):
    reference = submit(claire, entitlement, date_from="2026-03-02", date_to=typed)

    assert claim_row(reference).service_date_to == claim_row(reference).service_date_from


@pytest.mark.parametrize("typed", ["", "   "])
def test_the_provider_is_required(claire, entitlement, typed):
    errors = refusal(claire, entitlement, provider=typed)

    assert errors["provider"] == "Indiquez le prestataire qui a réalisé la prestation."


# --- IBAN -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["FR76 3000 6000 0112 3456 7890 189", "fr7630006000011234567890189"])
def test_a_valid_french_iban_is_accepted(claire, entitlement, typed):
    reference = submit(claire, entitlement, iban=typed)

    assert claim_row(reference).iban_last4 == "0189"


@pytest.mark.parametrize(
    "typed", [WRONG_CHECKSUM_IBAN, "FR76 3000 6000 0112 3456 7890", "ceci n'est pas un IBAN", "XX76 3000"]
)
def test_an_invalid_iban_is_refused(claire, entitlement, typed):
    errors = refusal(claire, entitlement, iban=typed)

    assert errors["iban"] == "Cet IBAN n'est pas valide : vérifiez-le sur votre relevé d'identité bancaire (RIB)."
    assert nothing_written()


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_a_missing_iban_is_asked_for_not_called_invalid(claire, entitlement, typed):
    errors = refusal(claire, entitlement, iban=typed)

    assert errors["iban"] == (
        "Indiquez l'IBAN du compte à rembourser : il figure sur votre relevé d'identité bancaire (RIB)."
    )
    assert nothing_written()


def test_the_iban_is_stored_encrypted(claire, entitlement):
    reference = submit(claire, entitlement)

    row = claim_row(reference)
    stored = " ".join(str(value) for value in row.model_dump().values())
    assert VALID_IBAN_COMPACT not in stored
    assert "30006000011234567890" not in stored
    assert "3000 6000" not in stored


def test_the_iban_is_shown_masked_with_its_last_four_digits(claire, entitlement):
    reference = submit(claire, entitlement)

    shown = claims.member_claim(claire.token, reference).iban
    assert shown == "FR76 •••• •••• •••• 0189"
    assert sum(ch.isdigit() for ch in shown) == 6  # the check digits and the last four, nothing else


# --- document kind, certification -----------------------------------------------------------------


def test_a_quote_is_refused_with_the_faqs_sentence(claire, entitlement):
    errors = refusal(claire, entitlement, document_kind="devis")

    assert errors["document_kind"] == FAQ_QUOTES
    assert nothing_written()


@pytest.mark.parametrize("kind", ["", "ordonnance"])
def test_the_document_must_be_an_invoice(claire, entitlement, kind):
    assert refusal(claire, entitlement, document_kind=kind)["document_kind"] == (
        "Indiquez le type de document : une facture."
    )


def test_the_certification_is_required(claire, entitlement):
    errors = refusal(claire, entitlement, certified=False)

    assert errors["certified"] == "Vous devez certifier l'exactitude des informations et l'avance des frais."
    assert nothing_written()


def test_the_scope_text_says_what_is_not_reimbursed():
    assert "dentaire" in claims.SCOPE_TEXT
    assert "l'optique" in claims.SCOPE_TEXT
    assert "frais d'hôpitaux" in claims.SCOPE_TEXT
    assert "mutuelle" in claims.SCOPE_TEXT


# --- nothing written on a refusal -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"provider": ""}, "provider"),
        ({"iban": WRONG_CHECKSUM_IBAN}, "iban"),
        ({"document_kind": "devis"}, "document_kind"),
        ({"certified": False}, "certified"),
        ({"date_to": "2026-12-31"}, "date_to"),
        ({"submission_key": "court"}, "general"),
    ],
)
def test_a_bad_field_writes_nothing(claire, entitlement, changes, field):
    mails_before = count(OutgoingMail)

    errors = refusal(claire, entitlement, [invoice(), invoice("photo.jpg", jpeg())], **changes)

    assert field in errors
    assert nothing_written()
    assert count(OutgoingMail) == mails_before
    assert _audit("claim_submitted") == []


def test_a_bad_file_writes_nothing_even_with_good_fields(claire, entitlement):
    mails_before = count(OutgoingMail)

    errors = refusal(claire, entitlement, [invoice(), invoice("page.pdf", HTML_PAGE)])

    assert "files" in errors
    assert nothing_written()
    assert count(OutgoingMail) == mails_before


def test_every_problem_is_reported_at_once(claire, entitlement):
    errors = refusal(claire, entitlement, [invoice("vide.pdf", b"")], amount="0", provider="", certified=False)

    assert {"amount", "provider", "certified", "files"} <= set(errors)


def test_an_adviser_cannot_file_a_claim(adviser, entitlement):
    with pytest.raises(NotAllowed):
        claims.submit_claim(adviser.token, claim_input(entitlement), [invoice()])


def test_an_adviser_without_the_second_factor_cannot_file_a_claim(adviser, entitlement):
    pending = actor_of(pending_adviser_token(adviser.email))

    with pytest.raises(NotAllowed):
        claims.submit_claim(pending, claim_input(entitlement), [invoice()])
    assert nothing_written()


def test_nobody_cannot_file_a_claim(entitlement):
    with pytest.raises(NotAllowed):
        claims.submit_claim(None, claim_input(entitlement), [invoice()])
    assert nothing_written()


@pytest.mark.parametrize(
    "read", [claims.claim_choices, claims.member_claims, claims.new_submission_key], ids=lambda f: f.__name__
)
def test_only_a_member_reads_claims(adviser, entitlement, read):
    for someone in (adviser.token, actor_of(pending_adviser_token(adviser.email)), None):
        with pytest.raises(NotAllowed):
            read(someone)


# --- idempotency ----------------------------------------------------------------------------------


def test_the_same_submission_twice_makes_one_claim(claire, entitlement):
    data = claim_input(entitlement)

    first = claims.submit_claim(claire.token, data, [invoice()])
    second = claims.submit_claim(claire.token, data, [invoice()])

    assert first == second
    assert count(Claim) == 1
    assert count(ClaimFile) == 1
    assert len([m for m in mails_to(claire.email) if first in m.subject]) == 1


def test_a_retry_with_the_same_key_is_not_checked_against_its_own_amount(claire, entitlement):
    data = claim_input(entitlement, amount="2 000")

    first = claims.submit_claim(claire.token, data, [invoice()])

    assert claims.submit_claim(claire.token, data, [invoice()]) == first


def test_a_double_click_checked_just_after_the_first_was_saved_gets_its_reference(claire, entitlement, monkeypatch):
    """The window that 20 simultaneous clicks hit now and then, made certain: the second click looked for
    its key before the first was committed, then checked the amount after (1 500 € + 1 500 € > 2 000 €)."""
    data = claim_input(entitlement, amount="1 500")
    first = claims.submit_claim(claire.token, data, [invoice()])
    real_existing = claims._existing
    lookups = []

    def not_yet_committed(session, account, key):
        lookups.append(key)
        return None if len(lookups) == 1 else real_existing(session, account, key)

    monkeypatch.setattr(claims, "_existing", not_yet_committed)

    assert claims.submit_claim(claire.token, data, [invoice()]) == first
    assert count(Claim) == 1


def test_another_members_submission_key_gives_nothing_away(claire, paul, entitlement):
    data = claim_input(entitlement)
    claims.submit_claim(claire.token, data, [invoice()])

    with pytest.raises(ValidationError) as refused:
        claims.submit_claim(paul.token, data, [invoice()])

    assert refused.value.errors == {"general": "Le formulaire a expiré : rechargez la page."}
    assert count(Claim) == 1


def test_twenty_simultaneous_submissions_of_one_form_make_one_claim(claire, entitlement):
    data = claim_input(entitlement, amount="1 500")  # two claims of 1 500 € would not fit in 2 000 €
    files = [invoice(), invoice("photo.jpg", jpeg())]
    start = threading.Barrier(20)
    references, failures = [], []

    def double_click():
        start.wait()
        try:
            references.append(claims.submit_claim(claire.token, data, files))
        except Exception as error:  # every failure is reported by the assertion below
            failures.append(repr(error))

    threads = [threading.Thread(target=double_click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(references) == 20
    assert set(references) == {claim_row(references[0]).reference}
    assert count(Claim) == 1
    assert count(ClaimFile) == 2
    assert count(ClaimEvent) == 1
    assert len([m for m in mails_to(claire.email) if references[0] in m.subject]) == 1


def test_a_new_form_gets_a_new_key_and_a_new_claim(claire, entitlement):
    first = submit(claire, entitlement, submission_key=new_key())
    second = submit(claire, entitlement, submission_key=new_key())

    assert first != second


# --- what the member sees -------------------------------------------------------------------------


def test_the_member_sees_the_claim_and_its_files(claire, entitlement):
    reference = submit(
        claire,
        entitlement,
        [invoice("facture-mars.pdf"), invoice("ticket.jpg", jpeg())],
        amount="1 234,50",
        provider="  Services   à domicile  ",
    )

    view = claims.member_claim(claire.token, reference)

    assert view.reference == reference
    assert view.service == "Aide ménagère"
    assert view.file_reference == "AS-2026-000001"
    assert view.dates == "du 2 mars 2026 au 6 mars 2026"
    assert view.provider == "Services à domicile"
    assert view.amount == "1\u202f234,50 €"
    assert view.status == "submitted" and view.status_label == "déposée"
    assert [f.filename for f in view.files] == ["facture-mars.pdf", "ticket.jpg"]


def test_the_timeline_starts_with_the_submission(claire, entitlement):
    reference = submit(claire, entitlement)

    [step] = claims.member_claim(claire.token, reference).timeline

    assert step.status == "déposée"
    assert step.when == "mardi 10 mars 2026 à 10:00"  # the portal's clock, in Paris time


def test_the_member_lists_own_claims_newest_first(claire, paul, adviser, entitlement):
    first = submit(claire, entitlement)
    second = submit(claire, entitlement)
    paul_file = open_file(adviser, paul.contract)
    submit(paul, entitlement_of(paul_file).id)

    assert [c.reference for c in claims.member_claims(claire.token)] == [second, first]


def test_another_members_claim_is_not_found(claire, paul, entitlement):
    reference = submit(claire, entitlement)

    for look in (
        lambda: claims.member_claim(paul.token, reference),
        lambda: claims.member_claim(claire.token, "RB-2026-999999"),
    ):
        with pytest.raises(NotFound) as missing:
            look()
        assert missing.value.message == "Demande introuvable."


def test_another_member_cannot_add_documents_to_a_claim(claire, paul, entitlement):
    reference = submit(claire, entitlement)

    with pytest.raises(NotFound):
        claims.add_documents(paul.token, reference, [invoice()])
    assert len(claims.member_claim(claire.token, reference).files) == 1


def test_two_tabs_of_the_same_form_file_one_claim(claire, entitlement):
    first_tab = claims.new_submission_key(claire.token)
    second_tab = claims.new_submission_key(claire.token)
    assert first_tab == second_tab
    reference = submit(claire, entitlement, submission_key=first_tab)
    assert submit(claire, entitlement, submission_key=second_tab) == reference
    assert claims.new_submission_key(claire.token) != first_tab


def test_a_different_form_sent_with_a_used_key_is_told_to_reload(claire, entitlement):
    key = claims.new_submission_key(claire.token)
    submit(claire, entitlement, submission_key=key)
    with pytest.raises(ValidationError) as refused:
        submit(claire, entitlement, submission_key=key, amount="99,00")
    assert "autre onglet" in refused.value.errors["general"]
