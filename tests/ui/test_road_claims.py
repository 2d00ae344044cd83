"""The reimbursement pages' handlers called through the road, as a request would reach them, without a browser.

Each state is built in Reflex's state tree with the request's router data; the session reaches the handler as
the middleware puts it there (the SHA-256 of the cookie's secret in the `x-ea-session-digest` header). For
each handler: a member sees their data, anyone else (an adviser, an adviser who still owes the second factor,
nobody) is sent to /connexion and brought back; a refused form comes back as errors by field.
"""

from __future__ import annotations

import asyncio
import io
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import domain.conftest as domain_conftest
import pyotp
import pytest
import reflex as rx
from domain.advisers_support import enrol_adviser, pending_adviser_token
from domain.claims_support import VALID_IBAN, claim_row, entitlement_of, open_file, pdf
from domain.conftest import _migrate
from domain.support import count, login_token
from reflex import constants
from reflex_base.event import resolve_upload_handler_param
from sqlmodel import SQLModel

import portal_app.portal_app  # noqa: F401 (the app's states, as the server registers them)
from portal_app import settings
from portal_app.db import engine as db_engine
from portal_app.db.models import Claim
from portal_app.domain import clock, second_factor, tokens
from portal_app.domain.actors import resolve
from portal_app.ui.claim_page import ClaimState
from portal_app.ui.claims import ClaimsState
from portal_app.ui.session_state import SessionState

CLAIMS_PATH = "/mon-espace/remboursements"
CLAIM_PATH = "/mon-espace/remboursements/demande"


# The domain tests' fixtures of people and time, used here by name.
_clock_always_unfrozen = domain_conftest._clock_always_unfrozen
frozen_clock = domain_conftest.frozen_clock
outbox = domain_conftest.outbox
claire_contract = domain_conftest.claire_contract
claire_confirmed = domain_conftest.claire_confirmed
claire = domain_conftest.claire
paul_contract = domain_conftest.paul_contract
paul = domain_conftest.paul


# --- a database of our own (SQLite), the domain tests' engine given back after each test ------------


@pytest.fixture(scope="module")
def ui_database():
    url = f"sqlite:///{settings.DATA_DIR / f'ui-road-claims-{secrets.token_hex(4)}.db'}"
    previous = db_engine._engine_url
    database = _migrate("sqlite", url)
    yield database
    if previous:
        db_engine.use_database(previous)


@pytest.fixture(autouse=True)
def _on_our_database(ui_database):
    previous = db_engine._engine_url
    if previous != ui_database.url:
        db_engine.use_database(ui_database.url)
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name in ui_database.tables]
    with db_engine.get_engine().begin() as connection:
        for table in tables:
            connection.execute(table.delete())
    yield
    if previous and previous != ui_database.url:
        db_engine.use_database(previous)


# --- driving a handler ---------------------------------------------------------------------------------


def page_state(state_cls: type[rx.State], url: str, session_token: str | None) -> rx.State:
    """The state of a tab on `url` whose request carries this session cookie (None: no cookie)."""
    root = rx.State(_reflex_internal_init=True)
    headers = {"user-agent": "pytest", "origin": "http://localhost:3000"}
    if session_token is not None:
        headers["x-ea-session-digest"] = tokens.digest(session_token)
    parts = urlsplit(url)
    router_data = {
        constants.RouteVar.CLIENT_TOKEN: secrets.token_hex(8),
        constants.RouteVar.SESSION_ID: "sid",
        constants.RouteVar.CLIENT_IP: "127.0.0.1",
        constants.RouteVar.HEADERS: headers,
        constants.RouteVar.PATH: parts.path,
        constants.RouteVar.ORIGIN: url,
        constants.RouteVar.QUERY: dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p),
    }
    root.router_data = root._update_router_vars(router_data, {})
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def run(state: rx.State, handler: str, *args) -> list:
    """Call the handler as Reflex does (its function on the state) and collect every event it yields."""

    async def drive() -> list:
        result = type(state).event_handlers[handler].fn(state, *args)
        events = [event async for event in result]
        await asyncio.sleep(0)  # let a kicked mail delivery start, so the loop's end waits for it
        return events

    return asyncio.run(drive())


def flat(events: list) -> list:
    out = []
    for event in events:
        out.extend(flat(event) if isinstance(event, list) else [event] if event is not None else [])
    return out


def _named(event, name: str) -> bool:
    return getattr(getattr(getattr(event, "handler", None), "fn", None), "__qualname__", "") == name


def redirect_of(events: list) -> str | None:
    """Where a redirect among the events goes (None: no redirect)."""
    for event in flat(events):
        if _named(event, "_redirect"):
            return {str(k): v._var_value for k, v in event.args}["path"]
    return None


def scripts_of(events: list) -> str:
    """The JavaScript the events run in the browser (the focus after an error, the form's reset)."""
    return " ".join(str(dict(event.args)) for event in flat(events) if _named(event, "_call_script"))


def upload(name: str, content: bytes) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(content), path=Path(name), size=len(content))


def good_form(entitlement_id: int, **changes) -> dict:
    form = {
        "entitlement": str(entitlement_id),
        "date_from": "2026-03-02",
        "date_to": "2026-03-06",
        "provider": "Services à domicile du Marais",
        "amount": "150,00",
        "iban": VALID_IBAN,
        "document_kind": "facture",
        "certified": "on",
        "round": "0",
    }
    return {**form, **changes}


# --- who is there ---------------------------------------------------------------------------------


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def entitlement(adviser, claire) -> int:
    return entitlement_of(open_file(adviser, claire.contract)).id


@pytest.fixture
def member_cookie(claire, entitlement) -> str:
    return login_token(claire.email)


@pytest.fixture
def adviser_cookie(adviser, frozen_clock) -> str:
    """An adviser who gave the password and the second factor (a code of the next 30 seconds)."""
    frozen_clock.advance(seconds=30)
    session_token = pending_adviser_token(adviser.email)
    second_factor.verify(resolve(tokens.digest(session_token)), pyotp.TOTP(adviser.secret).at(clock.now()))
    return session_token


@pytest.fixture
def pending_cookie(adviser) -> str:
    """An adviser whose password was right and who has not given the TOTP code yet."""
    return pending_adviser_token(adviser.email)


NOT_MEMBERS = ["adviser_cookie", "pending_cookie", None]


def cookie_of(request, name: str | None) -> str | None:
    return request.getfixturevalue(name) if name else None


# --- /mon-espace/remboursements: load ------------------------------------------------------------------


def test_a_member_gets_the_choices_the_claims_and_a_form_key(member_cookie, entitlement):
    state = page_state(ClaimsState, CLAIMS_PATH, member_cookie)

    events = run(state, "load")

    assert redirect_of(events) is None
    assert state.loaded and state.has_choices and not state.has_claims
    assert [c.entitlement_id for c in state.choices] == [entitlement]
    assert state.entitlement_options[0]["id"] == str(entitlement)
    assert len(state._submission_key) == 48
    assert state.parent_state.get_substate([SessionState.get_name()]).is_logged_in


@pytest.mark.parametrize("who", NOT_MEMBERS, ids=["adviser", "pending_adviser", "nobody"])
def test_anyone_else_is_sent_to_login_and_brought_back(request, entitlement, who):
    state = page_state(ClaimsState, CLAIMS_PATH, cookie_of(request, who))

    events = run(state, "load")

    assert redirect_of(events) == "/connexion?next=/mon-espace/remboursements"
    assert not state.loaded and state.choices == [] and state._submission_key == ""


# --- /mon-espace/remboursements: submit -------------------------------------------------------------


def loaded(cookie: str | None) -> ClaimsState:
    state = page_state(ClaimsState, CLAIMS_PATH, cookie)
    run(state, "load")
    return state


def test_a_member_files_a_claim_with_its_invoice(member_cookie, entitlement, outbox):
    state = loaded(member_cookie)

    events = run(state, "submit", [upload("facture.pdf", pdf())], good_form(entitlement))

    assert state.errors == {} and state.sent_reference == "RB-2026-000001"
    assert [c.reference for c in state.my_claims] == ["RB-2026-000001"]
    assert state.form_round == 1 and not state.sending and not state.busy
    assert "form-remboursement" in scripts_of(events)  # the form is reset
    assert claim_row("RB-2026-000001").provider == "Services à domicile du Marais"


def test_the_same_round_sent_again_gets_the_same_reference(member_cookie, entitlement, outbox):
    state = loaded(member_cookie)
    run(state, "submit", [upload("facture.pdf", pdf())], good_form(entitlement))

    run(state, "submit", [upload("facture.pdf", pdf())], good_form(entitlement, round="0"))

    assert state.sent_reference == "RB-2026-000001" and count(Claim) == 1


def test_a_refused_form_comes_back_as_errors_by_field_the_first_one_focused(member_cookie, entitlement):
    state = loaded(member_cookie)
    form = good_form(entitlement, amount="douze", iban="FR00", document_kind="devis")

    events = run(state, "submit", [upload("facture.pdf", pdf())], form)

    assert set(state.errors) == {"amount", "iban", "document_kind"}
    assert state.sent_reference == "" and not state.sending and count(Claim) == 0
    assert '"amount"' in scripts_of(events)  # amount comes before iban and document_kind in the form


def test_a_radio_group_in_error_is_focused_through_its_message(member_cookie, entitlement):
    state = loaded(member_cookie)

    events = run(state, "submit", [upload("facture.pdf", pdf())], good_form(entitlement, document_kind="devis"))

    assert set(state.errors) == {"document_kind"}
    assert "document_kind-erreur" in scripts_of(events)


def test_a_claim_without_a_file_is_refused_on_the_files_field(member_cookie, entitlement):
    state = loaded(member_cookie)

    events = run(state, "submit", [], good_form(entitlement))

    assert set(state.errors) == {"files"} and '"files"' in scripts_of(events)


@pytest.mark.parametrize("who", NOT_MEMBERS, ids=["adviser", "pending_adviser", "nobody"])
def test_anyone_else_files_nothing_and_is_sent_to_login(request, entitlement, who):
    state = page_state(ClaimsState, CLAIMS_PATH, cookie_of(request, who))
    state._submission_key = "k" * 48

    events = run(state, "submit", [upload("facture.pdf", pdf())], good_form(entitlement))

    assert redirect_of(events) == "/connexion?next=/mon-espace/remboursements"
    assert count(Claim) == 0 and state.sent_reference == "" and not state.sending


# --- /mon-espace/remboursements/demande?ref=… ---------------------------------------------------------


@pytest.fixture
def filed(member_cookie, entitlement, outbox) -> str:
    state = loaded(member_cookie)
    run(state, "submit", [upload("facture.pdf", pdf())], good_form(entitlement))
    return state.sent_reference


def test_a_member_sees_their_claim(member_cookie, filed):
    state = page_state(ClaimState, f"{CLAIM_PATH}?ref={filed}", member_cookie)

    events = run(state, "load")

    assert redirect_of(events) is None and state.problem == ""
    assert state.claim.reference == filed and state.claim.status_label == "déposée"
    assert [f.filename for f in state.claim.files] == ["facture.pdf"]
    assert not state.documents_requested


def test_another_members_claim_is_not_found(paul, filed):
    state = page_state(ClaimState, f"{CLAIM_PATH}?ref={filed}", login_token(paul.email))

    run(state, "load")

    assert state.loaded and state.problem == "Demande introuvable." and state.claim is None


@pytest.mark.parametrize("who", NOT_MEMBERS, ids=["adviser", "pending_adviser", "nobody"])
def test_anyone_else_is_sent_to_login_from_a_claim(request, filed, who):
    state = page_state(ClaimState, f"{CLAIM_PATH}?ref={filed}", cookie_of(request, who))

    events = run(state, "load")

    assert redirect_of(events) == f"/connexion?next={CLAIM_PATH}"
    assert state.claim is None


def test_documents_nobody_asked_for_are_refused_on_the_files_field(member_cookie, filed):
    state = page_state(ClaimState, f"{CLAIM_PATH}?ref={filed}", member_cookie)
    run(state, "load")

    events = run(state, "add_documents", [upload("en-plus.pdf", pdf())])

    assert state.errors == {"files": "Aucune pièce n'est demandée pour cette demande."}
    assert '"files"' in scripts_of(events) and not state.sending


def test_the_upload_handlers_keep_their_files_parameter():
    """Reflex recognises an upload handler by its `list[rx.UploadFile]` parameter: the road must keep it."""
    for handler in (ClaimsState.event_handlers["submit"], ClaimState.event_handlers["add_documents"]):
        assert resolve_upload_handler_param(handler)[0] == "files"
