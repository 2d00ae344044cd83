"""Rate limits and the login brake, counted where every worker of the portal sees them.

Security review, findings 2–4: registration checks, mails sent on request and failed logins are counted per
IP, per numéro adhérent or per address. Several workers answer the same visitor, so the counts cannot live
in a worker's memory: they live in Redis when `REFLEX_REDIS_URL` is set (Reflex's own states are there
already), otherwise in the database's `ratelimitcounter` table (SQLite or PostgreSQL). Both stores answer
the one `CounterStore` interface and take the time from `clock`, so tests move time for both.

What is counted is never stored in clear: a key is the limit's name and an HMAC of the subject (an address,
an IP, a numéro adhérent) keyed with the portal's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from portal_app import settings
from portal_app.db.engine import get_engine
from portal_app.db.models import RateLimitCounter, utc_now
from portal_app.domain import clock


@dataclass(frozen=True)
class Count:
    """Hits counted under a key since its window opened, the last one, and when the count falls back to 0."""

    hits: int
    last_hit: datetime
    resets_at: datetime


class CounterStore(Protocol):
    """Counters shared by every worker; each `hit` is atomic (two workers never read the same count)."""

    def hit(self, key: str, window: timedelta, *, sliding: bool = False) -> Count:
        """Add one hit. A count whose window is over starts again at 1. The window is fixed from the first hit,
        or, `sliding`, starts again at every hit (the count is forgotten after `window` without a hit)."""
        ...

    def peek(self, key: str) -> Count | None:
        """The live count, or None (never counted, or its window is over)."""
        ...

    def clear(self, key: str) -> None: ...


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _count(hits: int, last_ms: int, resets_ms: int) -> Count:
    return Count(int(hits), _moment(int(last_ms)), _moment(int(resets_ms)))


class DatabaseStore:
    """Counters in the `ratelimitcounter` table: one upsert per hit, in a transaction of its own.

    Its own transaction, because a count must stay when the caller's work is refused and rolled back. On
    SQLite, call it before the caller's transaction writes (a second writer would wait for the first).
    """

    PURGE_ONE_IN = 50  # now and then, a hit deletes the counters whose window is over

    def hit(self, key: str, window: timedelta, *, sliding: bool = False) -> Count:
        now_ms, window_ms = _ms(clock.now()), int(window.total_seconds() * 1000)
        table = RateLimitCounter.__table__
        engine = get_engine()
        insert = (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)(table)
        expired = table.c.resets_at_ms <= now_ms
        statement = (
            insert.values(
                key=key,
                hits=1,
                last_hit_ms=now_ms,
                resets_at_ms=now_ms + window_ms,
                created_at=utc_now(),
                updated_at=utc_now(),
            )
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "hits": sa.case((expired, 1), else_=table.c.hits + 1),
                    "last_hit_ms": now_ms,
                    "resets_at_ms": (
                        now_ms + window_ms
                        if sliding
                        else sa.case((expired, now_ms + window_ms), else_=table.c.resets_at_ms)
                    ),
                    "updated_at": utc_now(),
                },
            )
            .returning(table.c.hits, table.c.last_hit_ms, table.c.resets_at_ms)
        )
        with engine.begin() as connection:
            hits, last_ms, resets_ms = connection.execute(statement).one()
            if secrets.randbelow(self.PURGE_ONE_IN) == 0:
                connection.execute(sa.delete(table).where(table.c.resets_at_ms <= now_ms))
        return _count(hits, last_ms, resets_ms)

    def peek(self, key: str) -> Count | None:
        table = RateLimitCounter.__table__
        with get_engine().connect() as connection:
            row = connection.execute(
                sa.select(table.c.hits, table.c.last_hit_ms, table.c.resets_at_ms).where(table.c.key == key)
            ).first()
        if row is None or row.resets_at_ms <= _ms(clock.now()):
            return None
        return _count(*row)

    def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__
        with get_engine().begin() as connection:
            connection.execute(sa.delete(table).where(table.c.key == key))


_REDIS_HIT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local hits = tonumber(redis.call('HGET', KEYS[1], 'hits') or '0')
local resets = tonumber(redis.call('HGET', KEYS[1], 'resets') or '0')
if resets <= now then
  hits = 0
  resets = now + window
end
hits = hits + 1
if ARGV[3] == '1' then resets = now + window end
redis.call('HSET', KEYS[1], 'hits', hits, 'last', now, 'resets', resets)
redis.call('PEXPIRE', KEYS[1], window + 60000)
return {hits, now, resets}
"""


class RedisStore:
    """Counters in Redis: one hash per key, updated by a Lua script (atomic on the server).

    The window is decided with the portal's clock (stored in the hash); Redis's own expiry only throws a key
    away a minute after its window could have ended.
    """

    def __init__(self, url: str, prefix: str = "portal:limite:") -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self._hit = self.client.register_script(_REDIS_HIT)

    def hit(self, key: str, window: timedelta, *, sliding: bool = False) -> Count:
        now_ms, window_ms = _ms(clock.now()), int(window.total_seconds() * 1000)
        hits, last_ms, resets_ms = self._hit(keys=[self.prefix + key], args=[now_ms, window_ms, int(sliding)])
        return _count(hits, last_ms, resets_ms)

    def peek(self, key: str) -> Count | None:
        hits, last_ms, resets_ms = self.client.hmget(self.prefix + key, "hits", "last", "resets")
        if hits is None or int(resets_ms) <= _ms(clock.now()):
            return None
        return _count(int(hits), int(last_ms), int(resets_ms))

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)


_store: CounterStore | None = None


def store() -> CounterStore:
    """The store of this process: Redis when `REFLEX_REDIS_URL` is set, else the database."""
    global _store
    if _store is None:
        _store = RedisStore(settings.REDIS_URL) if settings.REDIS_URL else DatabaseStore()
    return _store


def use_store(counters: CounterStore | None) -> CounterStore | None:
    """Tests: count in this store (None: back to the configured one); returns the one used until now."""
    global _store
    previous, _store = _store, counters
    return previous


def key(name: str, subject: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), subject.encode(), hashlib.sha256).hexdigest()
    return f"{name}:{digest}"


@dataclass(frozen=True)
class Limit:
    """At most `max_hits` per `window` (fixed from the first hit) for one subject."""

    name: str
    max_hits: int
    window: timedelta

    def hit(self, subject: str) -> timedelta | None:
        """Count one attempt; None when it is within the limit, else how long until the count starts again."""
        count = store().hit(key(self.name, subject), self.window)
        if count.hits <= self.max_hits:
            return None
        return max(count.resets_at - clock.now(), timedelta(seconds=1))


@dataclass(frozen=True)
class Brake:
    """A growing delay after repeated failures, never a lock (which anyone could trigger for a victim).

    The first `free_failures - 1` failures cost nothing; from the `free_failures`-th on, each failure imposes
    `first_delay`, doubling, at most `longest_delay`. A success clears the count; so does `forget_after`
    without a failure.
    """

    name: str
    free_failures: int
    first_delay: timedelta
    longest_delay: timedelta
    forget_after: timedelta

    def delay_after(self, failures: int) -> timedelta:
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min(failures - self.free_failures, 20)
        return min(self.first_delay * 2**doublings, self.longest_delay)

    def wait(self, subject: str) -> timedelta | None:
        """How long the subject must still wait before its next try, or None."""
        count = store().peek(key(self.name, subject))
        if count is None:
            return None
        left = count.last_hit + self.delay_after(count.hits) - clock.now()
        return left if left > timedelta(0) else None

    def failed(self, subject: str) -> timedelta:
        """Count a failure; the delay it imposes (zero for the first ones)."""
        count = store().hit(key(self.name, subject), self.forget_after, sliding=True)
        return self.delay_after(count.hits)

    def succeeded(self, subject: str) -> None:
        store().clear(key(self.name, subject))


@dataclass(frozen=True)
class Mark:
    """A fact the server recorded about a subject for a while (« this login was refused as unconfirmed »)."""

    name: str
    lasts: timedelta

    def set(self, subject: str) -> None:
        store().hit(key(self.name, subject), self.lasts, sliding=True)

    def is_set(self, subject: str) -> bool:
        return store().peek(key(self.name, subject)) is not None


# The limits chosen (security review, findings 2–4).
REGISTRATION_PER_IP = Limit("inscription-ip", 10, timedelta(minutes=15))
REGISTRATION_PER_NUMBER = Limit("inscription-numero", 5, timedelta(minutes=15))
REQUESTED_MAIL_PER_ADDRESS = Limit("mail-adresse", 3, timedelta(hours=1))
REQUESTED_MAIL_PER_IP = Limit("mail-ip", 10, timedelta(hours=1))
LOGIN_BRAKE = Brake("connexion", 5, timedelta(seconds=30), timedelta(minutes=15), timedelta(hours=24))
UNCONFIRMED_LOGIN_REFUSED = Mark("refus-non-confirme", timedelta(hours=1))


def may_send_requested_mail(address: str, ip: str) -> bool:
    """A mail asked for by a visitor (reset, confirmation resent): 3 per address and 10 per IP per hour."""
    if ip and REQUESTED_MAIL_PER_IP.hit(ip) is not None:
        return False
    return REQUESTED_MAIL_PER_ADDRESS.hit(address) is None


def wait_in_words(wait: timedelta) -> str:
    """« 30 secondes », « 1 minute », « 15 minutes »: a wait rounded up, as a person reads it."""
    seconds = max(1, -(-int(wait.total_seconds() * 1000) // 1000))
    if seconds < 60:
        return "1 seconde" if seconds == 1 else f"{seconds} secondes"
    minutes = -(-seconds // 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
