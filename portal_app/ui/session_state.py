"""Who is logged in, as far as the page's header needs to know: a display hint, never a credential.

The session itself is an HttpOnly cookie set by the portal's HTTP routes (session_cookie.py); every
protected handler resolves the actor again through the road (road.py).
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlsplit

import reflex as rx

from portal_app.domain import actors
from portal_app.ui.session_cookie import LOG_OUT_SCRIPT, session_digest


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


class SessionState(rx.State):
    is_logged_in: bool = False
    role: str = ""

    async def _current_actor(self) -> actors.Member | actors.Adviser | actors.PendingAdviser | None:
        """The actor behind the tab's cookie, or None; updates the header's hint."""
        actor = await asyncio.to_thread(actors.resolve_or_none, session_digest(self))
        self.is_logged_in = isinstance(actor, actors.Member | actors.Adviser)
        self.role = actors.role_of(actor) if self.is_logged_in else ""
        return actor

    @rx.event
    async def refresh(self):
        """on_load of public pages: show « Mon Espace » or « Connexion » in the header."""
        await self._current_actor()

    def _signed_in(self, role: str) -> None:
        self.is_logged_in, self.role = True, role

    def _forget(self) -> None:
        self.is_logged_in, self.role = False, ""

    @rx.event
    def log_out(self):
        """The HTTP route ends the session and clears the cookie; the page then clears what it kept."""
        self._forget()
        return rx.call_script(LOG_OUT_SCRIPT)
