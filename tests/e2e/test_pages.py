"""Every page: French, titled, every field labelled, no horizontal scroll on a 360 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import CLAIRE_EMAIL, CLAIRE_PASSWORD, FANNY, goto, login, reach_credentials_step

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ["/", "/inscription", "/connexion", "/mot-de-passe-oublie"]


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: the page is {width}px wide on a 360px screen"


def french_and_titled(page) -> None:
    assert page.locator("html").get_attribute("lang") == "fr"
    title = page.title()
    assert title and "Espace Assistance" in title, f"{page.url}: title {title!r}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_french_titled_and_fits_a_phone(phone, path):
    goto(phone, path)
    french_and_titled(phone)
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(phone)


def test_member_home_fits_a_phone(phone):
    login(phone, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    expect(phone.get_by_text("Numéro adhérent")).to_be_visible()
    french_and_titled(phone)
    no_horizontal_scroll(phone)
    for path in ["/mon-espace/compte", "/mon-espace/mot-de-passe"]:
        goto(phone, path)
        french_and_titled(phone)
        no_horizontal_scroll(phone)


def test_every_field_has_a_visible_label(phone):
    goto(phone, "/inscription")
    for label in ["Numéro adhérent", "Prénom"]:
        expect(phone.get_by_label(label)).to_be_visible()
    expect(phone.get_by_label("Nom", exact=True)).to_be_visible()

    reach_credentials_step(phone, FANNY)
    for label in ["Adresse e-mail", "Téléphone mobile", "Confirmation du mot de passe"]:
        expect(phone.get_by_label(label)).to_be_visible()
    expect(phone.get_by_label("Mot de passe", exact=True)).to_be_visible()
    expect(phone.get_by_label("J'accepte les conditions d'utilisation")).to_be_visible()
    # The password rule and advice are shown before typing, tied to the field.
    password = phone.get_by_label("Mot de passe", exact=True)
    hint = phone.locator(f"#{password.get_attribute('aria-describedby')}")
    expect(hint).to_contain_text("au minimum 8 caractères")
    no_horizontal_scroll(phone)

    goto(phone, "/connexion")
    expect(phone.get_by_label("Adresse e-mail")).to_be_visible()
    expect(phone.get_by_label("Mot de passe", exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="Se connecter", exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name="J'ai oublié mon mot de passe")).to_be_visible()

    goto(phone, "/mot-de-passe-oublie")
    expect(phone.get_by_label("Adresse e-mail")).to_be_visible()

    # Unlabelled inputs would be invisible to get_by_label: none anywhere on these pages.
    for path in ["/inscription", "/connexion", "/mot-de-passe-oublie"]:
        goto(phone, path)
        unlabelled = phone.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length))
                .map(el => el.name || el.id)"""
        )
        assert unlabelled == [], f"{path}: inputs without a label: {unlabelled}"
