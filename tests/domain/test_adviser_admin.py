"""The operator's commands on adviser accounts: list, disable/enable (sessions end at once), second-factor reset."""

from __future__ import annotations

import pytest

from portal_app.db.models import AuditEvent, RecoveryCode, SecondFactor
from portal_app.domain import actors, adviser_admin, advisers, auth, second_factor
from portal_app.domain.errors import NotAllowed, NotFound

from .advisers_support import ADVISER_EMAIL, ADVISER_PASSWORD, enrol_adviser
from .support import actor_of, count, mails_to
from .test_cli import run_cli

OPERATOR = actors.Operator()


def enrolled_session(email: str = ADVISER_EMAIL) -> str:
    """An enrolled adviser's session cookie, second factor given."""
    adviser = enrol_adviser(email)
    token = auth.open_session(auth.login(email, ADVISER_PASSWORD).grant).session_token
    second_factor.verify(actor_of(token), adviser.recovery_codes[0])
    return token


def audited(action: str) -> int:
    return count(AuditEvent, AuditEvent.action == action, AuditEvent.actor_role == "operator")


def test_the_operator_lists_advisers_with_their_state(database):
    enrol_adviser("b.conseiller@example.fr")
    advisers.create_adviser("a.nouveau@example.fr", ADVISER_PASSWORD)

    lines = adviser_admin.list_advisers(OPERATOR)

    assert [(line.email, line.second_factor, line.disabled) for line in lines] == [
        ("a.nouveau@example.fr", "à activer", False),
        ("b.conseiller@example.fr", "active", False),
    ]


def test_only_the_operator_runs_these_commands(database):
    adviser = enrol_adviser()
    for command in (adviser_admin.disable_adviser, adviser_admin.enable_adviser, adviser_admin.reset_second_factor):
        with pytest.raises(NotAllowed):
            command(adviser.token, ADVISER_EMAIL)
    with pytest.raises(NotAllowed):
        adviser_admin.list_advisers(adviser.token)
    with pytest.raises(NotAllowed):
        adviser_admin.list_advisers(None)


def test_disabling_ends_the_sessions_at_once_and_refuses_the_login(database):
    token = enrolled_session()
    assert isinstance(actor_of(token), actors.Adviser)

    assert adviser_admin.disable_adviser(OPERATOR, ADVISER_EMAIL) is True

    with pytest.raises(NotAllowed):
        actor_of(token)
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(ADVISER_EMAIL, ADVISER_PASSWORD)
    assert refused.value.reason == "disabled"
    assert refused.value.message == auth.DISABLED_MESSAGE
    assert audited("adviser_disabled") == 1
    assert adviser_admin.disable_adviser(OPERATOR, ADVISER_EMAIL) is False  # already: nothing more
    assert audited("adviser_disabled") == 1


def test_a_wrong_password_on_a_disabled_account_says_nothing_of_it(database):
    enrol_adviser()
    adviser_admin.disable_adviser(OPERATOR, ADVISER_EMAIL)

    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(ADVISER_EMAIL, "Pas-Le-Bon-Mot-De-Passe-1")

    assert refused.value.reason == "invalid"


def test_a_grant_issued_before_the_disabling_opens_nothing(database):
    enrol_adviser()
    grant = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).grant
    adviser_admin.disable_adviser(OPERATOR, ADVISER_EMAIL)

    with pytest.raises(NotAllowed):
        auth.open_session(grant)


def test_enabling_lets_the_adviser_in_again_and_tells_them(database):
    enrol_adviser()
    adviser_admin.disable_adviser(OPERATOR, ADVISER_EMAIL)
    before = len(mails_to(ADVISER_EMAIL))

    assert adviser_admin.enable_adviser(OPERATOR, ADVISER_EMAIL) is True

    assert auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).second_factor_required
    assert [mail.subject for mail in mails_to(ADVISER_EMAIL)[before:]] == [
        "Compte conseiller réactivé – Espace Assistance"
    ]
    assert audited("adviser_enabled") == 1
    assert adviser_admin.enable_adviser(OPERATOR, ADVISER_EMAIL) is False


def test_resetting_the_second_factor_makes_the_next_login_enrol_again(database):
    token = enrolled_session()
    account_id = actor_of(token).account_id
    assert count(RecoveryCode, RecoveryCode.account_id == account_id) == second_factor.RECOVERY_CODE_COUNT

    adviser_admin.reset_second_factor(OPERATOR, ADVISER_EMAIL)

    with pytest.raises(NotAllowed):
        actor_of(token)
    assert count(SecondFactor, SecondFactor.account_id == account_id) == 0
    assert count(RecoveryCode, RecoveryCode.account_id == account_id) == 0
    pending = actor_of(auth.open_session(auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).grant).session_token)
    assert second_factor.needs_enrolment(pending)
    assert mails_to(ADVISER_EMAIL)[-1].subject == "Double authentification réinitialisée – Espace Assistance"
    assert audited("second_factor_reset") == 1


@pytest.mark.parametrize("email", ["inconnu@example.fr", "pas une adresse", ""])
def test_an_unknown_adviser_is_not_found(database, email):
    with pytest.raises(NotFound):
        adviser_admin.disable_adviser(OPERATOR, email)


def test_a_member_is_not_an_adviser_for_these_commands(database, claire_confirmed):
    with pytest.raises(NotFound):
        adviser_admin.disable_adviser(OPERATOR, claire_confirmed.email)


def test_the_command_line_lists_disables_and_enables(database):
    enrol_adviser()

    listed = run_cli(database, "list-advisers")
    assert listed.returncode == 0
    assert ADVISER_EMAIL in listed.stdout and "actif" in listed.stdout and "active" in listed.stdout

    disabled = run_cli(database, "disable-adviser", "--email", ADVISER_EMAIL)
    assert disabled.returncode == 0, disabled.stderr
    assert "désactivé" in disabled.stdout
    assert "désactivé" in run_cli(database, "list-advisers").stdout

    assert run_cli(database, "enable-adviser", "--email", ADVISER_EMAIL).returncode == 0
    reset = run_cli(database, "reset-second-factor", "--email", ADVISER_EMAIL)
    assert reset.returncode == 0 and "réinitialisée" in reset.stdout
    assert "à activer" in run_cli(database, "list-advisers").stdout


def test_the_command_line_says_when_the_adviser_does_not_exist(database):
    answer = run_cli(database, "disable-adviser", "--email", "inconnu@example.fr")

    assert answer.returncode == 1
    assert answer.stderr.strip() == second_factor.ADVISER_NOT_FOUND
