"""« Mot de passe actuel » is checked with the login brake (security review, finding 6).

Before, changing the e-mail or the password compared the password directly: a stolen session could try
passwords there without any limit. Now each wrong one counts as a failed login, the same delay follows.
"""

from __future__ import annotations

import pytest

from portal_app.domain import account
from portal_app.domain.errors import ValidationError

from .support import NEW_PASSWORD, PASSWORD, account_of, brake_failures

WRONG = "Pas-Le-Bon-Mot-42"


def test_wrong_current_passwords_when_changing_the_password_are_failed_logins(claire):
    for _ in range(5):
        with pytest.raises(ValidationError) as refused:
            account.change_password(claire.token, WRONG, NEW_PASSWORD, NEW_PASSWORD)
        assert set(refused.value.errors) == {"current_password"}
    assert brake_failures(claire.email) == 5

    # The brake now holds even the right password back, with the login's words.
    with pytest.raises(ValidationError) as braked:
        account.change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert "Trop de tentatives" in braked.value.errors["current_password"]


def test_wrong_current_passwords_when_changing_the_email_are_failed_logins(claire):
    for _ in range(5):
        with pytest.raises(ValidationError) as refused:
            account.update_contact_details(claire.token, "06 12 34 56 78", "nouvelle@example.fr", WRONG)
        assert "current_password" in refused.value.errors
    assert brake_failures(claire.email) == 5
    with pytest.raises(ValidationError) as braked:
        account.update_contact_details(claire.token, "06 12 34 56 78", "nouvelle@example.fr", PASSWORD)
    assert "Trop de tentatives" in braked.value.errors["current_password"]
    assert account_of(claire.email).email == claire.email


def test_a_right_current_password_clears_the_count(claire):
    with pytest.raises(ValidationError):
        account.change_password(claire.token, WRONG, NEW_PASSWORD, NEW_PASSWORD)
    account.change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert brake_failures(claire.email) == 0
