"""Issue 13, reaching the platform: the number as a `tel:` link on Mon Espace and in the member footer, one
« reste » figure on the claim form, Mon Espace and the adviser's file, and « Être rappelé » end to end (the
member asks with the keyboard only, the confirmation e-mail lists the slots without the note, an adviser sees
the request and marks it done, the member sees the status), axe clean on each page.
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pyotp
import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations
from .conftest import DESKTOP
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_PASSWORD,
    db_value,
    goto,
    leave_recovery_codes,
    login,
    mail_body,
    mark,
    session_cookie,
    submit_login,
    totp_key_shown,
    track_hydration,
    url_re,
    wait_hydrated,
)
from .test_claims import HOME_HELP, file_claim, open_claims_page
from .test_keyboard import tab_to, type_into

pytestmark = pytest.mark.e2e

ADVISER_EMAIL, ADVISER_PASSWORD = "rappels.e2e@example.fr", "Marmotte-Clavecin-Orage-64"
CALL_TEXT, CALL_HREF = "Appeler le 01 23 45 67 89", "tel:+33123456789"
NOTE = "Question sur le trajet de Léa après son plâtre."
RESTE = re.compile(r"reste ([\d\u202f ]+,\d\d) €")


@pytest.fixture(scope="module")
def adviser_cookie(browser, portal, portal_server) -> str:
    """`create-adviser`, then login and TOTP enrolment through the UI; the session cookie."""
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "create-adviser", "--email", ADVISER_EMAIL],
        cwd=portal_server.app_dir,
        env=portal_server.env,
        input=f"{ADVISER_PASSWORD}\n{ADVISER_PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
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
        assert cookie and cookie["value"]
        return cookie["value"]
    finally:
        context.close()


@pytest.fixture
def adviser(new_page, portal, adviser_cookie) -> Page:
    page = new_page("desktop")
    page.context.add_cookies([{"name": "ea_session", "value": adviser_cookie, "url": portal, "sameSite": "Strict"}])
    return page


def euros(text: str) -> Decimal:
    return Decimal(text.replace("\u202f", "").replace(" ", "").replace(",", "."))


def written(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")


def test_the_platform_number_is_a_tel_link_on_mon_espace_and_in_the_footer(any_page):
    page = any_page
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    block = page.locator("#joindre-plateforme")
    expect(block.get_by_role("link", name=CALL_TEXT)).to_have_attribute("href", CALL_HREF)
    expect(block).to_contain_text("du lundi au vendredi (hors jours fériés), de 9 h à 18 h")
    expect(block.get_by_role("link", name="Être rappelé")).to_have_attribute("href", "/mon-espace/rappel")
    footer = page.locator("#contact-plateforme")
    expect(footer.get_by_role("link", name=CALL_TEXT)).to_have_attribute("href", CALL_HREF)
    assert_no_axe_violations(page, "Mon Espace")


def test_the_same_reste_on_the_claim_form_mon_espace_and_the_adviser_file(new_page, adviser, portal_server):
    page = new_page("desktop")
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    open_claims_page(page)
    option = page.locator("#entitlement option", has_text=HOME_HELP).first
    before = euros(RESTE.search(option.inner_text()).group(1))
    # Other tests file claims on Claire's home help too: this one asks for a share of what is left.
    assert before >= 20
    asked = min(Decimal("300"), (before / 2).quantize(Decimal("1")))
    file_claim(page, amount=f"{asked},00")
    after = f"reste {written(before - asked)} €"

    open_claims_page(page)
    expect(page.locator("#entitlement option", has_text=HOME_HELP).first).to_contain_text(after)
    goto(page, "/mon-espace")
    files = page.locator("main section").filter(has=page.get_by_role("heading", name="Mes droits"))
    expect(files).to_contain_text(f"Aide ménagère : {after} jusqu'au")
    expect(files).to_contain_text("engagé")

    contract_id = db_value(portal_server.db_path, "SELECT contract_id FROM account WHERE email = ?", CLAIRE_EMAIL)
    goto(adviser, f"/conseiller/contrat?id={contract_id}", expect_path="/conseiller/contrat")
    expect(adviser.locator("main")).to_contain_text(re.compile(rf"Aide ménagère : accordé .*{re.escape(after)}"))


def test_a_member_asks_to_be_called_back_with_the_keyboard_and_an_adviser_marks_it_done(
    new_page, adviser, wait_for_mail
):
    page = new_page("phone")
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    since = mark(page)
    page.locator("#joindre-plateforme").get_by_role("link", name="Être rappelé").click()
    wait_hydrated(page, since, "/mon-espace/rappel")
    expect(page.get_by_role("heading", name="Être rappelé", level=1)).to_be_visible()
    expect(page.get_by_label("Téléphone mobile")).to_have_value("06 12 34 56 78")
    assert_no_axe_violations(page, "/mon-espace/rappel")
    page.evaluate("() => document.activeElement?.blur()")

    # The subject chosen with the arrows, then sent without a slot: the message sits by the slot, focused.
    subject = page.get_by_label("Sujet de l'appel")
    tab_to(page, subject)
    page.keyboard.press("ArrowDown")
    expect(subject).to_have_value("trajets")
    tab_to(page, page.get_by_role("button", name="Demander à être rappelé"))
    page.keyboard.press("Enter")
    first_slot = page.get_by_label("1er créneau souhaité")
    expect(page.locator("#slot_1-erreur")).to_have_text("Choisissez au moins un créneau.")
    expect(first_slot).to_be_focused()
    assert_no_axe_violations(page, "/mon-espace/rappel with an error")

    page.keyboard.press("ArrowDown")
    slot = first_slot.evaluate("(s) => s.options[s.selectedIndex].text")
    type_into(page, page.get_by_label("Remarque (facultatif)"), NOTE)
    tab_to(page, page.get_by_role("button", name="Demander à être rappelé"))
    page.keyboard.press("Enter")
    expect(page.locator("#message-rappel")).to_contain_text("Votre demande de rappel est enregistrée")
    current = page.locator("#demande-en-cours")
    expect(current).to_contain_text("en attente de rappel")
    expect(current).to_contain_text(slot)

    mail = wait_for_mail(CLAIRE_EMAIL, "demande de rappel")
    body = mail_body(mail)
    assert slot in body and "06 12 34 56 78" in body
    assert "plâtre" not in body

    goto(adviser, "/conseiller/rappels")
    item = adviser.locator("#demandes-rappel li").filter(has_text="Claire Martin").first
    expect(item).to_contain_text(slot)
    expect(item).to_contain_text(NOTE)
    expect(item.get_by_role("link", name="06 12 34 56 78")).to_have_attribute("href", "tel:+33612345678")
    assert_no_axe_violations(adviser, "/conseiller/rappels")
    item.get_by_role("button", name="Marquer comme traitée").click()
    adviser.get_by_label("rappelé", exact=True).check()
    adviser.get_by_label("Note du conseiller").fill("Trajets expliqués.")
    adviser.get_by_role("button", name="Enregistrer").click()
    expect(adviser.locator("#message-rappels")).to_contain_text("Claire Martin : rappelé.")
    expect(adviser.locator("#demandes-rappel li").filter(has_text="Claire Martin")).to_have_count(0)

    goto(page, "/mon-espace/rappel")
    expect(page.locator("#mes-demandes-rappel")).to_contain_text("traitée (rappelé)")
    expect(page.get_by_role("button", name="Demander à être rappelé")).to_be_visible()
    assert_no_axe_violations(page, "/mon-espace/rappel after the call")


DOCUMENTS_ASKED = "La facture acquittée, s'il vous plaît."
HOME_SECTIONS = ["À faire", "Mes prochains trajets", "Mes remboursements en cours", "Mes droits"]


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_documents_asked_by_an_adviser_come_first_on_mon_espace_under_a_faire(new_page, adviser, kind):
    page = new_page(kind)
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    open_claims_page(page)
    reference = file_claim(page, amount="10,00")

    # The adviser asks for documents on the claim.
    goto(
        adviser, f"/conseiller/remboursements/demande?ref={reference}", expect_path="/conseiller/remboursements/demande"
    )
    ask = adviser.locator("#form-pieces")
    ask.get_by_label("Message au membre").fill(DOCUMENTS_ASKED)
    ask.get_by_role("button", name="Demander des pièces").click()
    expect(ask).to_have_count(0)

    # Mon Espace: « À faire » first, the request with its button; the claim in progress says what comes next.
    goto(page, "/mon-espace")
    expect(page.locator("main h2").first).to_have_text("À faire")
    assert page.locator("main h2").all_inner_texts()[:4] == HOME_SECTIONS
    todo = page.get_by_role("region", name="À faire")
    item = todo.get_by_role("listitem").filter(has_text=reference)
    expect(item).to_contain_text(f"Demande {reference} (Aide ménagère, 10,00 €) : pièces demandées")
    expect(item).to_contain_text(DOCUMENTS_ASKED)
    in_progress = page.get_by_role("region", name="Mes remboursements en cours")
    line = in_progress.get_by_role("listitem").filter(has_text=reference)
    expect(line).to_contain_text("pièces demandées")
    expect(line).to_contain_text("Prochaine étape : Ajoutez les pièces demandées")
    expect(in_progress.get_by_role("link", name="Mes remboursements")).to_have_attribute(
        "href", "/mon-espace/remboursements"
    )
    trips = page.get_by_role("region", name="Mes prochains trajets")
    expect(trips.get_by_role("link", name="Tous mes trajets")).to_have_attribute("href", "/mon-espace/trajets")
    expect(page.locator("#joindre-plateforme")).to_be_visible()
    assert_no_axe_violations(page, f"Mon Espace, à faire ({kind})")

    # Its button opens that claim, where the documents are added.
    since = mark(page)
    item.get_by_role("link", name="Ajouter les pièces").click()
    wait_hydrated(page, since, "/mon-espace/remboursements/demande")
    expect(page).to_have_url(url_re("/mon-espace/remboursements/demande"))
    assert page.url.endswith(f"ref={reference}")
    expect(page.get_by_role("heading", name="Ajouter des pièces")).to_be_visible()
