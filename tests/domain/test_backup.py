"""`backup` and `restore` at the command line: a claim's encrypted invoice comes back from an empty database."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa

from portal_app.domain import file_store
from portal_app.domain.uploads import Upload

from .advisers_support import enrol_adviser
from .claims_support import entitlement_of, open_file, png, submit
from .conftest import POSTGRES_SERVER
from .test_cli import run_cli


@pytest.fixture
def restored_url(database, tmp_path):
    """An empty database of the same kind, where the backup is restored."""
    if database.backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restauree.db'}"
        return
    name = f"portal_restore_{secrets.token_hex(6)}"
    admin = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def invoice_in(url: str, reference: str) -> bytes:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            key_id, blob = connection.execute(
                sa.text(
                    "select f.key_id, f.ciphertext from claimfile f join claim c on c.id = f.claim_id "
                    "where c.reference = :reference"
                ),
                {"reference": reference},
            ).one()
    finally:
        engine.dispose()
    return file_store.decrypt(key_id, bytes(blob))


def test_a_backup_restored_into_an_empty_database_gives_the_invoice_back(database, claire, tmp_path, restored_url):
    adviser = enrol_adviser()
    entitlement = entitlement_of(open_file(adviser, claire.contract)).id
    photo = png(30, 20)
    reference = submit(claire, entitlement, [Upload("photo-facture.png", photo)])
    target = tmp_path / "sauvegarde.bak"

    saved = run_cli(database, "backup", str(target))
    assert saved.returncode == 0, saved.stderr
    assert target.stat().st_size > 0 and oct(target.stat().st_mode & 0o777) == "0o600"
    assert photo not in target.read_bytes()  # the invoice stays encrypted in the backup

    restored = run_cli(database, "restore", str(target), REFLEX_DB_URL=restored_url)
    assert restored.returncode == 0, restored.stderr

    assert invoice_in(restored_url, reference) == photo


def test_a_restore_never_goes_into_a_database_that_holds_data(database, tmp_path):
    target = tmp_path / "sauvegarde.bak"
    assert run_cli(database, "backup", str(target)).returncode == 0

    refused = run_cli(database, "restore", str(target))

    assert refused.returncode == 1
    assert "n'est pas vide" in refused.stderr


def test_a_backup_never_overwrites_a_file(database, tmp_path):
    target = tmp_path / "sauvegarde.bak"
    target.write_bytes(b"autre chose")

    refused = run_cli(database, "backup", str(target))

    assert refused.returncode == 1 and "existe déjà" in refused.stderr
    assert target.read_bytes() == b"autre chose"


def test_something_else_than_a_backup_is_refused(database, tmp_path, restored_url):
    target = tmp_path / "pas-une-sauvegarde.bak"
    target.write_bytes(b"ceci n'est pas une sauvegarde")

    refused = run_cli(database, "restore", str(target), REFLEX_DB_URL=restored_url)

    assert refused.returncode == 1
    assert refused.stderr.strip()
