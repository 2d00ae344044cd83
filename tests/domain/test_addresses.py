"""A member's addresses (PRODUCT.md rule 9 and the FAQ): postcode and commune, ownership, the deletion guard."""

from __future__ import annotations

import pytest

from portal_app.db.models import Address, AuditEvent
from portal_app.domain import addresses, trips
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError

from .advisers_support import enrol_adviser, pending_adviser_token
from .support import CLAIRE, actor_of, all_rows, count
from .trips_support import (
    LYON_SCHOOL,
    add_home,
    add_school,
    address_input,
    beneficiary_id,
    open_transport,
    paris,
    relogin,
    request,
    trip_rows,
)

# The FAQ's sentence, typed here rather than imported: a change of wording must fail. The FAQ writes
# « l'adresse que vous souhaitez supprimé », a spelling mistake the portal corrects to the infinitive.
FAQ_DELETE_ADDRESS = (
    "Si vous avez déjà planifié des trajets avec l'adresse que vous souhaitez supprimer, vous devez supprimer "
    "le trajet vers cette destination avant de pouvoir supprimer l'adresse."
)
PROVIDER_NOTICE = "le transporteur recevra la nouvelle adresse"


@pytest.fixture(autouse=True)
def _monday_after_all_saints(frozen_clock):
    """Monday 2 November 2026, 10:00 in Paris, before anyone logs in (sessions idle out after 30 min)."""
    frozen_clock.set(paris(2026, 11, 2, 10, 0))
    return frozen_clock


@pytest.fixture
def adviser():
    return enrol_adviser()


def stored(address_id: int) -> dict:
    row = all_rows(Address, Address.id == address_id)[0]
    return {k: v for k, v in row.model_dump().items() if k not in ("created_at", "updated_at")}


def book_lea(member, home: int, school: int, day: str = "2026-11-09") -> trips.TripRequest:
    wanted = request(beneficiary_id(CLAIRE, "Léa"), home, school, day)
    assert trips.book(member.token, wanted) == 1
    return wanted


# --- adding ---------------------------------------------------------------------------------------


def test_an_address_is_added_with_its_label_type_and_full_address(claire):
    view = addresses.add_address(claire.token, address_input(complement="Bâtiment B, 3e étage"))
    assert addresses.list_addresses(claire.token) == [view]
    assert (view.label, view.kind, view.kind_label) == ("Maison", "domicile", "Domicile")
    assert (view.street_number, view.street, view.postcode, view.city) == ("12", "rue Oberkampf", "75011", "Paris")
    assert view.one_line == "12 rue Oberkampf, Bâtiment B, 3e étage, 75011 Paris"


def test_a_postcode_that_does_not_exist_is_refused(claire):
    with pytest.raises(ValidationError) as refused:
        addresses.add_address(claire.token, address_input(postcode="00000"))
    assert set(refused.value.errors) == {"postcode"}
    assert count(Address) == 0


@pytest.mark.parametrize("typed", ["", "   "])
def test_a_missing_postcode_is_asked_for_not_called_unknown(claire, typed):
    with pytest.raises(ValidationError) as refused:
        addresses.add_address(claire.token, address_input(postcode=typed))
    assert refused.value.errors["postcode"] == "Indiquez le code postal (5 chiffres)."
    assert count(Address) == 0


def test_a_city_that_is_not_in_the_postcode_is_refused_on_the_city_field(claire):
    with pytest.raises(ValidationError) as refused:
        addresses.add_address(claire.token, address_input(postcode="75011", city="Lyon"))
    assert set(refused.value.errors) == {"city"}
    assert count(Address) == 0


def test_paris_is_accepted_for_a_postcode_of_one_of_its_arrondissements(claire):
    view = addresses.add_address(claire.token, address_input(postcode="75011", city="paris"))
    assert view.city == "Paris" and stored(view.address_id)["city"] == "Paris"


def test_accents_and_case_are_ignored_and_the_official_spelling_is_kept(claire):
    view = addresses.add_address(claire.token, address_input(postcode="42000", city="saint-etienne"))
    assert stored(view.address_id)["city"] == "Saint-Étienne"


def test_a_postcode_typed_with_a_space_is_kept_as_five_digits(claire):
    view = addresses.add_address(claire.token, address_input(postcode="69 001", city="LYON"))
    assert (view.postcode, view.city) == ("69001", "Lyon")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("label", "  "),
        ("kind", ""),
        ("kind", "piscine"),
        ("street_number", ""),
        ("street", " "),
        ("postcode", ""),
        ("city", ""),
    ],
)
def test_an_empty_or_unknown_field_is_refused_on_that_field_and_nothing_is_written(claire, field, value):
    with pytest.raises(ValidationError) as refused:
        addresses.add_address(claire.token, address_input(**{field: value}))
    assert set(refused.value.errors) == {field}
    assert count(Address) == 0


def test_several_homes_and_several_schools(claire):
    add_home(claire, label="Maison")
    add_home(claire, label="Chez Mamie", street_number="3", street="rue de la Roquette")
    add_school(claire, label="École Jules Ferry")
    add_school(claire, **LYON_SCHOOL)
    add_school(claire, label="Lycée Voltaire", kind="lycee", street_number="101", street="avenue de la République")
    listed = addresses.list_addresses(claire.token)
    assert sorted(a.label for a in listed) == [
        "Chez Mamie",
        "Collège Jean Moulin",
        "Lycée Voltaire",
        "Maison",
        "École Jules Ferry",
    ]
    choices = trips.planning_choices(claire.token)
    assert sorted(label for _id, label in choices.homes) == ["Chez Mamie", "Maison"]
    assert sorted(label for _id, label in choices.schools) == [
        "Collège Jean Moulin",
        "Lycée Voltaire",
        "École Jules Ferry",
    ]


# --- editing --------------------------------------------------------------------------------------


def test_an_address_is_edited_and_checked_like_a_new_one(claire):
    home = add_home(claire)
    message = addresses.update_address(claire.token, home, address_input(street_number="14", city="PARIS"))
    assert message == "L'adresse est enregistrée."
    assert stored(home)["street_number"] == "14" and stored(home)["city"] == "Paris"
    before = stored(home)
    with pytest.raises(ValidationError) as refused:
        addresses.update_address(claire.token, home, address_input(street_number="16", city="Marseille"))
    assert set(refused.value.errors) == {"city"}
    assert stored(home) == before


def test_editing_an_address_used_by_a_trip_to_come_says_the_provider_gets_the_new_address(adviser, claire):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    book_lea(claire, home, school)
    message = addresses.update_address(claire.token, school, address_input(**{**LYON_SCHOOL, "label": "Collège"}))
    assert PROVIDER_NOTICE in message
    upcoming, _past = trips.list_trips(claire.token)
    assert upcoming[0].to_address == "1 place des Terreaux, 69001 Lyon"


def test_editing_an_address_only_used_by_past_trips_says_nothing_of_the_provider(adviser, claire, frozen_clock):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    book_lea(claire, home, school, "2026-11-03")
    frozen_clock.set(paris(2026, 11, 4, 9, 0))
    claire = relogin(claire)
    message = addresses.update_address(claire.token, home, address_input(street_number="14"))
    assert PROVIDER_NOTICE not in message


# --- deleting -------------------------------------------------------------------------------------


def test_an_unused_address_is_deleted_and_leaves_the_list(claire):
    home = add_home(claire)
    addresses.delete_address(claire.token, home)
    assert addresses.list_addresses(claire.token) == []
    assert stored(home)["deleted_at"] is not None
    with pytest.raises(NotFound):
        addresses.update_address(claire.token, home, address_input())


def test_an_address_used_by_a_trip_to_come_cannot_be_deleted_in_the_faqs_words(adviser, claire):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    book_lea(claire, home, school, "2026-11-09")
    for address_id in (home, school):
        with pytest.raises(ValidationError) as refused:
            addresses.delete_address(claire.token, address_id)
        assert refused.value.message.startswith(FAQ_DELETE_ADDRESS)
        assert "lundi 9 novembre 2026 à 08:15 (Léa)" in refused.value.message
        assert stored(address_id)["deleted_at"] is None
    assert len(addresses.list_addresses(claire.token)) == 2


def test_the_refusal_lists_every_trip_to_come_that_uses_the_address(adviser, claire):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    trips.book(claire.token, request(beneficiary_id(CLAIRE, "Léa"), home, school, "2026-11-09", "2026-11-10"))
    trips.book(claire.token, request(beneficiary_id(CLAIRE, "Hugo"), home, school, "2026-11-12", outward_time="07:50"))
    with pytest.raises(ValidationError) as refused:
        addresses.delete_address(claire.token, school)
    assert refused.value.message.endswith(
        "Trajets concernés : lundi 9 novembre 2026 à 08:15 (Léa); mardi 10 novembre 2026 à 08:15 (Léa); "
        "jeudi 12 novembre 2026 à 07:50 (Hugo)."
    )


def test_the_address_can_be_deleted_once_its_trip_is_cancelled(adviser, claire):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    book_lea(claire, home, school)
    trips.cancel(claire.token, trip_rows()[0].id)
    addresses.delete_address(claire.token, school)
    assert [a.address_id for a in addresses.list_addresses(claire.token)] == [home]


def test_the_address_can_be_deleted_once_its_trips_are_past(adviser, claire, frozen_clock):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    book_lea(claire, home, school, "2026-11-09")
    frozen_clock.set(paris(2026, 11, 9, 12, 0))
    claire = relogin(claire)
    with pytest.raises(ValidationError):  # the trip of today is still to come
        addresses.delete_address(claire.token, school)
    frozen_clock.set(paris(2026, 11, 10, 8, 0))
    claire = relogin(claire)
    addresses.delete_address(claire.token, school)
    assert [a.address_id for a in addresses.list_addresses(claire.token)] == [home]


def test_a_deleted_address_leaves_the_list_but_past_trips_keep_it(adviser, claire, frozen_clock):
    home, school = add_home(claire), add_school(claire)
    open_transport(adviser, CLAIRE)
    book_lea(claire, home, school, "2026-11-09")
    frozen_clock.set(paris(2026, 11, 10, 8, 0))
    claire = relogin(claire)
    addresses.delete_address(claire.token, school)
    assert school not in [a.address_id for a in addresses.list_addresses(claire.token)]
    upcoming, past = trips.list_trips(claire.token)
    assert upcoming == []
    assert (past[0].to_label, past[0].to_address) == ("École Jules Ferry", "5 rue Saint-Maur, 75011 Paris")


# --- who may do what ------------------------------------------------------------------------------


def test_a_member_does_not_see_another_members_addresses(claire, paul):
    add_home(claire)
    paul_home = add_home(paul, street="quai du Port", street_number="8", postcode="13002", city="Marseille")
    assert [a.address_id for a in addresses.list_addresses(paul.token)] == [paul_home]
    assert all(a.address_id != paul_home for a in addresses.list_addresses(claire.token))


def test_a_member_cannot_edit_another_members_address(claire, paul):
    paul_home = add_home(paul, street="quai du Port", street_number="8", postcode="13002", city="Marseille")
    before = stored(paul_home)
    with pytest.raises(NotFound):
        addresses.update_address(claire.token, paul_home, address_input(street="rue de la Paix"))
    assert stored(paul_home) == before


def test_a_member_cannot_delete_another_members_address(claire, paul):
    paul_home = add_home(paul, street="quai du Port", street_number="8", postcode="13002", city="Marseille")
    with pytest.raises(NotFound):
        addresses.delete_address(claire.token, paul_home)
    assert stored(paul_home)["deleted_at"] is None
    assert len(addresses.list_addresses(paul.token)) == 1


@pytest.mark.parametrize("address_id", [2**31, 2**63, -1, "1", True])
def test_an_address_id_that_is_not_one_is_not_found_never_a_database_error(claire, address_id):
    with pytest.raises(NotFound):
        addresses.update_address(claire.token, address_id, address_input())
    with pytest.raises(NotFound):
        addresses.delete_address(claire.token, address_id)


@pytest.mark.parametrize("who", ["adviser", "pending adviser", "nobody"])
def test_advisers_and_visitors_have_no_addresses_to_manage(claire, who):
    home = add_home(claire)
    before = stored(home)
    outsider = {
        "adviser": lambda: enrol_adviser().token,
        "pending adviser": lambda: actor_of(pending_adviser_token(enrol_adviser().email)),
        "nobody": lambda: None,
    }[who]()
    for call in (
        lambda: addresses.list_addresses(outsider),
        lambda: addresses.add_address(outsider, address_input()),
        lambda: addresses.update_address(outsider, home, address_input(street="rue de la Paix")),
        lambda: addresses.delete_address(outsider, home),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert count(Address) == 1 and stored(home) == before


def test_every_change_of_an_address_is_audited(claire):
    home = add_home(claire)
    addresses.update_address(claire.token, home, address_input(street_number="14"))
    addresses.delete_address(claire.token, home)
    events = all_rows(AuditEvent, AuditEvent.target_type == "address")
    assert [(e.action, e.target_id) for e in events] == [
        ("address_added", home),
        ("address_changed", home),
        ("address_deleted", home),
    ]
    assert {e.actor_role for e in events} == {"member"}
