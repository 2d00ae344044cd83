"""« Mes données personnelles » on Mon compte: download everything as JSON, then close the account for good.

A member of their own (contract imported here, never the demo member Claire): registers, downloads the JSON
file through the browser, fails then succeeds in closing the account, receives the farewell e-mail, and
cannot log in any more. Axe on Mon compte (with the section, then its errors) and on /compte-cloture.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations
from .conftest import _run_cli
from .support import (
    TestContract,
    account_row,
    confirm_email,
    goto,
    login,
    login_refusal,
    register,
    submit_login,
    url_re,
)

HELENE = TestContract(
    "E2E-960-001", "Hélène", "Dubois", "helene", "DUBOIS", "Mutuelle Données Tests", "Assistance Plus", ("Maël",)
)
HELENE_CSV = """numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance
E2E-960-001;Mutuelle Données Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Dubois;Hélène;1983-08-09
E2E-960-001;Mutuelle Données Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Dubois;Maël;2016-10-11
"""
EMAIL = "helene.donnees@example.org"
PASSWORD = "Mimosa-Falaise-82"


@pytest.fixture(scope="module")
def helene_contract(portal_server) -> TestContract:
    csv = portal_server.data_dir / "contrats-donnees.csv"
    csv.write_text(HELENE_CSV, encoding="utf-8")
    _run_cli(portal_server.env, portal_server.app_dir, "import-contracts", str(csv))
    return HELENE


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: the page is {width}px wide on a 360px screen"


def test_download_my_data_then_close_my_account(new_page, portal_server, wait_for_mail, helene_contract):
    page = new_page("phone")
    register(page, helene_contract, EMAIL, PASSWORD)
    confirm_email(page, wait_for_mail, EMAIL)
    login(page, EMAIL, PASSWORD)
    goto(page, "/mon-espace/compte")
    section = page.get_by_role("heading", name="Mes données personnelles")
    expect(section).to_be_visible()
    assert_no_axe_violations(page, "Mon compte, section Mes données personnelles")
    no_horizontal_scroll(page)

    # « Télécharger mes données »: a real download of a JSON file, through the browser.
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données").click()
    assert download.value.suggested_filename.startswith("mes-donnees-espace-assistance-")
    assert download.value.suggested_filename.endswith(".json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["compte"]["email"] == EMAIL and data["compte"]["phone"] == "+33611223344"
    assert "password_hash" not in data["compte"]
    assert data["contrat"]["member_number"] == helene_contract.number
    assert {b["first_name"] for b in data["beneficiaires"]} == {"Hélène", "Maël"}
    assert any(m["subject"].startswith("Confirmez votre adresse e-mail") for m in data["emails_envoyes"])
    assert {"account_created", "email_confirmed", "login_success"} <= {e["action"] for e in data["journal"]}
    assert any("factures" in note for note in data["a_savoir"])
    expect(page).to_have_url(url_re("/mon-espace/compte"))  # the page stayed where it was

    # The route itself: private, never cached; without a session, off to the login page.
    answer = page.request.get("/telechargement/mes-donnees")
    assert answer.status == 200 and answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-disposition"].startswith("attachment;")
    stranger = new_page("desktop").request.get("/telechargement/mes-donnees", max_redirects=0)
    assert stranger.status == 303 and stranger.headers["location"].startswith("/connexion")
    assert EMAIL not in stranger.text()

    # « Clôturer mon compte »: nothing given → errors next to the fields, focus on the first one.
    close = page.get_by_role("button", name="Clôturer mon compte")
    close.click()
    password_error = page.locator("#close_password-erreur")
    # The closing runs in a thread behind the road (seen slow once in a full run on a busy machine): wait longer.
    expect(password_error).to_have_text(
        "Indiquez votre mot de passe actuel pour clôturer votre compte.", timeout=20_000
    )
    expect(page.locator("#close_confirmation-erreur")).to_contain_text("Cochez cette case")
    expect(page.locator("#close_password")).to_be_focused()
    expect(page.locator("#close_password")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page, "Mon compte, clôture refusée")
    no_horizontal_scroll(page)

    # A wrong password is refused; the account is still there.
    page.get_by_label("Mot de passe actuel").fill("Pas-le-bon-99")
    page.get_by_label("Je confirme vouloir clôturer définitivement mon compte.").check()
    close.click()
    expect(password_error).to_have_text("Le mot de passe actuel est incorrect.")
    assert account_row(portal_server.db_path, EMAIL) is not None

    # The right password and the confirmation: closed, logged out, told so.
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    close.click()
    expect(page).to_have_url(url_re("/compte-cloture"), timeout=30_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est clôturé")
    expect(
        page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Connexion")
    ).to_be_visible()
    assert_no_axe_violations(page, "/compte-cloture")
    no_horizontal_scroll(page)

    farewell = wait_for_mail(EMAIL, "Votre compte a été clôturé")
    assert "Bonjour Hélène" in farewell.get_body(preferencelist=("plain",)).get_content()
    assert account_row(portal_server.db_path, EMAIL) is None

    # The session is over on the server, and the old credentials open nothing.
    assert page.request.get("/telechargement/mes-donnees", max_redirects=0).status == 303
    goto(page, "/connexion")
    submit_login(page, EMAIL, PASSWORD)
    expect(login_refusal(page)).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    expect(page).to_have_url(url_re("/connexion"))
