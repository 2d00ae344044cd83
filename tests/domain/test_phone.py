"""Mobile phone numbers (PRODUCT.md rule 2): French 06/07 only, typed any usual way, one stored form."""

from __future__ import annotations

import pytest

from portal_app.domain.errors import ValidationError
from portal_app.domain.phone import display_mobile, normalize_mobile

from .support import FAQ_PHONE_RULE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "+33612345678"),
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33612345678", "+33612345678"),
        ("0033 6 12 34 56 78", "+33612345678"),
        ("07 51 23 45 67", "+33751234567"),
    ],
)
def test_french_mobile_typed_any_usual_way_is_stored_in_e164(typed, stored):
    assert normalize_mobile(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "01 23 45 67 89",  # landline
        "09 12 34 56 78",  # VoIP
        "+44 7911 123456",  # British mobile
        "+32 470 12 34 56",  # Belgian mobile
        "bonjour",
        "06 12 34",
        "06 12 34 56 78 90",
    ],
)
def test_anything_but_a_french_mobile_is_refused_with_the_rule(typed):
    with pytest.raises(ValidationError) as error:
        normalize_mobile(typed)

    assert error.value.errors == {"phone": FAQ_PHONE_RULE}


def test_empty_phone_asks_for_it_and_states_the_rule():
    with pytest.raises(ValidationError) as error:
        normalize_mobile("  ")

    assert error.value.message.endswith(FAQ_PHONE_RULE)
    assert "Veuillez indiquer" in error.value.message


def test_phone_is_displayed_in_pairs():
    assert display_mobile("+33612345678") == "06 12 34 56 78"
    assert display_mobile("+33751234567") == "07 51 23 45 67"
