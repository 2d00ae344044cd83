"""Assistance files: references, entitlement arithmetic, what the member sees."""

from datetime import date

import pytest
from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import AssistanceFile, Beneficiary, Entitlement
from portal_app.domain import assistance_files
from portal_app.domain.assistance_files import EntitlementInput, format_quantity, parse_quantity
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import contract_id, enrol_adviser


def _child(number_id: int, first_name: str) -> int:
    with session_scope() as session:
        return session.exec(
            select(Beneficiary.id).where(Beneficiary.contract_id == number_id, Beneficiary.first_name == first_name)
        ).one()


def _transport(quantity: str = "10", start: str = "2026-03-10", end: str = "2026-04-30") -> EntitlementInput:
    return EntitlementInput("transport_scolaire", quantity, "trajets", start, end)


def _open(adviser, contract, *entitlements, event_date="2026-03-01"):
    cid = contract_id(contract.number)
    child = next(p[2] for p in contract.people if p[0] == "enfant")
    return assistance_files.open_file(
        adviser.token, cid, _child(cid, child), "hospitalisation", event_date, list(entitlements) or [_transport()]
    )


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


def test_references_follow_each_other_and_are_never_reused(adviser, claire):
    first = _open(adviser, claire.contract)
    second = _open(adviser, claire.contract)
    assert first == "AS-2026-000001" and second == "AS-2026-000002"
    with session_scope() as session:
        session.delete(session.exec(select(Entitlement)).first())
    third = _open(adviser, claire.contract)
    assert third == "AS-2026-000003"


def test_opening_a_file_grants_the_entitlements(adviser, claire):
    _open(
        adviser,
        claire.contract,
        _transport("7"),
        EntitlementInput("aide_menagere", "1 234,50", "euros", "2026-03-10", "2026-06-30"),
    )
    with session_scope() as session:
        rows = {e.service: e for e in session.exec(select(Entitlement)).all()}
    assert rows["transport_scolaire"].quantity == 7 and rows["transport_scolaire"].unit == "trajets"
    assert rows["aide_menagere"].quantity == 123450  # euros kept in cents


def test_member_sees_what_remains_and_until_when(adviser, claire):
    _open(adviser, claire.contract, _transport("7", end="2026-12-12"))
    files = assistance_files.files_for_member(claire.token)
    assert files[0].entitlements[0].summary == "Conduite à l'école : reste 7 trajets jusqu'au 12 décembre 2026"


def test_member_without_file_sees_an_empty_list(claire, paul, adviser):
    _open(adviser, claire.contract)
    assert assistance_files.files_for_member(paul.token) == []


def test_an_entitlement_never_falls_below_what_is_used(adviser, claire):
    _open(adviser, claire.contract, _transport("10"))
    with session_scope() as session:
        entitlement = session.exec(select(Entitlement)).one()
        entitlement.used = 4
        session.add(entitlement)
    with pytest.raises(ValidationError) as refused:
        assistance_files.update_entitlement(adviser.token, entitlement.id, "3", "2026-03-10", "2026-04-30")
    assert "déjà utilisé" in refused.value.errors["quantity"]
    assistance_files.update_entitlement(adviser.token, entitlement.id, "4", "2026-03-10", "2026-05-31")
    with session_scope() as session:
        assert session.get(Entitlement, entitlement.id).quantity == 4
        assert session.get(Entitlement, entitlement.id).valid_to == date(2026, 5, 31)


def test_a_closed_file_cannot_be_changed(adviser, claire):
    _open(adviser, claire.contract)
    with session_scope() as session:
        file_id = session.exec(select(AssistanceFile.id)).one()
        entitlement_id = session.exec(select(Entitlement.id)).one()
    assistance_files.close_file(adviser.token, file_id)
    with pytest.raises(ValidationError):
        assistance_files.update_entitlement(adviser.token, entitlement_id, "20", "2026-03-10", "2026-04-30")
    with pytest.raises(ValidationError):
        assistance_files.close_file(adviser.token, file_id)


@pytest.mark.parametrize(
    ("entitlement", "field"),
    [
        (
            EntitlementInput("transport_scolaire", "0", "trajets", "2026-03-10", "2026-04-30"),
            "transport_scolaire_quantity",
        ),
        (
            EntitlementInput("transport_scolaire", "2,5", "trajets", "2026-03-10", "2026-04-30"),
            "transport_scolaire_quantity",
        ),
        (
            EntitlementInput("transport_scolaire", "5", "trajets", "2026-04-30", "2026-03-10"),
            "transport_scolaire_valid_to",
        ),
        (EntitlementInput("transport_scolaire", "5", "litres", "2026-03-10", "2026-04-30"), "transport_scolaire_unit"),
        (EntitlementInput("teleportation", "5", "trajets", "2026-03-10", "2026-04-30"), "teleportation_service"),
    ],
)
def test_bad_entitlements_are_refused_and_nothing_is_written(adviser, claire, entitlement, field):
    with pytest.raises(ValidationError) as refused:
        _open(adviser, claire.contract, entitlement)
    assert field in refused.value.errors
    with session_scope() as session:
        assert session.exec(select(AssistanceFile)).all() == []


def test_the_beneficiary_must_belong_to_the_contract(adviser, claire, paul):
    with pytest.raises(ValidationError) as refused:
        assistance_files.open_file(
            adviser.token,
            contract_id(claire.contract.number),
            _child(contract_id(paul.contract.number), "Zoé"),
            "hospitalisation",
            "2026-03-01",
            [_transport()],
        )
    assert "beneficiary" in refused.value.errors


def test_an_event_in_the_future_is_refused(adviser, claire):
    with pytest.raises(ValidationError) as refused:
        _open(adviser, claire.contract, event_date="2026-12-01")
    assert "event_date" in refused.value.errors


def test_a_member_can_do_nothing_of_an_adviser(adviser, claire, paul):
    cid = contract_id(paul.contract.number)
    _open(adviser, paul.contract)
    with session_scope() as session:
        file_id = session.exec(select(AssistanceFile.id)).one()
        entitlement_id = session.exec(select(Entitlement.id)).one()
    for call in (
        lambda: assistance_files.open_file(
            claire.token, cid, _child(cid, "Zoé"), "autre", "2026-03-01", [_transport()]
        ),
        lambda: assistance_files.update_entitlement(claire.token, entitlement_id, "99", "2026-03-10", "2026-04-30"),
        lambda: assistance_files.close_file(claire.token, file_id),
        lambda: assistance_files.files_for_adviser(claire.token, cid),
        lambda: assistance_files.services_for_contract(claire.token, cid),
    ):
        with pytest.raises(NotAllowed):
            call()
    with session_scope() as session:
        assert session.get(Entitlement, entitlement_id).quantity == 10
        assert session.get(AssistanceFile, file_id).status == "open"


def test_unknown_records_are_not_found(adviser):
    with pytest.raises(NotFound):
        assistance_files.close_file(adviser.token, 999999)
    with pytest.raises(NotFound):
        assistance_files.update_entitlement(adviser.token, 999999, "1", "2026-03-10", "2026-04-30")


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("12", "trajets", 12),
        ("1 234,50", "euros", 123450),
        ("80 €", "euros", 8000),
        ("1,234", "euros", None),
        ("x", "heures", None),
    ],
)
def test_quantities_are_read_as_a_person_types_them(raw, unit, expected):
    assert parse_quantity(raw, unit) == expected


def test_quantities_are_written_in_french():
    assert format_quantity(123450, "euros") == "1\u202f234,50 €"
    assert format_quantity(1, "trajets") == "1 trajet" and format_quantity(3, "heures") == "3 heures"


def test_what_remains_is_the_one_reste_in_its_unit(adviser, claire):
    _open(
        adviser,
        claire.contract,
        EntitlementInput("aide_menagere", "10", "heures", "2026-03-10", "2026-12-12"),
        EntitlementInput("garde_enfants", "1", "jours", "2026-03-10", "2026-12-12"),
    )
    summaries = [e.summary for e in assistance_files.files_for_member(claire.token)[0].entitlements]
    assert "Aide ménagère : reste 10 heures jusqu'au 12 décembre 2026" in summaries
    assert "Garde d'enfants : reste 1 jour jusqu'au 12 décembre 2026" in summaries


# --- the units each service is granted in, and its usual quantity (data/offers.json) ------------------


def test_the_open_file_form_offers_each_services_own_units_and_usual_quantity(adviser, claire):
    offered = {
        s.code: (s.units, s.unit, s.usual_quantity)
        for s in assistance_files.services_for_contract(adviser.token, contract_id(claire.contract.number))
    }
    assert offered == {
        "transport_scolaire": (["trajets"], "trajets", "20"),
        "aide_menagere": (["heures", "euros"], "heures", "10"),
        "garde_enfants": (["heures", "jours", "euros"], "heures", "10"),
    }


@pytest.mark.parametrize(
    ("entitlement", "message"),
    [
        (
            EntitlementInput("aide_menagere", "10", "trajets", "2026-03-10", "2026-04-30"),
            "Le service « Aide ménagère » s'accorde en heures ou en euros.",
        ),
        (
            EntitlementInput("transport_scolaire", "10", "heures", "2026-03-10", "2026-04-30"),
            "Le service « Conduite à l'école » s'accorde en trajets.",
        ),
        (
            EntitlementInput("garde_enfants", "10", "trajets", "2026-03-10", "2026-04-30"),
            "Le service « Garde d'enfants » s'accorde en heures, jours ou euros.",
        ),
    ],
)
def test_a_unit_the_service_is_not_granted_in_is_refused_by_its_field(adviser, claire, entitlement, message):
    with pytest.raises(ValidationError) as refused:
        _open(adviser, claire.contract, entitlement)
    assert refused.value.errors == {f"{entitlement.service}_unit": message}
    with session_scope() as session:
        assert session.exec(select(AssistanceFile)).all() == []


def test_a_service_asked_without_a_quantity_is_refused_by_its_field(adviser, claire):
    with pytest.raises(ValidationError) as refused:
        _open(adviser, claire.contract, _transport(), EntitlementInput("aide_menagere", " ", "heures", "", ""))
    assert "aide_menagere_quantity" in refused.value.errors
    with session_scope() as session:
        assert session.exec(select(AssistanceFile)).all() == []
