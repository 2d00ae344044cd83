"""What the end-to-end tests share: test contracts, waiting for Reflex to be ready, member flows."""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pyotp
from playwright.sync_api import Page, expect

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestContract:
    __test__ = False  # not a test class

    number: str
    first_name: str
    last_name: str
    typed_first_name: str
    typed_last_name: str
    insurer: str
    offer: str
    beneficiaries: tuple[str, ...]  # first names of the other people on the contract


# The demo contract of seed-demo that has no account yet (the member journey registers it).
EMILIE = TestContract(
    "GH777888", "Émilie", "Lefèvre", "emilie", "LEFEVRE", "Assurances du Littoral", "Assistance Plus", ("Jules",)
)
# Contracts imported by the session fixture, one per test that needs its own account.
AGNES = TestContract(
    "E2E-200-001", "Agnès", "Rousseau", "AGNES", "rousseau", "Mutuelle des Tests", "Assistance Plus", ("Timothée",)
)
BRUNO = TestContract("E2E-300-001", "Bruno", "Faure", "Bruno", "Faure", "Mutuelle des Tests", "Assistance Plus", ())
CHLOE = TestContract("E2E-400-001", "Chloé", "Mercier", "chloe", "mercier", "Mutuelle des Tests", "Assistance Plus", ())
DENIS = TestContract(
    "E2E-500-001", "Denis", "Lambert", "Denis", "Lambert", "Mutuelle des Tests", "Assistance Essentiel", ("Élodie",)
)
FANNY = TestContract("E2E-600-001", "Fanny", "Girard", "Fanny", "Girard", "Mutuelle des Tests", "Assistance Plus", ())
# The member an adviser opens an assistance file for (test_adviser.py), with a child.
GAELLE = TestContract(
    "E2E-700-001", "Gaëlle", "Roux", "gaelle", "roux", "Mutuelle des Tests", "Assistance Plus", ("Noé",)
)

CONTRACTS_CSV = """numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance
E2E-200-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Rousseau;Agnès;1981-02-03
E2E-200-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Rousseau;Timothée;2014-05-06
E2E-300-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Faure;Bruno;1970-07-08
E2E-400-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Mercier;Chloé;1992-09-10
E2E-500-001;Mutuelle des Tests;ASSISTANCE_ESSENTIEL;2025-01-01;;adherent;Lambert;Denis;1966-11-12
E2E-500-001;Mutuelle des Tests;ASSISTANCE_ESSENTIEL;2025-01-01;;conjoint;Lambert;Élodie;1968-01-13
E2E-600-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Girard;Fanny;1985-03-14
E2E-700-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;adherent;Roux;Gaëlle;1987-04-15
E2E-700-001;Mutuelle des Tests;ASSISTANCE_PLUS;2025-01-01;;enfant;Roux;Noé;2016-06-17
"""

# The confirmed demo member made by seed-demo.
CLAIRE_EMAIL = "claire.martin@example.fr"
CLAIRE_PASSWORD = "Tulipe-Horizon-47"
CLAIRE_NUMBER = "AB 123 456"

# The demo adviser made by seed-demo: no TOTP enrolled yet.
DEMO_ADVISER_EMAIL = "conseiller@example.fr"
DEMO_ADVISER_PASSWORD = "Conseil-Orage-58"

NO_ACCESS_MESSAGE = (
    "Veuillez vous assurer que vous avez souscrit à une offre vous donnant l'accès au service, et que cette "
    "offre est en cours de validité. Le cas échéant, rapprochez-vous de votre conseiller."
)

# ---------------------------------------------------------------------------------------------
# URLs and readiness
# ---------------------------------------------------------------------------------------------


def url_re(path: str) -> re.Pattern:
    """Reflex serves /mon-espace as /mon-espace/: match both, with any query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path.rstrip('/'))}/?(\?.*)?$")


_HYDRATED = re.compile(r'"is_hydrated_rx_state_"\s*:\s*true')


@dataclass
class _Hydration:
    """URLs of the page at each « hydrated » delta received on Reflex's websocket."""

    urls: list[str]


# Every Content-Security-Policy violation seen in any page of the run (tests/e2e/conftest.py fails the test
# during which one appears). Two witnesses: the page's `securitypolicyviolation` event, reported through a
# binding (DevTools, so the policy cannot block it), and Chromium's console message.
CSP_VIOLATIONS: list[str] = []
_CSP_PROBE = """document.addEventListener('securitypolicyviolation', (e) => {
  window.__eaCspViolation && window.__eaCspViolation([e.effectiveDirective, e.blockedURI,
    (e.sourceFile || '') + ':' + e.lineNumber, e.sample].join(' | '));
}, true);"""


def watch_csp(page: Page) -> None:
    """Record the page's CSP violations in CSP_VIOLATIONS (called by track_hydration, before any navigation)."""
    page.expose_binding("__eaCspViolation", lambda source, text: CSP_VIOLATIONS.append(f"{page.url}: {text}"))
    page.add_init_script(_CSP_PROBE)

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            CSP_VIOLATIONS.append(f"{page.url}: console: {message.text}")

    page.on("console", on_console)


def track_hydration(page: Page) -> None:
    """Watch Reflex's websocket: a page is ready once its on_load chain has set is_hydrated.
    Also watches the page's Content-Security-Policy violations (watch_csp)."""
    watch_csp(page)
    tracker = _Hydration([])
    page._e2e_hydration = tracker  # type: ignore[attr-defined]

    def on_frame(payload) -> None:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        if _HYDRATED.search(text):
            tracker.urls.append(page.url)

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))


def mark(page: Page) -> int:
    return len(page._e2e_hydration.urls)  # type: ignore[attr-defined]


def wait_hydrated(page: Page, since: int, path: str | None = None, timeout: float = 30) -> None:
    """Wait until the page (at `path`, when given) is hydrated after `mark(page)` returned `since`."""
    tracker: _Hydration = page._e2e_hydration  # type: ignore[attr-defined]
    pattern = url_re(path) if path else None
    deadline = time.monotonic() + timeout
    while True:
        fresh = tracker.urls[since:]
        if fresh and (pattern is None or (any(pattern.match(url) for url in fresh) and pattern.match(page.url))):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"page not hydrated at {path or page.url} after {timeout}s (seen: {fresh})")
        page.wait_for_timeout(50)


def goto(page: Page, path: str, expect_path: str | None = None) -> None:
    """Open a page and wait until Reflex has hydrated it (on_load done, handlers bound)."""
    since = mark(page)
    page.goto(path)
    wait_hydrated(page, since, expect_path or path.split("?")[0])


# ---------------------------------------------------------------------------------------------
# Member flows through the UI
# ---------------------------------------------------------------------------------------------


def fill_contract_step(page: Page, contract: TestContract, number: str | None = None) -> None:
    page.get_by_label("Numéro adhérent").fill(number if number is not None else contract.number)
    page.get_by_label("Prénom").fill(contract.typed_first_name)
    page.get_by_label("Nom", exact=True).fill(contract.typed_last_name)
    page.get_by_role("button", name="Continuer").click()


def fill_credentials_step(
    page: Page, email: str, phone: str, password: str, confirmation: str | None = None, terms: bool = True
) -> None:
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Téléphone mobile").fill(phone)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password if confirmation is None else confirmation)
    if terms:
        page.get_by_label("J'accepte les conditions d'utilisation").check()
    page.get_by_role("button", name="Créer mon compte").click()


def reach_credentials_step(page: Page, contract: TestContract) -> None:
    goto(page, "/inscription")
    fill_contract_step(page, contract)
    expect(page.get_by_role("heading", name="Étape 2 sur 3")).to_be_visible()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Étape 3 sur 3")).to_be_visible()


def register(page: Page, contract: TestContract, email: str, password: str, phone: str = "06 11 22 33 44") -> None:
    reach_credentials_step(page, contract)
    fill_credentials_step(page, email, phone, password)
    expect(page.get_by_role("heading", name="Votre compte est créé")).to_be_visible(timeout=30_000)


def open_link(page: Page, link: str, path: str) -> None:
    since = mark(page)
    page.goto(link)
    wait_hydrated(page, since, path)


def confirm_email(page: Page, wait_for_mail, email: str) -> None:
    link = link_from(wait_for_mail(email, "Confirmez votre adresse e-mail"))
    open_link(page, link, "/confirmation-email")
    expect(page.get_by_text("Votre adresse e-mail est confirmée")).to_be_visible()


def mail_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def link_from(message: EmailMessage) -> str:
    """The http(s)://…?token=… link of a message."""
    match = re.search(r"https?://[^\s<>\"']+\?token=[A-Za-z0-9_\-]+", mail_body(message))
    assert match, f"no link with a token in:\n{mail_body(message)}"
    return match.group(0)


def submit_login(page: Page, email: str, password: str) -> None:
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def login(page: Page, email: str, password: str, lands_on: str = "/mon-espace") -> None:
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, email, password)
    expect(page).to_have_url(url_re(lands_on), timeout=30_000)
    wait_hydrated(page, since, lands_on)


def login_refusal(page: Page):
    return page.locator("#refus-connexion")


def settle(page: Page, quiet_ms: int = 800, timeout: float = 30) -> None:
    """Wait until no new « hydrated » delta arrived for `quiet_ms` (the page stopped redirecting)."""
    tracker: _Hydration = page._e2e_hydration  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    seen, quiet_since = len(tracker.urls), time.monotonic()
    while time.monotonic() - quiet_since < quiet_ms / 1000:
        page.wait_for_timeout(100)
        if len(tracker.urls) != seen:
            seen, quiet_since = len(tracker.urls), time.monotonic()
        if time.monotonic() > deadline:
            raise AssertionError(f"the page kept reloading its state: {tracker.urls[-5:]}")


def click_log_out(page: Page) -> None:
    """« Déconnexion », then wait for the login page, wherever the redirects settle on it."""
    since = mark(page)
    page.get_by_role("button", name="Déconnexion").click()
    expect(page).to_have_url(url_re("/connexion"))
    wait_hydrated(page, since, "/connexion")
    settle(page)
    expect(page).to_have_url(url_re("/connexion"))


def log_out(page: Page) -> None:
    """Log out through the header button; the session must be over (header shows « Connexion »).

    Where exactly the member lands is checked by test_session.py (see the report of a bug there):
    this helper accepts /connexion with or without query, so the journeys test what comes next.
    """
    click_log_out(page)
    header = page.get_by_role("navigation", name="Navigation principale")
    expect(header.get_by_role("link", name="Connexion")).to_be_visible()
    expect(header.get_by_role("button", name="Déconnexion")).to_have_count(0)


def session_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == "ea_session"), None)


# ---------------------------------------------------------------------------------------------
# Database (read-only looks at the e2e SQLite file)
# ---------------------------------------------------------------------------------------------


def account_row(db_path: Path, email: str) -> dict | None:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM account WHERE email = ?", (email,)).fetchone()
        return dict(row) if row else None


def db_rows(db_path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return connection.execute(sql, args).fetchall()


def db_value(db_path: Path, sql: str, *args):
    rows = db_rows(db_path, sql, *args)
    return rows[0][0] if rows else None


# ---------------------------------------------------------------------------------------------
# Dates as the portal writes them (« 12 décembre 2026 », « mardi 1er septembre 2026 »), Paris time
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
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def today_in_paris() -> date:
    return datetime.now(PARIS).date()


def day_date(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def long_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day_date(day)}"


# ---------------------------------------------------------------------------------------------
# Advisers: password, then a TOTP code computed here (pyotp), as an authenticator app would
# ---------------------------------------------------------------------------------------------

TOTP_STEP_SECONDS = 30


@dataclass
class AdviserKeys:
    """What an adviser holds: password, the TOTP secret read at enrolment, the recovery codes."""

    email: str
    password: str
    secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)
    last_step: int = 0  # the portal refuses a code of a time step already used

    def code(self) -> str:
        """A code the portal has not seen: this step's, the next one's (one step of clock drift is
        accepted), or the following step's after waiting for it."""
        totp = pyotp.TOTP(self.secret)
        while True:
            step = int(time.time() // TOTP_STEP_SECONDS)
            for candidate in (step, step + 1):
                if candidate > self.last_step:
                    self.last_step = candidate
                    return totp.generate_otp(candidate)
            time.sleep(TOTP_STEP_SECONDS - time.time() % TOTP_STEP_SECONDS + 0.2)

    def wrong_code(self) -> str:
        totp, step = pyotp.TOTP(self.secret), int(time.time() // TOTP_STEP_SECONDS)
        valid = {totp.generate_otp(s) for s in range(step - 2, step + 3)}
        return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in valid)


def submit_code(page: Page, code: str, button: str) -> None:
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_role("button", name=button).click()


def totp_key_shown(page: Page) -> str:
    """The TOTP key as text, once the page's script has written it (it is never in a state var)."""
    key = page.locator("#cle-totp")
    expect(key).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    return key.inner_text().strip()


def enrol_second_factor(page: Page, keys: AdviserKeys) -> None:
    """On /connexion/verification at the first login: read the key, give a code, keep the recovery codes."""
    expect(page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")).to_be_visible()
    keys.secret = totp_key_shown(page)
    keys.last_step = 0
    submit_code(page, keys.code(), "Activer et continuer")
    codes = page.locator("#codes-de-secours li")
    expect(codes).to_have_count(10)
    keys.recovery_codes = [c.strip() for c in codes.all_inner_texts()]


CODES_KEPT = "J'ai conservé mes codes de secours en lieu sûr."


def leave_recovery_codes(page: Page) -> None:
    """The recovery codes page: tick « J'ai conservé mes codes… », then « Continuer vers l'espace conseiller »."""
    page.get_by_label(CODES_KEPT).check()
    page.get_by_role("button", name="Continuer vers l'espace conseiller").click()


def adviser_log_in(page: Page, keys: AdviserKeys) -> None:
    """Password, then enrolment (first time) or a TOTP code; ends hydrated on /conseiller."""
    goto(page, "/connexion")
    since = mark(page)
    submit_login(page, keys.email, keys.password)
    expect(page).to_have_url(url_re("/connexion/verification"))
    wait_hydrated(page, since, "/connexion/verification")
    expect(page.get_by_label("Code de vérification")).to_be_visible()
    since = mark(page)
    if not keys.secret:
        enrol_second_factor(page, keys)
        leave_recovery_codes(page)
    else:
        submit_code(page, keys.code(), "Vérifier")
    expect(page).to_have_url(url_re("/conseiller"))
    wait_hydrated(page, since, "/conseiller")
    expect(page.get_by_role("heading", name="Espace conseiller", level=1)).to_be_visible()
