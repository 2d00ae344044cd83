"""Accessibility of every page on main: zero axe-core violations (WCAG 2.1 A and AA) in the empty, filled and
error states, no horizontal scroll on a 360×640 phone nor on a 1280 px desktop, and, after a submit with
errors, the focus on the first field in error.

Few tests, each walking many pages (one portal build, a fast suite): the public pages on a phone and on a
desktop, the member's pages (the demo member Claire, whose demo file has school trips and home help), and
the adviser's pages (an adviser made with the operator's command, enrolled in TOTP through the UI).
"""

from __future__ import annotations

import contextlib
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .axe import assert_no_axe_violations
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_NUMBER,
    CLAIRE_PASSWORD,
    AdviserKeys,
    TestContract,
    db_value,
    enrol_second_factor,
    fill_contract_step,
    goto,
    leave_recovery_codes,
    link_from,
    login,
    mark,
    open_link,
    submit_login,
    today_in_paris,
    totp_key_shown,
    url_re,
    wait_hydrated,
)
from .test_claims import INVOICE_PDF

pytestmark = pytest.mark.e2e

# A contract of this module only (imported by the operator's command): registration steps 2 and 3.
IRIS = TestContract(
    "E2E-A11Y-001", "Iris", "Bertin", "iris", "BERTIN", "Mutuelle des Tests", "Assistance Plus", ("Léa",)
)
IRIS_CSV = (
    "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance\n"
    "E2E-A11Y-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Bertin;Iris;1984-02-03\n"
    "E2E-A11Y-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Bertin;Léa;2015-03-04\n"
)
ADVISER = AdviserKeys("accessibilite.e2e@example.fr", "Mangrove-Cerf-Volant-82")
HOME_HELP = "Aide ménagère"
VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
PDF = INVOICE_PDF  # a one-page PDF: the portal opens every invoice whole (pypdf)

# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def fits(page: Page, what: str) -> None:
    """No horizontal scroll: the document is no wider than the screen."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    assert scroll <= width, f"{what}: the page is {scroll}px wide on a {width}px screen"


# An element reached with Tab shows the focus: an outline or a ring (box-shadow) on it.
NEXT_TAB_STOP = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const shown = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || (!!style.boxShadow && style.boxShadow !== 'none');
    const name = (el.getAttribute('aria-label') || el.innerText || el.id || '').trim().slice(0, 40);
    return {key: el.outerHTML.slice(0, 200), shown, what: `${el.tagName.toLowerCase()} «${name}»`};
}"""
MAX_TAB_STOPS = 250


def every_tab_stop_shows_the_focus(page: Page, what: str) -> None:
    """Tab through the whole page, from the top: each element reached shows that it has the focus."""
    page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    seen: set[str] = set()
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(NEXT_TAB_STOP)
        if stop is None or stop["key"] in seen:
            break
        seen.add(stop["key"])
        if not stop["shown"]:
            FINDINGS.append(f"{what}: the focus is not visible on {stop['what']}")
    if len(seen) < 3:  # at least the skip link, the header's links and something of the page
        FINDINGS.append(f"{what}: Tab reached only {len(seen)} element(s)")


def check(page: Page, what: str) -> None:
    """axe (WCAG 2.1 A/AA) finds nothing and the page fits the screen."""
    expect(page.get_by_text("Chargement…", exact=True)).to_have_count(0)
    kind = f"{page.viewport_size['width']}px"
    try:
        assert_no_axe_violations(page, f"{what} ({kind})")
        fits(page, f"{what} ({kind})")
    except AssertionError as finding:
        FINDINGS.append(str(finding))


# What the checks found, all told at the end of the test (one run lists every page's problems).
FINDINGS: list[str] = []


@pytest.fixture(autouse=True)
def _findings():
    FINDINGS.clear()
    yield
    FINDINGS.clear()


def no_findings() -> None:
    assert not FINDINGS, "\n\n".join(FINDINGS)


# The first error message shown (document order) and the element that has the focus: the focused element is
# the field of that message (same id without « -erreur »), or is described by it (a radio of a group).
FOCUS_ON_FIRST_ERROR = """() => {
    const shown = [...document.querySelectorAll('[id$="-erreur"]')].filter(
        (e) => e.textContent.trim() !== '' && e.offsetParent !== null);
    if (!shown.length) return null;
    const errorId = shown[0].id, fieldId = errorId.slice(0, -'-erreur'.length);
    const active = document.activeElement;
    const describedBy = (active && active.getAttribute('aria-describedby')) || '';
    return {errorId, activeId: active ? active.id : '',
            ok: !!active && (active.id === fieldId || describedBy.split(/\\s+/).includes(errorId))};
}"""


def submit_with_errors(page: Page, button: str, what: str, scope=None) -> None:
    """Press the submit button; an error is shown, the focus is on the first field in error, axe is happy."""
    (scope or page).get_by_role("button", name=button, exact=True).click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[id$="-erreur"]')].some(
            (e) => e.textContent.trim() !== '' && e.offsetParent !== null)"""
    )
    with contextlib.suppress(PlaywrightTimeout):  # the focus script runs right after the errors are drawn
        page.wait_for_function(f"({FOCUS_ON_FIRST_ERROR})()?.ok === true", timeout=3_000)
    result = page.evaluate(FOCUS_ON_FIRST_ERROR)
    if not (result and result["ok"]):
        FINDINGS.append(f"{what}: after the errors the focus is not on the first field in error: {result}")
    check(page, what)


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


def run_cli(portal_server, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", *args],
        cwd=portal_server.app_dir,
        env=portal_server.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # getpass reads stdin only without a controlling terminal
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def iris_contract(portal_server) -> TestContract:
    contracts = portal_server.data_dir / "contrat-accessibilite-e2e.csv"
    contracts.write_text(IRIS_CSV, encoding="utf-8")
    run_cli(portal_server, "import-contracts", str(contracts))
    return IRIS


@pytest.fixture(scope="module")
def adviser_made(portal_server) -> AdviserKeys:
    password = f"{ADVISER.password}\n{ADVISER.password}\n"
    assert "créé" in run_cli(portal_server, "create-adviser", "--email", ADVISER.email, stdin=password)
    return ADVISER


# ---------------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_public_pages_have_no_axe_violation_and_fit_the_screen(new_page, kind, iris_contract, wait_for_mail):
    page = new_page(kind)

    for path in ["/", "/faq", "/inscription", "/connexion", "/mot-de-passe-oublie"]:
        goto(page, path)
        every_tab_stop_shows_the_focus(page, f"{path} ({kind})")

    goto(page, "/")
    check(page, "/")

    goto(page, "/faq")
    check(page, "/faq")
    page.get_by_label("Rechercher dans la FAQ").fill("mot de passe")
    check(page, "/faq filtered")

    # Registration, step 1: empty, errors, refused contract, then steps 2 and 3 (errors too).
    goto(page, "/inscription")
    check(page, "/inscription step 1")
    submit_with_errors(page, "Continuer", "/inscription step 1 sent empty")
    fill_contract_step(page, iris_contract, number="ZZ 999 999")
    expect(page.locator("#refus-inscription")).to_be_visible()
    check(page, "/inscription step 1 refused")
    fill_contract_step(page, iris_contract)
    expect(page.get_by_role("heading", name="Étape 2 sur 3")).to_be_visible()
    check(page, "/inscription step 2")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Étape 3 sur 3")).to_be_visible()
    check(page, "/inscription step 3")
    submit_with_errors(page, "Créer mon compte", "/inscription step 3 sent empty")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_label("Téléphone mobile").fill("12")
    page.get_by_label("Mot de passe", exact=True).fill("court")
    page.get_by_label("Confirmation du mot de passe").fill("autre")
    submit_with_errors(page, "Créer mon compte", "/inscription step 3 with bad values")

    # Login: empty, errors, refused.
    goto(page, "/connexion")
    check(page, "/connexion")
    submit_with_errors(page, "Se connecter", "/connexion sent empty")
    submit_login(page, "personne@example.org", "Mauvais-Mot-De-Passe-1")
    expect(page.locator("#refus-connexion")).to_be_visible()
    check(page, "/connexion refused")

    goto(page, "/mot-de-passe-oublie")
    check(page, "/mot-de-passe-oublie")
    submit_with_errors(page, "Recevoir le lien", "/mot-de-passe-oublie sent empty")
    page.get_by_label("Adresse e-mail").fill("personne@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("status")).to_be_visible()
    check(page, "/mot-de-passe-oublie sent")

    if kind == "desktop":  # a real link (Claire's), its form sent empty and with two different passwords
        page.get_by_label("Adresse e-mail").fill(CLAIRE_EMAIL)
        page.get_by_role("button", name="Recevoir le lien").click()
        link = link_from(wait_for_mail(CLAIRE_EMAIL, "Renouvellement de votre mot de passe"))
        open_link(page, link, "/nouveau-mot-de-passe")
        expect(page.get_by_label("Confirmation du mot de passe")).to_be_visible()
        check(page, "/nouveau-mot-de-passe")
        submit_with_errors(page, "Enregistrer le nouveau mot de passe", "/nouveau-mot-de-passe sent empty")
        page.get_by_label("Mot de passe", exact=True).fill("Horizon-Tulipe-74-Bis")
        page.get_by_label("Confirmation du mot de passe").fill("Autre-Chose-Encore-12")
        submit_with_errors(page, "Enregistrer le nouveau mot de passe", "/nouveau-mot-de-passe two passwords")

    goto(page, "/nouveau-mot-de-passe?token=lien-inconnu", "/nouveau-mot-de-passe")
    check(page, "/nouveau-mot-de-passe with an unknown link")
    goto(page, "/confirmation-email?token=lien-inconnu", "/confirmation-email")
    check(page, "/confirmation-email with an unknown link")
    goto(page, "/confirmation-email")
    check(page, "/confirmation-email without a link")
    no_findings()


# ---------------------------------------------------------------------------------------------
# Member pages (Claire)
# ---------------------------------------------------------------------------------------------


def add_address(page: Page, label: str, kind: str, number: str, street: str) -> None:
    page.get_by_role("button", name="Ajouter une adresse").click()
    page.get_by_label("Intitulé").fill(label)
    page.get_by_label("Type d'adresse").select_option(label=kind)
    page.get_by_label("Numéro").fill(number)
    page.get_by_label("Rue").fill(street)
    page.get_by_label("Code postal").fill("75011")
    expect(page.locator("#communes-proposees")).not_to_be_empty()
    page.get_by_label("Ville").fill("Paris")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("status").filter(has_text="L'adresse est ajoutée.")).to_be_visible()


def delete_address(page: Page, label: str) -> None:
    page.get_by_role("button", name=f"Supprimer l'adresse {label}").click()
    page.get_by_role("button", name="Confirmer la suppression").click()
    expect(page.get_by_role("button", name=f"Supprimer l'adresse {label}")).to_have_count(0)


def fill_claim(page: Page) -> None:
    option = page.locator("#entitlement option", has_text=HOME_HELP).first
    page.get_by_label("Dossier et service").select_option(value=option.get_attribute("value"))
    page.get_by_label("Date de début de la prestation").fill((today_in_paris() - timedelta(days=1)).isoformat())
    page.get_by_label("Prestataire").fill("Ménage Accessible")
    page.get_by_label("Montant avancé (€)").fill("1,00")
    page.get_by_label("IBAN du compte à créditer").fill(VALID_IBAN)
    page.get_by_label("Je certifie l'exactitude des informations").check()
    page.locator("#justificatifs input[type=file]").set_input_files(
        files=[{"name": "facture-accessible.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(page.locator("#justificatifs-choisis")).to_contain_text("facture-accessible.pdf")


# The claim the member's walk filed: the adviser's walk decides on it (or files its own when run alone).
FILED: dict[str, str] = {}


def file_a_claim(page: Page) -> str:
    """On Claire's claims page: fill the form (checked filled), send it; returns the reference."""
    fill_claim(page)
    check(page, "/mon-espace/remboursements filled")
    page.get_by_role("button", name="Envoyer ma demande").click()
    notice = page.locator("#demande-enregistree")
    expect(notice).to_contain_text("est enregistrée", timeout=30_000)
    FILED["reference"] = notice.locator("strong").inner_text().strip()
    return FILED["reference"]


MEMBER_PAGES = [
    "/mon-espace",
    "/mon-espace/compte",
    "/mon-espace/mot-de-passe",
    "/mon-espace/adresses",
    "/mon-espace/trajets",
    "/mon-espace/remboursements",
    "/mon-espace/rappel",
    "/mon-espace/messages",
]


def test_member_pages_have_no_axe_violation_and_fit_a_phone(new_page, portal_server):
    page = new_page("phone")
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    check(page, "/mon-espace")

    goto(page, "/mon-espace/compte")
    check(page, "/mon-espace/compte")
    page.get_by_role("button", name="Modifier").click()
    expect(page.get_by_label("Téléphone mobile")).to_be_visible()
    check(page, "/mon-espace/compte editing")
    page.get_by_label("Téléphone mobile").fill("12")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    submit_with_errors(page, "Enregistrer", "/mon-espace/compte with bad values")
    page.get_by_role("button", name="Annuler").click()

    goto(page, "/mon-espace/mot-de-passe")
    check(page, "/mon-espace/mot-de-passe")
    submit_with_errors(page, "Changer mon mot de passe", "/mon-espace/mot-de-passe sent empty")

    # Addresses: empty form with errors, then a home and a school (the trips form needs both).
    goto(page, "/mon-espace/adresses")
    check(page, "/mon-espace/adresses")
    page.get_by_role("button", name="Ajouter une adresse").click()
    check(page, "/mon-espace/adresses form")
    submit_with_errors(page, "Enregistrer l'adresse", "/mon-espace/adresses sent empty")
    page.get_by_role("button", name="Annuler").click()
    add_address(page, "Maison A11y", "Domicile", "3", "rue Oberkampf")
    add_address(page, "École A11y", "École primaire", "7", "rue de la Roquette")
    check(page, "/mon-espace/adresses filled")
    page.get_by_role("button", name="Supprimer l'adresse Maison A11y").click()
    check(page, "/mon-espace/adresses asking to delete")
    page.get_by_role("button", name="Ne pas supprimer").click()

    goto(page, "/mon-espace/trajets")
    expect(page.get_by_role("heading", name="Planifier des trajets")).to_be_visible()
    check(page, "/mon-espace/trajets")
    page.get_by_label("Du", exact=True).fill("")
    page.get_by_label("Au", exact=True).fill("")
    submit_with_errors(page, "Voir les dates", "/mon-espace/trajets sent without dates")
    monday = today_in_paris() + timedelta(days=7 - today_in_paris().weekday())
    page.get_by_label("Heure de prise en charge à l'aller").fill("08:00")
    page.get_by_label("Heure de prise en charge au retour").fill("16:30")
    page.get_by_label("Du", exact=True).fill((monday + timedelta(days=7)).isoformat())
    page.get_by_label("Au", exact=True).fill((monday + timedelta(days=11)).isoformat())
    page.get_by_role("button", name="Voir les dates").click()
    expect(page.get_by_role("region", name="Dates à réserver")).to_be_visible()
    check(page, "/mon-espace/trajets dates to book")

    # Claims: the form sent empty, then a claim filed, then its own page.
    goto(page, "/mon-espace/remboursements")
    check(page, "/mon-espace/remboursements")
    submit_with_errors(page, "Envoyer ma demande", "/mon-espace/remboursements sent empty")
    reference = file_a_claim(page)
    check(page, "/mon-espace/remboursements sent")
    goto(page, f"/mon-espace/remboursements/demande?ref={reference}", "/mon-espace/remboursements/demande")
    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    check(page, "/mon-espace/remboursements/demande")
    goto(page, "/mon-espace/remboursements/demande?ref=RB-0000-000000", "/mon-espace/remboursements/demande")
    check(page, "/mon-espace/remboursements/demande unknown")

    # The same pages, filled, on a desktop.
    desktop = new_page("desktop")
    login(desktop, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    for path in [*MEMBER_PAGES[1:], f"/mon-espace/remboursements/demande?ref={reference}"]:
        goto(desktop, path, path.split("?")[0])
        check(desktop, path)
        every_tab_stop_shows_the_focus(desktop, path)

    # Claire's addresses go away again (other tests expect her without).
    goto(page, "/mon-espace/adresses")
    delete_address(page, "Maison A11y")
    delete_address(page, "École A11y")
    no_findings()


# ---------------------------------------------------------------------------------------------
# Adviser pages
# ---------------------------------------------------------------------------------------------


def adviser_logs_in_checking_each_step(page: Page, keys: AdviserKeys) -> None:
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, keys.email, keys.password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    wait_hydrated(page, since, "/connexion/verification")
    expect(page.get_by_label("Code de vérification")).to_be_visible()
    check(page, "/connexion/verification enrolment")
    keys.secret = totp_key_shown(page)
    page.get_by_label("Code de vérification").fill(keys.wrong_code())
    submit_with_errors(page, "Activer et continuer", "/connexion/verification wrong code")
    keys.secret = ""
    enrol_second_factor(page, keys)
    check(page, "/connexion/verification recovery codes")
    since = mark(page)
    leave_recovery_codes(page)
    expect(page).to_have_url(url_re("/conseiller"))
    wait_hydrated(page, since, "/conseiller")


ADVISER_PAGES = [
    "/conseiller",
    "/conseiller/trajets",
    "/conseiller/remboursements",
    "/conseiller/rappels",
    "/conseiller/import",
    "/conseiller/journal",
    "/conseiller/messages",
]


def test_adviser_pages_have_no_axe_violation_and_fit_the_screen(new_page, portal_server, adviser_made):
    db = portal_server.db_path
    page = new_page("phone")
    adviser_logs_in_checking_each_step(page, adviser_made)
    check(page, "/conseiller")
    submit_with_errors(page, "Rechercher", "/conseiller sent empty")
    page.get_by_label("Rechercher un membre ou un contrat").fill("Martin")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("list", name="Résultats")).to_be_visible()
    check(page, "/conseiller with results")

    contract = db_value(db, "SELECT id FROM contract WHERE member_number_key = ?", CLAIRE_NUMBER.replace(" ", ""))
    goto(page, f"/conseiller/contrat?id={contract}", "/conseiller/contrat")
    expect(page.get_by_role("heading", name="Dossiers d'assistance")).to_be_visible()
    check(page, "/conseiller/contrat")
    submit_with_errors(page, "Ouvrir le dossier", "/conseiller/contrat open file sent empty")
    page.get_by_role("button", name="Modifier le droit").first.click()
    page.get_by_label("Quantité accordée").fill("beaucoup")
    submit_with_errors(page, "Enregistrer le droit", "/conseiller/contrat entitlement with a bad quantity")
    goto(page, "/conseiller/contrat?id=999999", "/conseiller/contrat")
    check(page, "/conseiller/contrat unknown")

    goto(page, "/conseiller/trajets")
    check(page, "/conseiller/trajets")
    page.get_by_label("Jour").fill("")
    submit_with_errors(page, "Afficher", "/conseiller/trajets without a day")

    goto(page, "/conseiller/remboursements")
    check(page, "/conseiller/remboursements")
    page.get_by_label("Déposées depuis plus de (jours)").fill("beaucoup")
    submit_with_errors(page, "Filtrer", "/conseiller/remboursements with a bad age")

    # A claim of Claire's: taken, decisions sent with errors, then documents asked for.
    member = new_page("phone")
    login(member, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    reference = FILED.get("reference")
    if not reference:
        goto(member, "/mon-espace/remboursements")
        reference = file_a_claim(member)
    goto(page, f"/conseiller/remboursements/demande?ref={reference}", "/conseiller/remboursements/demande")
    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    check(page, "/conseiller/remboursements/demande")
    page.get_by_role("button", name="Prendre en charge").click()
    expect(page.locator("#decision-prise")).to_be_visible()
    check(page, "/conseiller/remboursements/demande taken")
    refuse, accept, ask = (page.locator(f"#form-{name}") for name in ("refuser", "accepter", "pieces"))
    submit_with_errors(page, "Refuser", "/conseiller/remboursements/demande refused without reason", refuse)
    accept.get_by_label("Montant accepté (€)").fill("beaucoup")
    submit_with_errors(page, "Accepter", "/conseiller/remboursements/demande bad amount", accept)
    submit_with_errors(page, "Demander des pièces", "/conseiller/remboursements/demande no message", ask)
    ask.get_by_label("Message au membre").fill("La facture acquittée, s'il vous plaît.")
    ask.get_by_role("button", name="Demander des pièces").click()
    expect(ask).to_have_count(0)
    check(page, "/conseiller/remboursements/demande documents asked")

    # The member's side: the claim asks for documents (a file picker); sent without a file, refused.
    goto(member, f"/mon-espace/remboursements/demande?ref={reference}", "/mon-espace/remboursements/demande")
    expect(member.get_by_role("heading", name="Ajouter des pièces")).to_be_visible()
    check(member, "/mon-espace/remboursements/demande documents asked")
    submit_with_errors(member, "Envoyer les pièces", "/mon-espace/remboursements/demande documents without a file")

    goto(page, "/conseiller/import")
    check(page, "/conseiller/import")
    page.locator("#contrats input[type=file]").set_input_files(
        files=[{"name": "contrats.csv", "mimeType": "text/csv", "buffer": b"numero_adherent;assureur\nX;Y\n"}]
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#rapport-import")).to_contain_text("Fichier refusé")
    check(page, "/conseiller/import refused")

    goto(page, "/conseiller/journal")
    check(page, "/conseiller/journal")
    page.get_by_label("Membre (adresse e-mail)").fill("personne@example.org")
    submit_with_errors(page, "Filtrer", "/conseiller/journal unknown member")

    # Every page again on a desktop, filled.
    desktop = new_page("desktop")
    desktop.context.add_cookies(page.context.cookies())
    for path in [*ADVISER_PAGES, f"/conseiller/contrat?id={contract}"]:
        goto(desktop, path, path.split("?")[0])
        check(desktop, path)
        every_tab_stop_shows_the_focus(desktop, path)
    no_findings()
