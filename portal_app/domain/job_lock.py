"""A lock shared by every worker, so that a periodic job (the mail retry round) runs once at a time.

With several backend workers each one starts the same lifespan tasks; the lock makes all but one skip
their round. On PostgreSQL it is a session advisory lock held on its own connection for the round: the
server releases it when the connection ends, even if the worker is killed. Elsewhere it is a Redis lock
(SET NX with an expiry, from the `redis` library) when REFLEX_REDIS_URL is set, otherwise a lock of this
process (SQLite: one worker). The lock only saves work: the jobs stay correct without it (each mail is
claimed by a conditional UPDATE before it is sent).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from portal_app import settings
from portal_app.db.engine import get_engine

T = TypeVar("T")

REDIS_LOCK_SECONDS = 300  # a round lasts seconds; a worker killed while holding it frees the job after this
_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


def _advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock, derived from the job's name."""
    return int.from_bytes(hashlib.sha256(f"portal-job:{name}".encode()).digest()[:8], "big", signed=True)


def _run_with_postgres_lock(name: str, job: Callable[[], T]) -> tuple[bool, T | None]:
    key = _advisory_key(name)
    with get_engine().connect() as connection:
        taken = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
        connection.commit()
        if not taken:
            return False, None
        try:
            return True, job()
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


def _run_with_redis_lock(name: str, job: Callable[[], T]) -> tuple[bool, T | None]:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        lock = client.lock(f"portal:job:{name}", timeout=REDIS_LOCK_SECONDS, blocking=False)
        if not lock.acquire():
            return False, None
        try:
            return True, job()
        finally:
            with contextlib.suppress(redis.exceptions.LockError):  # expired meanwhile: nothing to release
                lock.release()
    finally:
        client.close()


def _run_with_local_lock(name: str, job: Callable[[], T]) -> tuple[bool, T | None]:
    with _local_guard:
        lock = _local_locks.setdefault(name, threading.Lock())
    if not lock.acquire(blocking=False):
        return False, None
    try:
        return True, job()
    finally:
        lock.release()


def run_once_across_workers(name: str, job: Callable[[], T]) -> tuple[bool, T | None]:
    """Run `job` unless another worker is running the job of that name now: (ran, result)."""
    if get_engine().dialect.name == "postgresql":
        return _run_with_postgres_lock(name, job)
    if settings.REDIS_URL:
        return _run_with_redis_lock(name, job)
    return _run_with_local_lock(name, job)
