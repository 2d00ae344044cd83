"""Closing an account works in the caller's transaction: it never commits a session it did not open."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from portal_app.db.engine import get_engine, session_scope
from portal_app.db.models import Account, AuditEvent, OutgoingMail
from portal_app.domain import account_closing
from portal_app.domain.account_closing import WRONG_PASSWORD, close_for_session
from portal_app.domain.errors import ValidationError

from .support import PASSWORD, brake_failures, count


def account_row(account_id: int) -> Account:
    with session_scope() as session:
        return session.get(Account, account_id)


def test_a_refused_closing_leaves_the_commit_to_the_caller(claire):
    account_id = claire.token.account_id
    with Session(get_engine()) as session:
        with pytest.raises(ValidationError) as refused:
            account_closing.close_account(session, account_id, "Faux-mot-2-passe", True)
        assert refused.value.errors == {"close_password": WRONG_PASSWORD}
        session.rollback()  # the caller gives up: its audit entry goes with its transaction

    assert brake_failures(claire.email) == 1  # the brake counts outside any transaction: a failure stays one
    assert count(AuditEvent, AuditEvent.action == "login_failure") == 0


def test_a_closing_is_written_only_when_the_caller_commits(claire):
    account_id = claire.token.account_id
    mails_before = count(OutgoingMail)
    with Session(get_engine()) as session:
        account_closing.close_account(session, account_id, PASSWORD, True)
        session.rollback()

    assert account_row(account_id).closed_at is None
    assert count(OutgoingMail) == mails_before


def test_the_closing_of_the_logged_in_member_keeps_the_counted_failure(claire):

    with pytest.raises(ValidationError):
        close_for_session(claire.token, "Faux-mot-2-passe", True)

    assert brake_failures(claire.email) == 1
    assert count(AuditEvent, AuditEvent.action == "login_failure") == 1
