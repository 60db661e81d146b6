"""A load generator: N simulated stores speaking the real protocol to the hub through the broker.

Each simulated store has its own MQTT connection (sync/mqtt.py's MqttLink, as a node's agent:
MQTT 5, persistent session, will, the same backoff and broker probe), a retained status, its
own seq numbering, and sells at a given rate: every sale is an `EventBatch` with one
`sale.completed` event carrying the lines and the levels after the sale, as a node's agent
sends it. It keeps every event until the hub's end-to-end ack, resends from `resend_from` when
asked and everything unacknowledged when acks stop for `RESEND_AFTER_S`, and answers commands
with a `CommandAck`. What it measures:

- apply lag: from publishing a sale to receiving the ack that covers it (p50/p99);
- nearby messages received (the hub's nearby publishes), resends, duplicate acks;
- reconnection after a broker outage: when each store is connected again."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sync import protocol
from sync.mqtt import MqttLink
from sync.protocol import Ack, Command, CommandAck, StoreStatus, Topics

RESEND_AFTER_S = 5.0  # as the agent's default; doubled while acks stay away (up to 300 s)
SKUS = [f"DAI-0{i:02d}-11" for i in range(10, 30)]


@dataclass
class StoreFigures:
    lags: list[float] = field(default_factory=list)
    nearby: int = 0
    resends: int = 0
    commands: int = 0
    connects: list[float] = field(default_factory=list)  # monotonic time of each connect


class SimStore:
    def __init__(self, store_id: str, broker_url: str, topics: Topics, catalogue_version: int):
        self.id = store_id
        self.topics = topics
        self.version = catalogue_version
        self.seq = 0
        self.acked = 0
        self.sent_at: dict[int, float] = {}
        self.events: dict[int, str] = {}  # unacknowledged events (pre-encoded)
        self.levels = {sku: 1000 for sku in SKUS}
        self.fig = StoreFigures()
        self.last_progress = time.monotonic()
        self.resend_after = RESEND_AFTER_S
        self.lock = threading.Lock()
        t = topics
        self.link = MqttLink(
            broker_url,
            f"edge-{store_id}",
            subscriptions=[t.acks(store_id), t.commands(store_id), t.nearby(store_id)],
            on_message=self._message,
            on_connect=self._connected,
            will=(t.status(store_id), self._status(False)),
            keepalive_s=30,
        )

    def _status(self, online: bool) -> bytes:
        return protocol.encode(
            StoreStatus(
                store_id=self.id,
                online=online,
                at=datetime.now(UTC).isoformat(),
                catalogue_version=self.version,
                outbox_depth=len(self.events),
            )
        )

    def _connected(self) -> None:
        self.fig.connects.append(time.monotonic())
        self.link.publish(self.topics.status(self.id), self._status(True), retain=True)
        self._resend(self.acked + 1)

    def sell(self) -> None:
        with self.lock:
            self.seq += 1
            seq = self.seq
            sku = random.choice(SKUS)
            qty = random.randint(1, 3)
            self.levels[sku] -= qty
            now = datetime.now(UTC).isoformat()
            data = {
                "receipt_no": f"{self.id}-{seq}",
                "at": now,
                "currency": "PLN",
                "total": 598 * qty,
                "tenders": [{"type": "card", "amount": 598 * qty}],
                "lines": [{"line_no": 1, "sku": sku, "qty": qty, "unit_price": 598,
                           "discount": 0, "total": 598 * qty, "vat": "C"}],
                "stock": [{"sku": sku, "on_hand": self.levels[sku], "reserved": 0}],
            }  # fmt: skip
            event = protocol.event_json(seq, f"{self.id}-{seq}", "sale.completed", now,
                                        json.dumps(data, separators=(",", ":")))  # fmt: skip
            self.events[seq] = event
            self.sent_at[seq] = time.monotonic()
            payload = protocol.encode_batch(self.id, [event], len(self.events), now)
        self.link.publish(self.topics.events(self.id), payload)

    def _resend(self, start: int) -> None:
        with self.lock:
            pending = [e for s, e in sorted(self.events.items()) if s >= start]
            depth = len(self.events)
        for chunk in protocol.batches(pending, 100):
            now = datetime.now(UTC).isoformat()
            self.link.publish(
                self.topics.events(self.id), protocol.encode_batch(self.id, chunk, depth, now)
            )
        if pending:
            self.fig.resends += 1
            self.last_progress = time.monotonic()

    def tick(self) -> None:
        """Resends everything unacknowledged when acks stopped coming (like the agent)."""
        if self.events and time.monotonic() - self.last_progress > self.resend_after:
            self.resend_after = min(self.resend_after * 2, 300.0)
            self._resend(self.acked + 1)

    def _message(self, topic: str, payload: bytes) -> None:
        t = self.topics
        if topic == t.acks(self.id):
            ack = protocol.decode(payload, Ack)
            now = time.monotonic()
            with self.lock:
                if ack.acked_seq > self.acked:
                    for s in range(self.acked + 1, ack.acked_seq + 1):
                        sent = self.sent_at.pop(s, None)
                        self.events.pop(s, None)
                        if sent is not None:
                            self.fig.lags.append(now - sent)
                    self.acked = ack.acked_seq
                    self.last_progress = now
                    self.resend_after = RESEND_AFTER_S
            if ack.resend_from is not None:
                self._resend(ack.resend_from)
        elif topic == t.nearby(self.id):
            self.fig.nearby += 1
        elif topic == t.commands(self.id):
            cmd = protocol.decode(payload, Command)
            self.fig.commands += 1
            reply = CommandAck(id=cmd.id, seq=cmd.seq, store_id=self.id, status="applied",
                               at=datetime.now(UTC).isoformat())  # fmt: skip
            self.link.publish(t.command_acks(self.id), protocol.encode(reply))

    @property
    def connected(self) -> bool:
        return self.link.connected


class LocalFleet:
    """Simulated stores in this process (paho's select() limits one process to a few hundred
    connections: `Fleet` spreads a bigger fleet over processes). Sales go to stores chosen at
    random: a Poisson process per store, as tills sell."""

    def __init__(
        self, ids: Sequence[str], broker_url: str, *, catalogue_version: int = 1,
        prefix: str = "retail/v1",
    ) -> None:  # fmt: skip
        topics = Topics(prefix)
        self.stores = [SimStore(i, broker_url, topics, catalogue_version) for i in ids]

    def start(self, timeout_s: float = 120.0) -> None:
        for i, s in enumerate(self.stores):
            s.link.start()
            if i % 50 == 49:
                time.sleep(0.05)  # a fleet connecting at once, but not in one millisecond
        deadline = time.monotonic() + timeout_s
        while not all(s.connected for s in self.stores):
            if time.monotonic() > deadline:
                raise TimeoutError("the simulated stores did not all connect")
            time.sleep(0.05)

    def stop(self) -> None:
        for s in self.stores:
            s.link.stop(final=(s.topics.status(s.id), s._status(False)))

    def run(self, sales_per_s: float, seconds: float) -> int:
        """Sells at `sales_per_s` in total for `seconds`; returns the sales made."""
        rng = random.Random(7)
        started = time.monotonic()
        made = 0
        next_tick = started
        while (now := time.monotonic()) - started < seconds:
            due = int((now - started) * sales_per_s) - made
            for _ in range(due):
                rng.choice(self.stores).sell()
            made += max(due, 0)
            if now >= next_tick:
                next_tick = now + 0.5
                for s in self.stores:
                    s.tick()
            time.sleep(0.002)
        return made

    def settle(self, timeout_s: float) -> bool:
        """Waits until every sale is acknowledged; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(not s.events for s in self.stores):
                return True
            for s in self.stores:
                s.tick()
            time.sleep(0.05)
        return False

    def reset_figures(self) -> None:
        for s in self.stores:
            s.fig = StoreFigures(connects=s.fig.connects)

    def lags(self) -> list[float]:
        return [lag for s in self.stores for lag in s.fig.lags]

    def total(self, what: str) -> int:
        return sum(int(getattr(s.fig, what)) for s in self.stores)

    def unacked(self) -> int:
        return sum(len(s.events) for s in self.stores)

    def connects(self) -> dict[str, list[float]]:
        return {s.id: list(s.fig.connects) for s in self.stores}


PER_PROCESS = 125


class Fleet:
    """N simulated stores (S0001…) in processes of PER_PROCESS stores each, driven over a pipe
    (one JSON line per command and per answer); every process gets its share of the rate.
    Monotonic times are the machine's, so connect times compare across processes."""

    def __init__(self, n: int, broker_url: str, *, catalogue_version: int = 1) -> None:
        ids = [f"S{i:04d}" for i in range(1, n + 1)]
        self.ids = ids
        self.procs = [
            self._spawn(broker_url, catalogue_version, ids[i : i + PER_PROCESS])
            for i in range(0, n, PER_PROCESS)
        ]

    @staticmethod
    def _spawn(broker_url: str, version: int, ids: list[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "bench.loadgen", broker_url, str(version), *ids],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _all(self, cmd: str, **args: Any) -> list[Any]:
        line = json.dumps({"cmd": cmd, **args}) + "\n"
        for p in self.procs:
            assert p.stdin is not None
            p.stdin.write(line)
            p.stdin.flush()
        out = []
        for p in self.procs:
            assert p.stdout is not None
            answer = p.stdout.readline()
            if not answer:
                raise RuntimeError(f"a load generator process ended (exit {p.wait()})")
            reply = json.loads(answer)
            if "error" in reply:
                raise RuntimeError(reply["error"])
            out.append(reply["value"])
        return out

    def start(self, timeout_s: float = 120.0) -> None:
        self._all("start", timeout_s=timeout_s)

    def run(self, sales_per_s: float, seconds: float) -> int:
        return sum(self._all("run", rate=sales_per_s / len(self.procs), seconds=seconds))

    def settle(self, timeout_s: float) -> bool:
        return all(self._all("settle", timeout_s=timeout_s))

    def reset_figures(self) -> None:
        self._all("reset_figures")

    def lags(self) -> list[float]:
        return [lag for part in self._all("lags") for lag in part]

    def total(self, what: str) -> int:
        return sum(self._all("total", what=what))

    def connects(self) -> dict[str, list[float]]:
        out: dict[str, list[float]] = {}
        for part in self._all("connects"):
            out.update(part)
        return out

    def stop(self) -> None:
        try:
            self._all("stop")
        finally:
            for p in self.procs:
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    p.kill()


def _serve(argv: list[str]) -> None:
    """A load generator process: `python -m bench.loadgen BROKER VERSION STORE…`."""
    fleet = LocalFleet(argv[2:], argv[0], catalogue_version=int(argv[1]))
    calls = {
        "start": lambda a: fleet.start(a["timeout_s"]),
        "run": lambda a: fleet.run(a["rate"], a["seconds"]),
        "settle": lambda a: fleet.settle(a["timeout_s"]),
        "reset_figures": lambda a: fleet.reset_figures(),
        "lags": lambda a: fleet.lags(),
        "total": lambda a: fleet.total(a["what"]),
        "connects": lambda a: fleet.connects(),
        "stop": lambda a: fleet.stop(),
    }
    for line in sys.stdin:
        args = json.loads(line)
        try:
            value = calls[args["cmd"]](args)
        except Exception as exc:  # reported to the driver, which stops the benchmark
            print(json.dumps({"error": repr(exc)}), flush=True)
            continue
        print(json.dumps({"value": value}), flush=True)
        if args["cmd"] == "stop":
            return


if __name__ == "__main__":
    _serve(sys.argv[1:])


def coordinates(store_ids: Sequence[str], seed: int = 3) -> dict[str, tuple[float, float]]:
    """Stores spread over Poland's rough bounding box, for distance-based neighbours."""
    rng = random.Random(seed)
    return {s: (rng.uniform(49.0, 54.8), rng.uniform(14.1, 24.1)) for s in store_ids}
