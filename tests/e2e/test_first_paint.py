"""The production build paints from the HTML alone: the global CSS is inlined, hydration still works."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from .support import goto, submit_login

pytestmark = pytest.mark.e2e


def fetch(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (local test server)
        return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")


@pytest.mark.parametrize("path", ["/", "/connexion/", "/faq/"])
def test_prerendered_page_carries_its_css_and_links_no_stylesheet(portal, path):
    status, _, html = fetch(f"{portal}{path}")
    assert status == 200
    head = html.split("</head>", 1)[0]
    assert re.search(r'<style data-inlined-from="/assets/[^"]+\.css">[^<]*\.flex\{', head), "no inlined CSS"
    # the stylesheet and its preload stay for React's hydration, for print only: neither blocks the paint
    assert re.search(r'<link media="print" href="/assets/[^"]+\.css" rel="stylesheet"', head)
    assert re.search(r'<link media="print" as="style"', head)
    assert not re.search(r'<link(?![^>]*media="print")[^>]*rel="stylesheet"', head)
    # no JavaScript is fetched before the first paint: the start-up script brings its preloads after it
    assert "modulepreload" not in head
    assert "requestAnimationFrame(() => setTimeout(start, 0))" in html


def test_robots_txt_is_served(portal):
    status, content_type, text = fetch(f"{portal}/robots.txt")
    assert status == 200 and content_type.startswith("text/plain")
    assert "User-agent: *" in text and "Disallow: /mon-espace" in text


def test_page_is_styled_before_and_after_hydration_without_react_errors(phone):
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    goto(phone, "/connexion")
    assert phone.evaluate("() => window.__portalDeferredStart") is True
    # Tailwind's rules apply (from the inlined <style>)
    brand = phone.get_by_role("link", name="Espace Assistance").first
    assert brand.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    assert phone.locator("main").evaluate("e => getComputedStyle(e).display") != ""
    # still a live React page: a wrong password gets its French answer from the server
    submit_login(phone, "personne@example.org", "Mauvais-Essai-11")
    expect(phone.locator("#refus-connexion")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    hydration = [e for e in errors if re.search(r"#41[89]|#42[35]|[Hh]ydrat", e)]
    assert not hydration, hydration
