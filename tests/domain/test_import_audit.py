"""A contract import and its audit entry are one transaction: an import the trail cannot record does not happen."""

from __future__ import annotations

import contextvars

import pytest

from portal_app.db.models import AuditEvent, Beneficiary, Contract, Insurer
from portal_app.domain import actors, advisers, audit, contracts

from .advisers_support import enrol_adviser
from .support import CLAIRE, PAUL, all_rows, count, csv_file


class AuditWriteFailed(RuntimeError):
    pass


@pytest.fixture
def adviser():
    return enrol_adviser()


@pytest.fixture
def import_audit_fails(monkeypatch):
    """The audit entry of an import cannot be written (the other entries still can)."""
    record = audit.record

    def failing(session, action, *args, **kwargs):
        if action == "contracts_imported":
            raise AuditWriteFailed(action)
        return record(session, action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)


def nothing_imported() -> bool:
    return count(Contract) == 0 and count(Beneficiary) == 0 and count(Insurer) == 0


def test_back_office_import_without_its_audit_entry_imports_nothing(adviser, import_audit_fails):
    with pytest.raises(AuditWriteFailed):
        advisers.import_contracts(adviser.token, csv_file(*CLAIRE.lines(), *PAUL.lines()))

    assert nothing_imported()


def test_operator_import_without_its_audit_entry_imports_nothing(import_audit_fails):
    with pytest.raises(AuditWriteFailed):
        advisers.import_contracts(actors.Operator(), csv_file(*CLAIRE.lines(), *PAUL.lines()))

    assert nothing_imported()


def test_operator_import_is_audited_with_its_summary():
    def from_the_command_line() -> contracts.ImportReport:
        audit.set_origin("ligne de commande", "python -m portal_app.cli import-contracts")
        return advisers.import_contracts(actors.Operator(), csv_file(*CLAIRE.lines(), *PAUL.lines()))

    report = contextvars.copy_context().run(from_the_command_line)  # the origin stays in this test

    assert report.ok and report.created == 2
    [event] = all_rows(AuditEvent, AuditEvent.action == "contracts_imported")
    assert (event.detail, event.ip, event.actor_account_id) == (report.summary, "ligne de commande", None)
    assert event.actor_role == "operator"  # the command line is not « nobody »


def test_a_refused_file_is_neither_imported_nor_audited(adviser):
    report = advisers.import_contracts(actors.Operator(), csv_file(*CLAIRE.lines(), "bad;line"))
    assert not report.ok
    report = advisers.import_contracts(adviser.token, csv_file(*CLAIRE.lines(), "bad;line"))
    assert not report.ok

    assert nothing_imported()
    assert count(AuditEvent, AuditEvent.action == "contracts_imported") == 0
