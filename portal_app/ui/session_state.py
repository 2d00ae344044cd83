"""Who is logged in, as far as the browser tab knows: the session cookie and what it unlocked.

The cookie holds a random token (not Reflex's client token); the database says whether it is alive.
Every protected handler asks the domain again: this state is only a display hint.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlsplit

import reflex as rx

from portal_app import settings
from portal_app.domain import auth
from portal_app.domain.errors import NotAllowed
from portal_app.ui.request_origin import remember_origin

SESSION_COOKIE = "ea_session"
# Run in the browser at logout: what the page kept goes (Cache Storage other than the service worker's
# static build files, see assets/sw.js). Reflex keeps its tab token in memory until the next load.
CLEAR_CLIENT_STORAGE = (
    "(() => { try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}"
    " if (window.caches) { caches.keys().then((names) => Promise.all(names"
    ".filter((name) => !name.startsWith('ea-static-')).map((name) => caches.delete(name)))).catch(() => {}); } })()"
)


def safe_next(target: str | None, default: str = "/mon-espace") -> str:
    """Only local paths: never send a member to another site after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def login_redirect(path: str) -> rx.event.EventSpec:
    return rx.redirect(f"/connexion?next={quote(safe_next(path), safe='/')}", replace=True)


def _user_or_none(token: str) -> auth.CurrentUser | None:
    try:
        return auth.authenticate(token)
    except NotAllowed:
        return None


class SessionState(rx.State):
    session_token: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        path="/",
        same_site="strict",
        secure=settings.COOKIE_SECURE,
    )
    is_logged_in: bool = False
    role: str = ""

    async def _current_user(self) -> auth.CurrentUser | None:
        user = await asyncio.to_thread(_user_or_none, self.session_token) if self.session_token else None
        self.is_logged_in = user is not None
        self.role = user.role if user else ""
        if user is None and self.session_token:
            self.session_token = ""
        return user

    @rx.event
    async def refresh(self):
        """on_load of public pages: show « Mon Espace » or « Connexion » in the header."""
        await self._current_user()

    def _start(self, token: str, role: str) -> None:
        self.session_token = token
        self.is_logged_in = True
        self.role = role

    def _start_pending(self, token: str) -> None:
        """An adviser's password was right; the session opens nothing before the TOTP code."""
        self.session_token = token
        self.is_logged_in = False
        self.role = ""

    def _verified(self) -> None:
        """An adviser gave the second factor: the pending session is now a full one."""
        self.is_logged_in = True
        self.role = "adviser"

    def _forget(self) -> None:
        self.session_token = ""
        self.is_logged_in = False
        self.role = ""

    @rx.event
    async def log_out(self):
        remember_origin(self)
        token = self.session_token
        await asyncio.to_thread(auth.logout, token)
        self._forget()
        # The cookie empties with session_token; rx.remove_cookie would reload the page's state
        # and lose this redirect (the page's on_load would send to /connexion?next=… instead).
        return [rx.call_script(CLEAR_CLIENT_STORAGE), rx.redirect("/connexion?deconnecte=1", replace=True)]
