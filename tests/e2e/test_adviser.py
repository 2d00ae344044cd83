"""The adviser back-office (issue 3): TOTP enrolment and every login's code, finding a member and
reading their file, opening an assistance file and editing its entitlements, the member seeing what
remains, the audit trail, the contract import from the browser, and members kept out of it all.

The TOTP codes are computed with pyotp from the key shown at enrolment, as an authenticator app
would. Apart from the enrolment test (the demo adviser), the tests share the session of a second
adviser made with the operator's command `create-adviser`, so they do not depend on their order.
"""

from __future__ import annotations

import re
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import DESKTOP
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_NUMBER,
    CLAIRE_PASSWORD,
    CODES_KEPT,
    DEMO_ADVISER_EMAIL,
    DEMO_ADVISER_PASSWORD,
    GAELLE,
    AdviserKeys,
    adviser_log_in,
    click_log_out,
    confirm_email,
    day_date,
    db_rows,
    db_value,
    goto,
    leave_recovery_codes,
    login,
    long_date,
    mark,
    register,
    session_cookie,
    settle,
    submit_code,
    submit_login,
    today_in_paris,
    totp_key_shown,
    track_hydration,
    url_re,
    wait_hydrated,
)

pytestmark = pytest.mark.e2e

BAD_CODE = "Code incorrect ou expiré."
# Made by the module fixture with the operator's command; its session serves every test but the first.
BACK_OFFICE = AdviserKeys("conseillere.e2e@example.fr", "Boussole-Hibiscus-64")
GAELLE_EMAIL, GAELLE_PASSWORD = "gaelle.roux@example.org", "Pelican-Grenade-Violon-36"
NO_FILE_TEXT = (
    "Vous n'avez pas de dossier d'assistance en cours. Après une hospitalisation, une immobilisation ou une "
    "naissance, appelez la plateforme d'assistance : un conseiller ouvre votre dossier et vos droits "
    "(conduite à l'école, aide ménagère, garde d'enfants) apparaissent ici."
)


def audit_actions(db_path, actor_email: str) -> list[str]:
    return [
        action
        for (action,) in db_rows(
            db_path,
            "SELECT action FROM auditevent WHERE actor_account_id = (SELECT id FROM account WHERE email = ?) "
            "ORDER BY id",
            actor_email,
        )
    ]


def create_adviser(portal_server, keys: AdviserKeys) -> str:
    """`python -m portal_app.cli create-adviser --email …`, the password typed twice (no terminal: stdin)."""
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "create-adviser", "--email", keys.email],
        cwd=portal_server.app_dir,
        env=portal_server.env,
        input=f"{keys.password}\n{keys.password}\n",
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # getpass reads stdin only without a controlling terminal
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def back_office(browser, portal, portal_server) -> str:
    """The session cookie of an adviser created by the operator, enrolled and verified through the UI."""
    assert "créé" in create_adviser(portal_server, BACK_OFFICE)
    context = browser.new_context(base_url=portal, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        track_hydration(page)
        adviser_log_in(page, BACK_OFFICE)
        cookie = session_cookie(page)
        assert cookie and cookie["value"], "no session cookie after the adviser's login"
        return cookie["value"]
    finally:
        context.close()


@pytest.fixture
def adviser(new_page, portal, back_office):
    """Factory: a fresh browser (own tab state) holding the back-office adviser's session cookie."""

    def make(kind: str = "desktop", **context_args) -> Page:
        page = new_page(kind, **context_args)
        page.context.add_cookies([{"name": "ea_session", "value": back_office, "url": portal, "sameSite": "Strict"}])
        return page

    return make


def search(page: Page, query: str):
    page.get_by_label("Rechercher un membre ou un contrat").fill(query)
    page.get_by_role("button", name="Rechercher").click()
    return page.get_by_role("list", name="Résultats")


def open_member_file(page: Page, contract_id: int) -> None:
    goto(page, f"/conseiller/contrat?id={contract_id}", expect_path="/conseiller/contrat")
    expect(page.get_by_role("heading", name="Dossiers d'assistance")).to_be_visible()


def contract_id(db_path, number: str) -> int:
    key = re.sub(r"[\s.\-]", "", number).upper()
    return db_value(db_path, "SELECT id FROM contract WHERE member_number_key = ?", key)


def file_counts(db_path) -> tuple[int, int]:
    return (
        db_value(db_path, "SELECT COUNT(*) FROM assistancefile"),
        db_value(db_path, "SELECT COUNT(*) FROM entitlement"),
    )


# ---------------------------------------------------------------------------------------------
# Second factor
# ---------------------------------------------------------------------------------------------


def test_adviser_enrols_totp_then_gives_a_code_at_every_login(new_page, portal_server):
    db = portal_server.db_path
    keys = AdviserKeys(DEMO_ADVISER_EMAIL, DEMO_ADVISER_PASSWORD)
    page = new_page("desktop")

    # The password alone opens nothing: the adviser is asked for the second factor…
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, keys.email, keys.password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    wait_hydrated(page, since, "/connexion/verification")
    expect(page.get_by_role("heading", name="Vérification en deux étapes", level=1)).to_be_visible()

    # …and, never enrolled, gets a QR code (with a text alternative) and the key to type by hand.
    qr = page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    secret = totp_key_shown(page)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), f"not a base32 TOTP key: {secret!r}"
    keys.secret = secret
    qr_src = qr.get_attribute("src")

    # Reloading the page (the app has scanned the code) shows the same key and QR code until a code is given.
    since = mark(page)
    page.reload()
    wait_hydrated(page, since, "/connexion/verification")
    expect(qr).to_have_attribute("src", qr_src)
    assert totp_key_shown(page) == secret

    # A wrong code: refused, next to the field, announced.
    code_field = page.get_by_label("Code de vérification")
    submit_code(page, keys.wrong_code(), "Activer et continuer")
    error = page.locator("#code-erreur")
    expect(error).to_contain_text(BAD_CODE)
    expect(error).to_have_attribute("role", "alert")
    expect(code_field).to_have_attribute("aria-invalid", "true")
    assert "code-erreur" in (code_field.get_attribute("aria-describedby") or "")
    expect(page.locator("#codes-de-secours")).to_have_count(0)
    assert (
        db_value(
            db,
            "SELECT COUNT(*) FROM secondfactor WHERE confirmed_at IS NOT NULL AND account_id = "
            "(SELECT id FROM account WHERE email = ?)",
            keys.email,
        )
        == 0
    )

    # The right code: the 10 single-use recovery codes, shown once.
    submit_code(page, keys.code(), "Activer et continuer")
    codes = page.locator("#codes-de-secours li")
    expect(codes).to_have_count(10)
    keys.recovery_codes = [c.strip() for c in codes.all_inner_texts()]
    assert all(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){4}", c) for c in keys.recovery_codes), keys.recovery_codes
    assert len(set(keys.recovery_codes)) == 10

    # They can be downloaded as a text file built in the page, and printed.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger les codes (.txt)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".txt")
    downloaded = Path(download.path()).read_text(encoding="utf-8")
    assert all(code in downloaded for code in keys.recovery_codes), downloaded
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="Imprimer").click()
    page.wait_for_function("window.__printed === 1")

    # Going on without ticking « J'ai conservé mes codes… » is refused, by the box.
    page.get_by_role("button", name="Continuer vers l'espace conseiller").click()
    box = page.get_by_label(CODES_KEPT)
    expect(page.locator("#codes_conserves-erreur")).to_contain_text("Cochez la case")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    expect(page).to_have_url(url_re("/connexion/verification"))
    expect(codes).to_have_count(10)
    since = mark(page)
    leave_recovery_codes(page)
    expect(page).to_have_url(url_re("/conseiller"))
    wait_hydrated(page, since, "/conseiller")
    expect(page.get_by_role("heading", name="Espace conseiller", level=1)).to_be_visible()
    expect(page.get_by_label("Rechercher un membre ou un contrat")).to_be_visible()
    header = page.get_by_role("navigation", name="Navigation principale")
    expect(header.get_by_role("link", name="Espace conseiller")).to_be_visible()

    # The next login asks a code again, without enrolment.
    click_log_out(page)
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, keys.email, keys.password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    wait_hydrated(page, since, "/connexion/verification")
    expect(page.get_by_role("button", name="Vérifier")).to_be_visible()
    expect(page.locator("#cle-totp")).to_have_count(0)
    expect(page.get_by_role("img")).to_have_count(0)
    # A pending login (password given, no code) does not open the back-office: the login page sends the
    # adviser back to the code.
    goto(page, "/conseiller", expect_path="/connexion/verification")
    expect(page).to_have_url(url_re("/connexion/verification"))
    expect(page.get_by_label("Rechercher un membre ou un contrat")).to_have_count(0)

    # A recovery code works once… (the pending login above is still waiting for its code)
    recovery = keys.recovery_codes[3]
    expect(page).to_have_url(url_re("/connexion/verification"))
    since = mark(page)
    submit_code(page, recovery.lower(), "Vérifier")
    expect(page).to_have_url(url_re("/conseiller"))
    wait_hydrated(page, since, "/conseiller")
    expect(page.get_by_label("Rechercher un membre ou un contrat")).to_be_visible()
    click_log_out(page)

    # …and never twice; a fresh TOTP code still works after that refusal.
    goto(page, "/connexion")
    submit_login(page, keys.email, keys.password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    expect(page.get_by_role("button", name="Vérifier")).to_be_visible()
    submit_code(page, recovery, "Vérifier")
    expect(page.locator("#code-erreur")).to_contain_text(BAD_CODE)
    expect(page).to_have_url(url_re("/connexion/verification"))
    since = mark(page)
    submit_code(page, keys.code(), "Vérifier")
    expect(page).to_have_url(url_re("/conseiller"))
    wait_hydrated(page, since, "/conseiller")
    expect(page.get_by_label("Rechercher un membre ou un contrat")).to_be_visible()

    actions = audit_actions(db, keys.email)
    assert actions.count("second_factor_enrolled") == 1
    assert actions.count("recovery_code_used") == 1
    assert actions.count("login_second_factor_failure") == 2
    assert actions.count("login_success") == 3
    assert (
        db_value(
            db,
            "SELECT COUNT(*) FROM recoverycode WHERE used_at IS NOT NULL AND account_id = "
            "(SELECT id FROM account WHERE email = ?)",
            keys.email,
        )
        == 1
    )


# ---------------------------------------------------------------------------------------------
# Finding a member, opening an assistance file, the member seeing what remains
# ---------------------------------------------------------------------------------------------


def test_adviser_opens_a_file_and_the_member_sees_what_remains(new_page, adviser, portal_server, wait_for_mail):
    db = portal_server.db_path
    today = today_in_paris()

    # The member of E2E-700-001 has an account and no assistance file yet: Mon Espace says how one is opened.
    member = new_page("phone")
    register(member, GAELLE, GAELLE_EMAIL, GAELLE_PASSWORD, phone="06 21 43 65 87")
    confirm_email(member, wait_for_mail, GAELLE_EMAIL)
    login(member, GAELLE_EMAIL, GAELLE_PASSWORD)
    files = member.locator("main section").filter(has=member.get_by_role("heading", name="Mes droits"))
    expect(files).to_contain_text(NO_FILE_TEXT)

    # --- The adviser finds the contract by name (without accents), by number, by e-mail.
    page = adviser("desktop")
    goto(page, "/conseiller")
    hit = f"{GAELLE.number} — {GAELLE.first_name} {GAELLE.last_name}"
    for query in ["gaelle roux", "NOE", "e2e.700.001", "E2E700001", GAELLE_EMAIL.upper()]:
        results = search(page, query)
        expect(results.get_by_role("link", name=hit)).to_be_visible()
        expect(results).not_to_contain_text(CLAIRE_NUMBER)
    results = search(page, "Zygomatique")
    expect(page.get_by_text("Aucun contrat ne correspond à cette recherche.")).to_be_visible()
    search(page, "x")
    expect(page.locator("#query-erreur")).to_contain_text("au moins 2 caractères")

    # --- The member's file: contract, beneficiaries, account.
    results = search(page, GAELLE.number)
    since = mark(page)
    results.get_by_role("link", name=hit).click()
    expect(page).to_have_url(url_re("/conseiller/contrat"))
    wait_hydrated(page, since, "/conseiller/contrat")
    the_id = contract_id(db, GAELLE.number)
    assert page.url.endswith(f"/conseiller/contrat?id={the_id}"), page.url
    main = page.locator("main")
    expect(page.get_by_role("heading", name=f"Contrat {GAELLE.number}")).to_be_visible()
    for text in ["Gaëlle Roux", "Mutuelle des Tests", "Assistance Plus", "depuis le mercredi 1er janvier 2025"]:
        expect(main).to_contain_text(text)
    expect(main.locator("div").filter(has_text=re.compile(r"^Offre en cours de validité")).locator("dd")).to_have_text(
        "oui"
    )
    expect(main).to_contain_text("Noé Roux — Enfant, 17 juin 2016")
    expect(main).to_contain_text("Gaëlle Roux — Adhérent, 15 avril 1987")

    def account_value(term: str):
        return main.locator("dl > div").filter(has=page.locator("dt", has_text=term)).locator("dd")

    expect(account_value("Adresse e-mail")).to_have_text(GAELLE_EMAIL)
    expect(account_value("Téléphone mobile")).to_have_text("06 21 43 65 87")
    expect(account_value("Adresse confirmée")).to_contain_text(long_date(today))
    expect(account_value("Bloqué")).to_have_text("non")
    expect(account_value("Dernière connexion")).to_contain_text(long_date(today))
    expect(main).to_contain_text("Aucun dossier d'assistance pour ce contrat.")
    expect(page.get_by_role("button", name="Renvoyer l'e-mail de confirmation")).to_have_count(0)
    expect(page.get_by_role("button", name="Débloquer le compte")).to_have_count(0)

    # --- Opening an assistance file: wrong inputs are refused and create nothing.
    form = page.locator("#form-dossier")
    notice = form.get_by_role("alert").filter(has_text="Le dossier n'a pas été ouvert")
    start, end = today, today + timedelta(days=60)

    def fill_file(event_date, transport=("12", start, end), household=("", None, None)):
        form.get_by_label("Bénéficiaire concerné").select_option(label="Noé Roux (enfant)")
        form.get_by_label("Événement", exact=True).select_option(label="Hospitalisation")
        form.get_by_label("Date de l'événement").fill(event_date.isoformat())
        for service, (quantity, first, last) in (("transport_scolaire", transport), ("aide_menagere", household)):
            page.locator(f"#{service}_grant").set_checked(quantity != "")
            page.locator(f"#{service}_quantity").fill(quantity)
            page.locator(f"#{service}_valid_from").fill(first.isoformat() if first else "")
            page.locator(f"#{service}_valid_to").fill(last.isoformat() if last else "")
        expect(page.locator("#transport_scolaire_unit")).to_have_value("trajets")
        expect(page.locator("#aide_menagere_unit")).to_have_value("heures")
        form.get_by_role("button", name="Ouvrir le dossier").click()

    # Each service offers only its own units, its usual quantity proposed (data/offers.json); nothing ticked.
    expect(page.locator("#transport_scolaire_unit option")).to_have_text(["trajets"])
    expect(page.locator("#aide_menagere_unit option")).to_have_text(["heures", "euros"])
    expect(page.locator("#garde_enfants_unit option")).to_have_text(["heures", "jours", "euros"])
    expect(page.locator("#transport_scolaire_quantity")).to_have_value("20")
    expect(page.locator("#aide_menagere_quantity")).to_have_value("10")
    expect(form.get_by_label("Accorder : Conduite à l'école")).not_to_be_checked()

    before = file_counts(db)
    refusals = [
        (dict(transport=("0", start, end)), "Indiquez une quantité positive"),
        (dict(transport=("12", end, start)), "La fin de la période doit être après son début."),
        (dict(transport=("", None, None)), "Accordez au moins un droit"),
    ]
    for fields, message in refusals:
        fill_file(today - timedelta(days=2), **fields)
        expect(notice).to_contain_text(message)
        assert file_counts(db) == before, f"{fields}: a file or an entitlement was created"
    fill_file(today + timedelta(days=1))
    expect(page.locator("#event_date-erreur")).to_contain_text("ne peut pas être dans le futur")
    expect(form.get_by_label("Date de l'événement")).to_have_attribute("aria-invalid", "true")
    assert file_counts(db) == before

    # The right inputs: a file with its reference, one line per service granted.
    fill_file(today - timedelta(days=2), household=("8", start, today + timedelta(days=30)))
    expect(page.get_by_role("status").filter(has_text="Le dossier d'assistance est ouvert.")).to_be_visible()
    assert file_counts(db) == (before[0] + 1, before[1] + 2)
    reference = db_value(db, "SELECT reference FROM assistancefile WHERE contract_id = ? ORDER BY id DESC", the_id)
    assert re.fullmatch(rf"AS-{today.year}-\d{{6}}", reference), reference
    assert reference != "AS-2026-000001"  # the demo file's
    card = main.locator("article").filter(has_text=reference)
    expect(card.get_by_role("heading", name=f"{reference} — Hospitalisation")).to_be_visible()
    expect(card).to_contain_text(f"Événement du {long_date(today - timedelta(days=2))} · Noé Roux · dossier ouvert")
    transport = card.locator("li").filter(has_text="Conduite à l'école")
    expect(transport).to_contain_text(
        f"Conduite à l'école : accordé 12 trajets, utilisé 0 trajet, reste 12 trajets — du {long_date(start)} "
        f"au {long_date(end)}"
    )
    expect(card.locator("li").filter(has_text="Aide ménagère")).to_contain_text("accordé 8 heures")
    expect(card.locator("li")).to_have_count(2)
    # The form is ready for another file: nothing ticked, the usual quantities back.
    expect(page.locator("#transport_scolaire_grant")).not_to_be_checked()
    expect(page.locator("#transport_scolaire_quantity")).to_have_value("20")

    # The member sees it.
    goto(member, "/mon-espace")
    expect(files).to_contain_text(f"Dossier {reference} — Hospitalisation")
    expect(files).to_contain_text(f"Conduite à l'école : reste 12 trajets jusqu'au {day_date(end)}")
    expect(files).not_to_contain_text(NO_FILE_TEXT)

    # --- Editing an entitlement: a bad quantity or period is refused next to its field, changes nothing.
    transport.get_by_role("button", name="Modifier le droit").click()
    quantity = transport.get_by_label("Quantité accordée")
    expect(quantity).to_have_value("12")
    expect(transport.get_by_label("Début")).to_have_value(start.isoformat())
    expect(transport.get_by_label("Fin")).to_have_value(end.isoformat())
    quantity.fill("0")
    transport.get_by_role("button", name="Enregistrer le droit").click()
    expect(transport.locator("#quantity-erreur")).to_contain_text("Indiquez une quantité positive")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    quantity.fill("15")
    transport.get_by_label("Fin").fill((start - timedelta(days=1)).isoformat())
    transport.get_by_role("button", name="Enregistrer le droit").click()
    expect(transport.locator("#valid_to-erreur")).to_contain_text("La fin de la période doit être après son début.")
    assert db_rows(
        db,
        "SELECT quantity, valid_to FROM entitlement WHERE service = 'transport_scolaire' AND assistance_file_id = "
        "(SELECT id FROM assistancefile WHERE reference = ?)",
        reference,
    ) == [(12, end.isoformat())]

    new_end = today + timedelta(days=90)
    transport.get_by_label("Fin").fill(new_end.isoformat())
    transport.get_by_role("button", name="Enregistrer le droit").click()
    expect(page.get_by_role("status").filter(has_text="Le droit est modifié.")).to_be_visible()
    expect(transport).to_contain_text(
        f"accordé 15 trajets, utilisé 0 trajet, reste 15 trajets — du {long_date(start)} au {long_date(new_end)}"
    )
    expect(transport.get_by_role("button", name="Modifier le droit")).to_be_visible()

    # The member sees the remaining entitlement as granted.
    goto(member, "/mon-espace")
    expect(files).to_contain_text(f"Conduite à l'école : reste 15 trajets jusqu'au {day_date(new_end)}")

    # --- Closing the file.
    card.get_by_role("button", name="Clore le dossier").click()
    expect(page.get_by_role("status").filter(has_text="Le dossier est clos.")).to_be_visible()
    expect(card).to_contain_text("dossier clos")
    expect(card.get_by_role("button", name="Clore le dossier")).to_have_count(0)
    assert db_value(db, "SELECT status FROM assistancefile WHERE reference = ?", reference) == "closed"
    goto(member, "/mon-espace")
    expect(files).to_contain_text("dossier clos")

    actions = audit_actions(db, BACK_OFFICE.email)
    for action in ("member_file_viewed", "assistance_file_opened", "entitlement_changed", "assistance_file_closed"):
        assert action in actions, (action, actions)
    assert actions.count("assistance_file_opened") == 1 and actions.count("entitlement_changed") == 1


def test_member_reads_what_remains_of_the_demo_file(new_page):
    """Claire's demo file AS-2026-000001: 20 trips and 500 € of home help until today + 30 days.

    (The one « reste » in each unit is tested in tests/domain/test_assistance_files.py.)
    """
    page = new_page("phone")
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    files = page.locator("main section").filter(has=page.get_by_role("heading", name="Mes droits"))
    expect(files).to_contain_text("Dossier AS-2026-000001 — Hospitalisation")
    until = day_date(today_in_paris() + timedelta(days=30))
    expect(files).to_contain_text(f"Conduite à l'école : reste 20 trajets jusqu'au {until}")
    expect(files).to_contain_text(
        re.compile(rf"Aide ménagère : reste [\d\u202f ]+,\d\d € jusqu'au {re.escape(until)}"), timeout=2_000
    )


def test_open_file_errors_sit_next_to_their_field(adviser, portal_server):
    """Issue 2: « errors sit next to the field and are announced (aria-describedby / role="alert") »."""
    db = portal_server.db_path
    page = adviser("desktop")
    open_member_file(page, contract_id(db, CLAIRE_NUMBER))
    before = file_counts(db)
    page.locator("#transport_scolaire_grant").check()
    page.locator("#transport_scolaire_quantity").fill("0")
    page.locator("#transport_scolaire_valid_to").fill((today_in_paris() + timedelta(days=10)).isoformat())
    page.get_by_label("Date de l'événement").fill(today_in_paris().isoformat())
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.locator("#transport_scolaire_quantity-erreur")).to_contain_text("Indiquez une quantité positive")
    assert file_counts(db) == before
    quantity = page.locator("#transport_scolaire_quantity")
    described_by = (quantity.get_attribute("aria-describedby") or "").split()
    messages = [page.locator(f"#{i}").inner_text() for i in described_by if page.locator(f"#{i}").count()]
    assert quantity.get_attribute("aria-invalid") == "true" and any("quantité positive" in m for m in messages), (
        "the refused quantity is not marked invalid nor described by its error "
        f"(aria-invalid={quantity.get_attribute('aria-invalid')!r}, aria-describedby={described_by!r})"
    )


# ---------------------------------------------------------------------------------------------
# Audit trail
# ---------------------------------------------------------------------------------------------

JOURNAL_AGENT = "Mozilla/5.0 (X11; Linux x86_64) E2E-Journal/1.0 Chrome/140.0"


def journal_rows(page: Page) -> list[list[str]]:
    rows = [[c.strip() for c in row.locator("td").all_inner_texts()] for row in page.locator("tbody tr").all()]
    return [r for r in rows if len(r) == 5]  # (a row being re-rendered is skipped)


def journal_when(page: Page, predicate, what: str, timeout: float = 15) -> list[list[str]]:
    """The journal's rows once `predicate(rows)` holds (the table updates after « Filtrer »)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = journal_rows(page)
        if rows and predicate(rows):
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"journal: {what}; rows shown: {rows[:5]}")
        page.wait_for_timeout(100)


def filter_journal(page: Page, **fields: str) -> None:
    for label, value in fields.items():
        if label == "Type d'événement":
            page.get_by_label(label).select_option(label=value)
        else:
            page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Filtrer").click()


def test_journal_lists_the_reading_of_a_member_file_with_ip_and_user_agent(adviser, portal_server):
    db = portal_server.db_path
    page = adviser("desktop", user_agent=JOURNAL_AGENT)
    claire_contract = contract_id(db, CLAIRE_NUMBER)
    open_member_file(page, claire_contract)
    expect(page.locator("main")).to_contain_text(CLAIRE_EMAIL)

    row = db_rows(
        db,
        "SELECT actor_role, ip, user_agent, target_type, target_id, member_account_id FROM auditevent "
        "WHERE action = 'member_file_viewed' AND actor_account_id = (SELECT id FROM account WHERE email = ?) "
        "ORDER BY id DESC",
        BACK_OFFICE.email,
    )[0]
    claire_account = db_value(db, "SELECT id FROM account WHERE email = ?", CLAIRE_EMAIL)
    assert row[0] == "adviser" and row[3:] == ("contract", claire_contract, claire_account), row
    assert re.fullmatch(r"127\.0\.0\.1|::1|::ffff:127\.0\.0\.1", row[1]), row
    assert row[2] == JOURNAL_AGENT, row

    # The journal shows it first, with who, what, the target and where from.
    since = mark(page)
    page.get_by_role("navigation", name="Espace conseiller").get_by_role("link", name="Journal d'audit").click()
    wait_hydrated(page, since, "/conseiller/journal")
    expect(page.get_by_role("heading", name="Journal d'audit", level=1)).to_be_visible()
    when, who, what, target, origin = journal_when(page, lambda rows: True, "no rows")[0]
    assert (who, what, target) == (
        f"{BACK_OFFICE.email} (adviser)",
        "Consultation d'un dossier membre",
        f"contract {claire_contract}",
    )
    assert origin == f"{row[1]} {JOURNAL_AGENT[:60]}", origin
    assert long_date(today_in_paris()) in when

    # Filtered by kind of event: only that kind.
    filter_journal(page, **{"Type d'événement": "Connexion réussie"})
    journal_when(page, lambda rows: {r[2] for r in rows} == {"Connexion réussie"}, "only « Connexion réussie »")
    filter_journal(page, **{"Type d'événement": "Consultation d'un dossier membre"})
    rows = journal_when(
        page,
        lambda rows: {r[2] for r in rows} == {"Consultation d'un dossier membre"},
        "only « Consultation d'un dossier membre »",
    )
    assert any(r[3] == f"contract {claire_contract}" and JOURNAL_AGENT[:60] in r[4] for r in rows)

    # By member and author; an unknown address is said so; a period without events shows none.
    filter_journal(page, **{"Membre (adresse e-mail)": CLAIRE_EMAIL, "Auteur (adresse e-mail)": BACK_OFFICE.email})
    journal_when(
        page,
        lambda rows: (
            {(r[1], r[3]) for r in rows} == {(f"{BACK_OFFICE.email} (adviser)", f"contract {claire_contract}")}
        ),
        "only this adviser's readings of Claire's file",
    )
    filter_journal(page, **{"Membre (adresse e-mail)": "personne@example.org"})
    expect(page.locator("#member_email-erreur")).to_contain_text("Aucun compte avec cette adresse.")
    tomorrow = (today_in_paris() + timedelta(days=1)).isoformat()
    filter_journal(page, **{"Membre (adresse e-mail)": "", "Du": tomorrow, "Type d'événement": "Tous"})
    expect(page.locator("tbody tr")).to_have_count(0)
    # Reading the journal changed nothing in it.
    assert db_value(db, "SELECT COUNT(*) FROM auditevent WHERE user_agent = ?", JOURNAL_AGENT) == 1


# ---------------------------------------------------------------------------------------------
# Contract import from the browser
# ---------------------------------------------------------------------------------------------

IMPORT_HEADER = "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance\n"
GOOD_IMPORT = IMPORT_HEADER + (
    "E2E-800-001;Mutuelle des Imports;ASSISTANCE_PLUS;2025-01-01;;adherent;Perrin;Hélène;1979-04-05\n"
    "E2E-800-001;Mutuelle des Imports;ASSISTANCE_PLUS;2025-01-01;;enfant;Perrin;Oscar;2012-08-09\n"
    "E2E-800-002;Mutuelle des Imports;ASSISTANCE_ESSENTIEL;2025-01-01;2027-12-31;adherent;Vidal;Ivan;1990-01-02\n"
)
BAD_IMPORT = GOOD_IMPORT + (
    "E2E-800-003;Mutuelle des Imports;OFFRE_INCONNUE;2025-01-01;;adherent;Blanc;Jean;1990-01-01\n"
    "E2E-800-004;Mutuelle des Imports;ASSISTANCE_PLUS;2025-13-01;;cousin;Noir;Lise;1990-01-01\n"
)


def upload_contracts(page: Page, name: str, content: str) -> None:
    page.locator("#contrats input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}]
    )
    expect(page.locator("main")).to_contain_text(name)
    page.get_by_role("button", name="Importer").click()


def test_contract_import_from_the_browser_is_all_or_nothing(adviser, portal_server):
    db = portal_server.db_path
    page = adviser("desktop")
    goto(page, "/conseiller/import")
    expect(page.get_by_role("heading", name="Import de contrats", level=1)).to_be_visible()
    contracts_before = db_value(db, "SELECT COUNT(*) FROM contract")

    # A file with bad lines: every bad line listed with its number and reason, nothing imported.
    upload_contracts(page, "contrats-errones.csv", BAD_IMPORT)
    report = page.locator("#rapport-import")
    expect(report).to_have_text("Fichier refusé : 2 lignes en erreur, rien n'a été importé.")
    lines = page.locator("main ul li")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Ligne 5 : offre inconnue « OFFRE_INCONNUE »")
    expect(lines.nth(1)).to_contain_text("Ligne 6 : debut n'est pas une date AAAA-MM-JJ")
    expect(lines.nth(1)).to_contain_text("lien « cousin » inconnu")
    assert db_value(db, "SELECT COUNT(*) FROM contract") == contracts_before
    assert db_value(db, "SELECT COUNT(*) FROM contract WHERE member_number_key LIKE 'E2E800%'") == 0

    # The corrected file: the contracts are created…
    upload_contracts(page, "contrats-corriges.csv", GOOD_IMPORT)
    expect(report).to_have_text("Import terminé : 2 contrats créés, 0 mis à jour, 0 inchangé.")
    expect(lines).to_have_count(0)
    assert db_value(db, "SELECT COUNT(*) FROM contract") == contracts_before + 2
    assert "contracts_imported" in audit_actions(db, BACK_OFFICE.email)
    # …the same file again changes nothing…
    upload_contracts(page, "contrats-corriges.csv", GOOD_IMPORT)
    expect(report).to_have_text("Import terminé : 0 contrat créé, 0 mis à jour, 2 inchangés.")

    # …and they can be found at once, by a child's name too, without an account yet.
    goto(page, "/conseiller")
    results = search(page, "oscar perrin")
    expect(results.get_by_role("link", name="E2E-800-001 — Hélène Perrin")).to_be_visible()
    expect(results).to_contain_text("Mutuelle des Imports · sans compte")
    results = search(page, "E2E-800")
    expect(results.get_by_role("listitem")).to_have_count(2)
    expect(results.get_by_role("link", name="E2E-800-002 — Ivan Vidal")).to_be_visible()


# ---------------------------------------------------------------------------------------------
# Members are kept out
# ---------------------------------------------------------------------------------------------

ADVISER_PAGES = ["/conseiller", "/conseiller/import", "/conseiller/journal"]


def watch_frames(page: Page) -> list[str]:
    """Every message the page receives on Reflex's websocket, as text."""
    frames: list[str] = []

    def on_frame(payload) -> None:
        frames.append(payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload)

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return frames


LEAK_MARKERS = [
    GAELLE.number,
    "Gaëlle",
    "Noé",
    "gaelle.roux",
    "Mutuelle des Imports",
    "Perrin",
    "conseiller@",
    "conseillere.",
]


def test_member_opening_adviser_pages_is_sent_back_to_mon_espace(new_page, portal_server):
    other_contract = contract_id(portal_server.db_path, GAELLE.number)
    page = new_page("desktop")
    frames = watch_frames(page)
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    for path in [*ADVISER_PAGES, f"/conseiller/contrat?id={other_contract}"]:
        goto(page, path, expect_path="/mon-espace")
        expect(page).to_have_url(url_re("/mon-espace"))
        expect(page.locator("main")).to_contain_text("Bonjour Claire Martin")
        expect(page.get_by_label("Rechercher un membre ou un contrat")).to_have_count(0)
    # The login page's `next` never leads a member into the back-office either.
    goto(page, "/connexion?next=/conseiller/journal", expect_path="/mon-espace")
    expect(page).to_have_url(url_re("/mon-espace"))
    received = "\n".join(frames)
    assert [m for m in LEAK_MARKERS if m in received] == [], "adviser data reached the member's browser"


def test_member_opening_an_adviser_page_in_a_new_tab_stays_logged_in(new_page, portal_server):
    """A new tab of the member's browser (same cookie, fresh tab state) on /conseiller/contrat?id=….

    The road (ui/road.py) asks the session who it is when the domain refuses a page to a non-adviser: a member
    lands on /mon-espace with the ea_session cookie kept, never on /connexion as if the session had expired.
    """
    other_contract = contract_id(portal_server.db_path, GAELLE.number)
    page = new_page("desktop")
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    tab = page.context.new_page()
    track_hydration(tab)
    frames = watch_frames(tab)
    since = mark(tab)
    tab.goto(f"/conseiller/contrat?id={other_contract}")
    wait_hydrated(tab, since)
    settle(tab)
    received = "\n".join(frames)
    assert [m for m in LEAK_MARKERS if m in received] == [], "adviser data reached the member's browser"
    cookie = session_cookie(tab)
    landed = tab.url
    assert cookie and cookie["value"] and url_re("/mon-espace").match(landed), (
        f"the member landed on {landed} and the session cookie is {'kept' if cookie and cookie['value'] else 'emptied'}"
    )


def test_adviser_in_a_new_tab_sees_the_back_office_header(adviser):
    """An adviser opening /conseiller in a new tab should see « Espace conseiller » and « Déconnexion ».

    Every back-office on_load tells the header who is there (ui/adviser/nav.py `open_back_office`), so a fresh
    tab never offers « Inscription » and « Connexion » to a logged-in adviser.
    """
    page = adviser("desktop")
    goto(page, "/conseiller")
    expect(page.get_by_label("Rechercher un membre ou un contrat")).to_be_visible()
    header = page.get_by_role("navigation", name="Navigation principale")
    expect(header.get_by_role("button", name="Déconnexion")).to_be_visible(timeout=3_000)
    expect(header.get_by_role("link", name="Espace conseiller")).to_be_visible()
