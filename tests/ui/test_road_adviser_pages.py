"""The road on the adviser back-office: a verified adviser, a member, a pending adviser and nobody.

Handlers are called as a websocket event would call them (road_support.py), with the session as the
middleware hands it; the database is the domain tests' (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest
from domain.advisers_support import contract_id, enrol_adviser, pending_adviser_token
from domain.conftest import _empty_tables, claire_confirmed, claire_contract, database  # noqa: F401
from domain.support import CLAIRE, actor_of, login_token

from portal_app.domain import actors, advisers, run_sheet, second_factor
from portal_app.ui.adviser.audit_trail import AuditTrailState
from portal_app.ui.adviser.contract_import import ContractImportState
from portal_app.ui.adviser.member_file_state import AdviserContractState
from portal_app.ui.adviser.search import AdviserSearchState
from portal_app.ui.claims_backoffice import ClaimQueueState
from portal_app.ui.run_sheet import RunSheetState
from portal_app.ui.session_state import SessionState

from .road_support import page_state, redirect_of, run, scripts_of


@pytest.fixture
def adviser_session() -> str:
    """A verified adviser's session cookie: password, then a recovery code (a TOTP code is never used twice)."""
    adviser = enrol_adviser()
    session_token = pending_adviser_token(adviser.email)
    second_factor.verify(actor_of(session_token), adviser.recovery_codes[0])
    assert isinstance(actor_of(session_token), actors.Adviser)
    return session_token


@pytest.fixture
def claire_session(claire_confirmed) -> str:
    return login_token(claire_confirmed.email)


@pytest.fixture
def pending_session(database) -> str:
    enrol_adviser()
    return pending_adviser_token("conseillere@example.fr")


def _session_hint(state) -> SessionState:
    return state.parent_state.get_substate([SessionState.get_name()])


def test_an_adviser_opens_the_search_page_and_the_header_knows_her(adviser_session):
    state = page_state(AdviserSearchState, "/conseiller", adviser_session)
    events = run(state, AdviserSearchState.load)
    assert redirect_of(events) is None and state.loaded
    assert _session_hint(state).is_logged_in and _session_hint(state).role == "adviser"


def test_an_adviser_finds_a_contract_as_typed_hits(adviser_session, claire_contract):
    state = page_state(AdviserSearchState, "/conseiller", adviser_session)
    run(state, AdviserSearchState.search, {"query": "ab123456"})
    assert state.searched and [hit.member_number for hit in state.hits] == ["AB 123 456"]
    assert isinstance(state.hits[0], advisers.ContractHit)


def test_a_too_short_search_comes_back_by_its_field_with_the_focus(adviser_session):
    state = page_state(AdviserSearchState, "/conseiller", adviser_session)
    events = run(state, AdviserSearchState.search, {"query": "a"})
    assert redirect_of(events) is None and set(state.errors) == {"query"} and not state.searched
    assert any('getElementById("query")' in script for script in scripts_of(events))


@pytest.mark.parametrize(
    ("state_cls", "path"),
    [
        (AdviserSearchState, "/conseiller"),
        (AdviserContractState, "/conseiller/contrat"),
        (ContractImportState, "/conseiller/import"),
        (AuditTrailState, "/conseiller/journal"),
        (RunSheetState, "/conseiller/trajets"),
        (ClaimQueueState, "/conseiller/remboursements"),
    ],
)
def test_a_member_is_sent_back_to_her_space_still_logged_in(claire_session, state_cls, path):
    state = page_state(state_cls, path, claire_session)
    events = run(state, state_cls.load)
    assert redirect_of(events) == "/mon-espace" and not state.loaded
    assert isinstance(actor_of(claire_session), actors.Member)  # the session goes on
    assert _session_hint(state).role == "member"


@pytest.mark.parametrize("who", ["pending adviser", "nobody"])
def test_a_pending_adviser_and_nobody_are_sent_to_the_login_page(pending_session, who):
    session_token = pending_session if who == "pending adviser" else None
    state = page_state(AdviserSearchState, "/conseiller", session_token)
    events = run(state, AdviserSearchState.load)
    assert redirect_of(events) == "/connexion?next=/conseiller" and not state.loaded
    assert not _session_hint(state).is_logged_in


def test_the_member_file_is_loaded_typed_and_its_read_audited(adviser_session, claire_confirmed):
    cid = contract_id(CLAIRE.number)
    state = page_state(AdviserContractState, f"/conseiller/contrat?id={cid}", adviser_session)
    events = run(state, AdviserContractState.load)
    assert redirect_of(events) is None and state.loaded and state.problem == ""
    assert state.member.member_number == "AB 123 456" and state.member.has_account is True
    assert [b.first_name for b in state.member.beneficiaries][:1] and state.services and state.beneficiary_choices


def test_the_home_page_opens_on_the_day_and_keeps_the_search(adviser_session, claire_confirmed):
    state = page_state(AdviserSearchState, "/conseiller", adviser_session)
    run(state, AdviserSearchState.load)
    assert state.loaded and state.claims == [] and state.claims_count == 0
    assert [d.heading.split(",")[0] for d in state.trip_days] == ["Aujourd'hui", "Demain"]
    run(state, AdviserSearchState.search, {"query": "ab123456"})
    assert [hit.member_number for hit in state.hits] == ["AB 123 456"] and len(state.trip_days) == 2


def test_the_member_file_holds_the_activity_and_asks_for_all_with_tout(adviser_session, claire_confirmed):
    cid = contract_id(CLAIRE.number)
    state = page_state(AdviserContractState, f"/conseiller/contrat?id={cid}&tout=1", adviser_session)
    run(state, AdviserContractState.load)
    assert state.contract_id == cid and state.activity.showing_all
    assert state.activity.audit[0].action == "Consultation d'un dossier membre"
    assert state.activity.member_account_id > 0


def test_the_journal_opened_from_a_member_file_is_filtered_on_that_member(adviser_session, claire_confirmed):
    cid = contract_id(CLAIRE.number)
    member = page_state(AdviserContractState, f"/conseiller/contrat?id={cid}", adviser_session)
    run(member, AdviserContractState.load)
    account = member.activity.member_account_id
    state = page_state(AuditTrailState, f"/conseiller/journal?membre={account}", adviser_session)
    run(state, AuditTrailState.load)
    assert state.member_email == claire_confirmed.email and state.lines


def test_an_unknown_contract_is_said_on_the_page(adviser_session):
    state = page_state(AdviserContractState, "/conseiller/contrat?id=987654", adviser_session)
    run(state, AdviserContractState.load)
    assert state.loaded and state.problem == "Contrat introuvable." and state.member is None


def test_a_member_refused_an_adviser_action_is_never_told_it_happened(claire_session):
    state = page_state(AdviserContractState, "/conseiller/contrat?id=1", claire_session)
    events = run(state, AdviserContractState.close_file, 1)
    assert redirect_of(events) == "/mon-espace" and state.message == ""


def test_a_refused_open_file_form_comes_back_by_field(adviser_session, claire_confirmed):
    cid = contract_id(CLAIRE.number)
    state = page_state(AdviserContractState, f"/conseiller/contrat?id={cid}", adviser_session)
    run(state, AdviserContractState.load)
    events = run(state, AdviserContractState.open_file, {"beneficiary": "", "event_type": "", "event_date": ""})
    assert redirect_of(events) is None and state.errors and state.message == ""
    assert scripts_of(events)  # the focus goes to the first error as the page draws it


def test_a_ticked_service_in_a_unit_it_is_not_granted_in_is_refused_by_its_field(adviser_session, claire_confirmed):
    cid = contract_id(CLAIRE.number)
    state = page_state(AdviserContractState, f"/conseiller/contrat?id={cid}", adviser_session)
    run(state, AdviserContractState.load)
    assert {s.code: s.units for s in state.services}["aide_menagere"] == ["heures", "euros"]
    form = {"beneficiary": str(state.beneficiary_choices[0].beneficiary_id), "event_type": "hospitalisation"}
    form |= {"event_date": "2026-01-05", "aide_menagere_grant": "on", "aide_menagere_quantity": "10"}
    form |= {"aide_menagere_unit": "trajets", "aide_menagere_valid_from": "2026-01-05"}
    form |= {"aide_menagere_valid_to": "2026-02-05", "transport_scolaire_quantity": "20"}  # not ticked: not granted
    run(state, AdviserContractState.open_file, form)
    assert state.errors == {"aide_menagere_unit": "Le service « Aide ménagère » s'accorde en heures ou en euros."}
    assert state.message == ""


def test_the_audit_trail_filters_come_back_by_field(adviser_session):
    state = page_state(AuditTrailState, "/conseiller/journal", adviser_session)
    run(state, AuditTrailState.load)
    assert state.loaded
    events = run(state, AuditTrailState.filter, {"member_email": "personne@example.fr", "date_from": "2026-02-31"})
    assert set(state.errors) == {"member_email", "date_from"}
    assert any('getElementById("member_email")' in script for script in scripts_of(events))


def test_the_claims_queue_refuses_a_bad_number_of_days_by_its_field(adviser_session):
    state = page_state(ClaimQueueState, "/conseiller/remboursements", adviser_session)
    run(state, ClaimQueueState.load)
    events = run(state, ClaimQueueState.filter, {"status": "", "older_than_days": "beaucoup"})
    assert set(state.errors) == {"older_than_days"}
    assert any('getElementById("older_than_days")' in script for script in scripts_of(events))


def test_the_run_sheet_opens_on_its_default_day_even_after_a_bad_day_in_the_address(adviser_session):
    state = page_state(RunSheetState, "/conseiller/trajets?jour=2026-99-99", adviser_session)
    events = run(state, RunSheetState.load)
    assert redirect_of(events) is None and state.loaded and state.errors == {}
    assert state.day == run_sheet.default_day().isoformat() and state.heading.startswith("Trajets du ")


def test_the_import_handler_is_still_an_upload_handler_on_the_road():
    from reflex_base.event import resolve_upload_handler_param

    name, _ = resolve_upload_handler_param(ContractImportState.event_handlers["import_file"])
    assert name == "files"
