"""Addresses and school trips (issue 4) through the browser: adding addresses (the communes of a
postcode proposed, a wrong city refused next to « Ville »), planning a series with the skipped dates
shown, the refusal to delete an address used by trips to come (in the FAQ's words), cancelling gives
the entitlement back, and the adviser's run sheet (confirm a trip, CSV, print) seen by the member.

The family of this module has its own contract (imported with the operator's command), its own
adviser (create-adviser, TOTP enrolled through the UI) who opens its assistance file through the
back-office, so that nothing here depends on the demo data other tests read. Which days are school
days comes from the portal's school calendar (zone C for Paris): the domain tests check that calendar
against real dates; here the pages must show what it decides.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyotp
import pytest
from dateutil.easter import easter
from playwright.sync_api import Page, expect

from portal_app.domain.school_calendar import reason_no_school

from .conftest import DESKTOP
from .reflex_socket import ROOT_STATE, ReflexTab, form, log_in
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

FAMILY = TestContract(
    "E2E-910-001", "Hélène", "Garnier", "helene", "GARNIER", "Mutuelle des Tests", "Assistance Plus", ("Zoé", "Malo")
)
LONE = TestContract("E2E-920-001", "Yves", "Morel", "Yves", "Morel", "Mutuelle des Tests", "Assistance Plus", ())
CONTRACTS_CSV = """numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance
E2E-910-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Garnier;Hélène;1983-05-06
E2E-910-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Garnier;Zoé;2015-02-03
E2E-910-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Garnier;Malo;2017-08-09
E2E-920-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Morel;Yves;1979-10-11
"""
FAMILY_EMAIL, FAMILY_PASSWORD, FAMILY_PHONE = "helene.garnier@example.org", "Cartable-Girafe-Tram-81", "06 45 67 89 01"
LONE_EMAIL, LONE_PASSWORD = "yves.morel@example.org", "Lanterne-Okapi-Route-29"
TRANSPORT_EMAIL, TRANSPORT_PASSWORD = "transport.e2e@example.fr", "Autocar-Lilas-Soleil-52"
GRANTED_TRIPS = 40
ENTITLEMENT_DAYS = 90
ZONE = "C"  # the schools below are in Paris (75)

HOME = {"label": "Maison", "kind": "Domicile", "number": "12", "street": "rue Oberkampf", "postcode": "75011"}
SCHOOL = {
    "label": "École Jules Ferry",
    "kind": "École primaire",
    "number": "5",
    "street": "rue de la Roquette",
    "postcode": "75011",
}
HOME_LINE = "12 rue Oberkampf, 75011 Paris"
SCHOOL_LINE = "5 rue de la Roquette, 75011 Paris"
FAQ_DELETE = (
    "Si vous avez déjà planifié des trajets avec l'adresse que vous souhaitez supprimer, vous devez supprimer "
    "le trajet vers cette destination avant de pouvoir supprimer l'adresse."
)
MALO_TIME = "08:05"
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]


# ---------------------------------------------------------------------------------------------
# Small helpers of this module: dates as the portal writes them, read-only looks at the database
# ---------------------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def today_in_paris() -> date:
    return datetime.now(PARIS).date()


def long_date(day: date) -> str:
    """« vendredi 27 novembre 2026 », « mardi 1er décembre 2026 »."""
    return f"{DAY_NAMES[day.weekday()]} {'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def db_rows(db_path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return connection.execute(sql, args).fetchall()


def db_value(db_path: Path, sql: str, *args):
    rows = db_rows(db_path, sql, *args)
    return rows[0][0] if rows else None


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def school_days(count: int) -> list[date]:
    """The first school days from the day after tomorrow (always before the 18:00 cut-off)."""
    days, day = [], today_in_paris() + timedelta(days=2)
    while len(days) < count:
        if reason_no_school(day, ZONE) is None:
            days.append(day)
        day += timedelta(days=1)
    assert days[-1] <= today_in_paris() + timedelta(days=ENTITLEMENT_DAYS), days
    return days


def next_easter_monday() -> date:
    """Always a Monday and a public holiday: a skipped day whatever the date of the run."""
    year = today_in_paris().year
    while (day := easter(year) + timedelta(days=1)) <= today_in_paris() + timedelta(days=1):
        year += 1
    return day


# ---------------------------------------------------------------------------------------------
# The family: contract, member account, adviser, assistance file with the transport entitlement
# ---------------------------------------------------------------------------------------------


@dataclass
class Family:
    member_cookie: str
    adviser_cookie: str
    account_id: int


def run_cli(portal_server, *args: str, stdin: str | None = None) -> str:
    """The operator's command, where the portal under test runs (its private copy, when it has one)."""
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", *args],
        cwd=getattr(portal_server, "app_dir", Path(__file__).resolve().parents[2]),
        env=portal_server.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # getpass reads stdin only without a controlling terminal
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def contract_id(db_path: Path, number: str) -> int:
    return db_value(db_path, "SELECT id FROM contract WHERE member_number_key = ?", number.replace("-", ""))


def enrol_adviser(page: Page, email: str, password: str) -> None:
    """First login of a new adviser: password, then the TOTP key read on the page and a code from it."""
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, email, password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    wait_hydrated(page, since, "/connexion/verification")
    secret = totp_key_shown(page)
    page.get_by_label("Code de vérification").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer et continuer").click()
    expect(page.locator("#codes-de-secours li")).to_have_count(10)
    since = mark(page)
    leave_recovery_codes(page)
    expect(page).to_have_url(url_re("/conseiller"))
    wait_hydrated(page, since, "/conseiller")


def open_transport_file(page: Page, the_contract: int) -> None:
    """The adviser opens the family's assistance file: school transport for Zoé and Malo's contract."""
    goto(page, f"/conseiller/contrat?id={the_contract}", expect_path="/conseiller/contrat")
    form = page.locator("#form-dossier")
    form.get_by_label("Bénéficiaire concerné").select_option(label="Zoé Garnier (enfant)")
    form.get_by_label("Événement", exact=True).select_option(label="Hospitalisation")
    form.get_by_label("Date de l'événement").fill(today_in_paris().isoformat())
    page.locator("#transport_scolaire_grant").check()
    page.locator("#transport_scolaire_quantity").fill(str(GRANTED_TRIPS))
    page.locator("#transport_scolaire_valid_from").fill(today_in_paris().isoformat())
    page.locator("#transport_scolaire_valid_to").fill((today_in_paris() + timedelta(days=ENTITLEMENT_DAYS)).isoformat())
    form.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_text("Le dossier d'assistance est ouvert.")).to_be_visible()


def _context_page(browser, portal) -> tuple:
    context = browser.new_context(base_url=portal, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    track_hydration(page)
    return context, page


@pytest.fixture(scope="module")
def family(browser, portal, portal_server, wait_for_mail) -> Family:
    db = portal_server.db_path
    contracts = portal_server.data_dir / "contrats-trajets.csv"
    contracts.write_text(CONTRACTS_CSV, encoding="utf-8")
    run_cli(portal_server, "import-contracts", str(contracts))
    assert "créé" in run_cli(
        portal_server, "create-adviser", "--email", TRANSPORT_EMAIL, stdin=f"{TRANSPORT_PASSWORD}\n" * 2
    )
    context, page = _context_page(browser, portal)
    try:
        register(page, FAMILY, FAMILY_EMAIL, FAMILY_PASSWORD, phone=FAMILY_PHONE)
        confirm_email(page, wait_for_mail, FAMILY_EMAIL)
        login(page, FAMILY_EMAIL, FAMILY_PASSWORD)
        member_cookie = session_cookie(page)["value"]
    finally:
        context.close()
    context, page = _context_page(browser, portal)
    try:
        enrol_adviser(page, TRANSPORT_EMAIL, TRANSPORT_PASSWORD)
        adviser_cookie = session_cookie(page)["value"]
        open_transport_file(page, contract_id(db, FAMILY.number))
    finally:
        context.close()
    account = db_value(db, "SELECT id FROM account WHERE email = ?", FAMILY_EMAIL)
    return Family(member_cookie, adviser_cookie, account)


def _with_cookie(new_page, portal, cookie: str, kind: str) -> Page:
    page = new_page(kind)
    page.context.add_cookies([{"name": "ea_session", "value": cookie, "url": portal, "sameSite": "Strict"}])
    return page


@pytest.fixture
def member(new_page, portal, family):
    """Factory: a fresh browser holding the family member's session."""
    return lambda kind="phone": _with_cookie(new_page, portal, family.member_cookie, kind)


@pytest.fixture
def transport_adviser(new_page, portal, family):
    return lambda kind="desktop": _with_cookie(new_page, portal, family.adviser_cookie, kind)


# ---------------------------------------------------------------------------------------------
# Page helpers
# ---------------------------------------------------------------------------------------------


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px"


def no_unlabelled_field(page: Page) -> None:
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length))
            .map(el => el.name || el.id)"""
    )
    assert unlabelled == [], f"inputs without a label: {unlabelled}"


def fill_address(page: Page, label: str, kind: str, number: str, street: str, postcode: str, city: str | None) -> None:
    page.get_by_label("Intitulé").fill(label)
    page.get_by_label("Type d'adresse").select_option(label=kind)
    page.get_by_label("Numéro").fill(number)
    page.get_by_label("Rue").fill(street)
    page.get_by_label("Code postal").fill(postcode)
    if city is not None:
        expect(page.locator("#communes-proposees")).not_to_be_empty()
        page.get_by_label("Ville").fill(city)


def add_address(page: Page, place: dict, city: str = "Paris") -> None:
    page.get_by_role("button", name="Ajouter une adresse").click()
    fill_address(page, place["label"], place["kind"], place["number"], place["street"], place["postcode"], city)
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("status").filter(has_text="L'adresse est ajoutée.")).to_be_visible()


def live_addresses(db_path: Path, account_id: int) -> list[str]:
    return [
        label
        for (label,) in db_rows(
            db_path, "SELECT label FROM address WHERE account_id = ? AND deleted_at IS NULL", account_id
        )
    ]


@pytest.fixture
def places(member, family, portal_server):
    """The family's home and school, added through the page when a test alone needs them."""
    present = live_addresses(portal_server.db_path, family.account_id)
    missing = [p for p in (HOME, SCHOOL) if p["label"] not in present]
    if missing:
        page = member("desktop")
        goto(page, "/mon-espace/adresses")
        for place in missing:
            add_address(page, place)
    return HOME, SCHOOL


def remaining(page: Page) -> int:
    line = page.locator("main p").filter(has_text="Conduite à l'école :").first
    match = re.search(r"Conduite à l'école : (\d+) trajet", line.inner_text())
    assert match, line.inner_text()
    return int(match.group(1))


def fill_plan(
    page: Page,
    child: str,
    first: date,
    last: date,
    directions: tuple[str, ...] = ("aller", "retour"),
    outward: str = "08:15",
    back: str = "16:30",
    notes: str = "",
) -> None:
    more = page.get_by_role("button", name="Planifier d'autres trajets")
    if more.count():  # the form folds after a booking
        more.click()
    page.get_by_label("Enfant", exact=True).select_option(label=child)
    page.get_by_label("Domicile", exact=True).select_option(label=HOME["label"])
    page.get_by_label("Établissement scolaire").select_option(label=SCHOOL["label"])
    for direction, label in (("aller", "Aller (domicile → école)"), ("retour", "Retour (école → domicile)")):
        page.get_by_label(label).set_checked(direction in directions)
    page.get_by_label("Heure de prise en charge à l'aller").fill(outward)
    page.get_by_label("Heure de prise en charge au retour").fill(back)
    page.get_by_label("Du", exact=True).fill(first.isoformat())
    page.get_by_label("Au", exact=True).fill(last.isoformat())
    for day in WEEKDAYS:
        page.get_by_label(day, exact=True).check()
    page.get_by_label("Remarques pour le transporteur (facultatif)").fill(notes)


def preview(page: Page):
    page.get_by_role("button", name="Voir les dates").click()
    section = page.get_by_role("region", name="Dates à réserver")
    expect(section).to_be_visible()
    return section


def confirm_plan(page: Page, trips: int) -> None:
    page.get_by_role("button", name="Confirmer la planification").click()
    expect(page.get_by_role("status").filter(has_text=f"{trips} trajets planifiés.")).to_be_visible()


def upcoming_item(page: Page, text: str):
    return page.get_by_role("list", name="Trajets à venir").get_by_role("listitem").filter(has_text=text)


@pytest.fixture
def malo_trips(member, places, family, portal_server) -> list[date]:
    """Malo's outward trips on the first three school days (booked through the page when missing)."""
    db = portal_server.db_path
    days = school_days(3)
    query = (
        "SELECT trip_date FROM trip JOIN beneficiary ON beneficiary.id = trip.beneficiary_id "
        "WHERE beneficiary.first_name = 'Malo' AND trip.account_id = ? AND trip.status != 'cancelled' "
        "ORDER BY trip_date"
    )
    if not db_rows(db, query, family.account_id):
        page = member("desktop")
        goto(page, "/mon-espace/trajets")
        fill_plan(page, "Malo", days[0], days[2], directions=("aller",), outward=MALO_TIME)
        preview(page)
        confirm_plan(page, 3)
    return [date.fromisoformat(str(d)) for (d,) in db_rows(db, query, family.account_id)]


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_trips_page_says_what_is_missing_before_planning(new_page, portal_server, wait_for_mail, family):
    """No assistance file, no child, no address: no form, but what to do and where (links to the addresses)."""
    page = new_page("phone")
    register(page, LONE, LONE_EMAIL, LONE_PASSWORD, phone="06 98 76 54 32")
    confirm_email(page, wait_for_mail, LONE_EMAIL)
    login(page, LONE_EMAIL, LONE_PASSWORD)
    page.get_by_role("navigation", name="Mon Espace").get_by_role("link", name="Trajets").click()
    expect(page.get_by_role("heading", name="Mes trajets", level=1)).to_be_visible()
    missing = page.locator("#avant-de-planifier")
    expect(missing).to_contain_text("Vous n'avez pas de droit « Conduite à l'école » en cours.")
    expect(missing).to_contain_text("Aucun enfant ne figure parmi les bénéficiaires de votre contrat")
    expect(missing).to_contain_text("Ajoutez d'abord votre domicile")
    expect(missing).to_contain_text("Ajoutez l'établissement scolaire de votre enfant")
    links = missing.get_by_role("link", name="Ajouter une adresse")
    expect(links).to_have_count(2)
    assert {links.nth(i).get_attribute("href") for i in range(2)} == {"/mon-espace/adresses"}
    expect(page.get_by_role("heading", name="Planifier des trajets")).to_have_count(0)
    expect(page.get_by_text("Aucun trajet à venir.")).to_be_visible()
    no_horizontal_scroll(page)


def test_member_adds_addresses_with_the_communes_of_the_postcode(member, family, portal_server):
    page = member("phone")
    goto(page, "/mon-espace/adresses")
    expect(page.get_by_role("heading", name="Mes adresses", level=1)).to_be_visible()
    page.get_by_role("button", name="Ajouter une adresse").click()
    expect(page.get_by_label("Intitulé")).to_be_focused()
    # The FAQ's hint: the intitulé names the address when planning, it is not the address.
    expect(page.locator("#label-aide")).to_contain_text("identifier l'adresse lors de la planification des trajets")
    for label in ["Type d'adresse", "Numéro", "Rue", "Code postal", "Ville", "Complément d'adresse (facultatif)"]:
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    no_unlabelled_field(page)

    # A postcode with several communes: they are proposed (text and the « Ville » suggestions)…
    fill_address(page, "Chez Mamie", "Domicile", "3 bis", "route de Lyon", "01400", None)
    proposal = page.locator("#communes-proposees")
    expect(proposal).to_contain_text("Châtillon-sur-Chalaronne")
    expect(proposal).to_contain_text("Sandrans")
    expect(page.locator("#communes-ville option[value='Châtillon-sur-Chalaronne']")).to_have_count(1)
    assert page.get_by_label("Ville").get_attribute("list") == "communes-ville"

    # …a city that is not one of them is refused next to « Ville », which gets the focus…
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    city = page.get_by_label("Ville")
    error = page.locator("#city-erreur")
    expect(error).to_contain_text("Cette ville ne correspond pas au code postal")
    expect(error).to_have_attribute("role", "alert")
    expect(city).to_have_attribute("aria-invalid", "true")
    assert "city-erreur" in (city.get_attribute("aria-describedby") or "")
    expect(city).to_be_focused()
    assert "Chez Mamie" not in live_addresses(portal_server.db_path, family.account_id)

    # …and the right one, typed without accents, is kept in its official spelling.
    city.fill("chatillon sur chalaronne")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("status").filter(has_text="L'adresse est ajoutée.")).to_be_visible()
    addresses = page.get_by_role("list", name="Mes adresses")
    expect(addresses).to_contain_text("3 bis route de Lyon, 01400 Châtillon-sur-Chalaronne")

    # A postcode with a single commune fills « Ville »; an unknown postcode is refused next to it.
    page.get_by_role("button", name="Ajouter une adresse").click()
    fill_address(page, "Collège Voltaire", "Collège", "101", "avenue de la République", "99999", None)
    expect(page.locator("#communes-proposees")).to_have_text("Aucune commune ne correspond à ce code postal.")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.locator("#postcode-erreur")).to_contain_text("Ce code postal n'existe pas")
    expect(page.get_by_label("Code postal")).to_be_focused()
    page.get_by_label("Code postal").fill("75011")
    expect(page.get_by_label("Ville")).to_have_value("Paris 11e Arrondissement")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("status").filter(has_text="L'adresse est ajoutée.")).to_be_visible()
    college = addresses.get_by_role("listitem").filter(has_text="Collège Voltaire")
    expect(college).to_contain_text("Collège")
    expect(college).to_contain_text("101 avenue de la République, 75011 Paris")

    # « Modifier »: the form comes back filled in; an address no trip uses changes without a word for the provider.
    page.get_by_role("button", name="Modifier l'adresse Collège Voltaire").click()
    expect(page.get_by_label("Rue")).to_have_value("avenue de la République")
    page.get_by_label("Complément d'adresse (facultatif)").fill("Entrée B")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    saved = page.get_by_role("status").filter(has_text="L'adresse est enregistrée.")
    expect(saved).to_be_visible()
    expect(saved).not_to_contain_text("transporteur")
    expect(college).to_contain_text("101 avenue de la République, Entrée B, 75011 Paris")

    # « Supprimer » asks for a confirmation; an address no trip uses goes.
    page.get_by_role("button", name="Supprimer l'adresse Collège Voltaire").click()
    expect(college).to_contain_text("Supprimer l'adresse « Collège Voltaire » ?")
    page.get_by_role("button", name="Confirmer la suppression").click()
    expect(page.get_by_role("status").filter(has_text="L'adresse est supprimée.")).to_be_visible()
    expect(college).to_have_count(0)
    assert "Collège Voltaire" not in live_addresses(portal_server.db_path, family.account_id)
    no_horizontal_scroll(page)


def test_member_plans_a_series_and_sees_the_skipped_dates(member, places):
    days = school_days(5)
    page = member("phone")
    goto(page, "/mon-espace/trajets")
    expect(page.get_by_role("heading", name="Planifier des trajets")).to_be_visible()
    no_unlabelled_field(page)
    for day in WEEKDAYS:
        expect(page.get_by_label(day, exact=True)).to_be_checked()
    expect(page.get_by_role("group", name="Jours")).to_be_visible()
    expect(page.get_by_role("group", name="Trajets")).to_be_visible()
    before = remaining(page)

    # One trip (here both ways) on one day: « Du » and « Au » the same date.
    fill_plan(page, "Zoé", days[1], days[1])
    plan = preview(page)
    expect(plan).to_contain_text(f"{long_date(days[1])} — aller et retour")
    expect(plan).to_contain_text(
        f"Trajets à réserver : 2. Droits restants : {before} trajets aujourd'hui, {before - 2}"
    )
    confirm_plan(page, 2)
    expect(page.locator("main p").filter(has_text="Conduite à l'école :").first).to_contain_text(
        f"Conduite à l'école : {before - 2} trajet"
    )

    # A series over the first five school days: the day already booked and every day without school
    # are listed with their reason, the others will be booked.
    fill_plan(page, "Zoé", days[0], days[4], notes="Sonner chez Garnier")
    plan = preview(page)
    booked_days = [d for d in days if d != days[1]]
    for day in booked_days:
        expect(plan).to_contain_text(f"{long_date(day)} — aller et retour")
    skipped = plan.get_by_role("list").nth(1)
    expect(skipped).to_contain_text(f"{long_date(days[1])} : déjà planifié")
    day = days[0]
    while day <= days[4]:
        reason = reason_no_school(day, ZONE)
        if reason and day.weekday() < 5:
            expect(skipped).to_contain_text(f"{long_date(day)} : {reason}")
        day += timedelta(days=1)
    trips = 2 * len(booked_days)
    expect(plan).to_contain_text(
        f"Trajets à réserver : {trips}. Droits restants : {before - 2} trajets aujourd'hui, "
        f"{before - 2 - trips} après confirmation."
    )

    # Any change to the form after the preview asks for a new one before confirming.
    page.get_by_label("vendredi", exact=True).uncheck()
    expect(page.locator("#apercu-perime")).to_contain_text("cliquez de nouveau sur « Voir les dates »")
    expect(page.get_by_role("button", name="Confirmer la planification")).to_have_count(0)
    page.get_by_label("vendredi", exact=True).check()
    preview(page)
    confirm_plan(page, trips)
    expect(page.locator("main p").filter(has_text="Conduite à l'école :").first).to_contain_text(
        f"Conduite à l'école : {before - 2 - trips} trajet"
    )
    for day in days:
        expect(upcoming_item(page, f"{long_date(day)} à 08:15").filter(has_text="Zoé")).to_have_count(1)
        expect(upcoming_item(page, f"{long_date(day)} à 16:30").filter(has_text="Zoé")).to_contain_text(
            "Retour (école → domicile) : École Jules Ferry → Maison"
        )
    first = upcoming_item(page, f"{long_date(days[0])} à 08:15").filter(has_text="Zoé")
    expect(first).to_contain_text("Aller (domicile → école) : Maison → École Jules Ferry")
    expect(first).to_contain_text("Statut : planifié")
    expect(first).to_contain_text("Remarques : Sonner chez Garnier")

    # A public holiday is never booked, even inside a series.
    holiday = next_easter_monday()
    fill_plan(page, "Zoé", holiday, holiday)
    plan = preview(page)
    expect(plan).to_contain_text(f"{long_date(holiday)} : jour férié (Lundi de Pâques)")
    expect(plan).to_contain_text("Aucune date ne peut être réservée avec ces choix.")
    expect(page.get_by_role("button", name="Confirmer la planification")).to_have_count(0)

    # The trips to come as a calendar file.
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter en calendrier (.ics)").click()
    assert download.value.suggested_filename == "trajets.ics"
    calendar = Path(download.value.path()).read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR") and "END:VCALENDAR" in calendar
    assert calendar.count("BEGIN:VEVENT") >= 2 * len(days)
    assert f"DTSTART;TZID=Europe/Paris:{days[0]:%Y%m%d}T081500" in calendar
    no_horizontal_scroll(page)

    # Trips to come are grouped by week; the last two days are cancelled in one action, after a preview.
    monday = days[0] - timedelta(days=days[0].weekday())
    expect(page.get_by_role("heading", name=f"Semaine du {long_date(monday)}")).to_be_visible()
    section = page.get_by_role("region", name="Annuler plusieurs trajets")
    section.get_by_label("Enfant concerné").select_option(label="Zoé")
    section.get_by_label("Annuler du").fill(days[-2].isoformat())
    section.get_by_label("Jusqu'au").fill(days[-1].isoformat())
    section.get_by_role("button", name="Voir les trajets à annuler").click()
    shown = page.get_by_role("region", name="Trajets à annuler")
    expect(shown).to_contain_text("4 trajets seront annulés.")
    expect(shown).to_be_focused()
    shown.get_by_role("button", name="Annuler ces trajets").click()
    expect(page.get_by_role("status").filter(has_text="4 trajets annulés : votre droit est recrédité.")).to_be_visible()
    cancelled = page.get_by_role("list", name="Trajets annulés").get_by_role("listitem").filter(has_text="Zoé")
    expect(cancelled.filter(has_text=f"{long_date(days[-1])} à 16:30")).to_contain_text("Statut : annulé")
    expect(upcoming_item(page, f"{long_date(days[-1])} à 08:15").filter(has_text="Zoé")).to_have_count(0)


def test_cancelling_a_trip_gives_the_entitlement_back(member, malo_trips):
    page = member("phone")
    goto(page, "/mon-espace/trajets")
    before = remaining(page)
    last = malo_trips[-1]
    trip = upcoming_item(page, f"{long_date(last)} à {MALO_TIME}").filter(has_text="Malo")
    expect(trip).to_have_count(1)

    # « Annuler » asks for a confirmation; « Garder ce trajet » keeps it.
    trip.get_by_role("button", name="Annuler", exact=True).click()
    expect(trip).to_contain_text("Annuler ce trajet ?")
    trip.get_by_role("button", name="Garder ce trajet").click()
    expect(trip.get_by_role("button", name="Confirmer l'annulation")).to_have_count(0)
    trip.get_by_role("button", name="Annuler", exact=True).click()
    trip.get_by_role("button", name="Confirmer l'annulation").click()

    expect(page.get_by_role("status").filter(has_text="Le trajet est annulé")).to_contain_text(
        "votre droit est recrédité d'un trajet"
    )
    expect(page.locator("main p").filter(has_text="Conduite à l'école :").first).to_contain_text(
        f"Conduite à l'école : {before + 1} trajet"
    )
    expect(trip).to_have_count(0)
    past = page.get_by_role("list", name="Trajets annulés").get_by_role("listitem")  # their own list, not « passé »
    expect(past.filter(has_text=f"{long_date(last)} à {MALO_TIME}").filter(has_text="Malo")).to_contain_text(
        "Statut : annulé"
    )


def test_an_address_used_by_trips_to_come_cannot_be_deleted(member, malo_trips, portal_server, family):
    page = member("phone")
    goto(page, "/mon-espace/adresses")
    home = page.get_by_role("list", name="Mes adresses").get_by_role("listitem").filter(has_text=HOME_LINE)
    page.get_by_role("button", name="Supprimer l'adresse Maison").click()  # told at once, not « Supprimer ? »
    expect(page.get_by_role("button", name="Confirmer la suppression")).to_have_count(0)

    refusal = home.get_by_role("alert")
    expect(refusal).to_contain_text(FAQ_DELETE)
    expect(refusal).to_contain_text("Trajets concernés")
    expect(
        refusal.get_by_role("listitem").filter(has_text=f"{long_date(malo_trips[0])} à {MALO_TIME} (Malo)")
    ).to_be_visible()
    expect(refusal.get_by_role("link", name="Voir mes trajets")).to_have_attribute("href", "/mon-espace/trajets")
    expect(refusal).to_be_focused()
    expect(refusal.get_by_role("button", name="Annuler ces trajets et supprimer l'adresse")).to_be_visible()
    refusal.get_by_role("button", name="Garder l'adresse").click()
    expect(home.get_by_role("alert")).to_have_count(0)
    assert HOME["label"] in live_addresses(portal_server.db_path, family.account_id)
    no_horizontal_scroll(page)

    # Editing it is allowed: the transport provider will get the new address.
    page.get_by_role("button", name="Modifier l'adresse Maison").click()
    expect(page.get_by_label("Code postal")).to_have_value("75011")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    expect(page.get_by_role("status").filter(has_text="L'adresse est enregistrée.")).to_contain_text(
        "le transporteur recevra la nouvelle adresse"
    )


def run_sheet_rows(page: Page) -> list[list[str]]:
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("main table tbody tr").all()
    ]


def run_sheet_default_day() -> date:
    """The day the run sheet opens on: today until 18:00 in Paris, tomorrow from then."""
    now = datetime.now(PARIS)
    return now.date() + timedelta(days=1) if now.hour >= 18 else now.date()


def trips_count(count: int) -> str:
    return "aucun trajet" if count == 0 else f"{count} trajet" if count == 1 else f"{count} trajets"


def test_adviser_run_sheet_confirms_a_trip_and_the_member_sees_it(transport_adviser, member, malo_trips, wait_for_mail):
    day = malo_trips[0]
    page = transport_adviser("desktop")
    goto(page, "/conseiller")
    page.get_by_role("navigation", name="Espace conseiller").get_by_role("link", name="Trajets du jour").click()
    expect(page.get_by_role("heading", name="Trajets du jour", level=1)).to_be_visible()
    # Today until 18:00, tomorrow after: the sheet says which day it shows, and the page says the rule.
    shown = run_sheet_default_day()
    expect(page.get_by_label("Jour")).to_have_value(shown.isoformat())
    expect(page.get_by_role("heading", level=2, name=re.compile(f"^Trajets du {long_date(shown)} : "))).to_be_visible()
    expect(page.locator("#day-aide")).to_contain_text("jusqu'à 18 h, puis ceux de demain")

    page.get_by_label("Jour").fill(day.isoformat())
    page.get_by_role("button", name="Afficher").click()
    table = page.locator("main table")
    expect(table.locator("caption")).to_contain_text(long_date(day))
    count = len(run_sheet_rows(page))
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Trajets du {long_date(day)} : {trips_count(count)}")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    assert headers[:7] == [
        "Heure",
        "Enfant",
        "Prise en charge",
        "Destination",
        "Téléphone du parent",
        "Remarques",
        "Statut",
    ]
    assert all(th.get_attribute("scope") == "col" for th in table.locator("thead th").all())
    row = table.locator("tbody tr").filter(has_text="Malo G.")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text(MALO_TIME)
    expect(row.locator("td").nth(2)).to_have_text(HOME_LINE)
    expect(row.locator("td").nth(3)).to_have_text(SCHOOL_LINE)
    expect(row.locator("td").nth(4)).to_have_text(FAMILY_PHONE)
    expect(row.locator("td").nth(6)).to_have_text("planifié")
    times = [cells[0] for cells in run_sheet_rows(page)]
    assert times == sorted(times), times

    # Before its day a trip is offered « Confirmer » and « Annuler » only (done / not done come on the day).
    expect(row.get_by_role("button", name="Réalisé", exact=True)).to_have_count(0)
    expect(row.get_by_role("button", name="Non réalisé", exact=True)).to_have_count(0)
    row.get_by_role("button", name="Confirmer", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Trajet confirmé.")).to_be_visible()
    expect(row.locator("td").nth(6)).to_have_text("confirmé")
    # Confirmed: never offered « Confirmer » again.
    expect(row.get_by_role("button", name="Confirmer", exact=True)).to_have_count(0)
    expect(row.get_by_role("button", name="Annuler", exact=True)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le CSV").click()
    assert download.value.suggested_filename == f"trajets-{day.isoformat()}.csv"
    content = Path(download.value.path()).read_bytes().decode("utf-8")
    assert content.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["heure", "enfant", "prise_en_charge", "destination", "telephone_parent", "remarques", "statut"]
    assert [MALO_TIME, "Malo G.", HOME_LINE, SCHOOL_LINE, FAMILY_PHONE, "", "confirmé"] in lines[1:]

    # Printed on A4: no header, navigation, form nor buttons, only the sheet and the day it is for.
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Espace conseiller")).to_be_hidden()
    expect(page.get_by_role("button", name="Afficher")).to_be_hidden()
    expect(page.get_by_role("button", name="Annuler", exact=True).first).to_be_hidden()
    expect(page.get_by_role("heading", level=2)).to_be_visible()
    expect(table).to_be_visible()
    page.emulate_media(media="screen")

    # The member is told by e-mail and sees the status on the trips page.
    mail = wait_for_mail(FAMILY_EMAIL, "confirmé")
    assert f"Le trajet de Malo du {long_date(day)} (prise en charge à {MALO_TIME}) est confirmé" in mail_body(mail)
    phone = member("phone")
    goto(phone, "/mon-espace/trajets")
    trip = upcoming_item(phone, f"{long_date(day)} à {MALO_TIME}").filter(has_text="Malo")
    expect(trip).to_contain_text("Statut : confirmé")


def outside_viewport(page: Page, buttons) -> list[str]:
    """The buttons (text and box) not wholly inside the window as it is."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    outside = []
    for button in buttons.all():
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        inside = box and box["x"] >= 0 and box["y"] >= 0
        inside = inside and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
        if not inside:
            outside.append(f"{button.inner_text()} {box}")
    return outside


def test_run_sheet_at_1280px_keeps_every_action_button_in_view(transport_adviser, malo_trips):
    page = transport_adviser("desktop")
    assert page.viewport_size["width"] == 1280
    goto(page, f"/conseiller/trajets?jour={malo_trips[-1].isoformat()}", expect_path="/conseiller/trajets")
    row = page.locator("main table tbody tr").filter(has_text="Malo G.")
    expect(row).to_have_count(1)
    buttons = page.locator("main table tbody button")
    assert buttons.count() >= 2
    assert outside_viewport(page, buttons) == []
    region = page.get_by_role("region", name=re.compile("^Trajets du "))
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth"), "the sheet scrolls sideways at 1280 px"
    no_horizontal_scroll(page)


def test_run_sheet_fits_a_phone_as_cards(transport_adviser, malo_trips):
    page = transport_adviser("phone")
    day = malo_trips[-1]  # a trip to come (an earlier test may have cancelled one of the three)
    goto(page, f"/conseiller/trajets?jour={day.isoformat()}", expect_path="/conseiller/trajets")
    heading = page.get_by_role("heading", level=2, name=re.compile(f"^Trajets du {long_date(day)} : "))
    expect(heading).to_be_visible()
    expect(page.locator("main table")).to_be_hidden()
    cards = page.get_by_role("list", name=heading.inner_text())
    card = cards.get_by_role("listitem").filter(has_text="Malo G.")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", name=f"{MALO_TIME} — Malo G.")).to_be_visible()
    expect(card).to_contain_text(HOME_LINE)
    expect(card).to_contain_text(FAMILY_PHONE)
    expect(card.get_by_role("button", name="Annuler", exact=True)).to_be_visible()
    assert outside_viewport(page, card.get_by_role("button")) == []
    no_horizontal_scroll(page)


# ---------------------------------------------------------------------------------------------
# Events sent by hand over Reflex's websocket: ids of another family change nothing
# ---------------------------------------------------------------------------------------------

TRIPS_STATE = f"{ROOT_STATE}.portal_app___ui___trips___state____trips_state"
ADDRESSES_STATE = f"{ROOT_STATE}.portal_app___ui___addresses____addresses_state"
RUN_SHEET_STATE = f"{ROOT_STATE}.portal_app___ui___run_sheet____run_sheet_state"


def log_in_over_socket(portal: str, email: str, password: str) -> str:
    return log_in(portal, email, password)


def family_snapshot(db_path: Path, account_id: int) -> dict:
    return {
        "trips": db_rows(db_path, "SELECT id, status, pickup_time, notes FROM trip ORDER BY id"),
        "addresses": db_rows(
            db_path,
            "SELECT id, label, street, postcode, city, deleted_at FROM address WHERE account_id = ? ORDER BY id",
            account_id,
        ),
        "used": db_rows(db_path, "SELECT id, used FROM entitlement ORDER BY id"),
    }


def test_trip_and_address_events_with_another_familys_ids_change_nothing(portal, portal_server, family, malo_trips):
    """Claire (another contract) sends the family's trip, child and address ids; a member sends the
    adviser's run-sheet events: nothing changes, and nothing of the family comes back."""
    db = portal_server.db_path
    trip_id = db_value(
        db, "SELECT id FROM trip WHERE account_id = ? AND status != 'cancelled' ORDER BY id", family.account_id
    )
    home_id, school_id = (
        db_value(
            db,
            "SELECT id FROM address WHERE account_id = ? AND label = ? AND deleted_at IS NULL",
            family.account_id,
            p["label"],
        )
        for p in (HOME, SCHOOL)
    )
    malo = db_value(db, "SELECT id FROM beneficiary WHERE first_name = 'Malo'")
    day = school_days(1)[0]
    claire = log_in_over_socket(portal, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    plan = form(
        child=str(malo),
        home=str(home_id),
        school=str(school_id),
        direction_aller="on",
        outward_time="08:00",
        date_from=day.isoformat(),
        date_to=day.isoformat(),
        weekday_0="on",
        weekday_1="on",
        weekday_2="on",
        weekday_3="on",
        weekday_4="on",
    )
    # Each line: who, on which page, the events one tab sends in a row.
    attempts = [
        (claire, "/mon-espace/trajets", [(f"{TRIPS_STATE}.cancel_trip", {"trip_id": trip_id}, "Trajet introuvable.")]),
        (
            claire,
            "/mon-espace/trajets",
            [
                (f"{TRIPS_STATE}.start_change", {"trip_id": trip_id}, None),
                (
                    f"{TRIPS_STATE}.save_change",
                    form(change_pickup_time="09:45", change_notes="pirate"),
                    "Trajet introuvable.",
                ),
            ],
        ),
        (
            claire,
            "/mon-espace/trajets",
            [
                (f"{TRIPS_STATE}.preview", plan, "Choisissez l'enfant à conduire parmi les enfants de votre contrat."),
                (f"{TRIPS_STATE}.confirm", {}, "cliquez de nouveau sur « Voir les dates »"),
            ],
        ),
        (
            claire,
            "/mon-espace/adresses",
            [
                (f"{ADDRESSES_STATE}.start_editing", {"address_id": home_id}, None),
                (f"{ADDRESSES_STATE}.delete", {"address_id": school_id}, "Cette adresse n'existe plus"),
            ],
        ),
        (
            family.member_cookie,
            "/conseiller/trajets",
            [
                (f"{RUN_SHEET_STATE}.set_status", {"trip_id": trip_id, "status": "cancelled"}, None),
                (f"{RUN_SHEET_STATE}.show", form(day=day.isoformat()), None),
                (f"{RUN_SHEET_STATE}.download_csv", {}, None),
            ],
        ),
    ]
    before = family_snapshot(db, family.account_id)
    claire_trips = db_value(
        db, "SELECT COUNT(*) FROM trip WHERE account_id = (SELECT id FROM account WHERE email = ?)", CLAIRE_EMAIL
    )
    secrets = (FAMILY_PHONE, "Oberkampf", "Roquette", "Malo", "data:text/csv")
    for token, path, events in attempts:
        tab = ReflexTab(portal)
        try:
            tab.connect(path, session_token=token)
            for name, payload, expected in events:
                answers = tab.send(name, payload, path=path)
                text = tab.text(answers)
                short = name.rsplit(".", 1)[-1]
                if expected:
                    assert expected in text, f"{short}: the domain's answer is missing: {text[:1500]}"
                for secret in secrets:
                    assert secret not in text, f"{short}: {secret!r} sent back: {text[:1500]}"
                # (download_csv of a tab that never showed a day is refused for its empty date first.)
                if name.startswith(RUN_SHEET_STATE) and not name.endswith(".download_csv"):
                    assert any(r.startswith(("/mon-espace", "/connexion")) for r in tab.redirects(answers)), (
                        f"{short}: a member was not sent away: {text[:1500]}"
                    )
        finally:
            tab.close()
    assert family_snapshot(db, family.account_id) == before
    assert (
        db_value(
            db, "SELECT COUNT(*) FROM trip WHERE account_id = (SELECT id FROM account WHERE email = ?)", CLAIRE_EMAIL
        )
        == claire_trips
    )
