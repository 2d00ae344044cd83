"""Closed vocabularies: the database itself refuses a status, kind or role that is not one of its words."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from alembic import command
from portal_app.db import engine as db_engine
from portal_app.db.migrate import alembic_config, migration_connection, upgrade_to_head
from portal_app.db.models import Beneficiary, Contract
from portal_app.db.vocabulary import ClaimStatus, TripStatus

from .advisers_support import enrol_adviser
from .data_rights_support import build_everything
from .support import CLAIRE, count, import_ok


def _model_checks() -> dict[tuple[str, str], tuple[str, set[str]]]:
    """(table, constraint name) → (column, words), as the models declare them."""
    checks = {}
    for table in SQLModel.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint):
                text = str(constraint.sqltext)
                checks[(table.name, constraint.name)] = (text.split()[0], set(re.findall(r"'([^']*)'", text)))
    return checks


CHECKS = _model_checks()


def test_every_closed_vocabulary_has_its_check():
    assert sorted(CHECKS) == [
        ("account", "ck_account_role"),
        ("address", "ck_address_kind"),
        ("assistancefile", "ck_assistancefile_event_type"),
        ("assistancefile", "ck_assistancefile_status"),
        ("auditevent", "ck_auditevent_actor_role"),
        ("beneficiary", "ck_beneficiary_relation"),
        ("callbackrequest", "ck_callbackrequest_outcome"),
        ("callbackrequest", "ck_callbackrequest_status"),
        ("callbackrequest", "ck_callbackrequest_subject"),
        ("claim", "ck_claim_status"),
        ("claimevent", "ck_claimevent_status"),
        ("contract", "ck_contract_status"),
        ("emailtoken", "ck_emailtoken_purpose"),
        ("entitlement", "ck_entitlement_unit"),
        ("message", "ck_message_author_role"),
        ("trip", "ck_trip_direction"),
        ("trip", "ck_trip_status"),
        ("webauthnchallenge", "ck_webauthnchallenge_purpose"),
    ]
    assert CHECKS[("claim", "ck_claim_status")] == ("status", {s.value for s in ClaimStatus})
    assert CHECKS[("trip", "ck_trip_status")] == ("status", {s.value for s in TripStatus})


def test_the_migrations_create_the_checks_the_models_declare():
    """Alembic's comparison ignores CHECK constraints: names and words are compared here."""
    inspector = sa.inspect(db_engine.get_engine())
    migrated = {}
    for table in {table for table, _ in CHECKS}:
        for check in inspector.get_check_constraints(table):
            migrated[(table, check["name"])] = set(re.findall(r"'([^']*)'", check["sqltext"]))

    assert migrated == {key: words for key, (_column, words) in CHECKS.items()}


@pytest.fixture
def every_table(frozen_clock, claire):
    """A row in every table that has a vocabulary (the audit trail included)."""
    return build_everything(frozen_clock, enrol_adviser(), claire)


def _copy_with(connection: sa.Connection, table: sa.Table, column: str, word: str) -> dict:
    """An existing row of the table, with `word` in `column` and fresh values where the row must be unique."""
    row = dict(connection.execute(sa.select(table).limit(1)).mappings().one())
    del row["id"]
    unique = [{c.name for c in table.columns if c.unique}]
    unique += [{c.name for c in u.columns} for u in table.constraints if isinstance(u, sa.UniqueConstraint)]
    for names in unique:
        texts = [n for n in names if isinstance(row[n], str)]
        for name in texts or names:  # a unique group without text: an optional link (account.contract_id)
            row[name] = secrets.token_hex(4) if texts else None
    if table.name == "trip":  # one live trip per child, day and direction
        row["trip_date"] += timedelta(days=1000)
    row[column] = word
    return row


@pytest.mark.parametrize(("table_name", "constraint"), sorted(CHECKS), ids=lambda v: v)
def test_the_database_refuses_a_word_outside_the_vocabulary(every_table, table_name, constraint):
    table = SQLModel.metadata.tables[table_name]
    column, words = CHECKS[(table_name, constraint)]
    engine = db_engine.get_engine()
    with engine.connect() as connection:
        accepted = _copy_with(connection, table, column, sorted(words)[0])
        refused = _copy_with(connection, table, column, "inconnu")
    with engine.begin() as connection:  # the same copy with a word of the vocabulary is a valid row
        connection.execute(table.insert().values(**accepted))
        before = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()

    with pytest.raises(sa.exc.IntegrityError) as refusal, engine.begin() as connection:
        connection.execute(table.insert().values(**refused))

    assert constraint in str(refusal.value)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == before


def test_a_sqlite_database_with_rows_is_migrated_with_its_references_kept(database, tmp_path):
    """SQLite rebuilds each table to add its CHECK: rows other tables refer to must survive the rebuild."""
    if database.backend != "sqlite":
        pytest.skip("table rebuilds are SQLite's way of adding a constraint")
    try:
        db_engine.use_database(f"sqlite:///{tmp_path / 'before-0006.db'}")
        config = alembic_config()
        with migration_connection() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0005")
        import_ok(*CLAIRE.lines())

        upgrade_to_head()

        assert (count(Contract), count(Beneficiary)) == (1, 4)
        with db_engine.get_engine().connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            names = {c["name"] for c in sa.inspect(connection).get_check_constraints("beneficiary")}
        assert names == {"ck_beneficiary_relation"}
    finally:
        db_engine.use_database(database.url)
