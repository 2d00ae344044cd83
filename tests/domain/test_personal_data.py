"""« Télécharger mes données »: everything about the member, nothing secret, nobody else's, every table covered."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent
from portal_app.domain import personal_data
from portal_app.domain.errors import NotAllowed
from portal_app.domain.personal_data import EXCLUDED_COLUMNS, EXCLUDED_TABLES, EXPORTED

from .advisers_support import ADVISER_EMAIL, enrol_adviser
from .claims_support import VALID_IBAN_COMPACT
from .data_rights_support import build_everything
from .support import CLAIRE, PASSWORD, actor_of, all_rows, login, login_token

ROOTS = {"account", "contract", "beneficiary"}
# Tables without a foreign key to the account that still hold the member's data.
LINKED_WITHOUT_FOREIGN_KEY = {"outgoingmail": "recipient (the member's address)", "auditevent": "member_account_id"}


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


def linked_tables(metadata: sa.MetaData = SQLModel.metadata) -> set[str]:
    """Every table that refers, directly or through other tables, to an account, a contract or a beneficiary."""
    linked = set(ROOTS)
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table.name in linked:
                continue
            targets = {fk.column.table.name for fk in table.foreign_keys}
            named = any(
                c.name == "account_id" or c.name.endswith("_account_id") or c.name == "contract_id"
                for c in table.columns
            )
            if targets & linked or named:
                linked.add(table.name)
                grew = True
    return linked


def test_every_table_linked_to_a_member_is_exported_or_excluded_with_a_reason():
    linked = linked_tables()
    assert {"trip", "claimfile", "claimevent", "entitlement", "auditevent", "emailtoken"} <= linked
    for table in linked | set(LINKED_WITHOUT_FOREIGN_KEY):
        assert table in EXPORTED or table in EXCLUDED_TABLES, f"table {table} is neither exported nor excluded"
    for table in EXCLUDED_TABLES:
        assert EXCLUDED_TABLES[table].strip()


def test_every_column_of_an_exported_table_is_exported_or_excluded_with_a_reason():
    tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
    for name, (_, exported) in EXPORTED.items():
        columns = {c.name for c in tables[name].columns}
        excluded = EXCLUDED_COLUMNS.get(name, {})
        missing = columns - set(exported) - set(excluded)
        assert not missing, f"{name}: columns {sorted(missing)} are neither exported nor excluded"
        assert not set(exported) & set(excluded), name
        assert set(exported) | set(excluded) <= columns, f"{name}: unknown column listed"
        assert all(reason.strip() for reason in excluded.values())


def test_the_export_holds_every_section_and_what_the_member_did(frozen_clock, adviser, claire, paul):
    everything = build_everything(frozen_clock, adviser, claire)
    data = personal_data.export_for_session(everything.member.token)
    text = json.dumps(data, ensure_ascii=False)  # JSON-serialisable
    sections = {section for section, _ in EXPORTED.values()}
    nested = {EXPORTED[t][0] for t in ("entitlement", "claimevent", "claimfile", "message")}
    assert sections - nested <= set(data)

    assert data["compte"]["email"] == claire.email
    assert data["compte"]["phone"] == "+33612345678"
    assert data["compte"]["email_confirmed_at"]
    assert "password_hash" not in data["compte"]
    assert data["contrat"]["member_number"] == CLAIRE.number
    assert {b["first_name"] for b in data["beneficiaires"]} == {"Claire", "Julien", "Léa", "Hugo"}
    by_label = {a["label"]: a for a in data["adresses"]}
    assert by_label["Ancienne maison"]["deleted_at"] and by_label["Ancienne maison"]["street"] == "rue de la Roquette"
    assert sorted(t["trip_date"] for t in data["trajets"]) == [everything.past_trip_day, everything.future_trip_day]
    services = {r["service"] for f in data["dossiers_assistance"] for r in f["droits"]}
    assert services == {"transport_scolaire", "aide_menagere"}
    assert all(f["ouvert_par"] == "conseiller" for f in data["dossiers_assistance"])

    [claim] = data["demandes_remboursement"]
    assert claim["reference"] == everything.claim and claim["amount_cents"] == 15000
    assert claim["iban"] == VALID_IBAN_COMPACT and claim["statut"] == "en cours"
    assert [step["statut"] for step in claim["historique_demandes"]] == ["déposée", "en cours"]
    assert claim["historique_demandes"][-1]["auteur"] == "conseiller"
    assert claim["historique_demandes"][-1]["message"] == "Nous étudions votre facture."
    [invoice] = claim["justificatifs"]
    assert invoice["filename"] == "facture.pdf" and invoice["size_bytes"] > 0
    assert "ciphertext" not in invoice
    assert any("factures" in note and "pas inclus" in note for note in data["a_savoir"])

    [callback] = data["demandes_de_rappel"]
    assert (
        callback["subject"] == "trajets" and callback["outcome"] == "called" and callback["traite_par"] == "conseiller"
    )
    [thread] = data["messages"]
    assert thread["subject"] == "Question sur l'aide ménagère"
    assert [(m["auteur"], m["body"]) for m in thread["messages_du_fil"]] == [
        ("vous", "Combien d'heures par semaine ?"),
        ("conseiller", "Jusqu'à dix heures par semaine."),
    ]

    subjects = [m["subject"] for m in data["emails_envoyes"]]
    assert any(s.startswith("Confirmez votre adresse e-mail") for s in subjects)
    assert any(everything.claim in s for s in subjects)
    assert all("body" not in m for m in data["emails_envoyes"])
    actions = [e["action"] for e in data["journal"]]
    assert "account_created" in actions and "claim_submitted" in actions and "trips_booked" in actions
    assert {e["auteur"] for e in data["journal"]} <= {"vous", "conseiller", "système"}
    assert "conseiller" in {e["auteur"] for e in data["journal"]}

    # Nothing secret, nothing about the adviser or another member.
    assert ADVISER_EMAIL not in text
    assert paul.email not in text and "Durand" not in text
    assert PASSWORD not in text
    assert "token_hash" not in text and "$2b$" not in text
    for row in data["sessions_de_connexion"] + data["liens_envoyes_par_email"]:
        assert "token_hash" not in row


def test_the_export_is_recorded_in_the_audit_trail(claire):
    personal_data.export_for_session(claire.token)
    [event] = all_rows(AuditEvent, AuditEvent.action == "personal_data_exported")
    assert event.actor_role == "member" and event.member_account_id == event.actor_account_id


def test_each_member_gets_only_their_own_data(claire, paul):
    claires = personal_data.export_for_session(claire.token)
    pauls = personal_data.export_for_session(paul.token)
    assert claires["compte"]["email"] == claire.email and pauls["compte"]["email"] == paul.email
    assert claire.email not in json.dumps(pauls) and paul.email not in json.dumps(claires)


def test_without_a_live_session_or_as_an_adviser_nothing_is_exported(frozen_clock, adviser, claire):
    for not_a_member in (None, "", "not-a-session", adviser.token):
        with pytest.raises(NotAllowed):
            personal_data.export_for_session(not_a_member)
    assert all_rows(AuditEvent, AuditEvent.action == "personal_data_exported") == []


def test_an_adviser_account_is_not_exported_as_a_member(frozen_clock, adviser):
    with session_scope() as session:
        adviser_id = session.exec(select(AuditEvent.actor_account_id).where(AuditEvent.actor_role == "adviser")).first()
        with pytest.raises(NotAllowed):
            personal_data.export_personal_data(session, adviser_id)


def test_a_logged_out_member_cannot_export(claire):
    from portal_app.domain import auth, tokens

    token = login_token(claire.email)
    auth.logout(tokens.digest(token))
    with pytest.raises(NotAllowed):
        personal_data.export_for_session(actor_of(token))
    assert all_rows(AuditEvent, AuditEvent.action == "personal_data_exported") == []
    assert login(claire.email)  # the account itself is untouched


def test_the_file_name_carries_the_day():
    from datetime import date

    assert personal_data.file_name(date(2026, 3, 10)) == "mes-donnees-espace-assistance-2026-03-10.json"


def test_the_coverage_check_notices_a_new_table_about_the_member():
    """The check above would fail for tomorrow's table: one linked through a claim, one by an id column."""
    metadata = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(metadata)
    sa.Table(
        "claimnote",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("claim_id", sa.ForeignKey("claim.id")),
    )
    sa.Table(
        "consent", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("member_account_id", sa.Integer)
    )
    found = linked_tables(metadata)
    assert {"claimnote", "consent"} <= found
    assert "claimnote" not in EXPORTED and "consent" not in EXPORTED
