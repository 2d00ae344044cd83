"""The periodic mail round runs in one worker at a time, and two workers never deliver the same mail twice.

On PostgreSQL each thread below holds its own connection, as two worker processes would: the advisory lock
is the server's. On SQLite the lock is the process's (one worker), or Redis's when REFLEX_REDIS_URL is set.
"""

from __future__ import annotations

import threading
import time

import pytest
import redis

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.domain import job_lock, mail

TEST_REDIS = "redis://127.0.0.1:6379/13"


def queue(*recipients: str) -> None:
    with session_scope() as session:
        for recipient in recipients:
            mail.queue_mail(session, recipient, f"Message pour {recipient}", "Bonjour,\n\nUn message de test.")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["database-or-process", "redis"])
def lock_kind(request, database, monkeypatch):
    """Every backend with its own lock; and, on SQLite, the Redis lock a multi-worker deployment would use."""
    if request.param == "redis":
        if database.backend != "sqlite":
            pytest.skip("on PostgreSQL the advisory lock is used even with Redis")
        if not _redis_up():
            pytest.skip("no Redis at 127.0.0.1:6379")
        monkeypatch.setattr(settings, "REDIS_URL", TEST_REDIS)
        redis.Redis.from_url(TEST_REDIS).delete("portal:job:mail-retry", "portal:job:other")
    else:
        monkeypatch.setattr(settings, "REDIS_URL", "")
    return request.param


def test_a_second_worker_skips_the_round_while_the_first_runs_it(lock_kind):
    inside, leave = threading.Event(), threading.Event()
    outcome: list[tuple[bool, object]] = []

    def long_round() -> str:
        inside.set()
        leave.wait(timeout=30)
        return "fait"

    first = threading.Thread(target=lambda: outcome.append(job_lock.run_once_across_workers("mail-retry", long_round)))
    first.start()
    assert inside.wait(timeout=30)

    assert job_lock.run_once_across_workers("mail-retry", lambda: "aussi") == (False, None)
    assert job_lock.run_once_across_workers("other", lambda: "autre") == (True, "autre")  # one lock per job

    leave.set()
    first.join(timeout=30)
    assert outcome == [(True, "fait")]
    assert job_lock.run_once_across_workers("mail-retry", lambda: "ensuite") == (True, "ensuite")  # released


def test_a_failing_round_releases_the_lock(lock_kind):
    def broken() -> None:
        raise RuntimeError("panne")

    with pytest.raises(RuntimeError):
        job_lock.run_once_across_workers("mail-retry", broken)
    assert job_lock.run_once_across_workers("mail-retry", lambda: 1) == (True, 1)


def test_workers_rounds_and_kicks_at_once_deliver_each_mail_once(lock_kind, smtp_server):
    """Three workers' retry rounds (under the lock) and two kicks (not under it) at once, on a slow server."""
    inbox = smtp_server.start()
    inbox.delay_seconds = 0.05
    recipients = [f"membre{i}@example.fr" for i in range(10)]
    queue(*recipients)
    start = threading.Barrier(5)
    errors: list[BaseException] = []

    def retry_round() -> None:
        try:
            start.wait()
            job_lock.run_once_across_workers("mail-retry", mail.deliver_due_mail)
        except BaseException as exc:
            errors.append(exc)

    def kick() -> None:
        try:
            start.wait()
            mail.deliver_due_mail()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=retry_round) for _ in range(3)] + [
        threading.Thread(target=kick) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    job_lock.run_once_across_workers("mail-retry", mail.deliver_due_mail)  # whatever a skipped round left
    assert sorted(r for e in inbox.envelopes for r in e.rcpt_tos) == sorted(recipients)
    assert mail.pending_count() == 0


def test_on_postgresql_a_killed_worker_releases_the_lock(database):
    """The advisory lock belongs to the holder's connection: when its process dies, the server frees it."""
    if database.backend != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    import sqlalchemy as sa

    from portal_app.db.engine import get_engine

    key = job_lock._advisory_key("mail-retry")
    holder = get_engine().connect()
    assert holder.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    holder.commit()
    pid = holder.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    assert job_lock.run_once_across_workers("mail-retry", lambda: 1) == (False, None)

    with get_engine().connect() as other:  # the worker is killed: its connection ends
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.commit()
    holder.invalidate()
    holder.close()

    # The server ends the killed backend asynchronously: its lock goes within moments, not at once.
    deadline = time.monotonic() + 10
    outcome = job_lock.run_once_across_workers("mail-retry", lambda: 2)
    while outcome != (True, 2) and time.monotonic() < deadline:
        time.sleep(0.1)
        outcome = job_lock.run_once_across_workers("mail-retry", lambda: 2)
    assert outcome == (True, 2)
