"""Backups the operator can restore: the whole database, encrypted invoice files included (they live in it).

SQLite: the online backup API (consistent while the portal writes). PostgreSQL: `pg_dump` in its custom
format, restored by `pg_restore`. A restore goes only into an empty database: it never merges into, nor
overwrites, live data. The invoice files stay encrypted in the backup; the keys (PORTAL_FILE_KEYS) are
kept elsewhere, so that a stolen backup alone opens no invoice.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """What went wrong, in French, for the operator."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas.")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The database name and the libpq environment of a SQLAlchemy PostgreSQL URL (no password on the command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", parsed.port),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
    ):
        if value is not None:
            env[variable] = str(value)
    return parsed.database or "", env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"L'outil « {name} » de PostgreSQL est introuvable : installez le client PostgreSQL.")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"« {Path(command[0]).name} » a échoué : {result.stderr.strip()[:500]}")


def backup(url: str, target: Path) -> Path:
    """Write a backup of the database at `url` into `target` (refuses to overwrite a file)."""
    if target.exists():
        raise BackupError(f"Le fichier {target} existe déjà : choisissez un autre nom.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif url.startswith("postgresql"):
        name, env = _libpq(url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", name], env)
    else:
        raise BackupError("Seules les bases SQLite et PostgreSQL se sauvegardent.")
    target.chmod(0o600)
    return target


def _is_empty(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        return not sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(url: str, source: Path) -> None:
    """Load a backup into the empty database at `url`."""
    if not source.is_file():
        raise BackupError(f"Le fichier {source} est introuvable.")
    if not _is_empty(url):
        raise BackupError("La base de destination n'est pas vide : une restauration se fait dans une base neuve.")
    if url.startswith("sqlite"):
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            backup_db.execute("select count(*) from sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            raise BackupError(f"{source} n'est pas une sauvegarde SQLite.") from None
        target = sqlite3.connect(_sqlite_path(url))
        try:
            backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
    elif url.startswith("postgresql"):
        name, env = _libpq(url)
        _run(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={name}", str(source)],
            env,
        )
    else:
        raise BackupError("Seules les bases SQLite et PostgreSQL se restaurent.")
