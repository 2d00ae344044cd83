"""The back-office: only verified advisers; what they do is audited; the audit trail is append-only."""

import pytest
import sqlalchemy as sa
from sqlmodel import select

from portal_app.db.engine import get_engine, session_scope
from portal_app.db.models import Account, AuditEvent
from portal_app.domain import actors, advisers, audit, auth, tokens
from portal_app.domain.errors import NotAllowed, ValidationError

from .advisers_support import ADVISER_EMAIL, contract_id, enrol_adviser, pending_adviser
from .support import CLAIRE, PASSWORD, csv_file, login_token


@pytest.fixture
def adviser():
    return enrol_adviser()


def _events(action: str) -> list[AuditEvent]:
    with session_scope() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_search_by_number_name_and_email(adviser, claire, paul):
    assert [h.member_number for h in advisers.search(adviser.token, "ab123456")] == ["AB 123 456"]
    assert [h.member_number for h in advisers.search(adviser.token, "LEA")] == ["AB 123 456"]
    assert [h.email for h in advisers.search(adviser.token, "paul.durand@")] == ["paul.durand@example.fr"]
    assert advisers.search(adviser.token, "nobody-here") == []


def test_every_adviser_read_of_a_member_file_is_audited(adviser, claire):
    audit.set_origin("203.0.113.9", "Navigateur de test")
    view = advisers.member_file(adviser.token, contract_id(CLAIRE.number))
    assert view.email == claire.email and view.phone == "06 12 34 56 78"
    events = _events("member_file_viewed")
    assert len(events) == 1
    assert events[0].ip == "203.0.113.9" and events[0].user_agent == "Navigateur de test"
    assert events[0].actor_role == "adviser" and events[0].member_account_id is not None


def test_unlocking_an_account_locked_by_the_old_rule(adviser, claire, frozen_clock):
    """Failed logins no longer lock (a growing delay instead); a lock left from before can still be lifted."""
    with session_scope() as session:
        session.execute(sa.update(Account).where(Account.email == claire.email).values(locked_at=frozen_clock.now))
    with pytest.raises(auth.LoginRefused):
        auth.login(claire.email, PASSWORD)
    advisers.unlock_account(adviser.token, contract_id(CLAIRE.number))
    assert auth.login(claire.email, PASSWORD).grant
    assert len(_events("account_unlocked")) == 1


def test_resending_the_confirmation_only_for_unconfirmed_accounts(adviser, claire_contract):
    from .support import register

    register(CLAIRE)
    message = advisers.resend_confirmation(adviser.token, contract_id(CLAIRE.number))
    assert CLAIRE.email in message
    from .support import confirm

    confirm(CLAIRE.email)
    with pytest.raises(ValidationError):
        advisers.resend_confirmation(adviser.token, contract_id(CLAIRE.number))


def test_import_from_the_back_office_is_all_or_nothing(adviser):
    report = advisers.import_contracts(adviser.token, csv_file(*CLAIRE.lines(), "bad;line"))
    assert not report.ok and advisers.search(adviser.token, "AB123456") == []
    report = advisers.import_contracts(adviser.token, csv_file(*CLAIRE.lines()))
    assert report.ok and report.created == 1
    assert len(_events("contracts_imported")) == 1


def test_members_pending_advisers_and_nobody_can_trigger_no_adviser_action(claire, paul):
    cid = contract_id(paul.contract.number)
    for actor in (claire.token, pending_adviser(), None):
        for call in (
            lambda: advisers.search(actor, "durand"),
            lambda: advisers.member_file(actor, cid),
            lambda: advisers.resend_confirmation(actor, cid),
            lambda: advisers.unlock_account(actor, cid),
            lambda: advisers.import_contracts(actor, csv_file(*CLAIRE.lines())),
            lambda: advisers.audit_trail(actor, audit.AuditFilter()),
            lambda: advisers.filtered_audit_trail(actor),
            lambda: advisers.check_adviser(actor),
        ):
            with pytest.raises(NotAllowed):
                call()
    assert _events("member_file_viewed") == []


def test_logins_and_changes_are_audited_without_secrets(claire_confirmed):
    claire = claire_confirmed
    with pytest.raises(auth.LoginRefused):
        auth.login(claire.email, "Mauvais-Passe-11")
    with pytest.raises(auth.LoginRefused):
        auth.login("inconnu@example.fr", "Mauvais-Passe-11")
    session_token = login_token(claire.email)
    auth.logout(tokens.digest(session_token))
    assert len(_events("login_failure")) == 2
    assert len(_events("login_success")) == 1 and len(_events("logout")) == 1
    with session_scope() as session:
        everything = " ".join(
            f"{e.detail} {e.target_type} {e.user_agent}" for e in session.exec(select(AuditEvent)).all()
        )
    assert "Mauvais-Passe-11" not in everything and PASSWORD not in everything and session_token not in everything


def test_audit_trail_filters_by_member_and_kind(adviser, claire, paul):
    advisers.member_file(adviser.token, contract_id(CLAIRE.number))
    advisers.member_file(adviser.token, contract_id(paul.contract.number))
    claire_id = advisers.account_id_for_email(adviser.token, claire.email)
    lines = advisers.audit_trail(
        adviser.token, audit.AuditFilter(member_account_id=claire_id, action="member_file_viewed")
    )
    assert len(lines) == 1 and ADVISER_EMAIL in lines[0].actor


def test_postgresql_refuses_to_change_or_delete_the_audit_trail(database, claire):
    # The database-level guard is PostgreSQL's (production); on SQLite only the application's rule holds.
    if database.backend != "postgresql":
        assert not any(name.startswith(("update", "delete", "edit")) for name in dir(audit))
        return
    for statement in ("UPDATE auditevent SET detail = 'x'", "DELETE FROM auditevent"):
        with pytest.raises(sa.exc.DBAPIError), get_engine().begin() as connection:
            connection.execute(sa.text(statement))
    with session_scope() as session:
        assert session.exec(select(AuditEvent)).all()


def test_create_adviser_with_a_link_sends_a_set_password_mail():
    from .support import link_token

    advisers.create_adviser("nouveau.conseiller@example.fr", None)
    assert link_token("nouveau.conseiller@example.fr", "/nouveau-mot-de-passe")
    with session_scope() as session:
        account = session.exec(select(Account).where(Account.email == "nouveau.conseiller@example.fr")).one()
    assert account.role == "adviser" and account.contract_id is None


def test_audit_trail_filters_as_typed_are_checked_by_field(adviser, claire):
    with pytest.raises(ValidationError) as refused:
        advisers.filtered_audit_trail(adviser.token, "personne@example.fr", "", "", "2026-13-01", "")
    assert refused.value.errors == {"member_email": advisers.NO_ACCOUNT_TEXT, "date_from": advisers.BAD_DATE_TEXT}
    advisers.member_file(adviser.token, contract_id(CLAIRE.number))
    lines = advisers.filtered_audit_trail(
        adviser.token, f" {claire.email.upper()} ", ADVISER_EMAIL, "member_file_viewed"
    )
    assert len(lines) == 1 and ADVISER_EMAIL in lines[0].actor
    assert advisers.filtered_audit_trail(adviser.token, action="no-such-action") == advisers.filtered_audit_trail(
        adviser.token
    )


def test_the_operator_imports_contracts_as_advisers_do():
    report = advisers.import_contracts(actors.Operator(), csv_file(*CLAIRE.lines()))
    assert report.ok and report.created == 1
