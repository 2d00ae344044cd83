"""Call a page's Reflex handlers in a test, as a websocket event would, without a browser or a server.

`page_state(StateClass, path, session_token)` builds Reflex's state tree with the router data of a tab that
opened `path` with (or without) a session cookie: the session reaches handlers as the middleware hands it,
the digest header (portal_app/ui/session_cookie.py). `run(state, State.handler, *args)` drives the handler
to its end and returns what it sent to the browser; `redirect_of` / `scripts_of` read those events.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from reflex.istate.data import RouterData
from reflex.state import State

from portal_app.domain import tokens
from portal_app.ui.session_cookie import SESSION_HEADER


def page_state(state_cls: type, path: str, session_token: str | None = None, query: dict | None = None):
    root = State(_reflex_internal_init=True)
    headers = {"user-agent": "pytest", "origin": "http://localhost:3000"}
    if session_token:
        headers[SESSION_HEADER] = tokens.digest(session_token)
    root.router = RouterData.from_router_data(
        {
            "pathname": path,
            "asPath": path,
            "query": query or {},
            "headers": headers,
            "sid": "test-socket",
            "ip": "127.0.0.1",
            "token": "test-tab",
        }
    )
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def run(state, handler, *args: Any, **kwargs: Any) -> list:
    """Everything the handler yields or returns, in order (None left out)."""

    async def drive() -> list:
        result = handler.fn(state, *args, **kwargs)
        events: list = []
        if inspect.isasyncgen(result):
            async for event in result:
                events.append(event)
        elif inspect.isawaitable(result):
            events.append(await result)
        else:
            events.append(result)
        flat: list = []
        for event in events:
            flat.extend(event if isinstance(event, list | tuple) else [event])
        return [event for event in flat if event is not None]

    return asyncio.run(drive())


def _argument(spec, name: str):
    for var, value in getattr(spec, "args", ()):
        if str(var) == name:
            return getattr(value, "_var_value", None)
    return None


def redirect_of(events: list) -> str | None:
    """Where the handler sent the browser (rx.redirect), if anywhere."""
    for spec in events:
        if getattr(getattr(spec, "handler", None), "fn", None) and spec.handler.fn.__qualname__ == "_redirect":
            return _argument(spec, "path")
    return None


def scripts_of(events: list) -> list[str]:
    """The JavaScript the handler ran in the page (rx.call_script)."""
    return [
        _argument(spec, "javascript_code")
        for spec in events
        if getattr(getattr(spec, "handler", None), "fn", None) and spec.handler.fn.__qualname__ == "_call_script"
    ]
