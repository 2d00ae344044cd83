"""Two backend workers on PostgreSQL and Redis (issue 16): a session served by either, nothing lost when one dies.

The portal is built once (`reflex export --frontend-only --no-zip`) and served by `python -m portal_app.serve`
with PORTAL_WORKERS=2: Granian, as `reflex run --env prod` uses it, but with dead workers respawned (Reflex's
own Granian server stops every worker when one dies). Its database is a fresh one on the machine's
PostgreSQL (dropped afterwards), its Reflex states and rate limits live in Redis database 14 (emptied first).

Which worker holds the browser's connections is read from /proc (the sockets each worker process owns), so
the test kills exactly the worker serving the member's websocket, while she is sending messages.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from .conftest import DESKTOP, VENV_BIN, _answers_200, _run_cli, _stop, copy_repository, free_port
from .support import CLAIRE_EMAIL, CLAIRE_PASSWORD, goto, login, track_hydration, url_re
from .test_claims import CLAIMS_PAGE, fill_claim

pytestmark = pytest.mark.e2e

POSTGRES_SERVER = os.environ.get("PORTAL_TEST_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
STATE_TTL_SECONDS = 900
START_TIMEOUT_SECONDS = 600


class WorkersPortal:
    def __init__(self, base_url: str, port: int, process: subprocess.Popen, db_url: str, log_path: Path) -> None:
        self.base_url, self.port, self.process, self.db_url, self.log_path = base_url, port, process, db_url, log_path
        self.engine = sa.create_engine(db_url)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def workers(self) -> list[int]:
        """The worker processes Granian forked (children of the server process)."""
        children: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            text = (task / "children").read_text().split()
            children += [int(pid) for pid in text]
        return sorted(children)

    def owner_of_local_port(self, local_port: int) -> int | None:
        """The worker process owning the TCP socket bound to this local port (its end of a connection)."""
        inodes: set[str] = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as lines:
                next(lines)
                for line in lines:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                        inodes.add(fields[9])
        for pid in self.workers():
            try:
                links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            except (FileNotFoundError, ProcessLookupError):
                continue
            if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
                return pid
        return None

    def rows(self, sql: str, **params) -> list[tuple]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def _wait_for_two_workers(portal: WorkersPortal, timeout: float = 120) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = portal.workers()
        if len(workers) == 2:
            return workers
        time.sleep(0.5)
    raise AssertionError(f"Granian does not run two workers: {portal.workers()}\n{portal.log_tail()}")


@pytest.fixture(scope="module")
def workers_portal(mailbox):
    """The production build on two workers, PostgreSQL and Redis; demo data loaded."""
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    store.flushdb()
    database = f"portal_e2e_workers_{secrets.token_hex(4)}"
    admin = sa.create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    data_dir = Path(tempfile.mkdtemp(prefix="portal-e2e-workers-"))
    port = free_port()
    base_url = f"http://localhost:{port}"
    db_url = f"{POSTGRES_SERVER}/{database}"
    env = dict(os.environ)
    env.update(
        {
            "REFLEX_DB_URL": db_url,
            "REFLEX_REDIS_URL": REDIS_URL,
            "PORTAL_WORKERS": "2",
            "PORTAL_STATE_TTL": str(STATE_TTL_SECONDS),
            "PORTAL_BCRYPT_THREADS": "1",
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
    env.pop("GRANIAN_WORKERS", None)
    env.pop("PYTHONPATH", None)
    app_dir = copy_repository(data_dir / "app")
    log_path = data_dir / "serve.log"
    process = None
    log = log_path.open("wb")
    try:
        _run_cli(env, app_dir, "migrate")
        _run_cli(env, app_dir, "seed-demo")
        started = time.monotonic()
        build = subprocess.run(
            ["reflex", "export", "--frontend-only", "--no-zip", "--loglevel", "warning"],
            cwd=app_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=START_TIMEOUT_SECONDS,
        )
        assert build.returncode == 0, log_path.read_text(errors="replace")[-3000:]
        print(f"\nfront end built in {time.monotonic() - started:.0f} s")
        process = subprocess.Popen(
            ["python", "-m", "portal_app.serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=app_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        portal = WorkersPortal(base_url, port, process, db_url, log_path)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers_200(f"{base_url}/connexion/"):
            if process.poll() is not None:
                pytest.fail(f"the portal stopped during start-up ({process.returncode}):\n{portal.log_tail()}")
            assert time.monotonic() < deadline, portal.log_tail()
            time.sleep(1)
        _wait_for_two_workers(portal)
        yield portal
        portal.engine.dispose()
    finally:
        if process is not None:
            _stop(process)
        log.close()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
        store.flushdb()
        if os.environ.get("E2E_KEEP_DATA"):
            print(f"\ne2e data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def member_page(browser, workers_portal):
    context = browser.new_context(base_url=workers_portal.base_url, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    track_hydration(page)
    yield page
    context.close()


def websocket_worker(portal: WorkersPortal, page: Page, path: str) -> int:
    """Open `path` and return the worker that took its websocket.

    A worker accepting a tab's websocket writes Reflex's `token_manager_socket_record_<token>` key in Redis:
    Redis's MONITOR tells from which client port, and /proc which worker process owns that port.
    """
    seen: list[int] = []
    ready = threading.Event()
    stop = threading.Event()

    def watch() -> None:
        with redis.Redis.from_url(REDIS_URL).monitor() as monitor:
            ready.set()
            for command in monitor.listen():
                if "token_manager_socket_record_" in command["command"] and command["command"].startswith("SET"):
                    seen.append(int(command["client_port"]))
                if stop.is_set():
                    return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    assert ready.wait(10)
    goto(page, path)
    page.wait_for_timeout(300)
    stop.set()
    redis.Redis.from_url(REDIS_URL).ping()  # one more command, so the watcher sees `stop`
    watcher.join(10)
    assert seen, "no worker recorded the tab's websocket in Redis"
    owner = portal.owner_of_local_port(seen[-1])
    assert owner is not None, f"no worker owns the Redis connection from port {seen[-1]}"
    return owner


def track_websocket_closes(page: Page) -> list[str]:
    closed: list[str] = []
    page.on("websocket", lambda ws: ws.on("close", lambda _ws: closed.append(ws.url)))
    return closed


def send_message(page: Page, subject: str, wait_ms: int = 20_000) -> bool:
    """Write to the platform from /mon-espace/messages; True once the portal showed the new thread."""
    page.get_by_label("Objet").fill(subject)
    page.get_by_label("Votre message").fill(f"Texte du message « {subject} ».")
    page.get_by_role("button", name="Envoyer le message").click()
    try:
        expect(page.get_by_role("heading", name=subject)).to_be_visible(timeout=wait_ms)
    except AssertionError:
        return False
    return True


def claire_threads(portal: WorkersPortal) -> dict[str, int]:
    """Subject → number of messages, for every thread Claire started."""
    rows = portal.rows(
        "SELECT t.subject, count(m.id) FROM messagethread t JOIN account a ON a.id = t.account_id "
        "LEFT JOIN message m ON m.thread_id = t.id WHERE a.email = :email GROUP BY t.id, t.subject",
        email=CLAIRE_EMAIL,
    )
    threads: dict[str, int] = {}
    for subject, count in rows:
        assert subject not in threads, f"thread « {subject} » written twice"
        threads[subject] = count
    return threads


def test_a_member_is_served_across_reloads_by_either_worker(workers_portal, member_page):
    login(member_page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    seen: list[int] = []
    for _ in range(10):  # reloads until both workers took the tab's websocket
        seen.append(websocket_worker(workers_portal, member_page, "/mon-espace"))
        expect(member_page.get_by_text("Claire", exact=False).first).to_be_visible()
        if len(set(seen)) == 2:
            break
    print(f"\nworker of the websocket at each load: {seen}")
    assert len(set(seen)) == 2, f"one worker took every websocket: {seen}"

    goto(member_page, "/mon-espace/messages")
    assert send_message(member_page, "Question avant la rentrée")
    assert claire_threads(workers_portal).get("Question avant la rentrée") == 1


def claire_claims(portal: WorkersPortal) -> dict[str, tuple[int, int]]:
    """Provider → (claims, files of those claims), for Claire's claims."""
    rows = portal.rows(
        "SELECT c.provider, count(DISTINCT c.id), count(f.id) FROM claim c JOIN account a ON a.id = c.account_id "
        "LEFT JOIN claimfile f ON f.claim_id = c.id WHERE a.email = :email GROUP BY c.provider",
        email=CLAIRE_EMAIL,
    )
    return {provider: (claims, files) for provider, claims, files in rows}


def file_claim(page: Page, provider: str, wait_ms: int = 20_000, kill=None) -> bool:
    """A 12 € claim with one PDF invoice; `kill` runs right after the click. True once the portal confirmed it."""
    goto(page, CLAIMS_PAGE)
    fill_claim(page, provider=provider, amount="12,00")
    page.get_by_role("button", name="Envoyer ma demande").click()
    if kill is not None:
        kill()
    try:
        expect(page.locator("#demande-enregistree")).to_contain_text("est enregistrée", timeout=wait_ms)
    except AssertionError:
        return False
    return True


def write_message(page: Page, subject: str) -> bool:
    goto(page, "/mon-espace/messages")
    return send_message(page, subject)


def test_killing_the_serving_worker_loses_no_acknowledged_action(workers_portal, member_page):
    """Claims (with their invoice) and messages, the worker serving the tab killed right after a claim's click."""
    login(member_page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    closed = track_websocket_closes(member_page)
    before = workers_portal.workers()
    acknowledged: dict[str, list[str]] = {"claim": [], "message": []}
    lost: list[str] = []
    victim = None

    def kill_the_tab_worker() -> None:
        closed.clear()
        os.kill(victim, signal.SIGKILL)

    steps = [("message", "Message 1"), ("claim", "Prestataire 2"), ("claim", "Prestataire 3 pendant la panne")]
    steps += [("message", "Message 4"), ("claim", "Prestataire 5"), ("message", "Message 6")]
    for kind, name in steps:
        if "panne" in name:  # the worker holding the tab's websocket dies as the claim is sent
            victim = websocket_worker(workers_portal, member_page, CLAIMS_PAGE)
            clicked = time.monotonic()
            done = file_claim(member_page, name, kill=kill_the_tab_worker)
            print(f"\nkilled worker {victim}; claim acknowledged: {done} ({time.monotonic() - clicked:.1f} s)")
        elif kind == "claim":
            done = file_claim(member_page, name)
        else:
            done = write_message(member_page, name)
        (acknowledged[kind] if done else lost).append(name)

    assert workers_portal.process.poll() is None, "the server stopped with its worker"
    after = _wait_for_two_workers(workers_portal)
    assert victim in before and victim not in after  # respawned under a new pid
    assert closed, "the killed worker did not hold the tab's websocket"
    print(f"acknowledged: {acknowledged}; not acknowledged: {lost}")
    assert len(lost) <= 1 and all("panne" in name for name in lost)

    # Every acknowledged action is in the database once and whole: a claim with its file, a thread with its
    # message; what was not acknowledged is whole or absent.
    threads, claims = claire_threads(workers_portal), claire_claims(workers_portal)
    for subject in acknowledged["message"]:
        assert threads.get(subject) == 1, f"« {subject} » acknowledged, database: {threads.get(subject)}"
    for provider in acknowledged["claim"]:
        assert claims.get(provider) == (1, 1), f"« {provider} » acknowledged, database: {claims.get(provider)}"
    assert all(count >= 1 for count in threads.values()), threads
    assert all(files >= claims_count for claims_count, files in claims.values()), claims
    print(f"the claim sent as the worker died, in the database: {claims.get(steps[2][1])}")

    # The same session, still logged in, served by whichever worker answers now.
    goto(member_page, "/mon-espace")
    expect(member_page).to_have_url(url_re("/mon-espace"))
    expect(member_page.get_by_text("Claire", exact=False).first).to_be_visible()


def test_redis_state_expires_and_holds_no_secret(workers_portal, member_page):
    login(member_page, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    goto(member_page, "/mon-espace")
    token = next(c["value"] for c in member_page.context.cookies() if c["name"] == "ea_session")
    store = redis.Redis.from_url(REDIS_URL)
    keys = list(store.scan_iter(count=1000))
    assert keys, "Reflex stored no state in Redis"
    for key in keys:
        ttl = store.ttl(key)
        assert 0 < ttl <= max(STATE_TTL_SECONDS, 24 * 3600), f"{key!r} never expires (ttl {ttl})"
        kind = store.type(key)
        if kind == b"string":
            value = store.get(key) or b""
        elif kind == b"hash":
            value = b"".join(k + v for k, v in store.hgetall(key).items())
        else:
            continue
        assert token.encode() not in value, f"the session token is stored in Redis under {key!r}"
    state_ttls = [store.ttl(k) for k in keys if re.search(rb"_state", k)]
    assert state_ttls and all(0 < t <= STATE_TTL_SECONDS for t in state_ttls), state_ttls
