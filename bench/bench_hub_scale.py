"""The hub at chain scale, measured with the load generator (bench/loadgen.py): N simulated
stores speaking the real protocol through a real Mosquitto to hub workers as real processes.

For SQLite (one worker) and PostgreSQL (one and two workers, a shared subscription):
- sustained sales/s at the target (N stores × 50 sales/min) with the p99 apply lag (sale
  published → its ack back at the store) against 1 s, and nearby publishes per sale against 10;
- the ceiling: the rate raised step by step until the p99 lag passes 1 s or acks fall behind;
- PostgreSQL writing the same rows raw (psycopg, one transaction per sale, the same server, in
  the same run): the hub's sustained rate as a share of it.
Then: the broker stopped for 10 s and started again with N stores waiting (every store back
within 3 s, not all in the same second), and `GET /api/v1/stores` for 1 000 stores (≤ 50 ms).

Sizes: BENCH_HUB_STORES (500), BENCH_HUB_SECONDS (20: each measured phase),
BENCH_HUB_CEILING (1: search the ceiling; 0 skips it)."""

from __future__ import annotations

import http.client
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.loadgen import Fleet, coordinates
from bench.report import Report, percentile
from sync.hub.keys import keygen
from sync.hub.store import open_storage
from sync.hub.store import stores as stores_repo
from sync.hub.tokens import Scope
from tests.integration.hub.workers import HubWorker
from tests.integration.sync.brokers import Broker
from tests.integration.sync.postgres import Postgres

STORES = int(os.environ.get("BENCH_HUB_STORES", "500"))
SECONDS = float(os.environ.get("BENCH_HUB_SECONDS", "20"))
CEILING = os.environ.get("BENCH_HUB_CEILING", "1") != "0"
PER_MIN = 50
TARGET = STORES * PER_MIN / 60
LAG_LIMIT_S = 1.0
NEARBY_LIMIT = 10.0


def _stores_toml(ids: list[str]) -> str:
    return "".join(
        f'[stores.{s}]\nname = "Sklep {s}"\nlat = {lat:.4f}\nlon = {lon:.4f}\n'
        for s, (lat, lon) in coordinates(ids).items()
    )


def _phase(fleet: Fleet, rate: float, seconds: float) -> dict[str, float]:
    """Sells at `rate` for `seconds`, waits for the acks; the phase's figures. Sustained:
    the sales acknowledged by the end of the phase (and a 2 s grace), per second."""
    fleet.reset_figures()
    made = fleet.run(rate, seconds)
    settled = fleet.settle(2.0)
    acked = len(fleet.lags())
    settled = settled or fleet.settle(10.0)
    time.sleep(1.5)  # the last nearby pushes of the phase
    lags = fleet.lags()
    return {
        "rate": acked / seconds,
        "offered": made / seconds,
        "p50": percentile(lags, 50),
        "p99": percentile(lags, 99),
        "nearby_per_sale": fleet.total("nearby") / max(made, 1),
        "resends": fleet.total("resends"),
        "settled": float(settled),
    }


def _lag_buckets(hubs: list[HubWorker]) -> dict[float, float]:
    """store_edge_hub_event_lag_seconds buckets summed over the workers: le → count."""
    out: dict[float, float] = {}
    for h in hubs:
        for line in h.metrics().splitlines():
            if line.startswith("store_edge_hub_event_lag_seconds_bucket"):
                le = line.split('le="')[1].split('"')[0]
                bound = float("inf") if le == "+Inf" else float(le)
                out[bound] = out.get(bound, 0.0) + float(line.rsplit(" ", 1)[1])
    return out


def _bucket_p99(before: dict[float, float], after: dict[float, float]) -> float:
    """The upper bound of the bucket holding the 99th percentile of what happened between."""
    counts = {b: after[b] - before.get(b, 0.0) for b in sorted(after)}
    total = counts.get(float("inf"), 0.0)
    for bound, n in counts.items():
        if total and n >= 0.99 * total:
            return bound
    return float("nan")


def _ok(fig: dict[str, float]) -> bool:
    return bool(fig["settled"]) and fig["p99"] <= LAG_LIMIT_S


def _config(
    tmp: Path, name: str, database: str, workers: int, key: Path, report: Report
) -> dict[str, float]:
    broker = Broker(tmp / f"broker-{name}").start()
    ids = [f"S{i:04d}" for i in range(1, STORES + 1)]
    hubs = [
        HubWorker(tmp / name, f"hub-{n}", broker_url=broker.url, database=database,
                  key_file=key, group="hub" if workers > 1 else None, extra=_stores_toml(ids))
        for n in range(1, workers + 1)
    ]  # fmt: skip
    fleet = Fleet(STORES, broker.url)
    try:
        for h in hubs:
            h.start()
        fleet.start()
        _phase(fleet, TARGET, 5.0)  # warm-up: greetings, first nearby pictures, caches
        before = _lag_buckets(hubs)
        fig = _phase(fleet, TARGET, SECONDS)
        fig["hub_p99"] = _bucket_p99(before, _lag_buckets(hubs))
        label = f"hub {name}: {STORES} stores × {PER_MIN}/min"
        report.add(f"{label}, sustained", fig["rate"], "sales/s", limit=TARGET * 0.98,
                   limit_name="target", higher_is_better=True)  # fmt: skip
        report.add(f"{label}, apply lag p99", fig["p99"], "s", limit=LAG_LIMIT_S)
        report.add(f"{label}, apply lag p50", fig["p50"], "s")
        report.add(f"{label}, hub-side lag p99 (histogram bucket)", fig["hub_p99"], "s ≤")
        report.add(f"{label}, nearby publishes/sale", fig["nearby_per_sale"], "msgs",
                   limit=NEARBY_LIMIT)  # fmt: skip
        report.add(f"{label}, store resends", fig["resends"], "resends")
        best = fig["rate"] if _ok(fig) else 0.0
        if CEILING and _ok(fig):
            rate = TARGET
            while True:
                rate *= 1.5
                step = _phase(fleet, rate, max(8.0, SECONDS / 2))
                print(f"    {name}: {step['rate']:.0f} sales/s → p99 {step['p99']:.3f} s,"
                      f" settled {bool(step['settled'])}", flush=True)  # fmt: skip
                if not _ok(step):
                    break
                best = step["rate"]
                if rate > 20 * TARGET:
                    break
            report.add(f"hub {name}: ceiling (p99 lag ≤ 1 s)", best, "sales/s")
        fig["ceiling"] = best
        return fig
    finally:
        fleet.stop()
        for h in hubs:
            h.stop()
        broker.stop()


def _raw_postgres(url: str, seconds: float = 5.0, per_commit: int = 1) -> float:
    """The same rows a sale writes at the hub, straight through psycopg on one connection:
    event, sale, line, stock level and store row per sale, `per_commit` sales a transaction;
    sales/s."""
    open_storage(url, Path(tempfile.gettempdir())).close()  # the hub's tables
    now = datetime.now(UTC).isoformat()
    n = 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO hub_stores (store_id) VALUES ('RAW')")
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            with conn.transaction():
                for _ in range(per_commit):
                    n += 1
                    conn.execute(
                        "INSERT INTO hub_events (store_id, seq, id, type, at, applied_at)"
                        " VALUES ('RAW', %s, %s, 'sale.completed', %s, %s)",
                        [n, f"raw-{n}", now, now],
                    )
                    conn.execute(
                        "INSERT INTO hub_sales (receipt_no, store_id, at, currency, total, tenders)"
                        " VALUES (%s, 'RAW', %s, 'PLN', 598, '[]')",
                        [f"RAW-{n}", now],
                    )
                    conn.execute(
                        "INSERT INTO hub_sale_lines (receipt_no, line_no, at, sku, qty, unit_price,"
                        " total, vat) VALUES (%s, 1, %s, 'DAI-011-11', 1, 598, 598, 'C')",
                        [f"RAW-{n}", now],
                    )
                    conn.execute(
                        "INSERT INTO hub_stock (store_id, sku, on_hand, reserved, as_of)"
                        " VALUES ('RAW', 'DAI-011-11', %s, 0, %s) ON CONFLICT (store_id, sku)"
                        " DO UPDATE SET on_hand = excluded.on_hand, as_of = excluded.as_of",
                        [n, now],
                    )
                    conn.execute(
                        "UPDATE hub_stores SET applied_seq = %s, last_applied_at = %s"
                        " WHERE store_id = 'RAW'",
                        [n, now],
                    )
        elapsed = time.perf_counter() - started
    return n / elapsed


def _reconnect(tmp: Path, database: str, key: Path, report: Report) -> None:
    broker = Broker(tmp / "broker-reconnect").start()
    hub = HubWorker(tmp / "reconnect", "hub-r", broker_url=broker.url, database=database,
                    key_file=key, group=None)  # fmt: skip
    fleet = Fleet(STORES, broker.url)
    try:
        hub.start()
        fleet.start()
        fleet.run(TARGET, 3.0)
        broker.stop()
        time.sleep(10.0)
        before = {s: len(c) for s, c in fleet.connects().items()}
        broker.start()
        up = time.monotonic()
        deadline = up + 60
        while time.monotonic() < deadline:
            now = fleet.connects()
            if all(len(c) > before[s] for s, c in now.items()):
                break
            time.sleep(0.5)
        back = sorted(c[before[s]] - up for s, c in fleet.connects().items() if len(c) > before[s])
        busiest = max(sum(1 for b in back if w <= b < w + 1.0) for w in (x / 10 for x in range(60)))
        report.add(f"reconnect: {STORES} stores back after a 10 s outage, last", back[-1], "s",
                   limit=3.0)  # fmt: skip
        report.add("reconnect: median", statistics.median(back), "s")
        report.add("reconnect: busiest second's share of stores", busiest / len(back), "",
                   limit=0.9)  # fmt: skip
        if len(back) < STORES:
            print(f"    only {len(back)} of {STORES} stores came back within 60 s", flush=True)
    finally:
        fleet.stop()
        hub.stop()
        broker.stop()


def _stores_listing(tmp: Path, database: str, key: Path, name: str, report: Report) -> None:
    storage = open_storage(database, tmp)
    now = datetime.now(UTC).isoformat()
    try:
        with storage.transaction() as tx:
            ids = [f"L{i:04d}" for i in range(1000)]
            stores_repo.ensure(tx, ids)
            for s in ids:
                stores_repo.record_status(
                    tx, s, online=random.random() < 0.9, at=now, catalogue_version=3, depth=0,
                    public_key=None,
                )  # fmt: skip
                stores_repo.applied(
                    tx, s, applied_seq=1000, now=now, depth=2, last_event_at=now, duplicates=0,
                    gap=False,
                )  # fmt: skip
    finally:
        storage.close()
    broker = Broker(tmp / f"broker-list-{name}").start()
    hub = HubWorker(tmp / f"list-{name}", "hub-l", broker_url=broker.url, database=database,
                    key_file=key, group=None)  # fmt: skip
    try:
        hub.start()
        auth = {"Authorization": f"Bearer {hub.token(Scope.READ)}"}
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
        samples = []
        for i in range(60):
            started = time.perf_counter()
            conn.request("GET", "/api/v1/stores", headers=auth)
            body = conn.getresponse().read()
            if i >= 10:  # after the first requests warmed the worker up
                samples.append(time.perf_counter() - started)
        assert body.count(b'"store_id"') >= 1000
        report.add(f"GET /stores, 1 000 stores, {name}, p50", statistics.median(samples) * 1000,
                   "ms", limit=50.0)  # fmt: skip
        report.add(f"GET /stores, 1 000 stores, {name}, p99", percentile(samples, 99) * 1000,
                   "ms", limit=50.0)  # fmt: skip
        conn.close()
    finally:
        hub.stop()
        broker.stop()


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        key = tmp / "keys" / "hub.key"
        keygen(key)
        pg = Postgres().start()
        try:
            figures = {}
            for name, database, workers in (
                ("sqlite", f"sqlite:///{tmp / 'sqlite' / 'hub.db'}", 1),
                ("postgresql ×1", pg.fresh_database(), 1),
                ("postgresql ×2", pg.fresh_database(), 2),
            ):
                figures[name] = _config(tmp, name.replace(" ×", "-"), database, workers, key,
                                        report)  # fmt: skip
            raw = _raw_postgres(pg.fresh_database())
            report.add("raw psycopg, same rows, a transaction per sale", raw, "sales/s")
            grouped = _raw_postgres(pg.fresh_database(), per_commit=10)
            report.add("raw psycopg, same rows, 10 sales a transaction", grouped, "sales/s")
            for name in ("postgresql ×1", "postgresql ×2"):
                fig = figures[name]
                best = fig["ceiling"] or fig["rate"]
                report.add(f"hub {name} ceiling vs raw, a transaction per sale", best, "sales/s",
                           limit=raw, limit_name="raw", higher_is_better=True,
                           ratio=best / raw, judged=False)  # fmt: skip
                report.add(f"hub {name} ceiling vs raw, 10 sales a transaction", best,
                           "sales/s", limit=grouped, limit_name="raw", higher_is_better=True,
                           ratio=best / grouped, judged=False)  # fmt: skip
            _reconnect(tmp, pg.fresh_database(), key, report)
            _stores_listing(tmp, f"sqlite:///{tmp / 'list' / 'hub.db'}", key, "sqlite", report)
            _stores_listing(tmp, pg.fresh_database(), key, "postgresql", report)
        finally:
            pg.cleanup()
