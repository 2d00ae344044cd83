"""The two counter stores of `rate_limits` behave alike: the database's table and Redis.

Several workers answer one visitor, so limits are counted in a store they share; time comes from `clock`.
Redis runs at 127.0.0.1:6379 on the test machine; each test uses a key prefix of its own.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest

from portal_app.domain import rate_limits

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["database", "redis"])
def counters(request):
    if request.param == "database":
        store = rate_limits.DatabaseStore()
        yield store
        return
    store = rate_limits.RedisStore(REDIS_URL, prefix=f"test:{secrets.token_hex(6)}:")
    try:
        yield store
    finally:
        for stored_key in store.client.scan_iter(f"{store.prefix}*"):
            store.client.delete(stored_key)


@pytest.fixture
def in_use(counters):
    previous = rate_limits.use_store(counters)
    yield counters
    rate_limits.use_store(previous)


def test_hits_are_counted_within_a_fixed_window(counters, frozen_clock):
    first = counters.hit("k", timedelta(minutes=15))
    frozen_clock.advance(minutes=10)
    second = counters.hit("k", timedelta(minutes=15))

    assert (first.hits, second.hits) == (1, 2)
    assert second.resets_at == frozen_clock.START + timedelta(minutes=15)
    assert second.last_hit == frozen_clock.now


def test_the_count_starts_again_once_the_window_is_over(counters, frozen_clock):
    for _ in range(3):
        counters.hit("k", timedelta(minutes=15))
    frozen_clock.advance(minutes=15)

    assert counters.peek("k") is None
    again = counters.hit("k", timedelta(minutes=15))
    assert (again.hits, again.resets_at) == (1, frozen_clock.now + timedelta(minutes=15))


def test_a_sliding_window_starts_again_at_every_hit(counters, frozen_clock):
    counters.hit("k", timedelta(hours=1), sliding=True)
    frozen_clock.advance(minutes=50)
    counters.hit("k", timedelta(hours=1), sliding=True)
    frozen_clock.advance(minutes=50)

    assert counters.peek("k").hits == 2


def test_keys_are_counted_apart_and_cleared(counters, frozen_clock):
    counters.hit("a", timedelta(minutes=1))
    counters.hit("a", timedelta(minutes=1))
    counters.hit("b", timedelta(minutes=1))

    counters.clear("a")

    assert counters.peek("a") is None
    assert counters.peek("b").hits == 1


def test_a_limit_says_how_long_to_wait(in_use, frozen_clock):
    limit = rate_limits.Limit("essai", 2, timedelta(minutes=15))

    waits = [limit.hit("x"), limit.hit("x"), limit.hit("x")]
    frozen_clock.advance(minutes=5)

    assert waits == [None, None, timedelta(minutes=15)]
    assert limit.hit("x") == timedelta(minutes=10)
    assert limit.hit("y") is None


def test_the_brake_delays_from_the_fifth_failure_doubling_up_to_fifteen_minutes(in_use, frozen_clock):
    brake = rate_limits.LOGIN_BRAKE

    delays = [brake.failed("a@example.fr") for _ in range(12)]

    assert delays[:4] == [timedelta(0)] * 4
    assert [d.total_seconds() for d in delays[4:]] == [30, 60, 120, 240, 480, 900, 900, 900]
    assert brake.wait("a@example.fr") == timedelta(minutes=15)
    brake.succeeded("a@example.fr")
    assert brake.wait("a@example.fr") is None


def test_the_brake_forgets_after_a_day_without_failure(in_use, frozen_clock):
    for _ in range(5):
        rate_limits.LOGIN_BRAKE.failed("a@example.fr")
    frozen_clock.advance(hours=24, seconds=1)

    assert rate_limits.LOGIN_BRAKE.wait("a@example.fr") is None
    assert rate_limits.LOGIN_BRAKE.failed("a@example.fr") == timedelta(0)


def test_nothing_counted_is_stored_in_clear(in_use, frozen_clock):
    rate_limits.REQUESTED_MAIL_PER_ADDRESS.hit("claire.martin@example.fr")

    stored = rate_limits.key("mail-adresse", "claire.martin@example.fr")
    assert "claire" not in stored
    assert in_use.peek(stored).hits == 1


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 seconde"),
        (30, "30 secondes"),
        (59.2, "1 minute"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
    ],
)
def test_waits_in_words(seconds, words):
    assert rate_limits.wait_in_words(timedelta(seconds=seconds)) == words
