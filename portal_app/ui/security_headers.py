"""Security headers on every HTTP response of the portal (issue 12, finding 8): one ASGI middleware, the
outermost `api_transformer`, so pages, static files, downloads, /_upload and the session routes all get them.

Content-Security-Policy, as shipped (`policy()` builds it; `tests/ui/test_security_headers.py` reads it):

- `script-src 'self' 'unsafe-eval' 'sha256-…'`: scripts come from the portal's own files; the only inline
  scripts allowed are those of the built page served (React Router's start-up and context scripts, React's
  streaming helpers, Reflex's colour-mode script, the old-browser banner, first_paint.py's deferred start),
  each by the SHA-256 of its text read from that very file in `.web/build/client` after the build
  (first_paint.py has rewritten it by then). An injected <script> or `on…=` attribute does not run.
  `'unsafe-eval'` stays because Reflex 0.10 runs every `rx.call_script` (and every `rx.call_function` sent
  by the server) through `eval` in its state.js, and the portal needs such scripts sent by the server: the
  login grant is handed to `fetch('/session/ouvrir')` in one (session_cookie.py), logout clears the
  session and the page caches in one, the adviser's TOTP secret and recovery codes reach the page in one
  so that they never sit in Reflex's stored state (second_factor.py), and focus moves / form resets after
  a server answer use them (forms.py, registration.py…). No other eval exists in the built bundles.
- `style-src 'self' 'unsafe-inline'`: the stylesheet inlined by first_paint.py, the `<style>` blocks React
  prerenders and the inline `style` attributes (old-browser banner, offline page) would otherwise need one
  hash each; CSS cannot run script.
- `img-src 'self' data:` (the TOTP QR code is a data: URI), `connect-src 'self'` plus the portal's own
  websocket origin (ws:// or wss:// of PORTAL_PUBLIC_URL), `frame-ancestors 'none'`, `object-src 'none'`,
  `base-uri 'self'`, `form-action 'self'`, everything else `'self'` (`default-src`), and
  `upgrade-insecure-requests` when the public URL is https.

The other headers: `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`
(a route may send a stricter one: downloads say `no-referrer`), `Permissions-Policy` denying the powerful
features the portal never uses (but not `publickey-credentials-*`: passkeys come), `Cross-Origin-Opener-Policy:
same-origin`, `Cross-Origin-Resource-Policy: same-origin`, `X-Frame-Options: DENY`, `Strict-Transport-Security`
only when the public URL is https, and `Cache-Control: no-store` on the member's and adviser's pages, the
downloads and the session routes (whatever the route said before).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portal_app import settings

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]

# Paths whose answers must never be kept by the browser or a proxy: what a member or an adviser sees.
PRIVATE_PREFIXES = ("/mon-espace", "/conseiller", "/telechargement", "/session")

# Powerful features the portal never uses. Not `publickey-credentials-get/-create`: passkeys (issue 12).
# Only names Chromium knows (an unknown one is a console warning there); checked with Chromium 156.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)
HSTS = "max-age=31536000"  # a year; no includeSubDomains nor preload: other hosts of the domain are not ours

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?:\s[^>]*)?>(.*?)</script\s*>", re.S | re.I)


def inline_script_hashes(html: str) -> list[str]:
    """The CSP sources (`'sha256-…'`) of every inline script of a page, in order, without repeats."""
    hashes: list[str] = []
    for body in _INLINE_SCRIPT.findall(html):
        if not body:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def websocket_origin(public_url: str) -> str:
    """The origin of the portal's own websocket (Reflex's /_event), from its public URL."""
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def policy(public_url: str, script_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """The Content-Security-Policy of a response; `script_hashes` are those of the page served, if any."""
    https = public_url.startswith("https://")
    directives = [
        "default-src 'self'",
        " ".join(["script-src 'self' 'unsafe-eval'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src 'self' {websocket_origin(public_url)}",
        "manifest-src 'self'",
        "worker-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    if https:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


def is_private(path: str) -> bool:
    """A member's or adviser's page, a download or a session route: never stored."""
    return path.startswith(PRIVATE_PREFIXES)


def default_static_dir() -> Path:
    """Where `reflex run --env prod` serves the built pages from (reflex/utils/exec.py, get_frontend_mount)."""
    from reflex.utils import prerequisites
    from reflex_base import constants
    from reflex_base.config import get_config

    return (prerequisites.get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")).resolve()


class PageHashes:
    """The inline-script hashes of the built page a path is answered with, read from the build, kept per file."""

    def __init__(self, static_dir: Callable[[], Path] = default_static_dir) -> None:
        self._static_dir = static_dir
        self._root: Path | None = None
        self._cache: dict[Path, tuple[int, int, list[str]]] = {}

    def root(self) -> Path:
        if self._root is None:
            self._root = self._static_dir()
        return self._root

    def page_file(self, path: str) -> Path | None:
        """The HTML file Starlette's StaticFiles (html=True) answers `path` with: the file itself, a folder's
        index.html, or else 404.html (also what Reflex serves for a routable path without its own file)."""
        root = self.root()
        relative = path.lstrip("/")
        if ".." in relative.split("/") or "\x00" in relative:
            return root / "404.html"
        candidate = root / relative
        if relative.endswith(".html") and candidate.is_file():
            return candidate
        if candidate.is_dir() and (candidate / "index.html").is_file():
            return candidate / "index.html"
        if candidate.is_file():
            return None  # a static file that is not a page: no inline script to allow
        return root / "404.html"

    def for_path(self, path: str) -> list[str]:
        file = self.page_file(path)
        if file is None:
            return []
        try:
            stat = file.stat()
        except OSError:
            return []
        cached = self._cache.get(file)
        if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
            return cached[2]
        hashes = inline_script_hashes(file.read_text(encoding="utf-8", errors="replace"))
        self._cache[file] = (stat.st_mtime_ns, stat.st_size, hashes)
        return hashes


def _headers_for(path: str, status: int, headers: list[tuple[bytes, bytes]], pages: PageHashes) -> list:
    present = {name.lower() for name, _ in headers}
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"").lower()
    # A 304 carries no Content-Type but updates the cached page's headers: it needs the page's hashes too.
    is_page = content_type.startswith(b"text/html") or status == 304
    hashes = pages.for_path(path) if is_page else []
    added = {
        b"content-security-policy": policy(settings.PUBLIC_URL, hashes),
        b"x-content-type-options": "nosniff",
        b"referrer-policy": "strict-origin-when-cross-origin",
        b"permissions-policy": PERMISSIONS_POLICY,
        b"cross-origin-opener-policy": "same-origin",
        b"cross-origin-resource-policy": "same-origin",
        b"x-frame-options": "DENY",
    }
    if settings.PUBLIC_URL.startswith("https://"):
        added[b"strict-transport-security"] = HSTS
    if is_private(path):
        headers = [(n, v) for n, v in headers if n.lower() not in (b"cache-control", b"expires", b"etag")]
        present -= {b"cache-control", b"expires", b"etag"}
        added[b"cache-control"] = "no-store"
    return headers + [(name, value.encode("latin-1")) for name, value in added.items() if name not in present]


def security_headers(app: ASGIApp, pages: PageHashes | None = None) -> ASGIApp:
    """ASGI middleware (the outermost `api_transformer` in portal_app.py): see the module's docstring."""
    page_hashes = pages or PageHashes()

    async def with_headers(scope: Scope, receive, send) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        path = str(scope.get("path", "")) or "/"

        async def send_with_headers(message: dict) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers") or [])
                message = {**message, "headers": _headers_for(path, message.get("status", 200), headers, page_hashes)}
            await send(message)

        await app(scope, receive, send_with_headers)

    return with_headers
