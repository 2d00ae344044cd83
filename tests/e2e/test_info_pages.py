"""The public information pages in the browser: each reached from the footer, French, titled and
described, free of axe violations, 360 px wide at most; the browser holds only what /cookies lists;
an unknown address answers 404 with the French page; the old-browser banner."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal_app import settings
from portal_app.ui import info_pages

from .axe import assert_no_axe_violations
from .support import CLAIRE_EMAIL, CLAIRE_PASSWORD, goto, login, mark, url_re, wait_hydrated

pytestmark = pytest.mark.e2e

# footer link → (path, h1, <title>, words the page must show)
INFO_PAGES = {
    "Questions fréquentes": ("/faq", "Questions fréquentes", "Questions fréquentes – Espace Assistance", []),
    "Données personnelles": (
        "/donnees-personnelles",
        "Données personnelles",
        "Données personnelles – Espace Assistance",
        [
            "hébergeur de données de santé certifié (HDS)",
            "Durées de conservation",
            "Journal d'audit",
            "« Télécharger mes données »",
            "« Clôturer mon compte »",
            settings.DPO_EMAIL,
        ],
    ),
    "Cookies": (
        "/cookies",
        "Cookies et stockage dans le navigateur",
        "Cookies – Espace Assistance",
        ["ea_session", "SameSite=Strict", info_pages.CACHE_SENTENCE, "n'est plus pris en charge par Microsoft"],
    ),
    "Navigateurs": (
        "/navigateurs",
        "Navigateurs pris en charge",
        "Navigateurs pris en charge – Espace Assistance",
        ["Google Chrome", "Mozilla Firefox", "Safari", "Microsoft Edge"],
    ),
    "Mentions légales": (
        "/mentions-legales",
        "Mentions légales",
        "Mentions légales – Espace Assistance",
        [settings.PUBLISHER_NAME, settings.PUBLICATION_DIRECTOR, settings.HOST_NAME, settings.CONTACT_EMAIL],
    ),
    "Accessibilité : partiellement conforme": (
        "/accessibilite",
        "Déclaration d'accessibilité",
        "Déclaration d'accessibilité – Espace Assistance",
        ["partiellement conforme", "axe-core", "Défenseur des droits"],
    ),
}


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: the page is {width}px wide on a 360px screen"


def meta_description(page: Page) -> str:
    return page.locator('meta[name="description"]').first.get_attribute("content") or ""


def check_page(page: Page, h1: str, title: str) -> str:
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    assert page.title() == title
    assert page.locator("html").get_attribute("lang") == "fr"
    description = meta_description(page)
    assert len(description) >= 30, f"{page.url}: meta description {description!r}"
    no_horizontal_scroll(page)
    assert_no_axe_violations(page)
    return description


def test_every_information_page_is_reached_from_the_footer(phone):
    goto(phone, "/")
    expect(phone.locator(f"#{info_pages.OLD_BROWSER_BANNER_ID}")).to_have_count(0)  # a current Chromium
    descriptions = {meta_description(phone)}
    footer = phone.get_by_role("navigation", name="Informations")
    for link_text, (path, h1, title, words) in INFO_PAGES.items():
        since = mark(phone)
        footer.get_by_role("link", name=link_text, exact=True).click()
        expect(phone).to_have_url(url_re(path))
        wait_hydrated(phone, since, path)
        description = check_page(phone, h1, title)
        assert description not in descriptions, f"{path}: same meta description as another page"
        descriptions.add(description)
        main = phone.locator("main")
        for text in words:
            expect(main.get_by_text(text, exact=False).first).to_be_visible()
        expect(phone.locator(f"#{info_pages.OLD_BROWSER_BANNER_ID}")).to_have_count(0)

    # /donnees-personnelles sends the member to Mon compte for each right, and to the CNIL.
    goto(phone, "/donnees-personnelles")
    main = phone.locator("main")
    assert main.locator('a[href="/mon-espace/compte"]').count() >= 3
    expect(main.get_by_role("link", name="www.cnil.fr")).to_have_attribute("href", "https://www.cnil.fr")
    expect(main.get_by_role("table", name="Durées de conservation").get_by_role("row")).to_have_count(
        9
    )  # heading + 8 kinds of data


def test_the_browser_holds_only_what_the_cookie_page_lists(desktop):
    login(desktop, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    for path in ["/mon-espace/compte", "/cookies"]:
        goto(desktop, path)
    cookies = desktop.context.cookies()
    assert [c["name"] for c in cookies] == ["ea_session"]
    session = cookies[0]
    assert session["sameSite"] == "Strict"
    assert session["expires"] == -1, "the session cookie must end with the browser"
    assert session["httpOnly"] is True
    local_keys = desktop.evaluate("() => Object.keys(window.localStorage)")
    session_keys = desktop.evaluate("() => Object.keys(window.sessionStorage)")
    assert set(local_keys) == set(info_pages.LOCAL_STORAGE_KEYS), local_keys
    assert set(session_keys) <= set(info_pages.SESSION_STORAGE_KEYS), session_keys
    listed = desktop.get_by_role("table", name="Cookies et stockage utilisés")
    for name in ["ea_session", *local_keys, *session_keys]:
        expect(listed.get_by_role("rowheader", name=name, exact=True)).to_be_visible()


def test_an_unknown_address_answers_404_with_the_french_page(phone):
    response = phone.goto("/cette-page-n-existe-pas")
    assert response is not None and response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert phone.title() == "Page introuvable – Espace Assistance"
    assert phone.locator("html").get_attribute("lang") == "fr"
    expect(phone.get_by_role("link", name="Accueil", exact=True)).to_be_visible()
    no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)


def test_a_too_old_browser_sees_a_banner_pointing_to_the_supported_browsers(new_page):
    page = new_page("phone")
    page.add_init_script("delete Array.prototype.at;")  # before any page script: an « old » browser
    response = page.goto("/connexion")
    assert response is not None and info_pages.OLD_BROWSER_SCRIPT in response.text()  # in the prerendered <head>
    assert len(info_pages.OLD_BROWSER_SCRIPT.encode()) < 1024
    banner = page.locator(f"#{info_pages.OLD_BROWSER_BANNER_ID}")
    expect(banner).to_have_text(f"{info_pages.OLD_BROWSER_TEXT} {info_pages.OLD_BROWSER_LINK}")
    expect(banner).to_have_attribute("role", "alert")
    page.wait_for_timeout(1500)  # React hydrates the page meanwhile: the banner stays
    expect(banner).to_be_visible()
    no_horizontal_scroll(page)
    banner.get_by_role("link", name=info_pages.OLD_BROWSER_LINK).click()
    expect(page).to_have_url(url_re("/navigateurs"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Navigateurs pris en charge")
    expect(page.locator(f"#{info_pages.OLD_BROWSER_BANNER_ID}")).to_be_visible()
    assert_no_axe_violations(page, "/navigateurs with the old-browser banner")
