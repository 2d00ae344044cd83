"""Passkeys in Chromium, with its virtual authenticator (DevTools protocol, `WebAuthn` domain, through Playwright):
a member adds a passkey in Mon compte, logs out, logs in with it (no password), removes it; a passkey of member
A never opens member B's account; an adviser uses a passkey as the second factor instead of the TOTP code.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from .support import (
    AdviserKeys,
    TestContract,
    adviser_log_in,
    confirm_email,
    db_rows,
    goto,
    log_out,
    login,
    login_refusal,
    mark,
    register,
    submit_login,
    track_hydration,
    url_re,
    wait_hydrated,
)
from .test_adviser import create_adviser

# Their own contracts and insurer (imported by the module fixture): nothing shared with other test files.
HUGO = TestContract("E2E-985-001", "Hugo", "Perrin", "Hugo", "Perrin", "Mutuelle des Clés", "Assistance Plus", ())
INES = TestContract("E2E-985-002", "Inès", "Blanc", "ines", "blanc", "Mutuelle des Clés", "Assistance Plus", ())
HUGO_EMAIL, INES_EMAIL = "hugo.perrin@example.org", "ines.blanc@example.org"
PASSWORD = "Lanterne-Boreale-Cactus-82"
CONTRACTS = (
    "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance\n"
    "E2E-985-001;Mutuelle des Clés;ASSISTANCE_PLUS;2025-01-01;;adherent;Perrin;Hugo;1979-05-20\n"
    "E2E-985-002;Mutuelle des Clés;ASSISTANCE_PLUS;2025-01-01;;adherent;Blanc;Inès;1990-08-25\n"
)
ADVISER = AdviserKeys("conseiller.cles@example.fr", "Phare-Granit-Azur-71")
LOGIN_REFUSED = "Cette clé d'accès n'a pas permis de vous connecter"


@pytest.fixture(scope="module")
def members(browser, portal, portal_server, wait_for_mail) -> None:
    """Hugo and Inès: imported by the operator, registered and confirmed through the UI."""
    contracts = portal_server.data_dir / "contrats-cles-e2e.csv"
    contracts.write_text(CONTRACTS, encoding="utf-8")
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "import-contracts", str(contracts)],
        cwd=portal_server.app_dir,
        env=portal_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    context = browser.new_context(base_url=portal, locale="fr-FR", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        track_hydration(page)
        for contract, email in ((HUGO, HUGO_EMAIL), (INES, INES_EMAIL)):
            register(page, contract, email, PASSWORD)
            confirm_email(page, wait_for_mail, email)
    finally:
        context.close()


def authenticator(page: Page) -> tuple:
    """A platform authenticator in this page's browser context: resident keys, user verified (« PIN » given)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def credentials(cdp, authenticator_id: str) -> list[dict]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def add_passkey(page: Page, name: str) -> None:
    page.get_by_label("Nom de la clé (facultatif)").fill(name)
    page.get_by_role("button", name="Ajouter une clé d'accès").click()
    expect(page.get_by_text(f"La clé d'accès « {name} » est ajoutée")).to_be_visible()
    expect(page.locator("#cles-acces")).to_contain_text(name)


def passkey_login(page: Page) -> None:
    goto(page, "/connexion")
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()


def test_member_adds_a_passkey_logs_in_with_it_then_removes_it(members, new_page, wait_for_mail, portal_server):
    page = new_page("desktop")
    cdp, device = authenticator(page)
    login(page, HUGO_EMAIL, PASSWORD)
    goto(page, "/mon-espace/compte")
    expect(page.get_by_role("heading", name="Clés d'accès")).to_be_visible()
    expect(page.get_by_text("Aucune clé d'accès enregistrée.")).to_be_visible()

    add_passkey(page, "Ordinateur de Hugo")
    expect(page.locator("#cles-acces")).to_contain_text("Dernière utilisation : jamais")
    assert len(credentials(cdp, device)) == 1 and credentials(cdp, device)[0]["isResidentCredential"]
    wait_for_mail(HUGO_EMAIL, "Nouvelle clé d'accès ajoutée")

    # Log out, then in again with the passkey: no address, no password typed.
    log_out(page)
    since = mark(page)
    passkey_login(page)
    expect(page).to_have_url(url_re("/mon-espace"), timeout=30_000)
    wait_hydrated(page, since, "/mon-espace")
    expect(page.get_by_text("Bonjour Hugo Perrin.")).to_be_visible()
    wait_for_mail(HUGO_EMAIL, "Connexion avec votre clé d'accès")

    goto(page, "/mon-espace/compte")
    expect(page.locator("#cles-acces")).not_to_contain_text("Dernière utilisation : jamais")
    page.get_by_role("button", name="Supprimer la clé d'accès Ordinateur de Hugo").click()
    expect(page.get_by_text("Aucune clé d'accès enregistrée.")).to_be_visible()
    wait_for_mail(HUGO_EMAIL, "Clé d'accès supprimée")
    actions = db_rows(
        portal_server.db_path,
        "SELECT action FROM auditevent WHERE target_type = 'passkey' AND member_account_id = "
        "(SELECT id FROM account WHERE email = ?) ORDER BY id",
        HUGO_EMAIL,
    )
    assert [a for (a,) in actions] == ["passkey_added", "passkey_used", "passkey_removed"]

    # The device still holds the removed passkey: it opens nothing; the password still works.
    log_out(page)
    passkey_login(page)
    expect(login_refusal(page)).to_contain_text(LOGIN_REFUSED)
    login(page, HUGO_EMAIL, PASSWORD)


def test_a_passkey_of_member_a_never_opens_member_b(members, new_page):
    pages, devices = {}, {}
    for who, email, name in (("a", HUGO_EMAIL, "Téléphone de Hugo"), ("b", INES_EMAIL, "Téléphone d'Inès")):
        page = new_page("desktop")
        devices[who] = authenticator(page)
        login(page, email, PASSWORD)
        goto(page, "/mon-espace/compte")
        add_passkey(page, name)
        log_out(page)
        pages[who] = page
    (cdp_a, id_a), (cdp_b, id_b) = devices["a"], devices["b"]
    key_a, key_b = credentials(cdp_a, id_a)[0], credentials(cdp_b, id_b)[0]
    assert key_a["userHandle"] != key_b["userHandle"]

    # Hugo's device opens Hugo's account, never Inès's.
    passkey_login(pages["a"])
    expect(pages["a"]).to_have_url(url_re("/mon-espace"), timeout=30_000)
    expect(pages["a"].get_by_text("Bonjour Hugo Perrin.")).to_be_visible()

    # A forged device: Hugo's private key presented as Inès's passkey (her credential id and user handle),
    # then Hugo's passkey answering with Inès's user handle. Both refused: nobody is logged in.
    forged = [
        {**key_a, "credentialId": key_b["credentialId"], "userHandle": key_b["userHandle"], "signCount": 50},
        {**key_a, "userHandle": key_b["userHandle"], "signCount": 60},
    ]
    for credential in forged:
        page = new_page("desktop")
        cdp, device = authenticator(page)
        cdp.send("WebAuthn.addCredential", {"authenticatorId": device, "credential": credential})
        passkey_login(page)
        expect(login_refusal(page)).to_contain_text(LOGIN_REFUSED)
        goto(page, "/mon-espace/compte", expect_path="/connexion")
        expect(page).to_have_url(re.compile(r"/connexion"))


def test_an_adviser_uses_a_passkey_as_second_factor(new_page, portal_server, wait_for_mail):
    assert "créé" in create_adviser(portal_server, ADVISER)
    page = new_page("desktop")
    authenticator(page)
    adviser_log_in(page, ADVISER)  # enrols TOTP at the first login
    goto(page, "/conseiller/compte")
    expect(page.get_by_role("heading", name="Mon compte conseiller")).to_be_visible()
    add_passkey(page, "Clé du poste 12")
    wait_for_mail(ADVISER.email, "Nouvelle clé d'accès ajoutée")
    log_out(page)

    # The password, then the passkey instead of the code.
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, ADVISER.email, ADVISER.password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    wait_hydrated(page, since, "/connexion/verification")
    since = mark(page)
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    expect(page).to_have_url(url_re("/conseiller"), timeout=30_000)
    wait_hydrated(page, since, "/conseiller")
    expect(page.get_by_role("heading", name="Espace conseiller", level=1)).to_be_visible()
    wait_for_mail(ADVISER.email, "Connexion avec votre clé d'accès")

    # On /connexion the adviser's passkey does not replace the password.
    log_out(page)
    passkey_login(page)
    expect(login_refusal(page)).to_contain_text("Les conseillers se connectent avec leur mot de passe")
