"""/faq in the browser: every theme, the search as one types (accents ignored, result announced), the
whole FAQ without JavaScript, linkable answers and the links other pages make to them, axe, phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal_app.domain import faq

from .axe import assert_no_axe_violations
from .support import CLAIRE_EMAIL, CLAIRE_PASSWORD, goto, login

pytestmark = pytest.mark.e2e

ENTRY_COUNT = len(faq.entries())
NO_MATCH = "Aucune réponse ne correspond à votre recherche."


def questions(page: Page):
    return page.locator("#faq-reponses h3")


def visible_questions(page: Page):
    return page.locator("#faq-reponses h3:visible")


def search(page: Page, query: str) -> None:
    box = page.get_by_label("Rechercher dans la FAQ")
    box.fill("")
    box.press_sequentially(query, delay=20)


def status(page: Page):
    return page.get_by_role("status").filter(has_text=re.compile("réponse"))


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: the page is {width}px wide on a 360px screen"


def test_faq_shows_every_theme_and_filters_as_one_types(phone):
    goto(phone, "/faq")
    assert phone.title() == "Questions fréquentes – Espace Assistance"
    expect(phone.get_by_role("heading", level=1)).to_have_text("Questions fréquentes")
    h2 = phone.locator("#faq-reponses h2")
    expect(h2).to_have_text(list(faq.THEME_ORDER))
    expect(visible_questions(phone)).to_have_count(ENTRY_COUNT)
    expect(status(phone)).to_have_text(f"{ENTRY_COUNT} réponses")
    no_horizontal_scroll(phone)

    # No accents, lower case: the « Numéro adhérent » entry alone, announced in the live region.
    search(phone, "numero adherent")
    expect(status(phone)).to_have_text("1 réponse")
    expect(status(phone)).to_have_attribute("aria-live", "polite")
    expect(visible_questions(phone)).to_have_count(1)
    expect(phone.locator("#numero-adherent")).to_be_visible()
    expect(phone.get_by_text("le numéro présent sur votre carte de tiers payant")).to_be_visible()
    expect(phone.locator("#faq-reponses h2:visible")).to_have_text(["Inscription"])
    no_horizontal_scroll(phone)

    search(phone, "MOT DE PASSE")
    expect(status(phone)).to_have_text("5 réponses")
    expect(visible_questions(phone)).to_have_count(5)

    search(phone, "désactiver cookies")
    expect(visible_questions(phone)).to_have_text(["Comment désactiver les cookies ?"])

    search(phone, "zorglub ornithorynque")
    expect(status(phone)).to_have_text(NO_MATCH)
    expect(phone.get_by_text(NO_MATCH)).to_be_visible()
    expect(visible_questions(phone)).to_have_count(0)
    expect(phone.locator("#faq-reponses h2:visible")).to_have_count(0)

    phone.get_by_label("Rechercher dans la FAQ").fill("")
    expect(status(phone)).to_have_text(f"{ENTRY_COUNT} réponses")
    expect(visible_questions(phone)).to_have_count(ENTRY_COUNT)
    expect(phone.get_by_text(NO_MATCH)).to_have_count(0)


def test_the_whole_faq_is_in_the_html_without_javascript(new_page):
    page = new_page("phone", java_script_enabled=False)
    page.goto("/faq")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#faq-reponses h2")).to_have_text(list(faq.THEME_ORDER))
    expect(visible_questions(page)).to_have_count(ENTRY_COUNT)
    for entry in faq.entries():
        expect(page.locator(f"h3#{entry.id}")).to_have_text(entry.question)
    expect(page.get_by_role("link", name="Mozilla Firefox").first).to_have_attribute(
        "href", "https://www.mozilla.org/fr/firefox/all/"
    )
    expect(page.get_by_text("n'est plus pris en charge")).to_be_visible()
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description and "questions fréquentes" in description.lower()


def test_an_answer_has_its_own_address(desktop):
    desktop.goto("/faq#devis")
    target = desktop.locator("#devis")
    expect(target).to_have_text("Puis-je envoyer un devis ?")
    expect(target).to_be_in_viewport()
    link = desktop.get_by_role("link", name="Lien vers cette réponse : Puis-je envoyer un devis ?")
    expect(link).to_have_attribute("href", re.compile(r"#devis$"))

    goto(desktop, "/faq")
    desktop.goto("/faq#numero-adherent")
    expect(desktop.locator("h3#numero-adherent")).to_be_in_viewport()


def follow(page: Page, link_name: str, entry_id: str) -> None:
    page.get_by_role("link", name=link_name).click()
    expect(page).to_have_url(re.compile(rf"/faq/?#{entry_id}$"))
    target = page.locator(f"h3#{entry_id}")
    expect(target).to_be_visible()
    expect(target).to_be_in_viewport()


def test_registration_and_login_link_to_their_answers(phone):
    goto(phone, "/inscription")
    follow(phone, "Où trouver mon numéro adhérent ?", faq.MEMBERSHIP_NUMBER_ENTRY)
    goto(phone, "/connexion")
    follow(phone, "Identifiants refusés ?", faq.LOGIN_IDENTIFIERS_ENTRY)


def test_the_claim_form_links_to_the_scope_answers(desktop):
    login(desktop, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    goto(desktop, "/mon-espace/remboursements")
    follow(
        desktop,
        "Ce que ce service rembourse — et ce qu'il ne rembourse pas (frais de santé, devis)",
        faq.CLAIM_SCOPE_ENTRIES[0],
    )
    for entry_id in faq.CLAIM_SCOPE_ENTRIES:
        expect(desktop.locator(f"h3#{entry_id}")).to_be_visible()
    # Logged in, the header still says so on this public page.
    expect(desktop.get_by_role("link", name="Mon Espace")).to_be_visible()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_no_axe_violation_on_the_faq_filtered_or_not(new_page, kind):
    page = new_page(kind)
    goto(page, "/faq")
    assert_no_axe_violations(page, f"/faq ({kind})")
    search(page, "numero adherent")
    expect(status(page)).to_have_text("1 réponse")
    assert_no_axe_violations(page, f"/faq filtered ({kind})")
    search(page, "zorglub")
    expect(status(page)).to_have_text(NO_MATCH)
    assert_no_axe_violations(page, f"/faq without result ({kind})")
    if kind == "phone":
        no_horizontal_scroll(page)
