"""The audit trail records only the actions it knows, also when Python runs with -O (asserts removed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent
from portal_app.domain import audit

from .support import count


def test_an_unknown_action_is_refused_with_a_value_error_and_nothing_is_written():
    with pytest.raises(ValueError, match="inconnue_action"), session_scope() as session:
        audit.record(session, "inconnue_action")

    assert count(AuditEvent) == 0


def test_a_known_action_is_recorded():
    audit.record_now("contracts_imported", detail="1 contrat(s) créé(s)")

    assert count(AuditEvent, AuditEvent.action == "contracts_imported") == 1


def test_an_unknown_action_is_refused_under_python_optimisations(database):
    if database.backend != "sqlite":
        pytest.skip("a check in Python: once is enough")
    code = (
        "import sys; from portal_app.domain import audit\n"
        "assert False, 'asserts still on'\n"
        "try:\n    audit.record(None, 'inconnue_action')\n"
        "except ValueError:\n    sys.exit(0)\n"
        "sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-O", "-c", code], cwd=settings.REPO_ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
