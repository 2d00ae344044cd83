"""Fixtures of the domain tests: every test runs once on SQLite and once on PostgreSQL.

The schema comes from the real Alembic migrations, applied once per backend; every table is
emptied before each test. Tests are grouped by backend (session-scoped parameter), so the engine
is switched once, not for every test.
"""

from __future__ import annotations

import asyncio
import email
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import SQLModel

import portal_app.db.models  # noqa: F401  (registers the tables in SQLModel.metadata)
from portal_app import settings
from portal_app.db import engine as db_engine
from portal_app.db.migrate import upgrade_to_head
from portal_app.domain import clock, rate_limits

from .support import CLAIRE, PASSWORD, PAUL, Member, confirm, import_ok, login, register

# The machine's PostgreSQL server (trust auth); a fresh database is created on it for each run.
POSTGRES_SERVER = os.environ.get("PORTAL_TEST_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")


@dataclass
class DatabaseUnderTest:
    backend: str
    url: str
    tables: set[str] = field(default_factory=set)


def _migrate(backend: str, url: str) -> DatabaseUnderTest:
    engine = db_engine.use_database(url)
    upgrade_to_head()
    return DatabaseUnderTest(backend, url, set(sa.inspect(engine).get_table_names()))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"], autouse=True)
def database(request):
    """The database of this backend, migrated to head, created once per run and thrown away after."""
    if request.param == "sqlite":
        url = f"sqlite:///{settings.DATA_DIR / f'domain-tests-{secrets.token_hex(4)}.db'}"
        yield _migrate("sqlite", url)
        db_engine.get_engine().dispose()
        return
    name = f"portal_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _migrate("postgresql", f"{POSTGRES_SERVER}/{name}")
    finally:
        db_engine.get_engine().dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _limits_counted_in_the_database():
    """Rate limits in the test database (emptied before each test), even when REFLEX_REDIS_URL is set."""
    rate_limits.use_store(rate_limits.DatabaseStore())
    yield
    rate_limits.use_store(None)


@pytest.fixture(autouse=True)
def _empty_tables(database):
    """Each test starts from empty tables (children first, so foreign keys hold).

    On PostgreSQL the audit trail's trigger refuses DELETE, as it should: the cleanup transaction
    runs with row triggers off (the test server's `postgres` role may do so). TRUNCATE would also
    get past the trigger, but costs ~90 ms per test against ~4 ms for these DELETEs.
    """
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name in database.tables]
    with db_engine.get_engine().begin() as connection:
        if database.backend == "postgresql":
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            connection.execute(table.delete())


class FrozenClock:
    """The portal's clock, stopped at a known instant and moved by hand."""

    START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def __init__(self) -> None:
        self.now = self.START
        clock.freeze(self.now)

    def set(self, moment: datetime) -> None:
        self.now = moment
        clock.freeze(moment)

    def advance(self, **delta: float) -> None:
        self.set(self.now + timedelta(**delta))


@pytest.fixture
def frozen_clock():
    frozen = FrozenClock()
    try:
        yield frozen
    finally:
        clock.freeze(None)


@pytest.fixture(autouse=True)
def _clock_always_unfrozen():
    yield
    clock.freeze(None)


# --- mail -----------------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self) -> None:
        self.envelopes = []
        self.delay_seconds = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpSettings:
    host: str
    port: int


@pytest.fixture
def smtp_settings(monkeypatch) -> SmtpSettings:
    """The portal configured for an SMTP server on a free local port (nothing listens there yet)."""
    port = free_port()
    monkeypatch.setattr(settings, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setattr(settings, "SMTP_PORT", port)
    monkeypatch.setattr(settings, "SMTP_STARTTLS", False)
    monkeypatch.setattr(settings, "SMTP_USER", "")
    monkeypatch.setattr(settings, "SMTP_TIMEOUT_SECONDS", 5.0)
    return SmtpSettings("127.0.0.1", port)


class SmtpServer:
    def __init__(self, smtp: SmtpSettings) -> None:
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname=smtp.host, port=smtp.port)
        self.running = False

    def start(self) -> Inbox:
        self.controller.start()
        self.running = True
        return self.inbox

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False


@pytest.fixture
def smtp_server(smtp_settings):
    """A real SMTP server in this process; tests call .start() when it should be up."""
    server = SmtpServer(smtp_settings)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def outbox(monkeypatch, tmp_path):
    """No SMTP_HOST: mail is written as .eml files to this folder."""
    monkeypatch.setattr(settings, "SMTP_HOST", "")
    monkeypatch.setattr(settings, "OUTBOX_DIR", tmp_path / "outbox")
    return tmp_path / "outbox"


# --- contracts and members ------------------------------------------------------------------------


@pytest.fixture
def claire_contract():
    """Claire Martin's valid Assistance Plus contract « AB 123 456 »: husband and two children."""
    import_ok(*CLAIRE.lines())
    return CLAIRE


@pytest.fixture
def paul_contract():
    import_ok(*PAUL.lines())
    return PAUL


@pytest.fixture
def claire_confirmed(claire_contract) -> Member:
    """Claire registered and confirmed her address, not logged in."""
    address = register(CLAIRE)
    confirm(address)
    return Member(CLAIRE, address, PASSWORD, "")


@pytest.fixture
def claire(claire_confirmed) -> Member:
    """Claire, logged in."""
    return Member(CLAIRE, claire_confirmed.email, PASSWORD, login(claire_confirmed.email))


@pytest.fixture
def paul(paul_contract) -> Member:
    """Paul Durand, another member on another contract, logged in."""
    address = register(PAUL)
    confirm(address)
    return Member(PAUL, address, PASSWORD, login(address))
