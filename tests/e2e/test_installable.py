"""The installable app: manifest and icons, Chromium's installability verdict, the offline page, and
what the service worker keeps on the device (static build files only; nothing after logout).

Installability needs a persistent profile: Chromium answers « in-incognito » for the ordinary
(non-persistent) contexts of the other tests.
"""

from __future__ import annotations

import json
import re
import struct
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .axe import assert_no_axe_violations
from .support import CLAIRE_EMAIL, CLAIRE_PASSWORD, click_log_out, goto, login, track_hydration
from .test_claims import INVOICE_PDF, file_claim, open_claim, open_claims_page

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
ARGS = [  # as tests/e2e/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Never in Cache Storage: pages of the member and adviser spaces, Reflex's websocket and uploads,
# downloads.
PRIVATE_PATHS = re.compile(r"^/(mon-espace|conseiller|_event|_upload|telechargement)(/|$|\?)")
# What the service worker may keep: Reflex's hashed build files, the icons, the offline page.
STATIC_PATHS = re.compile(
    r"^/(assets/[^/]+\.(js|mjs|css|woff2?)|icons/icon-[a-z0-9-]+\.png|apple-touch-icon\.png|hors-ligne\.html)$"
)


def fetch(portal: str, path: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(portal + path, timeout=20) as response:  # noqa: S310 (local test server)
        assert response.status == 200, f"{path}: {response.status}"
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def head_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html.split("</head>")[0])
    return parser.tags


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def app_context(playwright, portal, tmp_path):
    """Factory: a Chromium with its own persistent profile (phone or desktop screen)."""
    contexts: list[BrowserContext] = []

    def make(kind: str = "desktop") -> tuple[BrowserContext, Page]:
        screen = PHONE if kind == "phone" else DESKTOP
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{len(contexts)}"),
            executable_path=CHROMIUM,
            args=ARGS,
            base_url=portal,
            locale="fr-FR",
            **screen,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        track_hydration(page)
        return context, page

    yield make
    for context in contexts:
        context.close()


def wait_controlled(page: Page) -> None:
    """Wait until the service worker is active and controls the page (its clients.claim() takes it)."""
    poll(
        page,
        "async () => { const r = await Promise.race([navigator.serviceWorker.ready,"
        " new Promise((done) => setTimeout(() => done(null), 1000))]); return !!(r && r.active); }",
    )
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=10_000)


def poll(page: Page, script: str, timeout: float = 20) -> None:
    """Wait until the (async) script returns true. page.wait_for_function takes a promise as true."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {script}"
        page.wait_for_timeout(200)


def cached_urls(page: Page) -> dict[str, list[str]]:
    return page.evaluate(
        """async () => {
            const out = {};
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                out[name] = (await cache.keys()).map((r) => r.url);
            }
            return out;
        }"""
    )


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# ---------------------------------------------------------------------------------------------


def test_manifest_is_valid_and_its_icons_are_real_pngs_of_their_sizes(portal):
    body, headers = fetch(portal, "/manifest.webmanifest")
    manifest = json.loads(body)
    assert headers["content-type"].startswith(("application/manifest+json", "application/json"))
    assert manifest["name"] == "Espace Assistance"
    assert manifest["short_name"] and len(manifest["short_name"]) <= 12
    assert manifest["lang"] == "fr"
    assert "assistance" in manifest["description"].lower() and "é" in manifest["description"]
    assert manifest["start_url"] == "/mon-espace"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].lower() == "#1e40af"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["background_color"])

    seen: dict[tuple[str, str], str] = {}
    for icon in manifest["icons"]:
        data, icon_headers = fetch(portal, icon["src"])
        assert icon["type"] == "image/png" and icon_headers["content-type"] == "image/png"
        width, height = png_size(data)
        assert f"{width}x{height}" == icon["sizes"], f"{icon['src']} is {width}x{height}, says {icon['sizes']}"
        for purpose in icon.get("purpose", "any").split():
            seen[(icon["sizes"], purpose)] = icon["src"]
    assert ("192x192", "any") in seen and ("512x512", "any") in seen
    assert any(purpose == "maskable" for _, purpose in seen), "no maskable icon"

    # Every page links the manifest, the icons and the service worker's registration.
    for path in ("/", "/connexion/", "/faq/"):
        tags = head_tags(fetch(portal, path)[0].decode())
        links = {a.get("rel"): a.get("href") for name, a in tags if name == "link"}
        assert links.get("manifest") == "/manifest.webmanifest", path
        assert links.get("apple-touch-icon") == "/apple-touch-icon.png", path
        assert any(name == "script" and a.get("src") == "/register-sw.js" for name, a in tags), path
    assert png_size(fetch(portal, "/apple-touch-icon.png")[0]) == (180, 180)

    # The worker is served at the root (so its scope can be the whole site), as JavaScript.
    sw, sw_headers = fetch(portal, "/sw.js")
    assert "javascript" in sw_headers["content-type"]
    assert b"ea-static-" in sw


def test_chromium_reports_the_site_installable(app_context):
    context, page = app_context("phone")
    goto(page, "/")
    wait_controlled(page)
    cdp = context.new_cdp_session(page)
    deadline = time.monotonic() + 20
    while True:
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        if not errors or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert errors == [], f"Chromium: not installable: {errors}"
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"].endswith("/manifest.webmanifest")


def test_offline_page_when_the_network_is_cut(app_context):
    context, page = app_context("phone")
    goto(page, "/connexion")
    wait_controlled(page)
    context.set_offline(True)
    try:
        for path in ("/mon-espace", "/faq"):
            page.goto(path)
            expect(page.get_by_role("heading", name="Vous êtes hors ligne…", level=1)).to_be_visible()
            expect(page).to_have_title("Hors ligne – Espace Assistance")
            assert page.evaluate("() => document.documentElement.lang") == "fr"
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_axe_violations(page, "the offline page")
        page.get_by_role("button", name="Réessayer").focus()
        assert page.evaluate("() => document.activeElement.textContent") == "Réessayer"
    finally:
        context.set_offline(False)
    # Back online, the same button brings the real page back (from the network, not a cache).
    page.get_by_role("button", name="Réessayer").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Vous êtes hors ligne…")


def test_nothing_personal_is_cached_and_logout_clears_what_the_page_kept(app_context):
    context, page = app_context("desktop")
    goto(page, "/connexion")
    wait_controlled(page)
    login(page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    expect(page.locator("main")).to_contain_text("Bonjour Claire Martin")
    for path in ("/mon-espace/compte", "/mon-espace/adresses", "/mon-espace/trajets"):
        goto(page, path)
    # An invoice sent, then downloaded by clicking its link, as a member does (the worker lets the
    # navigation through: the file arrives, nothing of it is kept).
    open_claims_page(page)
    open_claim(page, file_claim(page, provider="Hors Ligne Services", amount="10,00"))
    link = page.locator("#justificatifs-envoyes a").first
    assert (link.get_attribute("href") or "").startswith("/telechargement/justificatif/")
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == INVOICE_PDF
    # A full load of a member page, and a download asked by script (refused or not, never kept).
    goto(page, "/mon-espace")
    page.evaluate("() => fetch('/telechargement/justificatif/1').then((r) => r.status)")
    page.wait_for_timeout(1_000)  # let the worker finish writing its cache

    caches = cached_urls(page)
    assert list(caches) and all(name.startswith("ea-static-") for name in caches), caches
    paths = [path_of(url) for urls in caches.values() for url in urls]
    assert "/hors-ligne.html" in paths
    assert any(p.startswith("/assets/") and p.endswith(".js") for p in paths), f"no build file cached: {paths}"
    private = [p for p in paths if PRIVATE_PATHS.search(p)]
    assert not private, f"personal routes in Cache Storage: {private}"
    assert all(STATIC_PATHS.match(p) for p in paths), [p for p in paths if not STATIC_PATHS.match(p)]

    # What a page could have kept: storage and a cache of its own.
    page.evaluate(
        """async () => {
            localStorage.setItem('ea-test', 'Claire');
            sessionStorage.setItem('ea-test', 'Claire');
            const cache = await caches.open('donnees-de-page');
            await cache.put('/mon-espace/essai', new Response('Claire Martin'));
        }"""
    )
    click_log_out(page)
    poll(page, "async () => (await caches.keys()).every((name) => name.startsWith('ea-static-'))")
    # The login page loads afresh after « Déconnexion »: Reflex writes its colour mode again (listed on /cookies).
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k !== 'theme')") == []
    assert page.evaluate("() => sessionStorage.getItem('ea-test')") is None
    # Reflex's tab token and React Router's scroll positions (both listed on /cookies) come back with the fresh page.
    kept = ("token", "react-router-scroll-positions")
    assert page.evaluate(f"() => Object.keys(sessionStorage).filter((k) => !{list(kept)}.includes(k))") == []
    after = cached_urls(page)
    assert all(name.startswith("ea-static-") for name in after), after
    assert not [path_of(u) for urls in after.values() for u in urls if PRIVATE_PATHS.search(path_of(u))]


def test_a_new_worker_deletes_the_caches_of_the_old_one(app_context):
    context, page = app_context("desktop")
    goto(page, "/")
    wait_controlled(page)
    current = page.evaluate("async () => (await caches.keys()).filter((n) => n.startsWith('ea-static-'))")
    assert len(current) == 1, current
    page.evaluate(
        """async () => {
            const old = await caches.open('ea-static-v0');
            await old.put('/assets/ancien-0000.js', new Response('ancien'));
            await (await caches.open('autre-cache')).put('/faq', new Response('ancien'));
        }"""
    )
    # A changed script URL makes Chromium install and activate the worker again, as after a deploy.
    page.evaluate("async () => { await navigator.serviceWorker.register('/sw.js?essai=1', {scope: '/'}); }")
    poll(
        page,
        "async () => { const n = await caches.keys(); return !n.includes('ea-static-v0') && !n.includes('autre-cache'); }",
    )
    assert page.evaluate("async () => await caches.keys()") == current
    assert page.evaluate(f"async () => !!(await (await caches.open('{current[0]}')).match('/hors-ligne.html'))")


def test_offline_page_is_a_standalone_file():
    """No external resource: the page must render with no network at all."""
    html = (Path(__file__).resolve().parents[2] / "assets" / "hors-ligne.html").read_text(encoding="utf-8")
    assert "Vous êtes hors ligne…" in html and '<html lang="fr">' in html
    assert not re.search(r'<(link|script|img)[^>]+(href|src)="', html)
