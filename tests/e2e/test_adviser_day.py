"""Issue 15, the adviser's desk: /conseiller opens on the day's work (search kept at the top, access key R) and
the list follows real events (an assistance file opened with rights ending soon, a claim filed, a callback
asked, a message sent, trips booked); each line opens the thing itself. The member's whole file shows their
trips, claims, conversations, callback requests and the last audit entries. axe clean on both pages.

A contract of this module only, a member registered through the pages, an adviser made with the operator's
command and enrolled in TOTP through the UI (pyotp computes the codes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from portal_app.domain.school_calendar import reason_no_school

from .axe import assert_no_axe_violations
from .conftest import DESKTOP
from .support import (
    TestContract,
    confirm_email,
    db_value,
    goto,
    login,
    long_date,
    mark,
    register,
    session_cookie,
    today_in_paris,
    track_hydration,
    wait_hydrated,
)
from .test_claims import INVOICE_PDF, add_files
from .test_trips import (
    HOME,
    SCHOOL,
    ZONE,
    add_address,
    confirm_plan,
    contract_id,
    enrol_adviser,
    fill_plan,
    preview,
    run_cli,
    school_days,
)

pytestmark = pytest.mark.e2e

INES = TestContract(
    "E2E-940-001", "Inès", "Caron", "ines", "caron", "Mutuelle des Tests", "Assistance Plus", ("Arthur",)
)
CONTRACTS_CSV = """numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance
E2E-940-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Caron;Inès;1984-04-04
E2E-940-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Caron;Arthur;2016-06-06
"""
MEMBER_EMAIL, MEMBER_PASSWORD = "ines.caron@example.org", "Boussole-Loutre-Piano-52"
DESK_EMAIL, DESK_PASSWORD = "bureau.e2e@example.fr", "Cormoran-Tambour-Noisette-38"
MEMBER_LINE = "Inès Caron (E2E-940-001)"
SUBJECT = "Horaires du taxi d'Arthur"
RIGHTS_DAYS = 10  # the rights the adviser grants end in 10 days: within the 15 days of the day's list
PARIS = ZoneInfo("Europe/Paris")


@dataclass
class Desk:
    member_cookie: str
    adviser_cookie: str
    contract: int
    file_reference: str = ""
    claim: str = ""
    trip_days: list = field(default_factory=list)
    trips: int = 0


def _page(browser, portal) -> tuple:
    context = browser.new_context(base_url=portal, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    track_hydration(page)
    return context, page


def open_assistance_file(page: Page, contract: int) -> str:
    """School transport and home help (in euros), both ending in RIGHTS_DAYS days; the new file's reference."""
    today = today_in_paris()
    start, end = (today - timedelta(days=5)).isoformat(), (today + timedelta(days=RIGHTS_DAYS)).isoformat()
    goto(page, f"/conseiller/contrat?id={contract}", expect_path="/conseiller/contrat")
    form = page.locator("#form-dossier")
    form.get_by_label("Bénéficiaire concerné").select_option(label="Arthur Caron (enfant)")
    form.get_by_label("Événement", exact=True).select_option(label="Hospitalisation")
    form.get_by_label("Date de l'événement").fill(start)
    page.locator("#transport_scolaire_grant").check()
    page.locator("#transport_scolaire_quantity").fill("10")
    page.locator("#transport_scolaire_valid_from").fill(today.isoformat())
    page.locator("#transport_scolaire_valid_to").fill(end)
    page.locator("#aide_menagere_grant").check()
    page.locator("#aide_menagere_quantity").fill("300")
    page.locator("#aide_menagere_unit").select_option("euros")
    page.locator("#aide_menagere_valid_from").fill(start)
    page.locator("#aide_menagere_valid_to").fill(end)
    form.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_text("Le dossier d'assistance est ouvert.")).to_be_visible()
    return page.locator("#dossiers ~ article h3").first.inner_text().split(" — ")[0].strip()


@pytest.fixture(scope="module")
def desk(browser, portal, portal_server, wait_for_mail) -> Desk:
    csv = portal_server.data_dir / "contrats-bureau.csv"
    csv.write_text(CONTRACTS_CSV, encoding="utf-8")
    run_cli(portal_server, "import-contracts", str(csv))
    assert "créé" in run_cli(portal_server, "create-adviser", "--email", DESK_EMAIL, stdin=f"{DESK_PASSWORD}\n" * 2)
    context, page = _page(browser, portal)
    try:
        register(page, INES, MEMBER_EMAIL, MEMBER_PASSWORD, phone="06 44 55 66 77")
        confirm_email(page, wait_for_mail, MEMBER_EMAIL)
        login(page, MEMBER_EMAIL, MEMBER_PASSWORD)
        member_cookie = session_cookie(page)["value"]
    finally:
        context.close()
    context, page = _page(browser, portal)
    try:
        enrol_adviser(page, DESK_EMAIL, DESK_PASSWORD)
        adviser_cookie = session_cookie(page)["value"]
    finally:
        context.close()
    return Desk(member_cookie, adviser_cookie, contract_id(portal_server.db_path, INES.number))


def with_cookie(new_page, portal, cookie: str, kind: str = "desktop") -> Page:
    page = new_page(kind)
    page.context.add_cookies([{"name": "ea_session", "value": cookie, "url": portal, "sameSite": "Strict"}])
    return page


def section(page: Page, heading_id: str):
    return page.locator(f"section:has(> #{heading_id})")


def trips_on(db, day) -> tuple[int, int]:
    total = db_value(db, "SELECT COUNT(*) FROM trip WHERE trip_date = ? AND status != 'cancelled'", day.isoformat())
    planned = db_value(db, "SELECT COUNT(*) FROM trip WHERE trip_date = ? AND status = 'planned'", day.isoformat())
    return total, planned


def expect_trip_days(page: Page, db) -> None:
    """Today's and tomorrow's lines say what the database holds, and open the run sheet of their day."""
    today = today_in_paris()
    lines = section(page, "trajets-du-jour").get_by_role("listitem")
    expect(lines).to_have_count(2)
    for line, word, day in ((lines.nth(0), "Aujourd'hui", today), (lines.nth(1), "Demain", today + timedelta(days=1))):
        total, planned = trips_on(db, day)
        count = "aucun trajet" if total == 0 else f"{total} trajet" + ("s" if total > 1 else "")
        link = line.get_by_role("link", name=f"{word}, {long_date(day)} : {count}")
        expect(link).to_have_attribute("href", f"/conseiller/trajets?jour={day.isoformat()}")
        if total:
            expect(line).to_contain_text("aucun encore planifié" if planned == 0 else f"dont {planned} encore planifi")


def test_the_days_list_follows_real_events_and_opens_each_thing(new_page, portal, portal_server, desk):
    db = portal_server.db_path
    adviser = with_cookie(new_page, portal, desk.adviser_cookie)
    goto(adviser, "/conseiller")

    # The search first, at the top, with its access key; then the day's work.
    search = adviser.get_by_label("Rechercher un membre ou un contrat")
    expect(search).to_have_attribute("accesskey", "r")
    expect(adviser.locator("main input").first).to_have_attribute("id", "query")  # the first field of the page
    expect(adviser.get_by_role("heading", name="Le travail du jour", level=2)).to_be_visible()
    expect(adviser.get_by_text("Délai habituel : 5 jours ouvrés.")).to_be_visible()
    expect(adviser.locator("main")).not_to_contain_text(MEMBER_LINE)
    expect_trip_days(adviser, db)

    # An assistance file with rights ending in 10 days: on the day's list, opening the member's file.
    desk.file_reference = open_assistance_file(adviser, desk.contract)
    goto(adviser, "/conseiller")
    ending = section(adviser, "droits-bientot-termines").get_by_role("listitem").filter(has_text=MEMBER_LINE)
    expect(ending).to_have_count(2)  # transport and home help
    transport = ending.filter(has_text="Conduite à l'école")
    expect(transport).to_contain_text(f"{desk.file_reference} · Conduite à l'école : reste 10 trajets")
    expect(transport).to_contain_text(f"se termine dans {RIGHTS_DAYS} jours")
    expect(ending.filter(has_text="Aide ménagère")).to_contain_text("reste 300,00 €")
    expect(transport.get_by_role("link", name=MEMBER_LINE)).to_have_attribute(
        "href", f"/conseiller/contrat?id={desk.contract}#dossiers"
    )

    # The member: addresses, trips, a claim, a callback request, a message.
    member = with_cookie(new_page, portal, desk.member_cookie)
    goto(member, "/mon-espace/adresses")
    for place in (HOME, SCHOOL):
        add_address(member, place)
    now = datetime.now(PARIS)
    tomorrow = today_in_paris() + timedelta(days=1)
    days = school_days(2)
    goto(member, "/mon-espace/trajets")
    fill_plan(member, "Arthur", days[0], days[1], directions=("aller",))
    preview(member)
    confirm_plan(member, 2)
    desk.trip_days, desk.trips = list(days), 2
    if now.hour < 18 and reason_no_school(tomorrow, ZONE) is None:  # tomorrow can still be planned
        before = trips_on(db, tomorrow)
        goto(member, "/mon-espace/trajets")
        fill_plan(member, "Arthur", tomorrow, tomorrow)
        preview(member)
        confirm_plan(member, 2)
        assert trips_on(db, tomorrow) == (before[0] + 2, before[1] + 2)
        desk.trip_days.insert(0, tomorrow)
        desk.trips += 2

    goto(member, "/mon-espace/remboursements")
    option = member.locator("#entitlement option", has_text="Aide ménagère").first
    member.get_by_label("Dossier et service").select_option(value=option.get_attribute("value"))
    member.get_by_label("Date de début de la prestation").fill((today_in_paris() - timedelta(days=1)).isoformat())
    member.get_by_label("Prestataire").fill("Ménage Services 31")
    member.get_by_label("Montant avancé (€)").fill("80,00")
    member.get_by_label("IBAN du compte à créditer").fill("FR76 3000 6000 0112 3456 7890 189")
    member.get_by_label("Je certifie l'exactitude des informations").check()
    add_files(member, "justificatifs", ("facture-du-jour.pdf", "application/pdf", INVOICE_PDF))
    member.get_by_role("button", name="Envoyer ma demande").click()
    notice = member.locator("#demande-enregistree")
    expect(notice).to_contain_text("est enregistrée", timeout=30_000)
    desk.claim = re.search(r"RB-\d{4}-\d{6}", notice.inner_text()).group(0)

    goto(member, "/mon-espace/rappel")
    member.get_by_label("Sujet de l'appel").select_option("trajets")
    first_slot = member.get_by_label("1er créneau souhaité")
    first_slot.select_option(index=1)
    slot = first_slot.evaluate("(s) => s.options[s.selectedIndex].text")
    member.get_by_role("button", name="Demander à être rappelé").click()
    expect(member.locator("#message-rappel")).to_contain_text("Votre demande de rappel est enregistrée")

    goto(member, "/mon-espace/messages")
    member.get_by_label("Objet").fill(SUBJECT)
    member.get_by_label("Votre message").fill("Le taxi peut-il venir à 8 h 10 lundi ?")
    member.get_by_role("button", name="Envoyer le message").click()
    expect(member).to_have_url(re.compile(r"/mon-espace/messages/fil\?id=\d+"))
    thread = int(member.url.split("id=")[1])

    # The adviser's day now holds each of them, each line opening the thing itself.
    goto(adviser, "/conseiller")
    claim = section(adviser, "remboursements-en-attente").get_by_role("listitem").filter(has_text=desk.claim)
    expect(claim).to_contain_text("Aide ménagère · 80,00 € · déposée depuis aujourd'hui")
    expect(claim).not_to_contain_text("En retard")
    callback = section(adviser, "rappels-en-attente").get_by_role("listitem").filter(has_text=MEMBER_LINE)
    expect(callback.get_by_role("link", name=f"{MEMBER_LINE} — Mes trajets")).to_have_attribute(
        "href", "/conseiller/rappels"
    )
    slot_start = re.match(r"(.*), de (\d+) h", slot)
    expect(callback).to_contain_text(f"Premier créneau : {slot_start.group(1)} à {int(slot_start.group(2)):02d}:00")
    message = section(adviser, "messages-sans-reponse").get_by_role("listitem").filter(has_text=SUBJECT)
    expect(message.get_by_role("link", name=SUBJECT)).to_have_attribute("href", f"/conseiller/messages/fil?id={thread}")
    expect_trip_days(adviser, db)
    assert_no_axe_violations(adviser, "/conseiller with the day's work")

    since = mark(adviser)
    claim.get_by_role("link", name=f"{desk.claim} — {MEMBER_LINE}").click()
    wait_hydrated(adviser, since, "/conseiller/remboursements/demande")
    expect(adviser.get_by_role("heading", name=f"Demande {desk.claim}")).to_be_visible()
    # The invoice is previewed as a picture drawn on the server, beside its download link.
    invoice = adviser.get_by_role("img", name=re.compile(r"^Aperçu de la première page de "))
    expect(invoice).to_have_count(1)
    invoice.scroll_into_view_if_needed()
    adviser.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=invoice.element_handle())
    goto(adviser, "/conseiller")
    since = mark(adviser)
    section(adviser, "messages-sans-reponse").get_by_role("link", name=SUBJECT).click()
    wait_hydrated(adviser, since, "/conseiller/messages/fil")
    expect(adviser.get_by_role("heading", name=SUBJECT)).to_be_visible()
    goto(adviser, "/conseiller")
    since = mark(adviser)
    section(adviser, "trajets-du-jour").get_by_role("link").nth(1).click()
    wait_hydrated(adviser, since, "/conseiller/trajets")
    expect(adviser.locator("main")).to_contain_text(f"Trajets du {long_date(tomorrow)}")


def test_the_whole_file_shows_the_members_trips_claims_and_exchanges(new_page, portal, portal_server, desk):
    if not desk.claim:
        pytest.skip("needs the events of the day's test (run the module)")
    adviser = with_cookie(new_page, portal, desk.adviser_cookie)
    goto(adviser, f"/conseiller/contrat?id={desk.contract}", expect_path="/conseiller/contrat")
    main = adviser.locator("main")
    expect(adviser.get_by_role("heading", name=f"Contrat {INES.number}")).to_be_visible()
    expect(main).to_contain_text(MEMBER_EMAIL)
    expect(section(adviser, "dossiers")).to_contain_text("Conduite à l'école : accordé 10 trajets")

    # Their trips to come, each opening the run sheet of its day.
    upcoming = adviser.get_by_role("list", name=re.compile(r"^À venir"))
    expect(upcoming.get_by_role("listitem")).to_have_count(desk.trips)
    first = desk.trip_days[0]
    expect(upcoming.get_by_role("link").first).to_have_attribute(
        "href", f"/conseiller/trajets?jour={first.isoformat()}"
    )
    expect(upcoming.get_by_role("listitem").first).to_contain_text(long_date(first))
    expect(upcoming.get_by_role("listitem").first).to_contain_text("Arthur · Aller (domicile → école) · planifié")

    # Their claim with its status, their conversation waiting, their callback request.
    claims = adviser.get_by_role("list", name=re.compile(r"^Demandes de remboursement"))
    expect(claims.get_by_role("link", name=desk.claim)).to_have_attribute(
        "href", f"/conseiller/remboursements/demande?ref={desk.claim}"
    )
    expect(claims).to_contain_text("— déposée")
    conversations = adviser.get_by_role("list", name="Conversations")
    expect(conversations.get_by_role("listitem").filter(has_text=SUBJECT)).to_contain_text("attend une réponse")
    expect(adviser.get_by_role("list", name="Demandes de rappel")).to_contain_text("Mes trajets — en attente de rappel")

    # The last audit entries: this reading first; the journal link opens it filtered on the member.
    journal = adviser.get_by_role("list", name="Derniers événements du journal d'audit")
    expect(journal.get_by_role("listitem").first).to_contain_text("Consultation d'un dossier membre")
    expect(journal.get_by_role("listitem").first).to_contain_text(f"{DESK_EMAIL} (adviser)")
    assert_no_axe_violations(adviser, "/conseiller/contrat (whole file)")
    since = mark(adviser)
    adviser.get_by_role("link", name="Tout le journal de ce membre").click()
    wait_hydrated(adviser, since, "/conseiller/journal")
    expect(adviser.get_by_label("Membre (adresse e-mail)")).to_have_value(MEMBER_EMAIL)
    expect(adviser.locator("tbody tr").first).to_be_visible()
