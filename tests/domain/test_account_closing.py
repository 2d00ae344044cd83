"""« Clôturer mon compte »: password and confirmation, refused while a claim is handled, then erased or
anonymised in one go; claims and the audit trail kept; the holder can register again."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import (
    Account,
    Address,
    AuditEvent,
    Claim,
    ClaimFile,
    EmailToken,
    LoginSession,
    Message,
    MessageThread,
    OutgoingMail,
    Trip,
)
from portal_app.domain import account_closing, actors, auth, mail, password_reset
from portal_app.domain.account_closing import CONFIRMATION_MISSING, WRONG_PASSWORD, close_for_session
from portal_app.domain.auth import LOGIN_FAILED_MESSAGE, LoginRefused
from portal_app.domain.errors import NotAllowed, ValidationError

from .advisers_support import enrol_adviser
from .claims_support import claim_row, entitlement_of, open_file, submit
from .data_rights_support import build_everything
from .support import (
    CLAIRE,
    PASSWORD,
    Member,
    actor_of,
    all_rows,
    brake_failures,
    confirm,
    count,
    login,
    login_token,
    mails_to,
    register,
)


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


def account_row(account_id: int) -> Account:
    with session_scope() as session:
        return session.get(Account, account_id)


def account_id_of(member: Member) -> int:
    return actors.member(member.token).account_id


def snapshot(account_id: int) -> dict:
    a = account_row(account_id)
    return {
        "account": (a.email, a.phone, a.password_hash, a.contract_id, a.closed_at),
        "sessions": count(LoginSession, LoginSession.account_id == account_id, LoginSession.ended_at.is_(None)),
        "addresses": count(Address, Address.account_id == account_id),
        "live_trips": count(Trip, Trip.account_id == account_id, Trip.status != "cancelled"),
        "mails": count(OutgoingMail),
    }


def refusal(member: Member, password: str = PASSWORD, confirmation: bool = True) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        close_for_session(member.token, password, confirmation)
    return caught.value.errors


# --- refusals -------------------------------------------------------------------------------------


def test_without_the_confirmation_nothing_changes(claire):
    account_id = account_id_of(claire)
    before = snapshot(account_id)
    assert refusal(claire, confirmation=False) == {"close_confirmation": CONFIRMATION_MISSING}
    assert snapshot(account_id) == before


def test_a_wrong_or_missing_password_is_refused_and_nothing_changes(claire):
    account_id = account_id_of(claire)
    before = snapshot(account_id)
    assert refusal(claire, password="") == {"close_password": account_closing.PASSWORD_MISSING}
    assert refusal(claire, password="Faux-mot-2-passe", confirmation=False) == {
        "close_password": WRONG_PASSWORD,
        "close_confirmation": CONFIRMATION_MISSING,
    }
    assert snapshot(account_id) == before


def test_a_wrong_password_counts_as_a_failed_login_with_the_same_brake(frozen_clock, claire):
    account_id = account_id_of(claire)
    for _ in range(4):
        assert refusal(claire, password="Faux-mot-2-passe") == {"close_password": WRONG_PASSWORD}
    assert brake_failures(claire.email) == 4
    fifth = refusal(claire, password="Faux-mot-2-passe")["close_password"]
    assert "veuillez patienter 30 secondes" in fifth
    # Braked: even the right password waits, and the account is not closed.
    assert "veuillez patienter" in refusal(claire)["close_password"]
    assert account_row(account_id).closed_at is None
    failures = all_rows(AuditEvent, AuditEvent.action == "login_failure", AuditEvent.target_id == account_id)
    assert len(failures) == 5
    with pytest.raises(LoginRefused) as caught:
        auth.login(claire.email, PASSWORD)
    assert caught.value.reason == "throttled"


def test_a_locked_account_cannot_be_closed_even_with_the_right_password(frozen_clock, claire):
    account_id = account_id_of(claire)
    token = login_token(claire.email)
    with session_scope() as session:
        account = session.get(Account, account_id)
        account.locked_at = frozen_clock.now
        session.add(account)
        session.commit()
    with pytest.raises(NotAllowed):  # a locked account has no session any more: the road resolves no actor
        actor_of(token)
    with pytest.raises(ValidationError) as caught:  # an actor resolved just before the lock: no password opens it
        close_for_session(claire.token, PASSWORD, True)
    assert caught.value.errors == {"close_password": WRONG_PASSWORD}
    assert account_row(account_id).closed_at is None
    with session_scope() as session, pytest.raises(ValidationError) as caught:
        account_closing.close_account(session, account_id, PASSWORD, True)
    assert caught.value.errors == {"close_password": WRONG_PASSWORD}
    assert account_row(account_id).closed_at is None


@pytest.mark.parametrize(
    ("decisions", "label"),
    [
        ([], "déposée"),
        ([("in_progress", "submitted", {})], "en cours"),
        (
            [("documents_requested", "submitted", {"message": "Merci d'envoyer la facture acquittée."})],
            "pièces demandées",
        ),
        ([("accepted", "submitted", {"amount": "150"})], "acceptée"),
    ],
)
def test_a_claim_still_handled_prevents_closing_and_says_which(adviser, claire, decisions, label):
    from portal_app.domain import claims_backoffice

    reference = submit(claire, entitlement_of(open_file(adviser, claire.contract)).id, amount="150")
    for decision, expected, kwargs in decisions:
        claims_backoffice.decide(adviser.token, reference, decision, expected, **kwargs)
    account_id = account_id_of(claire)
    before = snapshot(account_id)
    errors = refusal(claire)
    assert list(errors) == ["close_account"]
    assert f"({reference}, {label})" in errors["close_account"]
    assert "ne peut pas encore être clôturé" in errors["close_account"]
    assert snapshot(account_id) == before


def test_paid_or_refused_claims_do_not_prevent_closing(adviser, claire):
    from portal_app.domain import claims_backoffice

    entitlement = entitlement_of(open_file(adviser, claire.contract)).id
    paid = submit(claire, entitlement, amount="150")
    claims_backoffice.decide(adviser.token, paid, "accepted", "submitted", amount="150")
    claims_backoffice.decide(adviser.token, paid, "paid", "accepted")
    refused = submit(claire, entitlement, amount="90")
    claims_backoffice.decide(adviser.token, refused, "refused", "submitted", reason="illisible")
    close_for_session(claire.token, PASSWORD, True)
    assert claim_row(paid).status == "paid" and claim_row(refused).status == "refused"


def test_only_a_logged_in_member_can_close_and_only_their_own_account(frozen_clock, adviser, claire, paul):
    claire_id = account_id_of(claire)
    before = snapshot(claire_id)
    pauls_cookie = login_token(paul.email)
    for not_a_member in (None, "", "not-a-session", adviser.token, actors.Adviser(claire_id, 1)):
        with pytest.raises(NotAllowed):
            close_for_session(not_a_member, PASSWORD, True)
    # Paul's session with Claire's password (they happen to share it here) closes Paul's account, never Claire's.
    close_for_session(paul.token, PASSWORD, True)
    assert snapshot(claire_id) == before
    assert login(claire.email)
    with pytest.raises(NotAllowed):
        actor_of(pauls_cookie)  # the session ended with the account
    with pytest.raises(NotAllowed):
        close_for_session(paul.token, PASSWORD, True)  # an actor resolved before: the account is closed


# --- closing --------------------------------------------------------------------------------------


def test_closing_erases_what_can_be_and_keeps_what_the_law_requires(frozen_clock, adviser, claire):
    from portal_app.domain import claims_backoffice

    everything = build_everything(frozen_clock, adviser, claire)
    member = everything.member
    claims_backoffice.decide(
        everything.adviser.token, everything.claim, "refused", "in_progress", reason="hors_garantie"
    )
    account_id = account_id_of(member)
    contract_id = account_row(account_id).contract_id
    close_for_session(member.token, PASSWORD, True)

    closed = account_row(account_id)
    assert closed.email == f"clos-{account_id}@compte-clos.invalid"
    assert closed.phone is None and closed.contract_id is None and closed.closed_at is not None
    assert not closed.password_hash.startswith("$2")
    assert count(LoginSession, LoginSession.account_id == account_id) == 0
    assert count(EmailToken, EmailToken.account_id == account_id) == 0

    trips = {t.trip_date.isoformat(): t for t in all_rows(Trip, Trip.account_id == account_id)}
    assert trips[everything.past_trip_day].status == "planned"  # the past is kept as it was
    assert trips[everything.future_trip_day].status == "cancelled"
    kept = all_rows(Address, Address.account_id == account_id)
    assert {a.id for a in kept} == {everything.home, everything.school}  # the unused old home is gone
    for address in kept:
        assert address.street == "(effacé)" and address.street_number == "" and address.label == "(effacé)"
        assert address.deleted_at is not None and address.postcode == "75011"

    claim = claim_row(everything.claim)
    assert claim.account_id == account_id and claim.status == "refused"
    assert count(ClaimFile, ClaimFile.claim_id == claim.id) == 1
    assert count(AuditEvent, AuditEvent.member_account_id == account_id, AuditEvent.action == "claim_submitted") == 1
    [thread] = all_rows(MessageThread, MessageThread.account_id == account_id)  # kept, out of the queue
    assert thread.waiting_since is None and count(Message, Message.thread_id == thread.id) == 2
    [event] = all_rows(AuditEvent, AuditEvent.action == "account_closed")
    assert event.actor_account_id == account_id and event.contract_id == contract_id
    # Nothing left carries the member's address except the farewell e-mail waiting to be sent.
    remaining = mails_to(member.email)
    assert [m.subject for m in remaining] == ["Votre compte a été clôturé – Espace Assistance"]


def test_the_farewell_email_is_delivered_to_the_former_address(claire, smtp_server):
    close_for_session(claire.token, PASSWORD, True)
    inbox = smtp_server.start()
    assert mail.deliver_due_mail() >= 1
    farewell = [m for m in inbox.messages() if m["To"] == claire.email]
    assert [m["Subject"] for m in farewell] == ["Votre compte a été clôturé – Espace Assistance"]
    body = farewell[0].get_content()
    assert "Bonjour Claire" in body and "clôturé" in body and "conservés" in body


def test_a_closed_account_cannot_log_in_and_fails_like_an_unknown_one(claire):
    account_id = account_id_of(claire)
    token = login_token(claire.email)
    close_for_session(claire.token, PASSWORD, True)
    with pytest.raises(NotAllowed):
        actor_of(token)
    for email in (claire.email, f"clos-{account_id}@compte-clos.invalid"):
        with pytest.raises(LoginRefused) as caught:
            auth.login(email, PASSWORD)
        assert caught.value.reason == "invalid" and caught.value.message == LOGIN_FAILED_MESSAGE
    mails = count(OutgoingMail)
    password_reset.request_password_reset(claire.email)
    with pytest.raises(ValidationError):  # .invalid is a reserved domain: not even an address one can type
        password_reset.request_password_reset(f"clos-{account_id}@compte-clos.invalid")
    assert count(OutgoingMail) == mails


def test_the_holder_can_register_again_with_the_same_contract_and_address(claire):
    old_id = account_id_of(claire)
    close_for_session(claire.token, PASSWORD, True)
    address = register(CLAIRE)
    confirm(address)
    claire_again = login(address)
    assert isinstance(claire_again, actors.Member)
    assert claire_again.account_id != old_id and claire_again.contract_id is not None
    with session_scope() as session:
        assert session.exec(select(Claim).where(Claim.account_id == claire_again.account_id)).all() == []


def test_the_platform_can_still_handle_a_kept_trip_without_mailing_the_closed_account(frozen_clock, adviser, claire):
    from portal_app.domain import claims_backoffice, run_sheet

    everything = build_everything(frozen_clock, adviser, claire)
    claims_backoffice.decide(everything.adviser.token, everything.claim, "refused", "in_progress", reason="illisible")
    account_id = account_id_of(everything.member)
    close_for_session(everything.member.token, PASSWORD, True)
    [past] = all_rows(Trip, Trip.account_id == account_id, Trip.status == "planned")
    mails = count(OutgoingMail)
    run_sheet.set_status(everything.adviser.token, past.id, "confirmed")
    run_sheet.set_status(everything.adviser.token, past.id, "done")
    assert count(OutgoingMail) == mails
