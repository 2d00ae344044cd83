"""Registration step 1 is no longer an oracle without a limit (security review, finding 2).

The customer's three refusals stay (the FAQ wants them), but step 2 shows only first names and relations,
and step 1 is limited per IP and per numéro adhérent, with a French message saying when to try again;
each refusal past the limit is in the audit trail.
"""

from __future__ import annotations

import dataclasses

import pytest

from portal_app.db.models import AuditEvent
from portal_app.domain import audit
from portal_app.domain.registration import RegistrationRefused, check_contract

from .support import CLAIRE, PAUL, all_rows

IP = "203.0.113.7"


@pytest.fixture
def from_ip():
    audit.set_origin(IP, "pytest")
    yield IP
    audit.set_origin("", "")


def attempt(number: str, first_name: str = "Nobody", last_name: str = "Personne", ip: str | None = None) -> str:
    """One step-1 check: 'ok', or the refusal's reason."""
    if ip is not None:
        audit.set_origin(ip, "pytest")
    try:
        check_contract(number, first_name, last_name)
    except RegistrationRefused as refused:
        return refused.reason
    return "ok"


def test_step_two_shows_first_names_and_relations_but_no_birth_date(claire_contract):
    preview = check_contract("AB 123 456", "Claire", "Martin")

    shown = [dataclasses.asdict(b) for b in preview.beneficiaries]
    assert shown == [
        {"first_name": "Claire", "relation": "Adhérent"},
        {"first_name": "Julien", "relation": "Conjoint"},
        {"first_name": "Léa", "relation": "Enfant"},
        {"first_name": "Hugo", "relation": "Enfant"},
    ]
    assert "2015" not in repr(preview)


def test_the_customers_refusals_are_kept_below_the_limit(claire_contract, paul_contract, from_ip):
    assert attempt("ZZ 999 999") == "no_contract"
    assert attempt(CLAIRE.number, "Claire", "Martin") == "ok"


def test_five_checks_of_one_number_then_a_wait_with_its_length(claire_contract, frozen_clock, from_ip):
    reasons = [attempt(CLAIRE.number, ip=f"198.51.100.{i}") for i in range(5)]

    with pytest.raises(RegistrationRefused) as refused:
        check_contract(CLAIRE.number, "Claire", "Martin")

    assert reasons == ["no_contract"] * 5
    assert refused.value.reason == "throttled"
    assert str(refused.value) == "Trop d'essais. Réessayez dans 15 minutes."
    frozen_clock.advance(minutes=10)
    assert attempt(CLAIRE.number, "Claire", "Martin") == "throttled"
    with pytest.raises(RegistrationRefused) as later:
        check_contract(CLAIRE.number, "Claire", "Martin")
    assert str(later.value) == "Trop d'essais. Réessayez dans 5 minutes."
    frozen_clock.advance(minutes=5, seconds=1)
    assert attempt(CLAIRE.number, "Claire", "Martin") == "ok"


def test_the_limit_of_one_number_is_not_the_limit_of_another(claire_contract, paul_contract, frozen_clock, from_ip):
    for i in range(6):
        attempt(CLAIRE.number, ip=f"198.51.100.{i}")

    assert attempt(PAUL.number, PAUL.first_name, PAUL.last_name, ip="192.0.2.1") == "ok"


def test_ten_checks_from_one_ip_then_a_wait_whatever_the_number(claire_contract, frozen_clock, from_ip):
    reasons = [attempt(f"ZZ{i:06d}") for i in range(10)]

    assert reasons == ["no_contract"] * 10
    assert attempt(CLAIRE.number, "Claire", "Martin") == "throttled"
    assert attempt(CLAIRE.number, "Claire", "Martin", ip="192.0.2.1") == "ok"
    frozen_clock.advance(minutes=15, seconds=1)
    assert attempt(CLAIRE.number, "Claire", "Martin", ip=IP) == "ok"


def test_refusals_past_the_limit_are_in_the_audit_trail(claire_contract, frozen_clock, from_ip):
    for _ in range(12):
        attempt("ZZ 999 999")

    events = all_rows(AuditEvent, AuditEvent.action == "registration_throttled")
    assert len(events) == 7  # 5 allowed checks of the number, then every refusal
    assert {e.ip for e in events} == {IP}
    assert all("inscription" in audit.ACTIONS[e.action].lower() for e in events)
