"""Member A's session can neither read nor change member B's data through any event (issue 2).

Events are sent straight over Reflex's websocket (see reflex_socket.py): every handler the server
registers (listed by importing the app, so new pages are covered too, the advisers' included), with
arguments aimed at B, as an attacker holding A's session cookie would. B is the demo member
Claire Martin; A is registered by the test. Every answer is searched for B's data, and B's rows in
the e2e SQLite database are compared before and after.

The adviser back-office (issue 3) gets its own test below: a member's session, and an adviser's
session still waiting for its TOTP code, send every adviser event with well-formed arguments aimed
at real contracts, files and entitlements (and a contract file to the upload endpoint); they must get
no adviser data and change nothing (files, entitlements, contracts, mail, audit trail).
"""

from __future__ import annotations

import json
import secrets
import subprocess
from datetime import timedelta

import httpx
import pytest

from .reflex_socket import (
    ACCOUNT_STATE,
    ADVISER_CONTRACT_STATE,
    ADVISER_SEARCH_STATE,
    ADVISER_STATES,
    AUDIT_TRAIL_STATE,
    CONTRACT_IMPORT_STATE,
    LOGIN_STATE,
    MEMBER_HOME_STATE,
    PASSWORD_STATE,
    SESSION_STATE,
    UPDATE_VARS,
    ReflexTab,
    form,
    log_in,
)
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_NUMBER,
    CLAIRE_PASSWORD,
    DEMO_ADVISER_EMAIL,
    DEMO_ADVISER_PASSWORD,
    DENIS,
    GAELLE,
    confirm_email,
    db_rows,
    register,
    today_in_paris,
)

pytestmark = pytest.mark.e2e

A_EMAIL = "denis.lambert@example.org"
A_PASSWORD = "Bruyere-Citron-Zebre-71"
A_PHONE = "06 44 55 66 77"

# Everything that identifies B (Claire Martin, contract AB 123 456, two children and a spouse).
B_SECRETS = [
    "Claire",
    "Martin",
    "claire.martin@example.fr",
    "CLAIRE.MARTIN",
    "06 12 34 56 78",
    "+33612345678",
    "0612345678",
    "AB 123 456",
    "AB123456",
    "Julien",
    "Léa",
    "Hugo",
    "Mutuelle Horizon",
]

PROTECTED_PAGES = {
    MEMBER_HOME_STATE: "/mon-espace",
    ACCOUNT_STATE: "/mon-espace/compte",
    PASSWORD_STATE: "/mon-espace/mot-de-passe",
}

LIST_HANDLERS = """
import inspect, json
import portal_app.portal_app  # registers every state of the app
from reflex.state import State

def walk(cls):
    yield cls
    for sub in cls.get_substates():
        yield from walk(sub)

print(json.dumps({
    cls.get_full_name(): {
        name: [p for p in inspect.signature(h.fn).parameters if p != "self"]
        for name, h in cls.event_handlers.items()
    }
    for cls in walk(State) if "portal_app" in cls.get_full_name()
}))
"""


@pytest.fixture(scope="module")
def handlers(portal_server) -> dict[str, list[str]]:
    """Every event handler of the portal's states, with its argument names, as the server knows them."""
    env = {**portal_server.env, "PYTHONPATH": str(portal_server.app_dir)}
    result = subprocess.run(
        ["python", "-c", LIST_HANDLERS], cwd=portal_server.app_dir, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    states = json.loads(result.stdout.strip().splitlines()[-1])
    found = {f"{state}.{name}": params for state, names in states.items() for name, params in names.items()}
    assert f"{ACCOUNT_STATE}.save" in found and f"{SESSION_STATE}.log_out" in found, found.keys()
    return found


def b_snapshot(db_path) -> dict:
    """B's account, contract, beneficiaries and sessions, as stored."""
    account = db_rows(db_path, "SELECT * FROM account WHERE email = ?", CLAIRE_EMAIL)
    assert account, "the demo member is missing"
    account_id, contract_id = (
        account[0][0],
        db_rows(db_path, "SELECT contract_id FROM account WHERE email = ?", CLAIRE_EMAIL)[0][0],
    )
    return {
        "account": account,
        "contract": db_rows(db_path, "SELECT * FROM contract WHERE id = ?", contract_id),
        "beneficiaries": db_rows(db_path, "SELECT * FROM beneficiary WHERE contract_id = ? ORDER BY id", contract_id),
        "sessions": db_rows(db_path, "SELECT * FROM loginsession WHERE account_id = ? ORDER BY id", account_id),
        "password_and_email_tokens": db_rows(
            db_path,
            "SELECT * FROM emailtoken WHERE account_id = ? AND purpose != 'reset_password' ORDER BY id",
            account_id,
        ),
    }


def leaks(text: str) -> list[str]:
    return [s for s in B_SECRETS if s.lower() in text.lower()]


def log_in_over_socket(portal: str, email: str, password: str) -> str:
    """Log in through LoginState.submit, then exchange the grant for the HttpOnly cookie as the page does."""
    return log_in(portal, email, password)


def payloads_for(handler: str, params: list[str], b_account_id: int, b_contract_id: int) -> list:
    """Arguments an attacker would try: aimed at B, of the wrong type, or extra."""
    b_form = {
        "email": CLAIRE_EMAIL,
        "phone": "07 98 76 54 99",
        "current_password": A_PASSWORD,
        "password": "Galet-Moustique-Vanille-39",
        "password_confirmation": "Galet-Moustique-Vanille-39",
        "new_password": "Galet-Moustique-Vanille-39",
        "new_password_confirmation": "Galet-Moustique-Vanille-39",
        "member_number": "AB 123 456",
        "first_name": "Claire",
        "last_name": "Martin",
        "terms": "on",
        "account_id": b_account_id,
        "contract_id": b_contract_id,
        "id": b_account_id,
        "token": secrets.token_urlsafe(32),
        "session_token": secrets.token_urlsafe(32),
    }
    if handler.endswith(".setvar"):
        return [
            {"var_name": var, "value": value}
            for var, value in [
                ("session_token", secrets.token_urlsafe(32)),
                ("_identity", ["AB 123 456", "Claire", "Martin"]),
                ("role", "adviser"),
            ]
        ]
    if params == ["form_data"]:
        return [
            form(**b_form),
            {"form_data": b_form},
            form(email=CLAIRE_EMAIL, phone=A_PHONE, current_password=A_PASSWORD),
            {"form_data": "AB 123 456"},
            {"form_data": [CLAIRE_EMAIL]},
            {"form_data": None},
            {},
        ]
    if params:
        return [dict.fromkeys(params, value) for value in (3, "3", b_account_id, None, [1], {"id": b_account_id})]
    return [{}, {"account_id": b_account_id, "email": CLAIRE_EMAIL}]


def test_member_a_cannot_read_or_change_member_b(portal, portal_server, new_page, wait_for_mail, handlers):
    db = portal_server.db_path
    # A: a member of their own contract; B: the demo member, logged in somewhere else.
    page = new_page("desktop")
    register(page, DENIS, A_EMAIL, A_PASSWORD, phone=A_PHONE)
    confirm_email(page, wait_for_mail, A_EMAIL)
    b_token = log_in_over_socket(portal, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    a_token = log_in_over_socket(portal, A_EMAIL, A_PASSWORD)
    b_account_id, b_contract_id = db_rows(db, "SELECT id, contract_id FROM account WHERE email = ?", CLAIRE_EMAIL)[0]
    before = b_snapshot(db)
    back_office_before = back_office_snapshot(db)

    tab = ReflexTab(portal)
    try:
        # The channel works: with A's cookie, Mon Espace sends A's own data.
        tab.connect("/mon-espace", session_token=a_token)
        mine = tab.text()
        assert "E2E-500-001" in mine and "Denis" in mine, f"A's data not received: {mine[:2000]}"

        # Every handler of the portal, with arguments aimed at B, from every protected page.
        sent, pages = 0, sorted(PROTECTED_PAGES.values())
        for name, params in sorted(handlers.items()):
            if name.endswith(".log_out"):
                continue  # last, below
            if name == f"{LOGIN_STATE}.submit":
                # Failed logins on B would legitimately count against B: try A and strangers only.
                for payload in (form(email=A_EMAIL, password="Faux-Mot-De-Passe-93"), form(email="x@example.org")):
                    tab.send(name, payload, path="/connexion")
                    sent += 1
                continue
            for payload in payloads_for(name, params, b_account_id, b_contract_id):
                path = pages[sent % len(pages)]  # each event from one protected page or another
                tab.send(name, payload, path=path, query={"next": "/mon-espace", "token": secrets.token_urlsafe(8)})
                sent += 1
        # Private helpers and other members' ids as if they were handlers.
        for name in (
            f"{ACCOUNT_STATE}._reload",
            f"{SESSION_STATE}._signed_in",
            f"{SESSION_STATE}._forget",
            f"{SESSION_STATE}._current_actor",
        ):
            tab.send(name, {"token": b_token, "role": "admin"})
            sent += 1
        # The session cookie cannot be set by an event: no state var holds it.
        tab.send(UPDATE_VARS, {"vars": {f"{SESSION_STATE}.session_token_rx_state_": b_token}})
        answers = tab.send(f"{MEMBER_HOME_STATE}.load", {}, path="/mon-espace")
        assert "AB 123 456" not in tab.text(answers)
        sent += 1
        everything = tab.text()
    finally:
        tab.close()

    # The hash stored in the database is not a session either: not as the cookie, and not as the header
    # the portal's middleware derives from the cookie (a client's own header of that name is dropped).
    b_hash = db_rows(db, "SELECT token_hash FROM loginsession WHERE account_id = ? AND ended_at IS NULL", b_account_id)[
        0
    ][0]
    for cookie, headers in (
        (b_hash, None),
        (a_token, {"X-EA-Session-Digest": b_hash}),
        (None, {"X-EA-Session-Digest": b_hash}),
    ):
        forger = ReflexTab(portal)
        try:
            forger.connect("/mon-espace", session_token=cookie, extra_headers=headers)
            assert "AB 123 456" not in forger.text() and "Claire" not in forger.text(), forger.text()[:2000]
        finally:
            forger.close()

    tab = ReflexTab(portal)
    try:
        tab.connect("/mon-espace", session_token=a_token)
        tab.send(f"{SESSION_STATE}.log_out", {})
        tab.settle(quiet=1.5)
        # The log-out script POSTs /session/fermer with the cookie; as the browser would:
        httpx.post(f"{portal}/session/fermer", headers={"Origin": portal, "Cookie": f"ea_session={a_token}"})

        assert sent > 50
        # The attempts did run as A: the domain refused B's address and B's contract by name.
        assert "Cette adresse e-mail est déjà utilisée par un autre compte." in everything
        assert "Un compte existe déjà pour ce contrat." in everything
        assert leaks(everything) == [], f"B's data reached A's tab: {leaks(everything)}"

    finally:
        tab.close()
    # After A's log_out, A's token opens nothing either.
    after_logout = ReflexTab(portal)
    try:
        after_logout.connect("/mon-espace", session_token=a_token)
        assert any(r.startswith("/connexion") for r in after_logout.redirects(after_logout.updates))
    finally:
        after_logout.close()

    assert b_snapshot(db) == before, "B's rows changed"
    # The adviser handlers among them opened, changed or read nothing (A's own account and mail may change).
    back_office_after = back_office_snapshot(db)
    changed = [
        k for k in back_office_before if k not in ("accounts", "mail") and back_office_before[k] != back_office_after[k]
    ]
    assert not changed, f"A's events changed the back-office's records: {changed}"
    # B's own session still works: A's events did not end it.
    check = ReflexTab(portal)
    try:
        check.connect("/mon-espace", session_token=b_token)
        assert "AB 123 456" in check.text()
    finally:
        check.close()


@pytest.mark.parametrize(
    "cookie",
    [None, "", "forged", "too-long", "b-hash"],
    ids=["no-cookie", "empty", "forged", "too-long", "stored-hash"],
)
def test_member_events_without_a_valid_session_give_nothing(portal, portal_server, cookie):
    db = portal_server.db_path
    token = {
        None: None,
        "": "",
        "forged": secrets.token_urlsafe(32),
        "too-long": "A" * 5000,
        "b-hash": None,
    }[cookie]
    if cookie == "b-hash":
        log_in_over_socket(portal, CLAIRE_EMAIL, CLAIRE_PASSWORD)
        token = db_rows(
            db,
            "SELECT token_hash FROM loginsession WHERE ended_at IS NULL AND account_id = "
            "(SELECT id FROM account WHERE email = ?) ORDER BY id DESC",
            CLAIRE_EMAIL,
        )[0][0]
    before = b_snapshot(db)
    for state, path in PROTECTED_PAGES.items():
        tab = ReflexTab(portal)
        try:
            tab.connect(path, session_token=token)
            assert any(r.startswith(f"/connexion?next={path}") for r in tab.redirects(tab.updates)), (
                f"{path}: no redirect to the login page: {tab.text()[:2000]}"
            )
            for name, payload in [
                (f"{MEMBER_HOME_STATE}.load", {}),
                (f"{ACCOUNT_STATE}.load", {}),
                (f"{ACCOUNT_STATE}.save", form(email=CLAIRE_EMAIL, phone="07 98 76 54 99", current_password="x")),
                (f"{PASSWORD_STATE}.load", {}),
                (
                    f"{PASSWORD_STATE}.submit",
                    form(
                        current_password=CLAIRE_PASSWORD,
                        new_password="Galet-Moustique-Vanille-39",
                        new_password_confirmation="Galet-Moustique-Vanille-39",
                    ),
                ),
            ]:
                answers = tab.send(name, payload, path=path)
                assert any(r.startswith("/connexion") for r in tab.redirects(answers)), (
                    f"{name} on {path}: no redirect to /connexion: {tab.text(answers)[:1500]}"
                )
            assert tab.delta_value(MEMBER_HOME_STATE, "loaded") in (None, False)
            assert tab.delta_value(ACCOUNT_STATE, "loaded") in (None, False)
            assert tab.delta_value(PASSWORD_STATE, "loaded") in (None, False)
            assert tab.delta_value(MEMBER_HOME_STATE, "overview") in (None, {})
            assert tab.delta_value(ACCOUNT_STATE, "details") in (None, {})
            assert leaks(tab.text()) == [], leaks(tab.text())
        finally:
            tab.close()
    assert b_snapshot(db) == before


# ---------------------------------------------------------------------------------------------
# The adviser back-office (issue 3)
# ---------------------------------------------------------------------------------------------

ADVISER_ACTIONS = (
    "member_file_viewed",
    "confirmation_resent",
    "account_unlocked",
    "contracts_imported",
    "assistance_file_opened",
    "entitlement_changed",
    "assistance_file_closed",
)
# What only an adviser may see: other members, the back-office's own people, the audit trail's words.
ADVISER_ONLY_DATA = [
    GAELLE.number,
    "Gaëlle",
    "Noé",
    "gaelle.roux",
    "Julien",
    "Hugo",
    "Mutuelle Horizon",
    DEMO_ADVISER_EMAIL,
    "conseillere.e2e@example.fr",
    "Consultation d'un dossier membre",
    "Connexion réussie",
    "Import terminé",
    "Fichier refusé",
    "E2E-900-001",
]
# An adviser action's confirmation: never for a refused session.
CONFIRMATIONS = ["Le dossier d'assistance est ouvert", "Le droit est modifié", "Le dossier est clos"]
# The adviser states' variables that carry data, and their empty values.
ADVISER_DATA_VARS = {
    ADVISER_SEARCH_STATE: {"hits": [], "searched": False, "loaded": False},
    ADVISER_CONTRACT_STATE: {
        "member": None,
        "beneficiary_choices": [],
        "services": [],
        "files": [],
        "loaded": False,
    },
    CONTRACT_IMPORT_STATE: {"summary": "", "report_errors": [], "succeeded": False, "loaded": False},
    AUDIT_TRAIL_STATE: {"lines": [], "loaded": False},
}
IMPORT_ATTEMPT = (
    b"numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance\n"
    b"E2E-900-001;Mutuelle Pirate;ASSISTANCE_PLUS;2025-01-01;;adherent;Intrus;Marc;1980-01-01\n"
)


def back_office_snapshot(db) -> dict:
    """What adviser events could change: files, entitlements, contracts, accounts, mail, their audit rows."""
    marks = ",".join("?" * len(ADVISER_ACTIONS))
    return {
        "files": db_rows(db, "SELECT * FROM assistancefile ORDER BY id"),
        "entitlements": db_rows(db, "SELECT * FROM entitlement ORDER BY id"),
        "counters": db_rows(db, "SELECT name, last_value FROM referencecounter ORDER BY name"),
        "contracts": db_rows(db, "SELECT * FROM contract ORDER BY id"),
        "beneficiaries": db_rows(db, "SELECT * FROM beneficiary ORDER BY id"),
        "accounts": db_rows(db, "SELECT id, email, locked_at, failed_login_count, email_confirmed_at FROM account"),
        "mail": db_rows(db, "SELECT COUNT(*) FROM outgoingmail"),
        "audit": db_rows(db, f"SELECT * FROM auditevent WHERE action IN ({marks}) ORDER BY id", *ADVISER_ACTIONS),
    }


def adviser_events(db) -> list[tuple[str, dict, str, dict | None]]:
    """Every adviser event with the arguments an adviser's page would send, aimed at real records:
    (handler, payload, page path, query)."""
    claire_contract, gaelle_contract = (
        db_rows(db, "SELECT id FROM contract WHERE member_number_key = ?", number.replace(" ", "").replace("-", ""))[0][
            0
        ]
        for number in (CLAIRE_NUMBER, GAELLE.number)
    )
    file_id, hugo = db_rows(db, "SELECT id, beneficiary_id FROM assistancefile WHERE reference = 'AS-2026-000001'")[0]
    entitlement = db_rows(db, "SELECT id FROM entitlement WHERE assistance_file_id = ? ORDER BY id", file_id)[0][0]
    today = today_in_paris()
    new_file = form(
        beneficiary=str(hugo),
        event_type="hospitalisation",
        event_date=(today - timedelta(days=1)).isoformat(),
        transport_scolaire_quantity="99",
        transport_scolaire_unit="trajets",
        transport_scolaire_valid_from=today.isoformat(),
        transport_scolaire_valid_to=(today + timedelta(days=9)).isoformat(),
    )
    new_quantity = form(quantity="999", valid_from=today.isoformat(), valid_to=(today + timedelta(days=99)).isoformat())
    events = [
        (f"{ADVISER_SEARCH_STATE}.load", {}, "/conseiller", None),
        (f"{ADVISER_SEARCH_STATE}.search", form(query="Martin"), "/conseiller", None),
        (f"{ADVISER_SEARCH_STATE}.search", {"form_data": {"query": GAELLE.number}}, "/conseiller", None),
        (f"{CONTRACT_IMPORT_STATE}.load", {}, "/conseiller/import", None),
        (f"{AUDIT_TRAIL_STATE}.load", {}, "/conseiller/journal", None),
        (f"{AUDIT_TRAIL_STATE}.filter", form(member_email=CLAIRE_EMAIL), "/conseiller/journal", None),
        (f"{AUDIT_TRAIL_STATE}.filter", form(action="member_file_viewed"), "/conseiller/journal", None),
    ]
    for contract in (gaelle_contract, claire_contract):  # another member's contract, and one's own
        query = {"id": str(contract)}
        events += [
            (f"{ADVISER_CONTRACT_STATE}.load", {}, "/conseiller/contrat", query),
            (f"{ADVISER_CONTRACT_STATE}.resend_confirmation", {}, "/conseiller/contrat", query),
            (f"{ADVISER_CONTRACT_STATE}.unlock", {}, "/conseiller/contrat", query),
            (f"{ADVISER_CONTRACT_STATE}.open_file", new_file, "/conseiller/contrat", query),
            (
                f"{ADVISER_CONTRACT_STATE}.edit_entitlement",
                {"entitlement_id": entitlement},
                "/conseiller/contrat",
                query,
            ),
            (f"{ADVISER_CONTRACT_STATE}.save_entitlement", new_quantity, "/conseiller/contrat", query),
            (f"{ADVISER_CONTRACT_STATE}.close_file", {"file_id": file_id}, "/conseiller/contrat", query),
        ]
    events += [
        (
            f"{ADVISER_CONTRACT_STATE}.setvar",
            {"var_name": var, "value": value},
            "/conseiller/contrat",
            {"id": str(claire_contract)},
        )
        for var, value in [("_contract_id", claire_contract), ("editing_entitlement", entitlement), ("loaded", True)]
    ]
    return events


def check_no_adviser_data(tab: ReflexTab, updates: list[dict], what: str) -> None:
    text = tab.text(updates)
    leaked = [s for s in ADVISER_ONLY_DATA if s.lower() in text.lower()]
    assert leaked == [], f"{what}: adviser data reached the tab: {leaked}\n{text[:1500]}"
    for state, empties in ADVISER_DATA_VARS.items():
        for var, empty in empties.items():
            sent = [v for v in tab.delta_values(state, var, updates) if v != empty]
            assert sent == [], f"{what}: {state.rsplit('.', 1)[-1]}.{var} = {sent}"


@pytest.mark.parametrize("who", ["member", "pending-adviser"])
def test_adviser_events_give_nothing_to_a_member_or_a_pending_adviser(portal, portal_server, handlers, who):
    """Members can never trigger an adviser event; nor can an adviser who gave the password but no code."""
    db = portal_server.db_path
    if who == "member":
        token = log_in_over_socket(portal, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    else:
        token = log_in_over_socket(portal, DEMO_ADVISER_EMAIL, DEMO_ADVISER_PASSWORD)
        assert db_rows(
            db,
            "SELECT second_factor_pending FROM loginsession WHERE account_id = (SELECT id FROM account WHERE email = ?) "
            "ORDER BY id DESC LIMIT 1",
            DEMO_ADVISER_EMAIL,
        ) == [(1,)]
    events = adviser_events(db)
    # Every handler of the adviser states is in the list: a new adviser event must be added here.
    sent_names = {name for name, *_ in events} | {f"{CONTRACT_IMPORT_STATE}.import_file"}
    adviser_handlers = {name for name in handlers if name.rsplit(".", 1)[0] in ADVISER_STATES}
    assert adviser_handlers, "no adviser handler found in the app"
    missing = {n for n in adviser_handlers - sent_names if not n.endswith(".setvar")}
    assert not missing, f"adviser events not tried here: {sorted(missing)}"
    before = back_office_snapshot(db)

    tab = ReflexTab(portal)
    try:
        tab.connect("/", session_token=token)  # a public page first: the tab knows who it is
        for name, payload, path, query in events:
            answers = tab.send(name, payload, path=path, query=query)
            short = name.split(".", 1)[1]
            check_no_adviser_data(tab, answers, short)
            if not name.endswith((".setvar", ".edit_entitlement")):
                redirects = tab.redirects(answers)
                assert any(r.startswith(("/mon-espace", "/connexion")) for r in redirects), (
                    f"{short} on {path}: not sent away: {tab.text(answers)[:1500]}"
                )
        # The upload endpoint, with this tab's token, as the import page's « Importer » would.
        tab.send(f"{SESSION_STATE}.refresh", {}, path="/conseiller/import")
        answer = tab.upload(f"{CONTRACT_IMPORT_STATE}.import_file", "contrats.csv", IMPORT_ATTEMPT)
        assert "Import terminé" not in answer and "E2E-900-001" not in answer, answer[:1500]
        tab.settle(quiet=1)
        check_no_adviser_data(tab, tab.updates, "all answers")
    finally:
        tab.close()

    after = back_office_snapshot(db)
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, f"adviser events sent by a {who} changed: {changed}"
    if who == "member":
        # Refused, the member's own session goes on.
        check = ReflexTab(portal)
        try:
            check.connect("/mon-espace", session_token=token)
            assert CLAIRE_NUMBER in check.text()
        finally:
            check.close()

    # A refused action never reaches its confirmation: the road stops the handler at the domain's refusal.
    confirmed = [
        c for c in CONFIRMATIONS if any(c in str(m) for m in tab.delta_values(ADVISER_CONTRACT_STATE, "message"))
    ]
    assert not confirmed, f"a refused {who} was told the action succeeded: {confirmed}"
