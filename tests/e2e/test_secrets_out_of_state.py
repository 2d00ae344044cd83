"""No secret in Reflex's stored state, none within reach of the page's scripts (issue 11).

Reflex's state manager writes every tab's state to disk (`.states/`, or Redis with several workers). A member
logs in, then resets her password from the e-mail link; afterwards every stored state file is read and must
hold neither the session token, nor the login grant, nor the reset link's secret. (What it holds instead is
the SHA-256 of the cookies, in a header the portal's middleware writes and a client cannot: the value the
database stores, worthless as a cookie; see portal_app/ui/session_cookie.py.)
"""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from .conftest import _run_cli
from .support import (
    TestContract,
    confirm_email,
    link_from,
    login,
    open_link,
    register,
    session_cookie,
)

pytestmark = pytest.mark.e2e

IRIS = TestContract("E2E-970-001", "Iris", "Marchand", "Iris", "Marchand", "Mutuelle Secrets", "Assistance Plus", ())
IRIS_CSV = """numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance
E2E-970-001;Mutuelle Secrets;ASSISTANCE_PLUS;2025-01-01;;adherent;Marchand;Iris;1990-02-03
"""
EMAIL = "iris.secrets@example.org"
PASSWORD = "Lavande-Comete-64"
NEW_PASSWORD = "Orchidee-Tonnerre-29"


@pytest.fixture(scope="module")
def iris_contract(portal_server) -> TestContract:
    csv = portal_server.data_dir / "contrats-secrets.csv"
    csv.write_text(IRIS_CSV, encoding="utf-8")
    _run_cli(portal_server.env, portal_server.app_dir, "import-contracts", str(csv))
    return IRIS


def stored_states(portal_server) -> bytes:
    """Every state file Reflex's disk state manager wrote for the running portal, concatenated."""
    folder = portal_server.app_dir / ".states"
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
    assert files, f"no stored state under {folder}"
    return b"".join(p.read_bytes() for p in files)


def test_no_token_grant_or_link_secret_is_stored_in_reflex_state(new_page, portal_server, wait_for_mail, iris_contract):
    page = new_page("desktop")
    register(page, iris_contract, EMAIL, PASSWORD)
    confirm_email(page, wait_for_mail, EMAIL)

    grants: list[str] = []
    page.on(
        "request",
        lambda request: (
            grants.append(json.loads(request.post_data or "{}").get("grant", ""))
            if request.url.endswith("/session/ouvrir")
            else None
        ),
    )
    login(page, EMAIL, PASSWORD)
    token = session_cookie(page)["value"]
    assert grants and grants[0], "the login page did not exchange a grant"
    assert "ea_session" not in page.evaluate("() => document.cookie")

    # The password forgotten, then reset from the e-mail link.
    page.goto("/mot-de-passe-oublie")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_role("button", name="Recevoir le lien").click()
    reset_link = link_from(wait_for_mail(EMAIL, "Renouvellement de votre mot de passe"))
    reset_secret = reset_link.split("token=", 1)[1]
    open_link(page, reset_link, "/nouveau-mot-de-passe")
    assert "token=" not in page.url, "the link's secret stayed in the address bar"
    assert reset_secret not in page.evaluate("() => document.cookie + location.href + document.body.innerHTML")
    page.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été modifié. Vous pouvez maintenant vous connecter")).to_be_visible(
        timeout=30_000
    )
    time.sleep(2)  # the state manager writes behind the event

    stored = stored_states(portal_server)
    secrets = {
        "session token": token,
        "login grant": grants[0],
        "reset link secret": reset_secret,
    }
    found = [name for name, value in secrets.items() if value.encode() in stored]
    assert found == [], f"found in Reflex's stored state: {found}"
