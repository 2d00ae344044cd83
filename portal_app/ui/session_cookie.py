"""The session and e-mail-link cookies: HttpOnly, set and cleared only by the portal's own HTTP routes.

Design (issue 11). Page scripts never see a secret, and Reflex's stored state never holds one:

- `POST /session/ouvrir` exchanges the single-use login grant (given by the login handler after the password
  check, seconds old) for the session cookie; `POST /session/fermer` ends the session and clears it. Both
  refuse another site's Origin. The login page calls the first with `fetch` and then loads the asked page,
  whose new websocket carries the cookie.
- An e-mail link (`/nouveau-mot-de-passe?token=…`, `/confirmation-email?token=…`) is answered here: its secret
  goes into the `ea_lien` cookie and the browser is sent to the same page without it, so the secret never
  reaches the page, its history or Reflex's router data.
- Reflex copies the websocket handshake's headers into the root state, which its state manager stores
  (disk or Redis). So for `/_event` the `Cookie` header is taken out and replaced by headers carrying only the
  SHA-256 of each cookie (what the database stores, worthless to a browser); headers of those names sent by
  a client are dropped first. Handlers read them with `session_digest(state)` and `link_digest(state)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

import reflex as rx
import reflex.istate.data as reflex_router_data
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal_app import settings
from portal_app.domain import auth, tokens
from portal_app.domain.errors import NotAllowed
from portal_app.ui.request_origin import remember_request_origin

SESSION_COOKIE = "ea_session"
LINK_COOKIE = "ea_lien"
SESSION_HEADER = "x-ea-session-digest"
LINK_HEADER = "x-ea-link-digest"
OUR_HEADERS = {SESSION_HEADER.encode(), LINK_HEADER.encode()}
EVENT_PATH = "/_event"  # Reflex's socket.io endpoint (constants.Endpoint.EVENT)
LINK_PAGES = ("/nouveau-mot-de-passe", "/confirmation-email")
LINK_COOKIE_SECONDS = 3600  # the reset link's lifetime; a confirmation link is used at once
OPEN_PATH = "/session/ouvrir"
CLOSE_PATH = "/session/fermer"
NO_STORE = {"Cache-Control": "no-store"}

# Reflex sends the router headers to the page, except those it calls private: ours join them, so the digests
# stay on the server (tests/ui/test_session_cookie.py fails if a Reflex upgrade moves this).
reflex_router_data._PRIVATE_HEADERS = reflex_router_data._PRIVATE_HEADERS | {SESSION_HEADER, LINK_HEADER}

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def session_digest(state: rx.State) -> str:
    """The SHA-256 of this tab's session cookie, as the middleware put it in the handshake's headers."""
    return state.router.headers.raw_headers.get(SESSION_HEADER, "")


def link_digest(state: rx.State) -> str:
    """The SHA-256 of the secret of the e-mail link this tab was opened from."""
    return state.router.headers.raw_headers.get(LINK_HEADER, "")


def _cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == b"cookie":
            with contextlib.suppress(CookieError):  # a malformed Cookie header counts as none
                jar.load(value.decode("latin-1"))
    return {key: morsel.value for key, morsel in jar.items()}


def _handshake_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers Reflex may keep: no Cookie, and our digests instead of any a client made up."""
    cookies = _cookies(headers)
    kept = [(n, v) for n, v in headers if n.lower() != b"cookie" and n.lower() not in OUR_HEADERS]
    for cookie, header in ((SESSION_COOKIE, SESSION_HEADER), (LINK_COOKIE, LINK_HEADER)):
        secret = cookies.get(cookie, "")
        if secret and len(secret) <= 200:
            kept.append((header.encode(), tokens.digest(secret).encode()))
    return kept


def _cookie_header(name: str, value: str, max_age: int | None, same_site: str) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if settings.COOKIE_SECURE:
        parts.append("Secure")
    return "; ".join(parts).encode("latin-1")


async def _link_redirect(scope: Scope, send, secret: str) -> None:
    """The e-mail link's secret into its cookie (Lax: the link comes from a webmail), then the bare page."""
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", scope["path"].encode()),
                (b"cache-control", b"no-store"),
                (b"referrer-policy", b"no-referrer"),
                (b"set-cookie", _cookie_header(LINK_COOKIE, secret, LINK_COOKIE_SECONDS, "Lax")),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def protect_session_cookie(app: ASGIApp) -> ASGIApp:
    """ASGI middleware (an `api_transformer`): see the module's docstring."""

    async def guarded(scope: Scope, receive, send) -> None:
        if scope.get("type") in ("http", "websocket"):
            path = str(scope.get("path", ""))
            headers = list(scope.get("headers") or [])
            if path.startswith(EVENT_PATH):
                scope = {**scope, "headers": _handshake_headers(headers)}
            else:
                scope = {**scope, "headers": [(n, v) for n, v in headers if n.lower() not in OUR_HEADERS]}
                if scope["type"] == "http" and scope.get("method") == "GET" and path.rstrip("/") in LINK_PAGES:
                    secret = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
                    if secret and len(secret) <= 200 and secret.replace("-", "").replace("_", "").isalnum():
                        await _link_redirect(scope, send, secret)
                        return
        await app(scope, receive, send)

    return guarded


def _same_origin(request: Request) -> bool:
    """A POST that sets or clears the session must come from a page of the portal (no login CSRF)."""
    origin = request.headers.get("origin", "")
    host = request.headers.get("host", "")
    return bool(origin) and bool(host) and urlsplit(origin).netloc == host


def _remember(request: Request) -> None:
    remember_request_origin(request)


async def open_session(request: Request) -> Response:
    """The login grant in, the session cookie out (204); 403 for a spent, stale or foreign grant."""
    _remember(request)
    if not _same_origin(request):
        return Response(status_code=403, headers=NO_STORE)
    try:
        grant = (await request.json()).get("grant", "")
    except (ValueError, AttributeError):
        grant = ""
    if not isinstance(grant, str) or not grant:
        return Response(status_code=403, headers=NO_STORE)
    try:
        opened = await asyncio.to_thread(auth.open_session, grant)
    except NotAllowed:
        return Response(status_code=403, headers=NO_STORE)
    response = Response(status_code=204, headers=NO_STORE)
    response.raw_headers.append((b"set-cookie", _cookie_header(SESSION_COOKIE, opened.session_token, None, "Strict")))
    return response


async def close_session(request: Request) -> Response:
    """« Déconnexion »: the session ends on the server and both cookies are cleared (204)."""
    _remember(request)
    if not _same_origin(request):
        return Response(status_code=403, headers=NO_STORE)
    secret = request.cookies.get(SESSION_COOKIE, "")
    if secret and len(secret) <= 200:
        await asyncio.to_thread(auth.logout, tokens.digest(secret))
    response = Response(status_code=204, headers=NO_STORE)
    response.raw_headers.append((b"set-cookie", _cookie_header(SESSION_COOKIE, "", 0, "Strict")))
    response.raw_headers.append((b"set-cookie", _cookie_header(LINK_COOKIE, "", 0, "Lax")))
    return response


routes = Starlette(
    routes=[Route(OPEN_PATH, open_session, methods=["POST"]), Route(CLOSE_PATH, close_session, methods=["POST"])]
)


def open_session_script(grant: str, target: str) -> rx.event.EventSpec:
    """Run in the page after a right password: the grant goes to the HTTP route, then the page asked for loads
    (a full load, so that the new websocket carries the new cookie). The grant is in this script only."""
    return rx.call_script(
        "fetch(" + json.dumps(OPEN_PATH) + ", {method: 'POST', credentials: 'same-origin', cache: 'no-store', "
        "headers: {'Content-Type': 'application/json'}, body: JSON.stringify({grant: " + json.dumps(grant) + "})})"
        ".then((r) => window.location.replace(r.ok ? " + json.dumps(target) + " : '/connexion?expiree=1'))"
        ".catch(() => window.location.replace('/connexion?expiree=1'))"
    )


# After the account is closed: the dead cookie is cleared by the HTTP route, then the page given loads.
CLEAR_COOKIE_THEN = (
    "fetch(" + json.dumps(CLOSE_PATH) + ", {method: 'POST', credentials: 'same-origin', cache: 'no-store'})"
    ".catch(() => {}).then(() => window.location.replace('__TARGET__'))"
)

# Run in the browser at logout: the session ends (HTTP route), then what the page kept goes (Cache Storage other
# than the service worker's static build files, see assets/sw.js), then the login page loads afresh.
LOG_OUT_SCRIPT = (
    "fetch(" + json.dumps(CLOSE_PATH) + ", {method: 'POST', credentials: 'same-origin', cache: 'no-store'})"
    ".catch(() => {}).then(() => { try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}"
    " const names = window.caches ? caches.keys() : Promise.resolve([]);"
    " return names.then((all) => Promise.all(all.filter((name) => !name.startsWith('ea-static-'))"
    ".map((name) => caches.delete(name)))).catch(() => {}); })"
    ".then(() => window.location.replace('/connexion?deconnecte=1'))"
)
