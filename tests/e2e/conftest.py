"""End-to-end fixtures: an in-process SMTP server, the portal's production build, Chromium pages.

The portal runs as `reflex run --env prod` on a free port with its own temporary database and data
folder (never port 3000 nor var/, where the developer's demo lives), and sends its mail to the
aiosmtpd server below, so the tests read the very messages a member would receive.

It is built and served from a private copy of the repository (its own .web/, .states/ and
uploaded_files/), so a test run never rewrites the developer's build and two runs can go at once.
"""

from __future__ import annotations

import contextlib
import email
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from .support import CONTRACTS_CSV, CSP_VIOLATIONS, link_from, mail_body, track_hydration

__all__ = ["link_from", "mail_body"]  # the mail helpers, for the tests

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = REPO_ROOT / ".venv" / "bin"
START_TIMEOUT_SECONDS = 600
CHROMIUM = "/usr/bin/chromium"
# Left out of the private copy: built or local things (at the top), caches (anywhere).
NOT_COPIED_AT_TOP = {".venv", ".web", "var", ".states", ".git", "tests", "uploaded_files", "test-results"}
NOT_COPIED_ANYWHERE = {"__pycache__", "node_modules", ".pytest_cache", ".ruff_cache"}


def free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != 3000:
            return port


# ---------------------------------------------------------------------------------------------
# Mail
# ---------------------------------------------------------------------------------------------


@dataclass
class ReceivedMail:
    number: int
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def body(self) -> str:
        return mail_body(self.message)


@dataclass
class Mailbox:
    """Every message the portal sent during the session, in arrival order."""

    received: list[ReceivedMail] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    condition: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.condition:
            self.received.append(
                ReceivedMail(len(self.received), [r.lower() for r in envelope.rcpt_tos], message)  # type: ignore[arg-type]
            )
            self.condition.notify_all()
        return "250 Message accepted for delivery"

    def _matches(self, mail: ReceivedMail, to: str, subject_contains: str) -> bool:
        addressee = to.lower()
        to_header = str(mail.message["To"] or "").lower()
        return (addressee in mail.recipients or addressee in to_header) and subject_contains.lower() in (
            mail.subject.lower()
        )

    def messages_to(self, to: str, subject_contains: str = "") -> list[ReceivedMail]:
        with self.condition:
            return [m for m in self.received if self._matches(m, to, subject_contains)]

    def wait_for_mail(self, to: str, subject_contains: str = "", timeout: float = 30) -> EmailMessage:
        """The newest matching message not returned before; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for mail in reversed(self.received):
                    if mail.number not in self.consumed and self._matches(mail, to, subject_contains):
                        self.consumed.add(mail.number)
                        return mail.message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.recipients, m.subject) for m in self.received]
                    raise AssertionError(
                        f"no e-mail to {to!r} with subject containing {subject_contains!r} within {timeout}s; "
                        f"received: {seen}"
                    )
                self.condition.wait(remaining)


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port  # type: ignore[attr-defined]
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def wait_for_mail(mailbox):
    return mailbox.wait_for_mail


# ---------------------------------------------------------------------------------------------
# The portal
# ---------------------------------------------------------------------------------------------


@dataclass
class PortalServer:
    base_url: str
    port: int
    data_dir: Path
    db_path: Path
    log_path: Path
    env: dict[str, str]
    app_dir: Path  # the private copy of the repository the portal is built and served from

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def copy_repository(target: Path) -> Path:
    """The repository without its builds, data and caches, with .venv linked to the real one.

    By default the working tree (uncommitted changes included). With E2E_APP_SOURCE=<git ref>
    (e.g. HEAD), that commit instead: a run then ignores work in progress in the tree.
    """
    ref = os.environ.get("E2E_APP_SOURCE", "").strip()
    if ref:
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", ref], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
        shutil.rmtree(target / "tests", ignore_errors=True)
    else:

        def ignore(directory: str, names: list[str]) -> set[str]:
            top = Path(directory).resolve() == REPO_ROOT
            return {
                n for n in names if n in NOT_COPIED_ANYWHERE or n.endswith(".pyc") or (top and n in NOT_COPIED_AT_TOP)
            }

        shutil.copytree(REPO_ROOT, target, ignore=ignore, symlinks=True)
    (target / ".venv").symlink_to(REPO_ROOT / ".venv", target_is_directory=True)
    return target


def _run_cli(env: dict[str, str], app_dir: Path, *args: str) -> str:
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", *args],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"cli {args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local test server)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def portal_server(mailbox) -> PortalServer:
    data_dir = Path(tempfile.mkdtemp(prefix="portal-e2e-"))
    port = free_port()
    base_url = f"http://localhost:{port}"
    db_path = data_dir / "portal.db"
    env = dict(os.environ)
    env.update(
        {
            "REFLEX_DB_URL": f"sqlite:///{db_path}",
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_ENV": "development",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(mailbox.port),
            "SMTP_STARTTLS": "0",
            "SMTP_USER": "",
            "SMTP_PASSWORD": "",
            "PORTAL_PORT": str(port),
            "PORTAL_PUBLIC_URL": base_url,
            "REFLEX_USE_NPM": "1",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    env.pop("REFLEX_REDIS_URL", None)
    env.pop("PYTHONPATH", None)  # the copy's portal_app, never the repository's
    app_dir = copy_repository(data_dir / "app")
    server = PortalServer(base_url, port, data_dir, db_path, data_dir / "reflex.log", env, app_dir)

    _run_cli(env, app_dir, "migrate")
    _run_cli(env, app_dir, "seed-demo")
    contracts = data_dir / "contrats-e2e.csv"
    contracts.write_text(CONTRACTS_CSV, encoding="utf-8")
    _run_cli(env, app_dir, "import-contracts", str(contracts))

    log = server.log_path.open("wb")
    process = subprocess.Popen(
        ["reflex", "run", "--env", "prod", "--loglevel", "warning"],
        cwd=app_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers_200(f"{base_url}/connexion/"):
            if process.poll() is not None:
                pytest.fail(f"the portal stopped during start-up (exit {process.returncode}):\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the portal did not answer within {START_TIMEOUT_SECONDS}s:\n{server.log_tail()}")
            time.sleep(2)
        yield server
    finally:
        _stop(process)
        log.close()
        if os.environ.get("E2E_KEEP_DATA"):
            print(f"\ne2e data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """The whole suite comes from one IP (127.0.0.1): each test starts with no limit counted yet, as a visitor
    would (registration checks, mails on request, login brake). A test that shows a limit reaches it itself."""
    if "portal_server" in request.fixturenames:
        db_path = request.getfixturevalue("portal_server").db_path
        with sqlite3.connect(db_path, timeout=30) as connection:
            connection.execute("DELETE FROM ratelimitcounter")
    yield


@pytest.fixture(scope="session")
def portal(portal_server) -> str:
    """The base URL of the running portal, e.g. http://localhost:41234."""
    return portal_server.base_url


# ---------------------------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(autouse=True)
def no_csp_violation():
    """Fails the test during which any page broke the portal's Content-Security-Policy (support.watch_csp)."""
    seen = len(CSP_VIOLATIONS)
    yield
    fresh = CSP_VIOLATIONS[seen:]
    assert not fresh, "Content-Security-Policy violations:\n" + "\n".join(fresh)


@pytest.fixture
def new_page(browser, portal):
    """Factory: a fresh context (own cookies) and page for `phone` or `desktop`."""
    contexts = []

    def make(kind: str = "desktop", **context_args):
        context = browser.new_context(base_url=portal, locale="fr-FR", **VIEWPORTS[kind], **context_args)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        track_hydration(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_page):
    return new_page("phone")


@pytest.fixture
def desktop(new_page):
    return new_page("desktop")


@pytest.fixture(params=["phone", "desktop"])
def any_page(request, new_page):
    """The same test on a phone-sized screen and on a desktop."""
    page = new_page(request.param)
    page.kind = request.param  # type: ignore[attr-defined]
    return page
