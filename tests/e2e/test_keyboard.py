"""The keyboard alone: registration (with the e-mail confirmation), login and a claim with its invoice, done
with Tab, Shift+Tab, Enter, Space, arrows and typing — never a click. Every element the focus reaches shows
it (an outline or a ring), the skip link « Aller au contenu » moves the focus to the main content, and after
an error the focus is on the first field in error.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import PHONE
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_PASSWORD,
    TestContract,
    link_from,
    mark,
    open_link,
    today_in_paris,
    track_hydration,
    url_re,
    wait_hydrated,
)
from .support import goto as open_page
from .test_claims import INVOICE_PDF

pytestmark = pytest.mark.e2e

JULES = TestContract("E2E-KBD-001", "Jules", "Perrin", "jules", "PERRIN", "Mutuelle des Tests", "Assistance Plus", ())
JULES_CSV = (
    "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance\n"
    "E2E-KBD-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Perrin;Jules;1979-08-09\n"
)
JULES_EMAIL, JULES_PASSWORD = "jules.perrin@example.org", "Clavier-Tabulation-Espace-27"
VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
PDF = INVOICE_PDF  # a one-page PDF: the portal opens every invoice whole (pypdf)
MAX_TABS = 60

# Focus is visible when the focused element has an outline or a ring (box-shadow).
FOCUS_SHOWN = """(el) => {
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const ring = !!style.boxShadow && style.boxShadow !== 'none';
    return outline || ring;
}"""
DESCRIBE_ACTIVE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const style = getComputedStyle(el);
    return `${el.tagName.toLowerCase()}#${el.id} «${(el.innerText || el.value || '').trim().slice(0, 40)}» `
        + `(outline: ${style.outlineStyle} ${style.outlineWidth}; box-shadow: ${style.boxShadow}; `
        + `focus: ${el.matches(':focus')}; focus-visible: ${el.matches(':focus-visible')}; `
        + `document focused: ${document.hasFocus()}; hash: ${location.hash})`;
}"""


def is_focused(target: Locator) -> bool:
    return target.evaluate("(el) => el === document.activeElement")


def assert_focus_shown(page: Page) -> None:
    shown = page.evaluate(f"() => document.activeElement === document.body || ({FOCUS_SHOWN})(document.activeElement)")
    assert shown, f"the focus is not visible on {page.evaluate(DESCRIBE_ACTIVE)}"


def tab_to(page: Page, target: Locator, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus; each element reached must show the focus."""
    expect(target).to_be_visible()
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert_focus_shown(page)
        if is_focused(target):
            return
    raise AssertionError(f"{target} never got the focus with the keyboard (last: {page.evaluate(DESCRIBE_ACTIVE)})")


def type_into(page: Page, target: Locator, value: str) -> None:
    tab_to(page, target)
    page.keyboard.type(value)


def type_date(page: Page, target: Locator, iso: str) -> None:
    """A date typed segment by segment, in the order the browser shows them (jj/mm/aaaa in French, mm/dd/yyyy
    in a browser set to English): a first date tells the order, the arrows go back to the first segment."""
    tab_to(page, target)
    page.keyboard.type("01022030")
    day_first = target.input_value() == "2030-02-01"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    year, month, day = iso.split("-")
    page.keyboard.type((day + month if day_first else month + day) + year)
    expect(target).to_have_value(iso)


def goto(page: Page, path: str, expect_path: str | None = None) -> None:
    """Open the page (the address bar is not a click), focus at the top of the document."""
    open_page(page, path, expect_path)
    page.evaluate("() => document.activeElement?.blur()")


# ---------------------------------------------------------------------------------------------
# Fixture: a contract of this module, imported with the operator's command
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jules_contract(portal_server) -> TestContract:
    contracts = portal_server.data_dir / "contrat-clavier-e2e.csv"
    contracts.write_text(JULES_CSV, encoding="utf-8")
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "import-contracts", str(contracts)],
        cwd=portal_server.app_dir,
        env=portal_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return JULES


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_skip_link_moves_the_focus_to_the_main_content(phone):
    for path in ["/", "/connexion", "/faq"]:
        goto(phone, path)
        phone.keyboard.press("Tab")
        skip = phone.get_by_role("link", name="Aller au contenu")
        assert is_focused(skip), f"{path}: the first Tab does not reach the skip link"
        assert_focus_shown(phone)
        expect(skip).to_be_in_viewport()
        box = skip.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 10, f"{path}: the skip link is not shown: {box}"
        phone.keyboard.press("Enter")
        main = phone.locator("main#contenu")
        expect(phone).to_have_url(re.compile(r"#contenu$"))
        with contextlib.suppress(AssertionError):
            expect(main).to_be_focused(timeout=2_000)
        assert is_focused(main), f"{path}: after the skip link the focus is on {phone.evaluate(DESCRIBE_ACTIVE)}"
        # The next Tab goes on inside the main content, not back to the header.
        phone.keyboard.press("Tab")
        inside = main.evaluate("(m) => m.contains(document.activeElement) && m !== document.activeElement")
        assert inside, f"{path}: after the skip link, Tab reached {phone.evaluate(DESCRIBE_ACTIVE)}"


def test_registration_and_login_with_the_keyboard_alone(new_page, jules_contract, wait_for_mail):
    page = new_page("desktop")
    goto(page, "/inscription")

    # Step 1, sent empty with Enter: the focus goes to the first field in error.
    number = page.get_by_label("Numéro adhérent")
    tab_to(page, number)
    page.keyboard.press("Enter")
    expect(page.locator("#member_number-erreur")).not_to_be_empty()
    expect(number).to_be_focused()
    page.keyboard.type(jules_contract.number)
    type_into(page, page.get_by_label("Prénom"), jules_contract.typed_first_name)
    type_into(page, page.get_by_label("Nom", exact=True), jules_contract.typed_last_name)
    # Back with Shift+Tab to the first name, then forward again to the button.
    tab_to(page, page.get_by_label("Prénom"), backwards=True)
    tab_to(page, page.get_by_role("button", name="Continuer"))
    page.keyboard.press("Enter")

    # Step 2: the contract is shown; « Continuer » with Space.
    expect(page.get_by_role("heading", name="Étape 2 sur 3")).to_be_visible()
    expect(page.get_by_text(f"{jules_contract.first_name} {jules_contract.last_name}").first).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Continuer"))
    page.keyboard.press("Space")

    # Step 3: the identifiers, the terms ticked with Space, sent with Enter.
    expect(page.get_by_role("heading", name="Étape 3 sur 3")).to_be_visible()
    type_into(page, page.get_by_label("Adresse e-mail"), JULES_EMAIL)
    type_into(page, page.get_by_label("Téléphone mobile"), "06 12 34 56 78")
    type_into(page, page.get_by_label("Mot de passe", exact=True), JULES_PASSWORD)
    type_into(page, page.get_by_label("Confirmation du mot de passe"), JULES_PASSWORD)
    terms = page.get_by_label("J'accepte les conditions d'utilisation")
    tab_to(page, terms)
    page.keyboard.press("Space")
    expect(terms).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Créer mon compte"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Votre compte est créé")).to_be_visible(timeout=30_000)

    # The confirmation link of the e-mail (opened from the mail, as a member would).
    link = link_from(wait_for_mail(JULES_EMAIL, "Confirmez votre adresse e-mail"))
    open_link(page, link, "/confirmation-email")
    expect(page.get_by_text("Votre adresse e-mail est confirmée")).to_be_visible()

    # Login: a wrong password first (refused), then the right one, sent with Enter from the field.
    goto(page, "/connexion")
    type_into(page, page.get_by_label("Adresse e-mail"), JULES_EMAIL)
    type_into(page, page.get_by_label("Mot de passe", exact=True), "Pas-Le-Bon-Mot-De-Passe-1")
    page.keyboard.press("Enter")
    expect(page.locator("#refus-connexion")).to_be_visible()
    password = page.get_by_label("Mot de passe", exact=True)
    tab_to(page, password)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(JULES_PASSWORD)
    since = mark(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_re("/mon-espace"), timeout=30_000)
    wait_hydrated(page, since, "/mon-espace")
    expect(page.get_by_text(f"Bonjour {jules_contract.first_name} {jules_contract.last_name}")).to_be_visible()


def test_a_claim_with_its_invoice_with_the_keyboard_alone(browser_type, browser_type_launch_args, portal):
    # A browser of its own, so that other tests' contexts cannot disturb the keyboard's focus.
    browser = browser_type.launch(**browser_type_launch_args)
    try:
        context = browser.new_context(base_url=portal, locale="fr-FR", **PHONE)
        context.set_default_timeout(20_000)
        page = context.new_page()
        track_hydration(page)
        file_a_claim_with_the_keyboard(page)
    finally:
        browser.close()


# Counts the activations of the page's file inputs. Headless Chromium does not always raise its file chooser
# for an input clicked from a key press (CI saw Enter click the input and no « filechooser » event), so the
# test checks what the page controls: the key opens the file input; the files are then given to that input.
COUNT_FILE_INPUT_OPENINGS = """() => {
    window.__fileInputOpenings = 0;
    document.addEventListener("click", (event) => {
        if (event.target instanceof HTMLInputElement && event.target.type === "file") {
            window.__fileInputOpenings += 1;
            event.preventDefault();
        }
    }, true);
}"""


def press_and_expect_file_input_opened(page: Page, key: str) -> None:
    before = page.evaluate("() => window.__fileInputOpenings")
    page.keyboard.press(key)
    page.wait_for_function("(before) => window.__fileInputOpenings > before", arg=before)


def file_a_claim_with_the_keyboard(page: Page) -> None:
    goto(page, "/connexion")
    type_into(page, page.get_by_label("Adresse e-mail"), CLAIRE_EMAIL)
    type_into(page, page.get_by_label("Mot de passe", exact=True), CLAIRE_PASSWORD)
    since = mark(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_re("/mon-espace"), timeout=30_000)
    wait_hydrated(page, since, "/mon-espace")

    # From Mon Espace to the claims page through its menu link, with Enter.
    claims_link = page.get_by_role("navigation", name="Mon Espace").get_by_role("link", name="Demande de remboursement")
    tab_to(page, claims_link)
    since = mark(page)
    page.keyboard.press("Enter")
    wait_hydrated(page, since, "/mon-espace/remboursements")
    expect(page.get_by_role("heading", name="Faire une demande")).to_be_visible()
    page.evaluate("() => document.activeElement?.blur()")

    # Sent empty with Enter on the button: the focus goes to the first field in error. The only possible service
    # is pre-selected (then the first error is the start date); with a choice to make, it is the service.
    service = page.get_by_label("Dossier et service")
    preselected = service.input_value() != ""
    tab_to(page, page.get_by_role("button", name="Envoyer ma demande"))
    page.keyboard.press("Enter")
    if preselected:
        expect(page.locator("#date_from-erreur")).not_to_be_empty()
        expect(page.get_by_label("Date de début de la prestation")).to_be_focused()
        assert "Aide ménagère" in service.evaluate("(s) => s.options[s.selectedIndex].text")
    else:
        expect(page.locator("#entitlement-erreur")).not_to_be_empty()
        expect(service).to_be_focused()
        # The home help, chosen with the arrows.
        for _ in range(6):
            if "Aide ménagère" in service.evaluate("(s) => s.options[s.selectedIndex]?.text ?? ''"):
                break
            page.keyboard.press("ArrowDown")
        assert "Aide ménagère" in service.evaluate("(s) => s.options[s.selectedIndex].text")

    type_date(
        page, page.get_by_label("Date de début de la prestation"), (today_in_paris() - timedelta(days=1)).isoformat()
    )
    type_into(page, page.get_by_label("Prestataire"), "Ménage au Clavier")
    type_into(page, page.get_by_label("Montant avancé (€)"), "2,50")
    type_into(page, page.get_by_label("IBAN du compte à créditer"), VALID_IBAN)
    # No « Facture / Devis » to choose: the FAQ's sentence on quotes is a notice next to the files.
    expect(page.locator("#a-savoir-devis")).to_contain_text("À savoir : ")

    # The invoice: the keyboard opens the file chooser from « Ajouter des fichiers ».
    add = page.get_by_role("button", name="Ajouter des fichiers")
    page.evaluate(COUNT_FILE_INPUT_OPENINGS)
    tab_to(page, add)
    press_and_expect_file_input_opened(page, "Enter")
    page.locator("#justificatifs input[type=file]").set_input_files(
        files=[{"name": "facture-clavier.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(page.locator("#justificatifs-choisis")).to_contain_text("facture-clavier.pdf")
    # Space opens it too (then nothing chosen: the selection stays).
    if not is_focused(add):
        tab_to(page, add)
    press_and_expect_file_input_opened(page, "Space")
    expect(page.locator("#justificatifs-choisis")).to_contain_text("facture-clavier.pdf")

    certified = page.get_by_label("Je certifie l'exactitude des informations")
    tab_to(page, certified)
    page.keyboard.press("Space")
    expect(certified).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Envoyer ma demande"))
    page.keyboard.press("Enter")
    notice = page.locator("#demande-enregistree")
    expect(notice).to_contain_text("est enregistrée", timeout=30_000)
    expect(notice).to_be_focused()
