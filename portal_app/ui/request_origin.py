"""Where an event or a request comes from (IP, user agent), handed to the audit trail of the domain."""

from __future__ import annotations

import reflex as rx
from starlette.requests import Request

from portal_app import settings
from portal_app.domain import audit


def remember_origin(state: rx.State) -> None:
    """Call at the start of a handler: the domain functions it runs (even in a thread) see it.

    The IP is the one Reflex resolved for the websocket (config `trusted_proxy_hops` behind a proxy).
    """
    router = state.router
    audit.set_origin(router.session.client_ip, router.headers.user_agent)


def client_ip(request: Request, trusted_hops: int | None = None) -> str:
    """The client's address for an HTTP route, resolved exactly as Reflex does for the websocket.

    Behind N trusted proxies, each appends the address it received from: the client is the N-th from the
    right of X-Forwarded-For. Without proxies (0) the header is the client's own words and is ignored.
    """
    hops = settings.TRUSTED_PROXY_HOPS if trusted_hops is None else trusted_hops
    peer = request.client.host if request.client else ""
    if hops <= 0:
        return peer
    forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",") if ip.strip()]
    return forwarded[-hops] if len(forwarded) >= hops else peer


def remember_request_origin(request: Request) -> None:
    """The HTTP routes' counterpart of `remember_origin`."""
    audit.set_origin(client_ip(request), request.headers.get("user-agent", ""))
