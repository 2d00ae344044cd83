"""The offer catalogue kept in data/offers.json and loaded into the database."""

from __future__ import annotations

from portal_app.db.models import Offer
from portal_app.domain import offers

from .support import all_rows


def loaded_offer(code: str) -> Offer:
    return all_rows(Offer, Offer.code == code)[0]


def test_catalogue_file_has_assistance_plus_with_portal_access_and_its_services():
    specs = {spec.code: spec for spec in offers.catalogue_offers()}

    assert specs["ASSISTANCE_PLUS"].gives_portal_access
    assert set(specs["ASSISTANCE_PLUS"].services) == {"transport_scolaire", "aide_menagere", "garde_enfants"}


def test_catalogue_file_has_sante_seule_without_portal_access():
    specs = {spec.code: spec for spec in offers.catalogue_offers()}

    assert not specs["SANTE_SEULE"].gives_portal_access


def test_loading_the_catalogue_puts_the_offers_in_the_database():
    offers.load_offers()

    plus = loaded_offer("ASSISTANCE_PLUS")
    assert plus.gives_portal_access
    assert set(offers.offer_services(plus)) == {"transport_scolaire", "aide_menagere", "garde_enfants"}
    assert not loaded_offer("SANTE_SEULE").gives_portal_access


def test_loading_the_catalogue_twice_changes_nothing():
    first = offers.load_offers()
    before = {o.code: o.updated_at for o in all_rows(Offer)}

    second = offers.load_offers()

    assert first >= 2
    assert second == 0
    assert {o.code: o.updated_at for o in all_rows(Offer)} == before


def test_services_have_french_labels():
    assert offers.service_label("transport_scolaire") == "Conduite à l'école"
    assert offers.service_label("aide_menagere") == "Aide ménagère"
    assert offers.service_label("garde_enfants") == "Garde d'enfants"
