"""Demo data: idempotent, refused in production, and showing each registration case."""

from __future__ import annotations

import pytest

from portal_app import settings
from portal_app.db.models import Account, Beneficiary, Contract
from portal_app.domain import actors, auth, demo, registration

from .support import FAQ_NO_ACCESS, actor_of, all_rows, count


def test_seed_demo_twice_creates_nothing_the_second_time():
    first = demo.seed_demo()
    contracts = {c.id: c.updated_at for c in all_rows(Contract)}
    accounts = {a.id: a.password_hash for a in all_rows(Account)}

    second = demo.seed_demo()

    assert first.member_created and first.contracts.created == 4
    assert not second.member_created
    assert (second.contracts.created, second.contracts.updated, second.contracts.unchanged) == (0, 0, 4)
    assert {c.id: c.updated_at for c in all_rows(Contract)} == contracts
    assert {a.id: a.password_hash for a in all_rows(Account)} == accounts
    assert count(Beneficiary) == 8


def test_seed_demo_is_refused_in_production(monkeypatch):
    monkeypatch.setattr(settings, "IS_PRODUCTION", True)

    with pytest.raises(demo.ProductionRefused):
        demo.seed_demo()

    assert count(Contract) == 0


def test_demo_member_can_log_in():
    demo.seed_demo()

    result = auth.login(demo.DEMO_MEMBER_EMAIL, demo.DEMO_MEMBER_PASSWORD)
    opened = auth.open_session(result.grant)

    assert result.role == opened.role == "member"
    assert not result.second_factor_required and not opened.pending
    demo_member = actor_of(opened.session_token)
    assert isinstance(demo_member, actors.Member) and demo_member.contract_id is not None


def test_demo_contracts_show_each_registration_refusal():
    demo.seed_demo()

    with pytest.raises(registration.RegistrationRefused) as expired:
        registration.check_contract("CD-654-321", "Paul", "Bernard")
    with pytest.raises(registration.RegistrationRefused) as no_access:
        registration.check_contract("EF.111.222", "Sophie", "Petit")
    with pytest.raises(registration.RegistrationRefused) as exists:
        registration.check_contract("AB 123 456", "Claire", "Martin")
    preview = registration.check_contract("GH777888", "Émilie", "Lefèvre")

    assert (expired.value.reason, expired.value.message) == ("no_access", FAQ_NO_ACCESS)
    assert (no_access.value.reason, no_access.value.message) == ("no_access", FAQ_NO_ACCESS)
    assert exists.value.reason == "account_exists"
    assert [b.first_name for b in preview.beneficiaries] == ["Émilie", "Jules"]
