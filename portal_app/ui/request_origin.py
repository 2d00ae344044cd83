"""Where an event comes from (IP, user agent), handed to the audit trail of the domain."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import audit


def remember_origin(state: rx.State) -> None:
    """Call at the start of a handler: the domain functions it runs (even in a thread) see it.

    The IP is the one Reflex resolved for the websocket (config `trusted_proxy_hops` behind a proxy).
    """
    router = state.router
    audit.set_origin(router.session.client_ip, router.headers.user_agent)
