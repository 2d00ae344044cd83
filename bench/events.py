# ruff: noqa: S311 (random think times, not secrets)
"""Event round trips over the websocket, as members produce them: p50/p95/p99 and events per second.

Usage (a quiet machine; the load client shares it with the portal, so figures are a floor):

    .venv/bin/python bench/events.py                      # 1, 50 and 200 live sessions, 20 s each
    .venv/bin/python bench/events.py --sessions 50 --seconds 10 --burst 20
    .venv/bin/python bench/events.py --url http://localhost:3000   # a portal already running

Each session is one socket.io client (python-socketio, asyncio, all on one loop) hydrated on /faq, which
sends the FAQ search event « as one types » (alternating two queries so that every answer carries a change)
and waits for its answer before the next one (closed loop, `--think` seconds between events). With
`--burst N`, N logins run at the same time in the middle of the measure (unknown and known addresses mixed,
real bcrypt on the server): the table then gives the other members' p95 with and without the burst.
Writes bench/results/events.md and prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.reflex_socket import HYDRATE, LOGIN_STATE, ROOT_STATE, form, router_data  # noqa: E402

FAQ_STATE = f"{ROOT_STATE}.portal_app___ui___faq____faq_state"
QUERIES = ("trajet", "rembourser")
RESULTS = Path(__file__).resolve().parent / "results" / "events.md"


@dataclass
class Sample:
    started: float
    seconds: float


@dataclass
class Session:
    base_url: str
    think: float
    samples: list[Sample] = field(default_factory=list)
    _answer: asyncio.Event = field(default_factory=asyncio.Event)
    _sio: socketio.AsyncClient | None = None

    async def connect(self, path: str = "/faq") -> None:
        sio = socketio.AsyncClient(reconnection=False)

        async def on_event(data) -> None:
            delta = (data or {}).get("delta") if isinstance(data, dict) else None
            if delta and FAQ_STATE in delta:
                self._answer.set()

        sio.on("event", on_event, namespace="/_event")
        auth = {"event": {"name": HYDRATE, "payload": {}, "router_data": router_data(path)}}
        await sio.connect(
            f"{self.base_url}?token={uuid.uuid4()}",
            headers={"Origin": self.base_url},
            auth=auth,
            transports=["websocket"],
            namespaces=["/_event"],
            socketio_path="/_event",
            wait_timeout=30,
        )
        self._sio = sio

    async def search(self, query: str) -> float:
        assert self._sio is not None
        self._answer.clear()
        start = time.perf_counter()
        event = {"name": f"{FAQ_STATE}.search", "payload": {"query": query}, "router_data": router_data("/faq")}
        await self._sio.emit("event", event, namespace="/_event")
        await asyncio.wait_for(self._answer.wait(), timeout=30)
        return time.perf_counter() - start

    async def run(self, until: float) -> None:
        turn = 0
        await asyncio.sleep(random.random() * max(self.think, 0.05))  # sessions do not start in step
        while time.perf_counter() < until:
            started = time.perf_counter()
            self.samples.append(Sample(started, await self.search(QUERIES[turn % 2])))
            turn += 1
            if self.think:
                await asyncio.sleep(self.think * (0.5 + random.random()))

    async def close(self) -> None:
        if self._sio is not None:
            await self._sio.disconnect()


async def one_login(base_url: str, email: str, password: str) -> float:
    """A login as the page sends it; answered (refused or granted) after the server's bcrypt work."""
    sio = socketio.AsyncClient(reconnection=False)
    answered = asyncio.Event()
    sent = asyncio.Event()

    async def on_event(data) -> None:
        # The road shows « busy » at once, then clears it with the answer (refusal or grant): wait for the clear.
        changes = ((data or {}).get("delta") or {}).get(LOGIN_STATE) or {} if isinstance(data, dict) else {}
        if sent.is_set() and changes.get("busy_rx_state_") is False:
            answered.set()

    sio.on("event", on_event, namespace="/_event")
    auth = {"event": {"name": HYDRATE, "payload": {}, "router_data": router_data("/connexion")}}
    await sio.connect(
        f"{base_url}?token={uuid.uuid4()}",
        headers={"Origin": base_url},
        auth=auth,
        transports=["websocket"],
        namespaces=["/_event"],
        socketio_path="/_event",
        wait_timeout=30,
    )
    start = time.perf_counter()
    sent.set()
    event = {
        "name": f"{LOGIN_STATE}.submit",
        "payload": form(email=email, password=password),
        "router_data": router_data("/connexion"),
    }
    await sio.emit("event", event, namespace="/_event")
    try:
        await asyncio.wait_for(answered.wait(), timeout=60)
    finally:
        await sio.disconnect()
    return time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


@dataclass
class Measure:
    sessions: int
    seconds: float
    samples: list[float]
    burst_samples: list[float] = field(default_factory=list)
    login_seconds: list[float] = field(default_factory=list)

    def row(self) -> str:
        ms = [s * 1000 for s in self.samples]
        rate = len(self.samples) / self.seconds
        line = (
            f"| {self.sessions} | {len(ms)} | {rate:,.0f} | {statistics.median(ms):.1f} | "
            f"{percentile(ms, 0.95):.1f} | {percentile(ms, 0.99):.1f} |"
        )
        if self.burst_samples:
            burst = [s * 1000 for s in self.burst_samples]
            line += (
                f" {percentile(burst, 0.95):.1f} | {percentile(burst, 0.99):.1f} | "
                f"{len(self.login_seconds)} in {max(self.login_seconds):.1f} s |"
            )
        else:
            line += " – | – | – |"
        return line


async def measure(base_url: str, sessions: int, seconds: float, think: float, burst: int) -> Measure:
    clients = [Session(base_url, think) for _ in range(sessions)]
    for start in range(0, sessions, 25):  # connect in small waves, as a morning rush would
        await asyncio.gather(*(c.connect() for c in clients[start : start + 25]))
    warm_until = time.perf_counter() + 2
    await asyncio.gather(*(c.run(warm_until) for c in clients))
    for c in clients:
        c.samples.clear()
    begin = time.perf_counter()
    until = begin + seconds
    runs = [asyncio.create_task(c.run(until)) for c in clients]
    logins: list[float] = []
    burst_window = (0.0, 0.0)
    if burst:
        await asyncio.sleep(seconds / 3)
        window_start = time.perf_counter()
        addresses = [
            ("claire.martin@example.fr" if i % 2 else f"inconnu{i}@example.fr", f"Mauvais-Mot-De-Passe-{i}")
            for i in range(burst)
        ]
        logins = list(await asyncio.gather(*(one_login(base_url, e, p) for e, p in addresses)))
        burst_window = (window_start, time.perf_counter())
    await asyncio.gather(*runs)
    samples = [s for c in clients for s in c.samples]
    outside = [s.seconds for s in samples if not (burst_window[0] <= s.started <= burst_window[1])]
    inside = [s.seconds for s in samples if burst_window[0] <= s.started <= burst_window[1]]
    await asyncio.gather(*(c.close() for c in clients))
    return Measure(sessions, seconds, outside if burst else [s.seconds for s in samples], inside, logins)


def report(measures: list[Measure], base_url: str, think: float, command: str) -> str:
    lines = [
        "# Event round trips over the websocket (FAQ search as one types)",
        "",
        f"Command: `{command}`  ",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores), portal {base_url}, "
        f"think time {think} s between a session's events (closed loop); the load client runs on the same machine.",
        "",
        "| live sessions | events | events/s | p50 ms | p95 ms | p99 ms | p95 ms during login burst | "
        "p99 ms during burst | logins |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(m.row() for m in measures),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a portal already running (default: start one on a copy of the repository)")
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 50, 200])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=0.0)
    parser.add_argument("--burst", type=int, default=0, help="logins at once in the middle of each measure")
    args = parser.parse_args(argv)
    process = None
    base_url = args.url
    if base_url is None:
        from bench.lighthouse import start_portal
        from tests.e2e.conftest import _stop

        data_dir = Path(tempfile.mkdtemp(prefix="portal-bench-events-"))
        process, base_url = start_portal(data_dir)
    try:
        measures = [asyncio.run(measure(base_url, n, args.seconds, args.think, args.burst)) for n in args.sessions]
    finally:
        if process is not None:
            _stop(process)
    text = report(measures, base_url, args.think, "python bench/events.py " + " ".join(argv or sys.argv[1:]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
