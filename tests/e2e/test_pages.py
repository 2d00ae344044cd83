"""Every page: French, titled, every field labelled, no horizontal scroll on a 360 px phone."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from .support import CLAIRE_EMAIL, CLAIRE_PASSWORD, FANNY, goto, login, reach_credentials_step

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = ["/", "/inscription", "/connexion", "/mot-de-passe-oublie"]


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: the page is {width}px wide on a 360px screen"


def french_and_titled(page) -> None:
    assert page.locator("html").get_attribute("lang") == "fr"
    title = page.title()
    assert title and "Espace Assistance" in title, f"{page.url}: title {title!r}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_french_titled_and_fits_a_phone(phone, path):
    goto(phone, path)
    french_and_titled(phone)
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    no_horizontal_scroll(phone)


def test_member_home_fits_a_phone(phone):
    login(phone, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    expect(phone.get_by_text("Numéro adhérent")).to_be_visible()
    french_and_titled(phone)
    no_horizontal_scroll(phone)
    for path in ["/mon-espace/compte", "/mon-espace/mot-de-passe"]:
        goto(phone, path)
        french_and_titled(phone)
        no_horizontal_scroll(phone)


def test_every_field_has_a_visible_label(phone):
    goto(phone, "/inscription")
    for label in ["Numéro adhérent", "Prénom"]:
        expect(phone.get_by_label(label)).to_be_visible()
    expect(phone.get_by_label("Nom", exact=True)).to_be_visible()

    reach_credentials_step(phone, FANNY)
    for label in ["Adresse e-mail", "Téléphone mobile", "Confirmation du mot de passe"]:
        expect(phone.get_by_label(label)).to_be_visible()
    expect(phone.get_by_label("Mot de passe", exact=True)).to_be_visible()
    expect(phone.get_by_label("J'accepte les conditions d'utilisation")).to_be_visible()
    # The password rule and advice are shown before typing, tied to the field.
    password = phone.get_by_label("Mot de passe", exact=True)
    hint = phone.locator(f"#{password.get_attribute('aria-describedby')}")
    expect(hint).to_contain_text("au minimum 8 caractères")
    no_horizontal_scroll(phone)

    goto(phone, "/connexion")
    expect(phone.get_by_label("Adresse e-mail")).to_be_visible()
    expect(phone.get_by_label("Mot de passe", exact=True)).to_be_visible()
    expect(phone.get_by_role("button", name="Se connecter", exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name="J'ai oublié mon mot de passe")).to_be_visible()

    goto(phone, "/mot-de-passe-oublie")
    expect(phone.get_by_label("Adresse e-mail")).to_be_visible()

    # Unlabelled inputs would be invisible to get_by_label: none anywhere on these pages.
    for path in ["/inscription", "/connexion", "/mot-de-passe-oublie"]:
        goto(phone, path)
        unlabelled = phone.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length))
                .map(el => el.name || el.id)"""
        )
        assert unlabelled == [], f"{path}: inputs without a label: {unlabelled}"


class _InlineScripts(HTMLParser):
    """The text of every <script> without src, as the browser reads it (for the CSP hashes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "script" and "src" not in dict(attrs):
            self._open = True
            self.scripts.append("")

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._open = False

    def handle_data(self, data) -> None:
        if self._open:
            self.scripts[-1] += data


def _answer(portal: str, path: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(portal + path, headers={"Accept-Encoding": "identity"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=20) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize(
    ("path", "status", "private"),
    [
        ("/", 200, False),
        ("/connexion/", 200, False),
        ("/mon-espace/", 200, True),
        ("/conseiller/remboursements/", 200, True),
        ("/nexiste-pas", 404, False),
        ("/hors-ligne.html", 200, False),
        ("/sw.js", 200, False),
        ("/manifest.webmanifest", 200, False),
        ("/telechargement/mes-donnees", 303, True),
        ("/telechargement/justificatif/999999", 404, True),
    ],
)
def test_the_production_server_sends_the_security_headers(portal, path, status, private):
    """Issue 12, finding 8, on `reflex run --env prod`: each page's CSP allows exactly its own inline scripts."""
    code, headers, body = _answer(portal, path)
    assert code == status, (path, code)
    csp = headers["content-security-policy"]
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin" and "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # http:// in the tests
    if private:
        assert headers.get("cache-control") == "no-store", path
    else:
        assert "no-store" not in headers.get("cache-control", ""), path
    allowed = set(re.findall(r"'sha256-[^']+'", csp))
    if headers.get("content-type", "").startswith("text/html"):
        parser = _InlineScripts()
        parser.feed(body.decode("utf-8"))
        wanted = {
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in parser.scripts
            if s
        }
        assert wanted and wanted == allowed, f"{path}: scripts {wanted - allowed} not allowed, {allowed - wanted} extra"
    else:
        assert not allowed
