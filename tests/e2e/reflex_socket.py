"""Drive the portal's Reflex events from a script, as a browser tab would, with python-socketio.

Facts used (read in Reflex 0.10's generated .web/utils/state.js and reflex/app.py):
- socket.io namespace and path `/_event`, the tab's client token in the query (`?token=`);
- the page's load rides on the CONNECT packet: `auth={"event": hydrate_and_load}`;
- the session is the HttpOnly `ea_session` cookie, sent by the browser with the websocket handshake (the
  portal's middleware turns it into a digest header, portal_app/ui/session_cookie.py); a login's grant is
  exchanged for it on `POST /session/ouvrir`, as the login page's script does (`log_in` below);
- every event is `emit("event", {"name", "payload", "router_data"})`; answers come back as
  `event` messages carrying `delta` (state changes) and `events` (`_redirect`, `_call_script`…).

The client runs on its own asyncio loop in a thread, so it never meets Playwright's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
import uuid
from typing import Any

import httpx
import socketio

ROOT_STATE = "reflex___state____state"
HYDRATE = f"{ROOT_STATE}.hydrate_and_load"
UPDATE_VARS = f"{ROOT_STATE}.reflex___state____update_vars_internal_state.update_vars_internal"
SESSION_STATE = f"{ROOT_STATE}.portal_app___ui___session_state____session_state"
LOGIN_STATE = f"{ROOT_STATE}.portal_app___ui___login____login_state"
MEMBER_HOME_STATE = f"{ROOT_STATE}.portal_app___ui___member____member_home_state"
ACCOUNT_STATE = f"{ROOT_STATE}.portal_app___ui___member____account_state"
PASSWORD_STATE = f"{ROOT_STATE}.portal_app___ui___member____password_state"
ADVISER_SEARCH_STATE = f"{ROOT_STATE}.portal_app___ui___adviser___search____adviser_search_state"
ADVISER_CONTRACT_STATE = f"{ROOT_STATE}.portal_app___ui___adviser___member_file_state____adviser_contract_state"
CONTRACT_IMPORT_STATE = f"{ROOT_STATE}.portal_app___ui___adviser___contract_import____contract_import_state"
AUDIT_TRAIL_STATE = f"{ROOT_STATE}.portal_app___ui___adviser___audit_trail____audit_trail_state"
ADVISER_STATES = (ADVISER_SEARCH_STATE, ADVISER_CONTRACT_STATE, CONTRACT_IMPORT_STATE, AUDIT_TRAIL_STATE)
# Sent after each event: its answer (a unique script) tells that the events before it were handled.
SENTINEL = f"{ROOT_STATE}.portal_app___ui___email_links____email_confirmation_state.load"
SENTINEL_MARK = "resultat-confirmation"  # the page's focus script


def router_data(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"pathname": path, "asPath": path}
    if query:
        data["query"] = query
        data["asPath"] = path + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return data


class ReflexTab:
    """One browser tab's websocket: connect on a page, send events, keep every answer."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client_token = str(uuid.uuid4())
        self.updates: list[dict] = []
        self._condition = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._sio: socketio.AsyncClient | None = None
        self.path = "/"

    # --- plumbing
    def _run(self, coroutine, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _on_event(self, data) -> None:
        if isinstance(data, str):
            data = json.loads(data)
        with self._condition:
            self.updates.append(data)
            self._condition.notify_all()

    def connect(
        self,
        path: str,
        session_token: str | None = None,
        extra_vars: dict | None = None,
        extra_headers: dict | None = None,
    ) -> None:
        """Open the tab on `path`, sending `session_token` as the ea_session cookie (None: no cookie)."""
        self.path = path
        client_vars = dict(extra_vars or {})
        payload = {"vars": client_vars} if client_vars else {}
        headers = {"Origin": self.base_url, **(extra_headers or {})}
        if session_token is not None:
            headers["Cookie"] = f"ea_session={session_token}"
        auth = {"event": {"name": HYDRATE, "payload": payload, "router_data": router_data(path)}}

        async def go():
            sio = socketio.AsyncClient(reconnection=False)

            async def on_event(data):
                self._on_event(data)

            sio.on("event", on_event, namespace="/_event")
            await sio.connect(
                f"{self.base_url}?token={self.client_token}",
                headers=headers,
                auth=auth,
                transports=["websocket"],
                namespaces=["/_event"],
                socketio_path="/_event",
                wait_timeout=20,
            )
            self._sio = sio

        self._run(go())
        self.wait_for(lambda u: _hydrated(u), what="hydration")
        self.settle()

    def close(self) -> None:
        if self._sio is not None:
            with contextlib.suppress(Exception):  # closing anyway
                self._run(self._sio.disconnect(), timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # --- events
    def emit(self, name: str, payload: Any = None, path: str | None = None, query: dict | None = None) -> None:
        event = {
            "name": name,
            "payload": {} if payload is None else payload,
            "router_data": router_data(path or self.path, query),
        }
        assert self._sio is not None
        self._run(self._sio.emit("event", event, namespace="/_event"))

    def send(self, name: str, payload: Any = None, path: str | None = None, query: dict | None = None) -> list[dict]:
        """Send one event and return the answers it produced (up to the sentinel's answer)."""
        start = len(self.updates)
        sentinels_before = self._count_sentinels()
        self.emit(name, payload, path, query)
        self.emit(SENTINEL, {}, path="/confirmation-email")
        expected = sentinels_before + 1
        self.wait_for(lambda _u: self._count_sentinels() >= expected, what=f"answer to {name}", scan=False)
        self.settle(quiet=0.1)
        return self.updates[start:]

    def _count_sentinels(self) -> int:
        with self._condition:
            return sum(SENTINEL_MARK in json.dumps(u, ensure_ascii=False) for u in self.updates)

    def wait_for(self, predicate, what: str, timeout: float = 30, scan: bool = True) -> None:
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                if (any(predicate(u) for u in self.updates)) if scan else predicate(None):
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {what} within {timeout}s; answers: {self.updates[-5:]}")
                self._condition.wait(min(remaining, 0.2))

    def settle(self, quiet: float = 0.5, timeout: float = 30) -> None:
        """Wait until no answer arrived for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        count, since = len(self.updates), time.monotonic()
        while time.monotonic() - since < quiet and time.monotonic() < deadline:
            time.sleep(0.05)
            if len(self.updates) != count:
                count, since = len(self.updates), time.monotonic()

    # --- reading answers
    def text(self, updates: list[dict] | None = None) -> str:
        return json.dumps(self.updates if updates is None else updates, ensure_ascii=False)

    @staticmethod
    def redirects(updates: list[dict]) -> list[str]:
        return [
            e.get("payload", {}).get("path", "")
            for u in updates
            for e in (u.get("events") or [])
            if e.get("name") == "_redirect"
        ]

    def upload(self, handler: str, name: str, content: bytes, timeout: float = 60) -> str:
        """POST a file to Reflex's upload endpoint for `handler`, as rx.upload_files does from this tab."""
        response = httpx.post(
            f"{self.base_url}/_upload",
            headers={"Reflex-Client-Token": self.client_token, "Reflex-Event-Handler": handler},
            files={"files": (name, content, "text/csv")},
            timeout=timeout,
        )
        return f"{response.status_code} {response.text}"

    def delta_values(self, state: str, var: str, updates: list[dict] | None = None) -> list[Any]:
        """Every value sent for `state.var` (the `_rx_state_` suffix added)."""
        return [
            ((update.get("delta") or {}).get(state) or {})[f"{var}_rx_state_"]
            for update in (self.updates if updates is None else updates)
            if f"{var}_rx_state_" in ((update.get("delta") or {}).get(state) or {})
        ]

    def delta_value(self, state: str, var: str, updates: list[dict] | None = None) -> Any:
        """The last value sent for `state.var` (the `_rx_state_` suffix added), or None."""
        value = None
        for update in self.updates if updates is None else updates:
            changes = (update.get("delta") or {}).get(state) or {}
            if f"{var}_rx_state_" in changes:
                value = changes[f"{var}_rx_state_"]
        return value


def grant_of(updates: list[dict]) -> str | None:
    """The login grant in the script the login handler sent (what the page POSTs to /session/ouvrir)."""
    match = re.search(r"grant: \\?\"([A-Za-z0-9_-]+)\\?\"", json.dumps(updates))
    return match.group(1) if match else None


def exchange_grant(base_url: str, grant: str) -> str | None:
    """POST the grant as the login page does; the session token from the HttpOnly cookie it sets."""
    response = httpx.post(f"{base_url}/session/ouvrir", json={"grant": grant}, headers={"Origin": base_url}, timeout=30)
    return response.cookies.get("ea_session") if response.status_code == 204 else None


def log_in(base_url: str, email: str, password: str) -> str:
    """Log in as the login page does: LoginState.submit over the socket, then the grant for the cookie."""
    tab = ReflexTab(base_url)
    try:
        tab.connect("/connexion")
        answers = tab.send(f"{LOGIN_STATE}.submit", form(email=email, password=password), path="/connexion")
        grant = grant_of(answers)
        assert grant, f"no login grant for {email}: {tab.text(answers)[:2000]}"
    finally:
        tab.close()
    token = exchange_grant(base_url, grant)
    assert token, f"the grant of {email} opened no session"
    return token


def _hydrated(update: dict) -> bool:
    return bool(((update.get("delta") or {}).get(ROOT_STATE) or {}).get("is_hydrated_rx_state_"))


def form(**fields: Any) -> dict:
    """A payload as `rx.form` sends it."""
    return {"form_data": {"__reflex_form_data__": [[k, v] for k, v in fields.items()]}}
