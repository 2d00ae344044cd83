"""The reimbursement pages' handlers called through the road, as a request would reach them, without a browser.

Handlers are called as a websocket event would call them (road_support.py), with the session as the middleware
hands it; the database is the domain tests' (SQLite and PostgreSQL). For each handler: a member sees their data,
anyone else (an adviser, an adviser who still owes the second factor, nobody) is sent to /connexion and brought
back; a refused form comes back as errors by field, the focus on the first one.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyotp
import pytest
import reflex as rx
from domain.advisers_support import enrol_adviser, pending_adviser_token
from domain.claims_support import VALID_IBAN, claim_row, entitlement_of, open_file, pdf
from domain.conftest import (  # noqa: F401
    _clock_always_unfrozen,
    _empty_tables,
    claire,
    claire_confirmed,
    claire_contract,
    database,
    frozen_clock,
    outbox,
    paul,
    paul_contract,
)
from domain.support import count, login_token
from reflex_base.event import resolve_upload_handler_param

from portal_app.db.models import Claim
from portal_app.domain import clock, second_factor, tokens
from portal_app.domain.actors import resolve
from portal_app.ui.claim_page import ClaimState, claim_page
from portal_app.ui.claims import ClaimsState, claims_page
from portal_app.ui.forms import focus_first_shown_error
from portal_app.ui.session_state import SessionState

from .road_support import page_state, redirect_of, run, scripts_of

CLAIMS_PATH = "/mon-espace/remboursements"
CLAIM_PATH = "/mon-espace/remboursements/demande"
FOCUS_AS_DRAWN = scripts_of([focus_first_shown_error()])[0]  # road.SHOWN_ORDER: the first error the page draws


def script_text(events: list) -> str:
    return " ".join(scripts_of(events))


def claim_page_state(reference: str, session_token: str | None) -> ClaimState:
    return page_state(ClaimState, f"{CLAIM_PATH}?ref={reference}", session_token, query={"ref": reference})


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

    events = run(state, ClaimsState.load)

    assert redirect_of(events) is None
    assert state.loaded and state.has_choices and not state.has_claims
    assert [c.entitlement_id for c in state.choices] == [entitlement]
    assert state.entitlement_options[0]["id"] == str(entitlement)
    assert len(state._submission_key) == 48
    assert state.parent_state.get_substate([SessionState.get_name()]).is_logged_in


@pytest.mark.parametrize("who", NOT_MEMBERS, ids=["adviser", "pending_adviser", "nobody"])
def test_anyone_else_is_sent_to_login_and_brought_back(request, entitlement, who):
    state = page_state(ClaimsState, CLAIMS_PATH, cookie_of(request, who))

    events = run(state, ClaimsState.load)

    assert redirect_of(events) == "/connexion?next=/mon-espace/remboursements"
    assert not state.loaded and state.choices == [] and state._submission_key == ""


# --- /mon-espace/remboursements: submit -------------------------------------------------------------


def loaded(cookie: str | None) -> ClaimsState:
    state = page_state(ClaimsState, CLAIMS_PATH, cookie)
    run(state, ClaimsState.load)
    return state


def test_a_member_files_a_claim_with_its_invoice(member_cookie, entitlement, outbox):
    state = loaded(member_cookie)

    events = run(state, ClaimsState.submit, [upload("facture.pdf", pdf())], good_form(entitlement))

    assert state.errors == {} and state.sent_reference == "RB-2026-000001"
    assert [c.reference for c in state.my_claims] == ["RB-2026-000001"]
    assert state.form_round == 1 and not state.sending and not state.busy
    assert "form-remboursement" in script_text(events)  # the form is reset
    assert claim_row("RB-2026-000001").provider == "Services à domicile du Marais"


def test_the_same_round_sent_again_gets_the_same_reference(member_cookie, entitlement, outbox):
    state = loaded(member_cookie)
    run(state, ClaimsState.submit, [upload("facture.pdf", pdf())], good_form(entitlement))

    run(state, ClaimsState.submit, [upload("facture.pdf", pdf())], good_form(entitlement, round="0"))

    assert state.sent_reference == "RB-2026-000001" and count(Claim) == 1


def test_a_refused_form_comes_back_as_errors_by_field_the_first_one_focused(member_cookie, entitlement):
    state = loaded(member_cookie)
    form = good_form(entitlement, amount="douze", iban="FR00", document_kind="devis")

    events = run(state, ClaimsState.submit, [upload("facture.pdf", pdf())], form)

    assert set(state.errors) == {"amount", "iban", "document_kind"}
    assert state.sent_reference == "" and not state.sending and count(Claim) == 0
    assert scripts_of(events) == [FOCUS_AS_DRAWN]  # the first error the page draws: amount, then iban…


def test_the_focus_finds_every_error_the_form_can_draw():
    """As drawn: each message's id is `<field>-erreur`, and its field has the id `<field>` (a forged « devis »:
    the quotes notice `#document_kind`, focusable; the form-wide notice `#general` holds `general-erreur`)."""
    rendered = str(claims_page().render())

    for field in ("entitlement", "date_from", "date_to", "provider", "amount", "iban", "certified", "files"):
        assert f'id:"{field}-erreur"' in rendered and f'id:"{field}"' in rendered
    assert 'id:"document_kind-erreur"' in rendered and 'id:"document_kind"' in rendered
    assert 'id:"general-erreur"' in rendered and 'id:"general"' in rendered


def test_the_form_sends_an_invoice_and_says_why_quotes_are_not_taken():
    """No « Facture / Devis » choice to refuse afterwards: a hidden invoice kind, and the FAQ's sentence as a
    notice by the files."""
    rendered = str(claims_page().render())

    assert 'type:"radio"' not in rendered and "Devis" not in rendered
    assert '[\'name:"document_kind"\', \'type:"hidden"\', \'value:(isNotNullOrUndefined("facture")' in rendered
    # (Accented letters are written \\u escapes in the rendered JavaScript.)
    assert "\\u00c0 savoir : " in rendered and "ne prend pas en charge la gestion des devis" in rendered


def test_the_only_service_is_pre_selected(member_cookie, entitlement):
    state = loaded(member_cookie)

    assert state.only_choice == str(entitlement)


def test_a_claim_without_a_file_is_refused_on_the_files_field(member_cookie, entitlement):
    state = loaded(member_cookie)

    events = run(state, ClaimsState.submit, [], good_form(entitlement))

    assert set(state.errors) == {"files"} and scripts_of(events) == [FOCUS_AS_DRAWN]


@pytest.mark.parametrize("who", NOT_MEMBERS, ids=["adviser", "pending_adviser", "nobody"])
def test_anyone_else_files_nothing_and_is_sent_to_login(request, entitlement, who):
    state = page_state(ClaimsState, CLAIMS_PATH, cookie_of(request, who))
    state._submission_key = "k" * 48

    events = run(state, ClaimsState.submit, [upload("facture.pdf", pdf())], good_form(entitlement))

    assert redirect_of(events) == "/connexion?next=/mon-espace/remboursements"
    assert count(Claim) == 0 and state.sent_reference == "" and not state.sending


# --- /mon-espace/remboursements/demande?ref=… ---------------------------------------------------------


@pytest.fixture
def filed(member_cookie, entitlement, outbox) -> str:
    state = loaded(member_cookie)
    run(state, ClaimsState.submit, [upload("facture.pdf", pdf())], good_form(entitlement))
    return state.sent_reference


def test_a_member_sees_their_claim(member_cookie, filed):
    state = claim_page_state(filed, member_cookie)

    events = run(state, ClaimState.load)

    assert redirect_of(events) is None and state.problem == ""
    assert state.claim.reference == filed and state.claim.status_label == "déposée"
    assert [f.filename for f in state.claim.files] == ["facture.pdf"]
    assert not state.documents_requested
    assert [(p.label, p.state) for p in state.claim.progress][0] == ("Déposée", "current")
    assert [h.text for h in state.claim.history] == ["Vous avez déposé la demande."]


def test_the_claim_page_marks_the_current_step_and_puts_the_request_above_the_upload_box():
    rendered = str(claim_page().render())

    assert (
        '"aria-current":((step_rx_state_?.["state"]?.valueOf?.() === "current"?.valueOf?.()) ? "step" : null)'
        in rendered
    )
    assert 'id:"etapes"' in rendered and 'tapes de la demande"' in rendered
    request, upload_box = rendered.index('id:"demande-de-pieces"'), rendered.index('id:"files"')
    assert request < upload_box


def test_another_members_claim_is_not_found(paul, filed):
    state = claim_page_state(filed, login_token(paul.email))

    run(state, ClaimState.load)

    assert state.loaded and state.problem == "Demande introuvable." and state.claim is None


@pytest.mark.parametrize("who", NOT_MEMBERS, ids=["adviser", "pending_adviser", "nobody"])
def test_anyone_else_is_sent_to_login_from_a_claim(request, filed, who):
    state = claim_page_state(filed, cookie_of(request, who))

    events = run(state, ClaimState.load)

    # Back to this very claim after login: its reference comes along.
    assert redirect_of(events) == f"/connexion?next={CLAIM_PATH}%3Fref%3D{filed}"
    assert state.claim is None


def test_documents_nobody_asked_for_are_refused_on_the_files_field(member_cookie, filed):
    state = claim_page_state(filed, member_cookie)
    run(state, ClaimState.load)

    events = run(state, ClaimState.add_documents, [upload("en-plus.pdf", pdf())])

    assert state.errors == {"files": "Aucune pièce n'est demandée pour cette demande."}
    assert scripts_of(events) == ['document.getElementById("files")?.focus()'] and not state.sending


def test_the_upload_handlers_keep_their_files_parameter():
    """Reflex recognises an upload handler by its `list[rx.UploadFile]` parameter: the road must keep it."""
    for handler in (ClaimsState.event_handlers["submit"], ClaimState.event_handlers["add_documents"]):
        assert resolve_upload_handler_param(handler)[0] == "files"
