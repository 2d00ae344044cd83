"""Security review 5: wrong second-factor codes count per adviser account across logins; after ten the second
factor locks until an operator or another adviser unlocks it. Recovery codes carry 100 bits and are stored
keyed (HMAC), while codes of the old format keep working."""

from __future__ import annotations

import hashlib
import re

import pyotp
import pytest

from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent, RecoveryCode, SecondFactor
from portal_app.domain import actors, second_factor, tokens
from portal_app.domain.errors import NotAllowed, ValidationError

from .advisers_support import ADVISER_EMAIL, Adviser, enrol_adviser, pending_adviser_token
from .support import account_of, actor_of, all_rows, mails_to
from .test_cli import run_cli

WRONG = "123456"


def next_login(frozen_clock) -> actors.Actor:
    """A minute later, the adviser gives the right password again: a fresh pending login."""
    frozen_clock.advance(minutes=1)
    return actor_of(pending_adviser_token(ADVISER_EMAIL))


def wrong_codes(pending: actors.Actor, times: int) -> ValidationError:
    refusal = None
    for _ in range(times):
        with pytest.raises(ValidationError) as refused:
            second_factor.verify(pending, WRONG)
        refusal = refused.value
    return refusal


def right_code(adviser: Adviser, frozen_clock) -> str:
    return pyotp.TOTP(adviser.secret).at(frozen_clock.now)


def lock_by_guessing(frozen_clock) -> actors.Actor:
    """Four wrong codes, four more at a second login, two at a third: the tenth locks (each login < 5)."""
    wrong_codes(next_login(frozen_clock), 4)
    wrong_codes(next_login(frozen_clock), 4)
    pending = next_login(frozen_clock)
    wrong_codes(pending, 1)
    last = wrong_codes(pending, 1)
    assert last.errors["code"] == second_factor.LOCKED
    return pending


def actions(action: str) -> list[AuditEvent]:
    return all_rows(AuditEvent, AuditEvent.action == action)


@pytest.fixture
def adviser(frozen_clock) -> Adviser:
    return enrol_adviser()


# --- counting across logins -----------------------------------------------------------------------


def test_ten_wrong_codes_over_three_logins_lock_the_second_factor(frozen_clock, adviser):
    pending = lock_by_guessing(frozen_clock)
    frozen_clock.advance(seconds=30)
    with pytest.raises(ValidationError) as refused:
        second_factor.verify(pending, right_code(adviser, frozen_clock))
    assert refused.value.errors["code"] == second_factor.LOCKED
    assert not isinstance(actor_of_or_none(pending), actors.Adviser)


def test_while_locked_a_new_login_with_the_right_code_is_refused(frozen_clock, adviser):
    lock_by_guessing(frozen_clock)
    pending = next_login(frozen_clock)
    with pytest.raises(ValidationError) as refused:
        second_factor.verify(pending, right_code(adviser, frozen_clock))
    assert refused.value.errors["code"] == second_factor.LOCKED
    with pytest.raises(ValidationError) as refused:
        second_factor.verify(pending, adviser.recovery_codes[0])
    assert refused.value.errors["code"] == second_factor.LOCKED


def test_a_right_code_resets_the_count(frozen_clock, adviser):
    wrong_codes(next_login(frozen_clock), 4)
    wrong_codes(next_login(frozen_clock), 4)
    pending = next_login(frozen_clock)
    wrong_codes(pending, 1)
    second_factor.verify(pending, right_code(adviser, frozen_clock))
    for _ in range(2):
        wrong_codes(next_login(frozen_clock), 4)
    pending = next_login(frozen_clock)
    wrong_codes(pending, 1)
    second_factor.verify(pending, right_code(adviser, frozen_clock))
    assert actions("second_factor_locked") == []


def test_locking_mails_the_adviser_once_and_is_audited(frozen_clock, adviser):
    before = len(mails_to(ADVISER_EMAIL))
    pending = lock_by_guessing(frozen_clock)
    wrong_codes(pending, 2)
    mails = mails_to(ADVISER_EMAIL)[before:]
    assert len(mails) == 1
    assert "verrouillée" in mails[0].subject and "conseiller" in mails[0].body
    [locked] = actions("second_factor_locked")
    assert locked.target_id == account_of(ADVISER_EMAIL).id
    with session_scope() as session:
        factor = session.get(SecondFactor, _factor_id())
        assert factor.locked_at is not None and factor.failed_attempts >= 10


# --- unlocking ------------------------------------------------------------------------------------


def test_another_adviser_unlocks_it_and_the_right_code_opens_again(frozen_clock, adviser):
    colleague = enrol_adviser("collegue@assistance.example.fr")
    lock_by_guessing(frozen_clock)
    assert second_factor.unlock_second_factor(colleague.token, account_of(ADVISER_EMAIL).id) is True
    [unlocked] = actions("second_factor_unlocked")
    assert unlocked.actor_account_id == account_of(colleague.email).id
    assert unlocked.target_id == account_of(ADVISER_EMAIL).id
    pending = next_login(frozen_clock)
    second_factor.verify(pending, right_code(adviser, frozen_clock))
    assert isinstance(actor_of_or_none(pending), actors.Adviser)
    with session_scope() as session:
        factor = session.get(SecondFactor, _factor_id())
        assert factor.locked_at is None and factor.failed_attempts == 0


def test_a_member_or_a_pending_adviser_cannot_unlock(frozen_clock, adviser, claire):
    pending = lock_by_guessing(frozen_clock)
    account_id = account_of(ADVISER_EMAIL).id
    for someone in (claire.token, pending, None):
        with pytest.raises(NotAllowed):
            second_factor.unlock_second_factor(someone, account_id)
    assert actions("second_factor_unlocked") == []


def test_an_adviser_cannot_unlock_their_own_second_factor(frozen_clock, adviser):
    with pytest.raises(NotAllowed):
        second_factor.unlock_second_factor(adviser.token, account_of(ADVISER_EMAIL).id)


def test_the_operator_unlocks_it_in_the_domain(frozen_clock, adviser):
    lock_by_guessing(frozen_clock)
    assert second_factor.unlock_second_factor(actors.Operator(), account_of(ADVISER_EMAIL).id) is True
    [unlocked] = actions("second_factor_unlocked")
    assert unlocked.actor_role == "operator"
    pending = next_login(frozen_clock)
    second_factor.verify(pending, right_code(adviser, frozen_clock))


def test_the_operator_unlocks_it_from_the_command_line(database, frozen_clock, adviser):
    lock_by_guessing(frozen_clock)
    result = run_cli(database, "unlock-second-factor", "--email", ADVISER_EMAIL.upper())
    assert result.returncode == 0, result.stderr
    assert "déverrouillée" in result.stdout
    assert len(actions("second_factor_unlocked")) == 1
    again = run_cli(database, "unlock-second-factor", "--email", ADVISER_EMAIL)
    assert again.returncode == 0 and "n'était pas verrouillée" in again.stdout
    unknown = run_cli(database, "unlock-second-factor", "--email", "personne@example.fr")
    assert unknown.returncode == 1 and "Aucun conseiller" in unknown.stderr


# --- recovery codes -------------------------------------------------------------------------------

NEW_FORMAT = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$")


def test_a_new_recovery_code_has_at_least_80_bits(adviser):
    for code in adviser.recovery_codes:
        assert NEW_FORMAT.fullmatch(code), code
    # 20 characters drawn from 32 (base32): 100 bits
    assert len(adviser.recovery_codes[0].replace("-", "")) * 5 >= 80


def test_a_recovery_code_is_stored_keyed_not_as_its_plain_sha256(adviser):
    stored = {row.code_hash for row in all_rows(RecoveryCode)}
    assert len(stored) == 10
    for code in adviser.recovery_codes:
        for form in (code, code.replace("-", ""), code.lower()):
            assert hashlib.sha256(form.encode()).hexdigest() not in stored


def test_a_new_recovery_code_works_once_typed_loosely(frozen_clock, adviser):
    code = adviser.recovery_codes[3]
    typed = " ".join(code.lower().split("-"))
    pending = next_login(frozen_clock)
    second_factor.verify(pending, typed)
    assert isinstance(actor_of_or_none(pending), actors.Adviser)
    with pytest.raises(ValidationError):
        second_factor.verify(next_login(frozen_clock), code)


def test_an_old_format_recovery_code_still_works_once(frozen_clock, adviser):
    old = "AB12-CD34-EF56"
    with session_scope() as session:
        session.add(RecoveryCode(account_id=account_of(ADVISER_EMAIL).id, code_hash=tokens.digest(old)))
    pending = next_login(frozen_clock)
    second_factor.verify(pending, old.lower())
    assert isinstance(actor_of_or_none(pending), actors.Adviser)
    with pytest.raises(ValidationError):
        second_factor.verify(next_login(frozen_clock), old)


# --- helpers that need the module's names ---------------------------------------------------------


def _factor_id() -> int:
    [factor] = all_rows(SecondFactor, SecondFactor.account_id == account_of(ADVISER_EMAIL).id)
    return factor.id


def actor_of_or_none(actor: actors.Actor) -> actors.Actor | None:
    """What the same login session resolves to now (an Adviser once the second factor was given)."""
    with session_scope() as session:
        from portal_app.db.models import LoginSession

        row = session.get(LoginSession, actor.session_id)
        try:
            return actors.actor_in(session, row.token_hash, touch=False)
        except NotAllowed:
            return None
