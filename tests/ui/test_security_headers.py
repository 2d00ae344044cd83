"""Every answer of the portal carries its security headers (issue 12, finding 8): the portal's own
api_transformers, in the order portal_app.py gives them, around Reflex's static-file server over a small
build (pages with inline scripts, as React Router prerenders them)."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from portal_app import settings
from portal_app.ui import security_headers as sh

PUBLIC_BOOT = "window.__start('/');"
MEMBER_BOOT = "window.__start('/mon-espace');"
ADVISER_BOOT = "window.__start('/conseiller');"
NOT_FOUND_BOOT = "window.__start('404');"
SHARED = "window.__reactRouterContext = {};"


def page(*scripts: str) -> str:
    inline = "".join(f"<script>{body}</script>" for body in scripts)
    return (
        f'<!DOCTYPE html><html lang="fr"><head>{inline}<script src="/register-sw.js" defer=""></script></head></html>'
    )


def sha(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    files = {
        "index.html": page(SHARED, PUBLIC_BOOT),
        "mon-espace/index.html": page(SHARED, MEMBER_BOOT),
        "conseiller/index.html": page(SHARED, ADVISER_BOOT),
        "404.html": page(SHARED, NOT_FOUND_BOOT),
        "register-sw.js": "navigator.serviceWorker.register('/sw.js');",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(text.encode()))  # as Reflex precompresses them
    return tmp_path


@pytest.fixture
def client(build: Path, monkeypatch) -> TestClient:
    import portal_app.portal_app as portal

    transformers = portal.app.api_transformer
    assert transformers[-1] is sh.security_headers, "the headers middleware must be the outermost transformer"
    frontend = PrecompressedStaticFiles(directory=build, html=True, encodings=["gzip"])
    app = Starlette(routes=[Mount("/", app=frontend)])
    for transformer in transformers[:-1]:
        if isinstance(transformer, Starlette):  # as Reflex does, on a copy (the module's own stays as it is)
            routes = Starlette(routes=list(transformer.routes))
            routes.mount("", app)
            app = routes
        else:
            app = transformer(app)
    return TestClient(sh.security_headers(app, sh.PageHashes(lambda: build)), follow_redirects=False)


def assert_common_headers(response) -> str:
    headers = response.headers
    csp = headers["content-security-policy"]
    for directive in (
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"connect-src 'self' {sh.websocket_origin(settings.PUBLIC_URL)}",
    ):
        assert directive in csp, (directive, csp)
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer", "same-origin")
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    permissions = headers["permissions-policy"]
    assert "camera=()" in permissions and "microphone=()" in permissions and "geolocation=()" in permissions
    assert "payment=()" in permissions and "usb=()" in permissions
    assert "publickey-credentials" not in permissions  # passkeys come (issue 12)
    assert "strict-transport-security" not in headers  # the tests' public URL is http://
    assert len(headers.get_list("content-security-policy")) == 1
    return csp


def test_a_public_page_allows_its_own_inline_scripts_only(client):
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.headers.get("content-encoding") == "gzip"
    csp = assert_common_headers(response)
    assert sha(SHARED) in csp and sha(PUBLIC_BOOT) in csp
    assert sha(MEMBER_BOOT) not in csp and sha(NOT_FOUND_BOOT) not in csp
    assert "no-store" not in response.headers.get("cache-control", "")


@pytest.mark.parametrize(("path", "boot"), [("/mon-espace/", MEMBER_BOOT), ("/conseiller/", ADVISER_BOOT)])
def test_member_and_adviser_pages_are_never_stored(client, path, boot):
    response = client.get(path)
    assert response.status_code == 200
    csp = assert_common_headers(response)
    assert sha(boot) in csp and sha(PUBLIC_BOOT) not in csp
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_a_revalidated_page_keeps_its_hashes(client):
    etag = client.get("/").headers["etag"]
    response = client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert sha(PUBLIC_BOOT) in assert_common_headers(response)


def test_a_static_file_gets_the_headers_without_page_hashes(client):
    response = client.get("/register-sw.js")
    assert response.status_code == 200
    csp = assert_common_headers(response)
    assert "sha256-" not in csp


def test_an_unknown_path_answers_the_404_page_with_its_hashes(client):
    response = client.get("/nexiste-pas")
    assert response.status_code == 404
    csp = assert_common_headers(response)
    assert sha(NOT_FOUND_BOOT) in csp and sha(PUBLIC_BOOT) not in csp


def test_download_routes_get_the_headers_and_no_store(client):
    response = client.get("/telechargement/mes-donnees")  # no session: off to the login page
    assert response.status_code == 303
    assert_common_headers(response)
    assert response.headers["cache-control"] == "no-store"


def test_the_portal_s_own_routes_get_the_headers(client):
    refused = client.post("/_upload", content=b"x", headers={"content-length": str(10**12)})
    assert refused.status_code == 413
    assert_common_headers(refused)
    session = client.post("/session/ouvrir", json={"grant": "x"})  # no Origin: refused
    assert session.status_code == 403
    assert_common_headers(session)
    assert session.headers["cache-control"] == "no-store"


def test_https_adds_strict_transport_security(client, monkeypatch):
    monkeypatch.setattr(settings, "PUBLIC_URL", "https://espace.example.fr")
    response = client.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    csp = response.headers["content-security-policy"]
    assert "connect-src 'self' wss://espace.example.fr" in csp and "upgrade-insecure-requests" in csp


def test_hashes_follow_the_browser_s_reading_of_a_script():
    html = (
        '<script type="module" async="">import "/a.js";</script><script src="/b.js"></script><script>\nx()\n</script>'
    )
    assert sh.inline_script_hashes(html) == [sha('import "/a.js";'), sha("\nx()\n")]


def test_the_offline_page_has_no_inline_event_handler():
    html = (Path(__file__).resolve().parents[2] / "assets" / "hors-ligne.html").read_text(encoding="utf-8")
    assert " onclick=" not in html.lower()
    assert sh.inline_script_hashes(html)  # its one script runs by its hash
