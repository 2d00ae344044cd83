"""Reimbursement requests in the browser (issue 5): a member files a claim with two real files and
follows it, a quote and an HTML file named .pdf are refused with their reason, an adviser accepts the
claim and the member sees it (timeline and e-mail), and invoice downloads reach only their owner.

The claims are made against the demo member's home help (AS-2026-000001, 500 € from 3 days ago), for
small amounts, and every check names its own reference: the tests do not depend on their order. The
adviser is made with the operator's command and enrols TOTP through the UI (codes from pyotp); the
other member imports a contract of their own and registers through the UI.
"""

from __future__ import annotations

import re
import sqlite3
import struct
import subprocess
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyotp
import pytest
from playwright.sync_api import Page, expect

from .conftest import DESKTOP, REPO_ROOT
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_PASSWORD,
    TestContract,
    confirm_email,
    goto,
    leave_recovery_codes,
    login,
    mail_body,
    mark,
    register,
    session_cookie,
    submit_login,
    totp_key_shown,
    track_hydration,
    url_re,
    wait_hydrated,
)

pytestmark = pytest.mark.e2e

CLAIMS_PAGE = "/mon-espace/remboursements"
REFERENCE = re.compile(r"RB-\d{4}-\d{6}")
HOME_HELP = "AS-2026-000001 — Aide ménagère"
VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"
# The FAQ's sentences, typed here (typography corrected: « », « quelle que »).
FAQ_QUOTES = (
    "Ce service « Demande de remboursement » ne prend pas en charge la gestion des devis quelle que soit la nature "
    "de ceux-ci. Vous devez réaliser ces demandes directement sur votre espace personnel de mutuelle ou d'assurance."
)
FAQ_SCOPE_START = (
    "Le service « Demande de remboursement » ne concerne pas les frais de santé tels que le dentaire, l'optique ou "
    "les frais d'hôpitaux"
)
ADVISER_EMAIL, ADVISER_PASSWORD = "remboursements.e2e@example.fr", "Gazelle-Trombone-Abricot-71"
# The member who must never see Claire's claims (own contract, imported by the module fixture).
HELENE = TestContract(
    "E2E-950-001", "Hélène", "Dubois", "helene", "DUBOIS", "Mutuelle des Remboursements", "Assistance Plus", ()
)
HELENE_EMAIL, HELENE_PASSWORD = "helene.dubois@example.org", "Tortue-Zephyr-Carillon-39"
HELENE_CSV = (
    "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance\n"
    "E2E-950-001;Mutuelle des Remboursements;ASSISTANCE_PLUS;2025-01-01;;adherent;Dubois;Hélène;1983-05-06\n"
)

# ---------------------------------------------------------------------------------------------
# Real files, made byte by byte
# ---------------------------------------------------------------------------------------------


def pdf(text: str = "Facture 2026-117 : aide menagere, 6 heures") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    content = b"BT /F1 12 Tf 20 100 Td (" + text.encode("latin-1") + b") Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def png(width: int = 60, height: int = 40) -> bytes:
    """An orange picture (a photo of the invoice, say), with its CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + b"\xff\x80\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert('facture')</script>Facture</body></html>\n"
INVOICE_PDF = pdf()
INVOICE_PNG = png()

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def yesterday_in_paris() -> str:
    return (datetime.now(ZoneInfo("Europe/Paris")).date() - timedelta(days=1)).isoformat()


def db_rows(db_path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return connection.execute(sql, args).fetchall()


def claim_count(db_path: Path) -> int:
    return db_rows(db_path, "SELECT COUNT(*) FROM claim")[0][0]


def app_dir(portal_server) -> Path:
    return getattr(portal_server, "app_dir", REPO_ROOT)


def add_files(page: Page, upload_id: str, *files: tuple[str, str, bytes]) -> None:
    """Choose files one at a time, as a phone user adds photos: each joins the selection."""
    for name, mime, content in files:
        page.locator(f"#{upload_id} input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": content}]
        )
        expect(page.locator(f"#{upload_id}-choisis")).to_contain_text(name)


def fill_claim(
    page: Page,
    *,
    provider: str = "Ménage Services 31",
    amount: str = "42,50",
    files: tuple[tuple[str, str, bytes], ...] = (("facture-aide-menagere.pdf", "application/pdf", INVOICE_PDF),),
) -> None:
    option = page.locator("#entitlement option", has_text=HOME_HELP).first
    page.get_by_label("Dossier et service").select_option(value=option.get_attribute("value"))
    page.get_by_label("Date de début de la prestation").fill(yesterday_in_paris())
    page.get_by_label("Prestataire").fill(provider)
    page.get_by_label("Montant avancé (€)").fill(amount)
    page.get_by_label("IBAN du compte à créditer").fill(VALID_IBAN)
    page.get_by_label("Je certifie l'exactitude des informations").check()
    add_files(page, "justificatifs", *files)


def send(page: Page) -> None:
    page.get_by_role("button", name="Envoyer ma demande").click()


def file_claim(page: Page, **fields) -> str:
    """Fill and send the form; returns the reference shown to the member."""
    fill_claim(page, **fields)
    send(page)
    notice = page.locator("#demande-enregistree")
    expect(notice).to_contain_text("est enregistrée", timeout=30_000)
    match = REFERENCE.search(notice.inner_text())
    assert match, notice.inner_text()
    return match.group(0)


def open_claims_page(page: Page) -> None:
    goto(page, CLAIMS_PAGE)
    expect(page.get_by_role("heading", name="Faire une demande")).to_be_visible()


def open_claim(page: Page, reference: str) -> None:
    goto(page, f"{CLAIMS_PAGE}/demande?ref={reference}", expect_path=f"{CLAIMS_PAGE}/demande")
    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()


def claire(new_page, kind: str = "desktop") -> Page:
    page = new_page(kind)
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    open_claims_page(page)
    return page


# ---------------------------------------------------------------------------------------------
# Fixtures: an adviser enrolled through the UI, another member registered through the UI
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def adviser_cookie(browser, portal, portal_server) -> str:
    """`create-adviser` (password typed twice on stdin), then login, TOTP enrolment, the session cookie."""
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "create-adviser", "--email", ADVISER_EMAIL],
        cwd=app_dir(portal_server),
        env=portal_server.env,
        input=f"{ADVISER_PASSWORD}\n{ADVISER_PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # getpass reads stdin only without a controlling terminal
    )
    assert result.returncode == 0, result.stdout + result.stderr
    context = browser.new_context(base_url=portal, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        track_hydration(page)
        goto(page, "/connexion")
        since = mark(page)
        submit_login(page, ADVISER_EMAIL, ADVISER_PASSWORD)
        expect(page).to_have_url(url_re("/connexion/verification"))
        wait_hydrated(page, since, "/connexion/verification")
        secret = totp_key_shown(page)
        page.get_by_label("Code de vérification").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Activer et continuer").click()
        since = mark(page)
        leave_recovery_codes(page)
        expect(page).to_have_url(url_re("/conseiller"))
        wait_hydrated(page, since, "/conseiller")
        cookie = session_cookie(page)
        assert cookie and cookie["value"], "no session cookie after the adviser's login"
        return cookie["value"]
    finally:
        context.close()


@pytest.fixture
def adviser(new_page, portal, adviser_cookie):
    def make(kind: str = "desktop") -> Page:
        page = new_page(kind)
        page.context.add_cookies([{"name": "ea_session", "value": adviser_cookie, "url": portal, "sameSite": "Strict"}])
        return page

    return make


@pytest.fixture(scope="module")
def helene_cookie(browser, portal, portal_server, wait_for_mail) -> str:
    """Another member: her own contract (operator's import), registered and confirmed through the UI."""
    contracts = portal_server.data_dir / "contrat-remboursements-e2e.csv"
    contracts.write_text(HELENE_CSV, encoding="utf-8")
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "import-contracts", str(contracts)],
        cwd=app_dir(portal_server),
        env=portal_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    context = browser.new_context(base_url=portal, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        track_hydration(page)
        register(page, HELENE, HELENE_EMAIL, HELENE_PASSWORD)
        confirm_email(page, wait_for_mail, HELENE_EMAIL)
        login(page, HELENE_EMAIL, HELENE_PASSWORD)
        cookie = session_cookie(page)
        assert cookie and cookie["value"]
        return cookie["value"]
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# The member
# ---------------------------------------------------------------------------------------------


def test_member_files_a_claim_with_two_files_and_follows_it(new_page, portal_server, wait_for_mail):
    db = portal_server.db_path
    page = claire(new_page, "phone")

    # The scope first, in the FAQ's words; the sentence on quotes is a notice next to the files.
    scope = page.locator("section").filter(has=page.get_by_role("heading", name="Ce que ce service rembourse"))
    expect(scope).to_contain_text(FAQ_SCOPE_START)
    expect(page.locator("#a-savoir-devis")).to_have_text(f"À savoir : {FAQ_QUOTES}")
    # The only service of the only open file is already chosen (the placeholder and one choice).
    if page.locator("#entitlement option").count() == 2:
        expect(page.locator("#entitlement option:checked")).to_contain_text(HOME_HELP)

    # Two files, chosen one after the other, listed with name and size before sending.
    fill_claim(
        page,
        provider="Ménage Services 31",
        amount="64,80",
        files=(
            ("facture-aide-menagere.pdf", "application/pdf", INVOICE_PDF),
            ("photo-facture.png", "image/png", INVOICE_PNG),
        ),
    )
    chosen = page.locator("#justificatifs-choisis li")
    expect(chosen).to_have_count(2)
    expect(chosen.nth(0)).to_contain_text("facture-aide-menagere.pdf — 1 Ko")
    expect(chosen.nth(1)).to_contain_text("photo-facture.png — 1 Ko")
    before = claim_count(db)
    send(page)

    notice = page.locator("#demande-enregistree")
    expect(notice).to_contain_text(re.compile(r"Votre demande RB-\d{4}-\d{6} est enregistrée"), timeout=30_000)
    reference = REFERENCE.search(notice.inner_text()).group(0)
    assert claim_count(db) == before + 1
    assert db_rows(
        db,
        "SELECT f.filename, f.content_type, f.size_bytes FROM claimfile f JOIN claim c ON c.id = f.claim_id "
        "WHERE c.reference = ? ORDER BY f.id",
        reference,
    ) == [
        ("facture-aide-menagere.pdf", "application/pdf", len(INVOICE_PDF)),
        ("photo-facture.png", "image/png", len(INVOICE_PNG)),
    ]
    # The form is empty again, the files unselected; the claim heads the member's list.
    expect(page.get_by_label("Prestataire")).to_have_value("")
    expect(chosen).to_have_count(0)
    line = page.locator("#mes-demandes li").filter(has_text=reference)
    expect(line).to_contain_text("Aide ménagère · 64,80 € · déposée")

    # The acknowledgement by e-mail.
    mail = wait_for_mail(CLAIRE_EMAIL, f"Demande de remboursement {reference} reçue")
    body = mail_body(mail)
    assert "64,80 €" in body and "sur le compte se terminant par 0189" in body
    assert f"{CLAIMS_PAGE}/demande?ref={reference}" in body

    # The claim's page: summary with the IBAN masked, dated timeline, the two files.
    since = mark(page)
    line.get_by_role("link", name=reference).click()
    wait_hydrated(page, since, f"{CLAIMS_PAGE}/demande")
    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Ménage Services 31")
    expect(main).to_contain_text("FR76 •••• •••• •••• 0189")
    assert "3000 6000 0112" not in main.inner_text()
    steps = page.get_by_role("list", name="Étapes de la demande").locator("li")
    expect(steps).to_have_count(4)
    expect(page.locator("#etapes [aria-current=step]")).to_contain_text("Déposée")
    expect(steps.nth(1)).to_contain_text("examen sous 5 jours ouvrés")
    expect(page.locator("#suivi li")).to_have_count(1)
    expect(page.locator("#suivi li").first).to_contain_text(
        re.compile(r"Vous avez déposé la demande\. — \S+ \d{1,2}(er)? \S+ \d{4} à")
    )
    # Readable on a 360 px phone: nothing wider than the screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
    links = page.locator("#justificatifs-envoyes a")
    expect(links).to_have_text(["facture-aide-menagere.pdf", "photo-facture.png"])
    page.screenshot(path=str(portal_server.data_dir / "claim-phone.png"), full_page=True)


def test_a_quote_is_explained_by_a_notice_and_a_forged_one_refused(new_page, portal_server):
    db = portal_server.db_path
    page = claire(new_page, "phone")
    # No « Facture / Devis » choice that only leads to a refusal: the FAQ's sentence sits by the files.
    expect(page.get_by_role("group", name="Type de document")).to_have_count(0)
    expect(page.get_by_label("Devis", exact=True)).to_have_count(0)
    expect(page.locator("#a-savoir-devis")).to_have_text(f"À savoir : {FAQ_QUOTES}")
    fill_claim(page, provider="Devis Ménage Plus")
    # A forged form saying « devis » is still refused by the domain, with the same sentence.
    page.locator("input[name=document_kind]").evaluate("(input) => { input.value = 'devis'; }")
    before = claim_count(db)
    send(page)

    error = page.locator("#document_kind-erreur")
    expect(error).to_have_text(FAQ_QUOTES)
    expect(error).to_have_attribute("role", "alert")
    expect(page.locator("#document_kind")).to_be_focused()
    assert claim_count(db) == before
    expect(page.get_by_label("Prestataire")).to_have_value("Devis Ménage Plus")
    expect(page.locator("#justificatifs-choisis li")).to_have_count(1)


def test_an_html_file_named_pdf_is_refused_with_the_reason(new_page, portal_server):
    db = portal_server.db_path
    page = claire(new_page, "desktop")
    fill_claim(page, files=(("facture.pdf", "application/pdf", HTML_PAGE),))
    before = claim_count(db)
    send(page)

    error = page.locator("#files-erreur")
    expect(error).to_have_text("« facture.pdf » n'est pas un fichier PDF, JPEG ou PNG (son contenu ne correspond pas).")
    expect(page.get_by_role("button", name="Ajouter des fichiers")).to_be_focused()
    expect(page.get_by_role("button", name="Ajouter des fichiers")).to_have_attribute("aria-invalid", "true")
    assert claim_count(db) == before
    assert db_rows(db, "SELECT COUNT(*) FROM claimfile WHERE filename = 'facture.pdf'")[0][0] == 0

    # The member removes it, adds the real invoice: the claim goes through.
    page.get_by_role("button", name="Retirer facture.pdf").click()
    add_files(page, "justificatifs", ("facture-corrigee.pdf", "application/pdf", INVOICE_PDF))
    expect(page.locator("#justificatifs-choisis li")).to_have_count(1)
    send(page)
    expect(page.locator("#demande-enregistree")).to_contain_text("est enregistrée", timeout=30_000)
    assert claim_count(db) == before + 1


def test_a_double_click_files_one_claim(new_page, portal_server):
    db = portal_server.db_path
    page = claire(new_page, "desktop")
    fill_claim(page, provider="Double Clic Services", amount="12,00")
    before = claim_count(db)
    page.get_by_role("button", name="Envoyer ma demande").dblclick()
    expect(page.locator("#demande-enregistree")).to_contain_text("est enregistrée", timeout=30_000)
    page.wait_for_timeout(1_500)
    assert claim_count(db) == before + 1
    assert db_rows(db, "SELECT COUNT(*) FROM claim WHERE provider = 'Double Clic Services'")[0][0] == 1


# ---------------------------------------------------------------------------------------------
# The adviser
# ---------------------------------------------------------------------------------------------


def test_adviser_accepts_and_the_member_sees_it(new_page, adviser, portal_server, wait_for_mail):
    db = portal_server.db_path
    member = claire(new_page, "desktop")
    reference = file_claim(member, provider="Aide à Domicile Garonne", amount="88,00")
    wait_for_mail(CLAIRE_EMAIL, f"Demande de remboursement {reference} reçue")

    # The queue, filtered on « déposée », links to the claim.
    page = adviser("desktop")
    goto(page, "/conseiller/remboursements")
    expect(page.get_by_role("heading", name="Demandes de remboursement", level=1)).to_be_visible()
    page.get_by_label("Statut").select_option("submitted")
    page.get_by_role("button", name="Filtrer").click()
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text("Claire Martin")
    expect(row).to_contain_text("88,00 €")
    expect(row).to_contain_text("déposée")
    since = mark(page)
    row.get_by_role("link", name=reference).click()
    wait_hydrated(page, since, "/conseiller/remboursements/demande")

    # The claim: member, file, what the entitlement allows, documents, history.
    main = page.locator("main")
    expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    expect(main).to_contain_text("Claire Martin")
    expect(main).to_contain_text("AS-2026-000001")
    expect(main).to_contain_text("Reste sur le droit")
    expect(page.locator("#justificatifs-envoyes a")).to_have_text(["facture-aide-menagere.pdf"])

    # Accept more than requested: refused next to the field; then the requested amount (the default).
    amount = page.get_by_label("Montant accepté (€)")
    expect(amount).to_have_value("88,00")
    amount.fill("95,00")
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(page.locator("#amount-erreur")).to_contain_text("ne peut pas dépasser 88,00 €")
    amount.fill("80,00")
    # « Accepter » asks first, with the amount and the member's name; « Revenir à la demande » changes nothing.
    page.get_by_role("button", name="Accepter", exact=True).click()
    question = f"Accepter la demande {reference} de Claire Martin pour 80,00 € ?"
    confirmation = page.get_by_role("group", name=question)
    expect(confirmation).to_be_focused()
    expect(confirmation).to_contain_text(question)
    expect(page.get_by_role("button", name="Accepter", exact=True)).to_be_hidden()
    confirmation.get_by_role("button", name="Revenir à la demande").click()
    expect(confirmation).to_have_count(0)
    expect(amount).to_have_value("80,00")
    assert db_rows(db, "SELECT status FROM claim WHERE reference = ?", reference) == [("submitted",)]
    page.get_by_role("button", name="Accepter", exact=True).click()
    page.get_by_role("group", name=question).get_by_role("button", name="Oui, accepter").click()
    expect(page.locator("#decision-prise")).to_have_text(f"Demande {reference} : acceptée.")
    expect(main).to_contain_text("Montant accepté")
    expect(page.locator("#suivi li").last).to_contain_text("acceptée")
    expect(page.get_by_role("button", name="Marquer comme payée")).to_be_visible()
    assert db_rows(db, "SELECT status, accepted_amount_cents FROM claim WHERE reference = ?", reference) == [
        ("accepted", 8000)
    ]

    # The member: « acceptée » in the timeline, the accepted amount, and the e-mail.
    mail = wait_for_mail(CLAIRE_EMAIL, f"Demande de remboursement {reference} : acceptée")
    body = mail_body(mail)
    assert "80,00 €" in str(mail["Subject"]) + body
    assert "sur le compte se terminant par 0189" in body and f"{CLAIMS_PAGE}/demande?ref={reference}" in body
    open_claim(member, reference)
    expect(member.locator("#suivi li").last).to_contain_text("Demande acceptée pour 80,00 €.")
    expect(member.locator("#etapes [aria-current=step]")).to_contain_text("Acceptée")
    expect(member.locator("main")).to_contain_text("Montant accepté")
    expect(member.locator("main")).to_contain_text("80,00 €")

    # Paid: the last step.
    page.get_by_role("button", name="Marquer comme payée").click()
    paid = page.get_by_role("group", name=f"Marquer comme payée la demande {reference} de Claire Martin pour 80,00 € ?")
    paid.get_by_role("button", name="Oui, marquer comme payée").click()
    expect(page.locator("#decision-prise")).to_have_text(f"Demande {reference} : payée.")
    wait_for_mail(CLAIRE_EMAIL, f"Demande de remboursement {reference} : payée")
    actions = [a for (a,) in db_rows(db, "SELECT action FROM auditevent WHERE detail LIKE ?", f"{reference}%")]
    assert actions.count("claim_decided") == 2 and "claim_viewed" in actions


def test_documents_asked_for_come_above_the_upload_box(new_page, adviser, portal_server, wait_for_mail):
    member = claire(new_page, "phone")
    reference = file_claim(member, provider="Ménage Pièces", amount="12,00")
    page = adviser("desktop")
    goto(page, f"/conseiller/remboursements/demande?ref={reference}", "/conseiller/remboursements/demande")
    ask = page.locator("#form-pieces")
    ask.get_by_label("Message au membre").fill("La facture acquittée, s'il vous plaît.")
    ask.get_by_role("button", name="Demander des pièces").click()
    expect(ask).to_have_count(0)
    mail = wait_for_mail(CLAIRE_EMAIL, f"Demande de remboursement {reference} : pièces demandées")
    assert f"{CLAIMS_PAGE}/demande?ref={reference}" in mail_body(mail)

    # The member reads the adviser's request first, then chooses the files (on a 360 px phone).
    open_claim(member, reference)
    request = member.locator("#demande-de-pieces")
    expect(request).to_contain_text("La facture acquittée, s'il vous plaît.")
    asked, upload_box = request.bounding_box(), member.locator("#pieces").bounding_box()
    assert asked["y"] + asked["height"] <= upload_box["y"]
    expect(member.locator("#etapes [aria-current=step]")).to_contain_text("Pièces demandées")
    add_files(member, "pieces", ("acquittee.pdf", "application/pdf", INVOICE_PDF))
    member.get_by_role("button", name="Envoyer les pièces").click()

    # The history in the member's words.
    expect(member.locator("#suivi li").last).to_contain_text("Vous avez ajouté 1 document.")
    expect(member.locator("#suivi")).to_contain_text("Un conseiller a demandé des pièces : La facture acquittée")
    expect(request).to_have_count(0)
    expect(member.locator("#etapes [aria-current=step]")).to_contain_text("En cours d'examen")


ALREADY_HANDLED = "Entre-temps, un autre conseiller a traité cette demande : votre décision n'a pas été enregistrée."


def test_a_second_adviser_acting_on_a_stale_page_is_told(new_page, adviser, portal_server):
    db = portal_server.db_path
    member = claire(new_page, "desktop")
    reference = file_claim(member, provider="Services Concurrents", amount="15,00")
    first, second = adviser("desktop"), adviser("desktop")
    for page in (first, second):
        goto(page, f"/conseiller/remboursements/demande?ref={reference}", "/conseiller/remboursements/demande")
        expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    # A fresh tab holding only the cookie: the header knows the adviser.
    header = second.get_by_role("navigation", name="Navigation principale")
    expect(header.get_by_role("link", name="Espace conseiller")).to_be_visible()
    first.get_by_role("button", name="Prendre en charge").click()
    expect(first.locator("#decision-prise")).to_have_text(f"Demande {reference} : en cours.")
    second.get_by_label("Motif du refus").select_option("devis")
    second.get_by_role("button", name="Refuser").click()
    # Refused at the question already; the claim is reloaded with the other adviser's step in it.
    expect(second.locator("#decision")).to_contain_text(ALREADY_HANDLED)
    expect(second.locator("#decision")).to_have_attribute("role", "alert")
    expect(second.locator("#suivi li").last).to_contain_text("en cours")
    assert db_rows(db, "SELECT status FROM claim WHERE reference = ?", reference) == [("in_progress",)]


def test_two_advisers_deciding_the_same_claim(new_page, adviser, portal_server):
    """Both ask to decide; the first confirms; the second's « Oui, refuser » is refused and shows the acceptance."""
    db = portal_server.db_path
    member = claire(new_page, "desktop")
    reference = file_claim(member, provider="Deux Conseillers Services", amount="42,00")
    first, second = adviser("desktop"), adviser("desktop")
    for page in (first, second):
        goto(page, f"/conseiller/remboursements/demande?ref={reference}", "/conseiller/remboursements/demande")
        expect(page.get_by_role("heading", name=f"Demande {reference}")).to_be_visible()
    first.get_by_role("button", name="Accepter", exact=True).click()
    accept = first.get_by_role("group", name=f"Accepter la demande {reference} de Claire Martin pour 42,00 € ?")
    second.get_by_label("Motif du refus").select_option("illisible")
    second.get_by_role("button", name="Refuser").click()
    refuse = second.get_by_role("group", name=f"Refuser la demande {reference} de Claire Martin pour 42,00 € ?")
    expect(refuse).to_be_visible()

    accept.get_by_role("button", name="Oui, accepter").click()
    expect(first.locator("#decision-prise")).to_have_text(f"Demande {reference} : acceptée.")
    refuse.get_by_role("button", name="Oui, refuser").click()

    expect(second.locator("#decision")).to_contain_text(ALREADY_HANDLED)
    expect(second.locator("#suivi li").last).to_contain_text("acceptée")
    expect(second.get_by_role("button", name="Marquer comme payée")).to_be_visible()
    expect(second.get_by_role("button", name="Refuser", exact=True)).to_have_count(0)
    assert db_rows(db, "SELECT status, accepted_amount_cents FROM claim WHERE reference = ?", reference) == [
        ("accepted", 4200)
    ]
    decided = db_rows(
        db, "SELECT COUNT(*) FROM auditevent WHERE action = 'claim_decided' AND detail LIKE ?", reference + "%"
    )
    assert decided == [(1,)]


# ---------------------------------------------------------------------------------------------
# Downloads and other members
# ---------------------------------------------------------------------------------------------


def test_download_gives_the_file_to_its_owner_and_404_to_anyone_else(new_page, portal_server, helene_cookie):
    member = claire(new_page, "desktop")
    reference = file_claim(member, provider="Téléchargements Services", amount="10,00")
    open_claim(member, reference)
    href = member.locator("#justificatifs-envoyes a").first.get_attribute("href")
    assert re.fullmatch(r"/telechargement/justificatif/\d+", href or ""), href

    response = member.context.request.get(href)
    assert response.status == 200
    assert response.body() == INVOICE_PDF
    headers = response.headers
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == "attachment; filename*=UTF-8''facture-aide-menagere.pdf"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"

    # Another member: 404, as for a file that does not exist; and her page says « introuvable ».
    other = new_page("desktop")
    other.context.add_cookies(
        [{"name": "ea_session", "value": helene_cookie, "url": portal_server.base_url, "sameSite": "Strict"}]
    )
    refused = other.context.request.get(href)
    assert refused.status == 404
    assert refused.body() == other.context.request.get("/telechargement/justificatif/999999999").body()
    assert b"%PDF" not in refused.body()
    goto(other, f"{CLAIMS_PAGE}/demande?ref={reference}", f"{CLAIMS_PAGE}/demande")
    expect(other.locator("main")).to_contain_text("Demande introuvable.")
    assert "Téléchargements Services" not in other.content()
    goto(other, CLAIMS_PAGE)
    expect(other.locator("main")).not_to_contain_text(reference)
    # Helene has no file granting a reimbursable service: the form explains where it comes from.
    expect(other.locator("#aucun-service")).to_contain_text("accordé dans un dossier d'assistance par un conseiller")

    # Nobody logged in: 404 too.
    anonymous = new_page("desktop")
    assert anonymous.context.request.get(href).status == 404
