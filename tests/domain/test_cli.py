"""The operator's commands, run as the operator runs them: `python -m portal_app.cli …` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

from portal_app import settings
from portal_app.db.models import Account, Beneficiary, Contract, Insurer, Offer

from .support import CLAIRE, PAUL, all_rows, count, csv_file


def run_cli(database, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "REFLEX_DB_URL": database.url, **env}
    return subprocess.run(
        [sys.executable, "-m", "portal_app.cli", *args],
        cwd=settings.REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_command_imports_a_good_file(database, tmp_path):
    path = tmp_path / "contrats.csv"
    path.write_bytes(csv_file(*CLAIRE.lines(), *PAUL.lines(), bom=True))

    result = run_cli(database, "import-contracts", str(path))

    assert result.returncode == 0, result.stderr
    assert "2 contrats créés" in result.stdout
    assert count(Contract) == 2
    assert count(Beneficiary) == 6


def test_import_contracts_command_refuses_a_bad_file_and_prints_every_bad_line(database, tmp_path):
    path = tmp_path / "contrats.csv"
    path.write_bytes(
        csv_file(
            *CLAIRE.lines(),
            "B1;Mutuelle Horizon;ASSISTANCE_PLUS;2024-02-30;;adherent;Petit;Ana;1990-01-01",
            "B2;Mutuelle Horizon;OFFRE_X;2024-01-01;;adherent;Petit;Ana;1990-01-01",
            "B3;Mutuelle Horizon;ASSISTANCE_PLUS;2024-01-01;;adherent;Petit;;1990-01-01",
        )
    )

    result = run_cli(database, "import-contracts", str(path))

    assert result.returncode != 0
    assert "rien n'a été importé" in result.stderr
    assert "ligne 6 : debut n'est pas une date AAAA-MM-JJ" in result.stderr
    assert "ligne 7 : offre inconnue « OFFRE_X »" in result.stderr
    assert "ligne 8 : prenom manquant" in result.stderr
    assert count(Contract) == 0


def test_import_contracts_command_fails_on_a_missing_file(database, tmp_path):
    result = run_cli(database, "import-contracts", str(tmp_path / "absent.csv"))

    assert result.returncode != 0
    assert "introuvable" in result.stderr


def test_seed_demo_command_refuses_to_run_in_production(database):
    result = run_cli(database, "seed-demo", PORTAL_ENV="production")

    assert result.returncode != 0
    assert "production" in result.stderr
    assert count(Contract) == 0
    assert count(Account) == 0
    assert count(Insurer) == 0
    assert count(Offer) == 0


def test_seed_demo_command_prints_the_demo_logins(database):
    result = run_cli(database, "seed-demo")

    assert result.returncode == 0, result.stderr
    assert "claire.martin@example.fr" in result.stdout
    assert count(Contract) == 4
    assert [a.email for a in all_rows(Account, Account.role == "member")] == ["claire.martin@example.fr"]
