"""Replication figures, each beside a limit measured or fixed in the same run:

- outbox drain (events/s, backlog → hub's end-to-end ack) vs raw paho QoS 1 publish→receive
  (messages/s) through the same Mosquitto;
- applying a 100 000-product catalogue snapshot at a fresh store (≤ 10 s);
- sale at store A → store B's nearby availability changes (median, ≤ 1 s; after a quiet
  spell: changes within the nearby interval are coalesced into the next message).

Sizes: BENCH_SYNC_EVENTS (100 000), BENCH_SYNC_PRODUCTS (100 000)."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import paho.mqtt.client as paho
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion

from bench.report import Report
from edge.app import create_app
from edge.domain.catalogue import Product
from edge.domain.events import Event
from edge.domain.vat import VatRate
from edge.node import load_settings
from edge.store import outbox
from sync.agent import agent_for
from sync.hub.api import create_hub_app
from sync.hub.service import Hub
from tests.integration.sync.brokers import Broker, free_port, wait_for
from tests.integration.sync.conftest import ctx_of, depth, hub_settings, sell

EVENTS = int(os.environ.get("BENCH_SYNC_EVENTS", "100000"))
PRODUCTS = int(os.environ.get("BENCH_SYNC_PRODUCTS", "100000"))
RAW_MESSAGES = 20_000
NEARBY_SAMPLES = 12


def _raw_rate(broker: Broker) -> float:
    """Raw paho-mqtt: QoS 1, 300-byte payloads, publish → receive, messages/s."""
    got = 0
    done = threading.Event()
    subscribed = threading.Event()

    def on_message(c, u, m) -> None:  # type: ignore[no-untyped-def]
        nonlocal got
        got += 1
        if got >= RAW_MESSAGES:
            done.set()

    sub = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-sub", protocol=paho.MQTTv5)
    sub.on_message = on_message
    sub.on_subscribe = lambda *a: subscribed.set()
    sub.connect("127.0.0.1", broker.port)
    sub.loop_start()
    sub.subscribe("bench/raw", qos=1)
    subscribed.wait(5)
    pub = paho.Client(CallbackAPIVersion.VERSION2, client_id="bench-pub", protocol=paho.MQTTv5)
    pub.max_inflight_messages_set(100)
    pub.max_queued_messages_set(0)
    pub.connect("127.0.0.1", broker.port)
    pub.loop_start()
    payload = b"x" * 300
    started = time.perf_counter()
    for _ in range(RAW_MESSAGES):
        pub.publish("bench/raw", payload, qos=1)
    done.wait(120)
    elapsed = time.perf_counter() - started
    for c in (pub, sub):
        c.loop_stop()
        c.disconnect()
    return got / elapsed


def _backlog(tmp: Path, n: int) -> Path:
    """A store with n sale events waiting in its outbox (one real sale, copied with fresh
    receipt numbers: the drain, not the checkout, is measured here)."""
    settings = load_settings(None, {"data_dir": tmp / "A", "store": {"id": "A"}})
    with TestClient(create_app(settings, ui=False)) as c:
        ctx = ctx_of(c)
        sell(ctx, "DAI-011-11")
        with ctx.db.read() as conn:
            row = conn.execute("SELECT type, data FROM outbox ORDER BY seq DESC").fetchone()
        data = json.loads(row["data"])
        now = ctx.clock()
        with ctx.db.transaction() as conn:
            for i in range(n - 2):
                outbox.append(conn, Event(row["type"], {**data, "receipt_no": f"A-B-{i}"}), now)
    return tmp / "A"


def _node(tmp: Path, store: str, broker: Broker, **sync: object) -> TestClient:
    settings = load_settings(
        None,
        {
            "data_dir": tmp / store,
            "store": {"id": store},
            "broker": {"url": broker.url, "hub_key": tmp / "hub" / "hub.pub"},
            "sync": {"status_every_s": 0.5, **sync},
            "log_level": "WARNING",
        },
    )
    c = TestClient(create_app(settings, ui=False))
    c.__enter__()
    return c


def _hub_process(data_dir: Path, broker: Broker) -> subprocess.Popen[bytes]:
    """The hub as its own process, as deployed (the drain is not sharing a GIL with it)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "store-edge"), "hub", "--data-dir", str(data_dir),
         "--port", str(port), "--broker", broker.url],
        env={**os.environ, "STORE_EDGE_HUB_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def up() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/v1/healthz").status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=30, every=0.1)
    return proc


def _drain(tmp: Path, broker: Broker, report: Report, raw: float) -> None:
    _backlog(tmp, EVENTS)
    hub = _hub_process(tmp / "hub", broker)
    try:
        a = _node(tmp, "A", broker)
        try:
            # Timed from the agent's first connection, not from the node's start-up.
            wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"], timeout=30)
            started = time.perf_counter()
            backlog = depth(ctx_of(a))
            wait_for(lambda: depth(ctx_of(a)) == 0, timeout=900, every=0.05)
            elapsed = time.perf_counter() - started
        finally:
            a.__exit__(None, None, None)
    finally:
        hub.send_signal(signal.SIGTERM)
        hub.wait(30)
    rate = backlog / elapsed
    report.add(
        f"sync: outbox drain of {EVENTS:,} events to hub ack",
        rate,
        "events/s",
        limit=raw,
        limit_name="raw paho QoS1",
        higher_is_better=True,
        ratio=rate / raw,
    )


def _products(n: int) -> list[Product]:
    return [
        Product(
            sku=f"BIG-{i:06d}",
            names={"pl": f"Produkt testowy numer {i}", "en": f"Test product number {i}"},
            price=100 + i % 5000,
            vat=VatRate.A,
            category="pantry",
            descriptions={"pl": "Opis produktu do wyszukiwania pełnotekstowego."},
        )
        for i in range(n)
    ]


def _snapshot(tmp: Path, broker: Broker, report: Report) -> None:
    hub = Hub(hub_settings(tmp / "hub", broker.url, demo=False, log_level="WARNING"))
    hub.import_products(_products(PRODUCTS))
    with TestClient(create_hub_app(hub)):
        b = _node(tmp, "FRESH", broker)
        try:
            wait_for(
                lambda: b.get("/api/v1/sync/status").json()["catalogue_version"] == 1,
                timeout=120,
                every=0.05,
            )
            found = agent_for(ctx_of(b))
            assert found is not None
            seconds = wait_for(lambda: found.last_catalogue_apply_s, timeout=10)
        finally:
            b.__exit__(None, None, None)
    report.add(f"sync: apply a {PRODUCTS:,}-product snapshot", seconds, "s", limit=10.0)


def _nearby(tmp: Path, broker: Broker, report: Report) -> None:
    """A sale after a quiet spell (the hub tells a store's changes at once, then coalesces
    what follows within `[nearby] interval_s`): samples are spaced by the interval."""
    settings = hub_settings(tmp / "hub", broker.url, log_level="WARNING")
    interval = settings.nearby.interval_s
    hub = Hub(settings)
    with TestClient(create_hub_app(hub)):
        a, b = _node(tmp, "NA", broker), _node(tmp, "NB", broker)
        try:
            wait_for(lambda: depth(ctx_of(a)) == 0 and depth(ctx_of(b)) == 0, timeout=30)
            wait_for(lambda: _nearby_level(b, "NA", "DAI-011-11") is not None, timeout=30)
            samples = []
            for _ in range(NEARBY_SAMPLES):
                time.sleep(interval)
                before = _nearby_level(b, "NA", "DAI-011-11")
                started = time.perf_counter()
                sell(ctx_of(a), "DAI-011-11")
                wait_for(
                    lambda before=before: _nearby_level(b, "NA", "DAI-011-11") != before,
                    timeout=10,
                    every=0.002,
                )
                samples.append(time.perf_counter() - started)
        finally:
            b.__exit__(None, None, None)
            a.__exit__(None, None, None)
    report.add(
        "sync: sale at A → B's nearby availability (median)",
        statistics.median(samples),
        "s",
        limit=1.0,
    )
    report.add("sync: … later sales within the interval, at most", interval + 0.25, "s (by design)")


def _nearby_level(client: TestClient, store: str, sku: str) -> int | None:
    with ctx_of(client).db.read() as conn:
        row = conn.execute(
            "SELECT on_hand FROM nearby_stock WHERE store_id = ? AND sku = ?", [store, sku]
        ).fetchone()
    return None if row is None else int(row[0])


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        raw = 0.0
        # A fresh broker per figure: no session or queue left over from the previous one.
        for phase in ("raw", "drain", "snapshot", "nearby"):
            broker = Broker(tmp / f"broker-{phase}").start()
            try:
                if phase == "raw":
                    raw = _raw_rate(broker)
                    report.add("sync: raw paho QoS1 publish→receive", raw, "messages/s")
                elif phase == "drain":
                    _drain(tmp / phase, broker, report, raw)
                elif phase == "snapshot":
                    _snapshot(tmp / phase, broker, report)
                else:
                    _nearby(tmp / phase, broker, report)
            finally:
                broker.stop()
