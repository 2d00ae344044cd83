"""Amounts and quantities typed by a person: infinities, NaN and absurd exponents are refused by the field.

Python's Decimal reads « inf », « NaN », « sNaN » or « 1e999999 » as numbers; the forms must answer
them like any other bad amount (ValidationError by the field), not with an OverflowError or an
InvalidOperation escaping from the domain.
"""

from __future__ import annotations

import pytest

from portal_app.db.models import Claim
from portal_app.domain import assistance_files, claims_backoffice
from portal_app.domain.assistance_files import parse_quantity
from portal_app.domain.errors import ValidationError

from .advisers_support import enrol_adviser
from .claims_support import entitlement_of, home_help, open_file, submit
from .support import count

NOT_NUMBERS = ["inf", "-inf", "Infinity", "-Infinity", "NaN", "nan", "sNaN", "-sNaN", "1e999999", "1e-999999999"]
CLAIM_AMOUNT_MESSAGE = "Indiquez le montant avancé en euros (par exemple 1 234,50)."
QUANTITY_MESSAGE = "Indiquez une quantité positive (nombre entier, ou montant en euros)."


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.mark.parametrize("unit", ["euros", "trajets"])
@pytest.mark.parametrize("typed", [*NOT_NUMBERS, "1e16", "1" * 21])
def test_what_is_not_a_quantity_reads_as_none(typed, unit):
    assert parse_quantity(typed, unit) is None


def test_a_claim_of_an_infinite_or_nan_amount_is_refused_by_the_amount_field(adviser, claire):
    entitlement = entitlement_of(open_file(adviser, claire.contract)).id

    for typed in NOT_NUMBERS:
        with pytest.raises(ValidationError) as refused:
            submit(claire, entitlement, amount=typed)
        assert refused.value.errors["amount"] == CLAIM_AMOUNT_MESSAGE, typed
    assert count(Claim) == 0


def test_an_adviser_cannot_grant_an_infinite_or_nan_quantity(adviser, claire):
    for typed in NOT_NUMBERS:
        with pytest.raises(ValidationError) as refused:
            open_file(adviser, claire.contract, home_help(amount=typed))
        assert refused.value.errors["aide_menagere_quantity"] == QUANTITY_MESSAGE, typed


def test_an_entitlement_cannot_be_changed_to_an_infinite_or_nan_quantity(adviser, claire):
    reference = open_file(adviser, claire.contract)
    entitlement = entitlement_of(reference)

    for typed in NOT_NUMBERS:
        with pytest.raises(ValidationError) as refused:
            assistance_files.update_entitlement(adviser.token, entitlement.id, typed, "2026-03-01", "2026-06-30")
        assert refused.value.errors == {"quantity": QUANTITY_MESSAGE}, typed
    assert entitlement_of(reference).quantity == entitlement.quantity


def test_an_adviser_cannot_accept_an_infinite_or_nan_amount(adviser, claire):
    entitlement = entitlement_of(open_file(adviser, claire.contract)).id
    reference = submit(claire, entitlement, amount="150")

    for typed in NOT_NUMBERS:
        with pytest.raises(ValidationError) as refused:
            claims_backoffice.decide(adviser.token, reference, "accepted", "submitted", amount=typed)
        assert refused.value.errors == {"amount": "Indiquez le montant accepté en euros."}, typed
