"""The thin UI layer: what it does with hostile input before the domain sees it."""

import pytest

from portal_app.domain.errors import ValidationError
from portal_app.ui.forms import checked, focus_first_error, text
from portal_app.ui.session_state import safe_next


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "", None, "mon-espace"],
)
def test_login_never_redirects_outside_the_portal(target):
    assert safe_next(target) == "/mon-espace"


@pytest.mark.parametrize("target", ["/mon-espace/compte", "/mon-espace/mot-de-passe/", "/mon-espace?x=1"])
def test_login_comes_back_to_the_page_asked(target):
    assert safe_next(target) == target


def test_form_values_that_are_not_strings_are_ignored():
    form = {"email": ["a", "b"], "phone": {"x": 1}, "name": 42}
    assert text(form, "email") == "" and text(form, "phone") == "" and text(form, "name") == ""


def test_form_values_are_cut_to_a_sane_length():
    assert len(text({"email": "a" * 10_000}, "email", limit=254)) == 254


def test_checkbox_only_counts_when_checked():
    assert checked({"terms": "on"}, "terms") and not checked({}, "terms") and not checked({"terms": "off"}, "terms")


def test_focus_goes_to_the_first_field_in_error_in_form_order():
    error = ValidationError.many({"password": "x", "email": "y"})
    spec = focus_first_error(error, ["email", "phone", "password"])
    assert '"email"' in str(spec.args)
