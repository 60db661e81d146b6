"""Foundation figures: scan-to-line (in-process and over HTTP), checkouts/s beside raw sqlite3
committing the same rows, FTS search at 100 000 products, cold start and RSS at 100k/300k."""

from __future__ import annotations

import http.client
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import httpx

from bench.catalogue_gen import build
from bench.report import Report, percentile
from devices.schema import devices_migrations
from edge.bootstrap import bootstrap
from edge.domain.tenders import Tender
from edge.node import load_settings
from edge.services import auth, baskets, catalogue, checkout
from edge.services.context import Context
from edge.store.db import Database
from edge.store.migrations import migrate
from edge.store.schema import edge_migrations
from tests.node import free_port

SCANS = 1000
CHECKOUTS = 1200
CHECKOUT_ROUND = 100


def _ms(samples: list[float]) -> tuple[float, float]:
    return percentile(samples, 50) * 1000, percentile(samples, 99) * 1000


def _codes(ctx: Context, n: int = 50) -> list[str]:
    with ctx.db.read() as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT b.code FROM barcodes b JOIN products p USING (sku)"
                " WHERE p.unit = 'pcs' ORDER BY b.code LIMIT ?",
                [n],
            )
        ]


def scan_in_process(report: Report, ctx: Context) -> None:
    actor = auth.login(ctx, "cashier", "1234").actor
    codes, samples = _codes(ctx), []
    bid = ""
    for i in range(SCANS):
        if i % 20 == 0:
            bid = baskets.create_basket(ctx, actor).basket.id
        t = time.perf_counter()
        baskets.add_line(ctx, bid, code=codes[i % len(codes)])
        samples.append(time.perf_counter() - t)
    p50, p99 = _ms(samples)
    report.add("scan_to_line_service_p50", p50, "ms", limit=5.0)
    report.add("scan_to_line_service_p99", p99, "ms", limit=5.0)


def scan_over_http(report: Report, data_dir: Path) -> None:
    """A POS posting scans over one keep-alive connection. The client is the standard library's
    http.client: httpx's own per-request cost (~0.7 ms here) is not the node's latency."""
    samples: list[float] = []
    with _serve(data_dir) as (url, _pid):
        conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)

        def call(method: str, path: str, body: Any = None, token: str = "") -> Any:
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = f"Bearer {token}"
            conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            response = conn.getresponse()
            data = response.read()
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
            return json.loads(data) if data else None

        token = call("POST", "/api/v1/sessions", {"username": "supervisor", "pin": "4321"})["token"]
        items = call("GET", "/api/v1/products?q=mleko&limit=50")["items"]
        codes = [p["barcodes"][0] for p in items if p["unit"] == "pcs" and p["barcodes"]]
        bid = ""
        for i in range(SCANS):
            if i % 20 == 0:
                bid = call("POST", "/api/v1/baskets", token=token)["id"]
            t = time.perf_counter()
            call("POST", f"/api/v1/baskets/{bid}/lines", {"code": codes[i % len(codes)]}, token)
            samples.append(time.perf_counter() - t)
        conn.close()
    p50, p99 = _ms(samples)
    report.add("scan_to_line_http_p50", p50, "ms", limit=5.0)
    report.add("scan_to_line_http_p99", p99, "ms", limit=5.0)


def our_checkouts(ctx: Context, n: int) -> Callable[[int], float]:
    """`n` 3-line cash baskets prepared at the node; returns a runner that pays the next `k` of
    them and says how long that took."""
    actor = auth.login(ctx, "cashier", "1234").actor
    codes = _codes(ctx, 3)
    prepared = []
    for _ in range(n):
        view = baskets.create_basket(ctx, actor)
        for code in codes:
            view, _line = baskets.add_line(ctx, view.basket.id, code=code)
        prepared.append((view.basket.id, view.priced.total))
    todo = iter(enumerate(prepared))

    def run(k: int) -> float:
        t = time.perf_counter()
        for i, (bid, total) in islice(todo, k):
            checkout.checkout(ctx, actor, bid, [Tender("cash", total + 100)], f"bench-{i}")
        return time.perf_counter() - t

    return run


def raw_checkouts(path: Path, synchronous: str, n: int) -> Callable[[int], float]:
    """The limit: the same rows in the same tables (the node's own schema, created by its
    migrations) and the same transaction shape, written by bare sqlite3 with no application
    code around them: read the basket, take the receipt number, write the sale, its 3 lines and
    tender, 3 movements and levels, the outbox event, the drawer pulse and the receipt print job
    (a cash sale), the idempotency record, close the basket, commit. Returns a runner like
    `our_checkouts`."""
    migrate(Database(path, synchronous="FULL"), [edge_migrations, devices_migrations])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA foreign_keys=ON")
    for i in range(n):
        conn.execute(
            "INSERT INTO baskets (id, register, currency, created_at, updated_at)"
            " VALUES (?, '01', 'PLN', 't', 't')",
            [f"b{i}"],
        )
        conn.executemany(
            "INSERT INTO basket_lines (basket_id, line_id, sku, name, unit, vat,"
            " unit_price, qty) VALUES (?,?,?,'n','pcs','A',100,1)",
            [(f"b{i}", ln, f"SKU{ln}") for ln in range(3)],
        )
    # about the size of a real sale.completed event with three lines
    payload = json.dumps({"receipt_no": "S001-01-000001", "pad": "x" * 800})
    todo = iter(range(n))

    def one(i: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT 1 FROM idempotency WHERE key = ?", [f"k{i}"]).fetchone()
        conn.execute("SELECT * FROM baskets WHERE id = ?", [f"b{i}"]).fetchone()
        conn.execute("SELECT * FROM basket_lines WHERE basket_id = ?", [f"b{i}"]).fetchall()
        conn.execute("SELECT * FROM promotions WHERE sku IN ('SKU0','SKU1','SKU2')").fetchall()
        n = conn.execute(
            "INSERT INTO registers (register, last_receipt) VALUES ('01', 1)"
            " ON CONFLICT (register) DO UPDATE SET last_receipt = last_receipt + 1"
            " RETURNING last_receipt"
        ).fetchone()[0]
        rno = f"S001-01-{n:06d}"
        conn.execute(
            "INSERT INTO sales (receipt_no, store_id, register, basket_id, cashier, at,"
            " currency, subtotal, discount, total, change, vat)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [rno, "S001", "01", f"b{i}", "c", "t", "PLN", 300, 0, 300, 0, "[]"],
        )
        conn.executemany(
            "INSERT INTO sale_lines (receipt_no, line_no, sku, name, unit, vat, qty,"
            " unit_price, gross, discount, total) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(rno, ln, f"SKU{ln}", "n", "pcs", "A", 1, 100, 100, 0, 100) for ln in range(3)],
        )
        conn.executemany(
            "INSERT INTO sale_tenders (receipt_no, seq, type, amount) VALUES (?,?,?,?)",
            [(rno, 1, "cash", 400)],
        )
        for ln in range(3):
            conn.execute(
                "INSERT INTO stock_movements (sku, kind, qty, d_on_hand, d_reserved, ref,"
                " at) VALUES (?,?,?,?,?,?,?)",
                [f"SKU{ln}", "sale", 1, -1, 0, rno, "t"],
            )
            conn.execute(
                "INSERT INTO stock_levels (sku, on_hand, reserved, updated_at)"
                " VALUES (?, -1, 0, 't') ON CONFLICT (sku) DO UPDATE SET"
                " on_hand = on_hand + excluded.on_hand RETURNING on_hand, reserved",
                [f"SKU{ln}"],
            ).fetchone()
        conn.execute(
            "INSERT INTO outbox (id, type, at, data) VALUES (?,?,?,?)",
            [f"u{i}", "sale.completed", "t", payload],
        )
        conn.execute(
            "UPDATE baskets SET status = 'checked_out', updated_at = 't',"
            " receipt_no = ? WHERE id = ?",
            [rno, f"b{i}"],
        )
        for kind, job in (
            ("drawer", '{"register": "01"}'),
            ("receipt", f'{{"receipt_no": "{rno}"}}'),
        ):
            conn.execute(
                "INSERT INTO print_jobs (printer, kind, ref, payload, copy, next_at,"
                " expires_at, created_at) VALUES (?,?,?,?,?,?,?,?)",
                ["receipt", kind, rno, job, 0, "t", None, "t"],
            )
        conn.execute(
            "INSERT INTO idempotency VALUES (?,?,?,?,?,?)",
            [f"k{i}", "checkout", "h", 201, '{"receipt_no":"x"}', "t"],
        )
        conn.execute("COMMIT")

    def run(k: int) -> float:
        t = time.perf_counter()
        for i in islice(todo, k):
            one(i)
        return time.perf_counter() - t

    return run


def checkouts_against_raw(report: Report, ctx: Context, raw_path: Path) -> None:
    """Ours and raw sqlite3 take turns in rounds of CHECKOUT_ROUND, so a change in the disk's
    fsync rate during the run (raw commits/s moved between 990 and 2 500 across runs here)
    weighs on both alike."""
    ours, raw = our_checkouts(ctx, CHECKOUTS), raw_checkouts(raw_path, "FULL", CHECKOUTS)
    ours_s = raw_s = 0.0
    for _ in range(CHECKOUTS // CHECKOUT_ROUND):
        ours_s += ours(CHECKOUT_ROUND)
        raw_s += raw(CHECKOUT_ROUND)
    ours_rate, raw_rate = CHECKOUTS / ours_s, CHECKOUTS / raw_s
    report.add_share("checkouts_per_s_full", ours_rate, "1/s", raw_rate, "raw sqlite3 FULL", 0.5)


def raw_commit_latency(report: Report, path: Path) -> None:
    """The floor under every write: one small row committed by bare sqlite3 in WAL with
    synchronous=FULL on this disk (a scan writes its basket line like this)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    samples = []
    for i in range(SCANS):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", [f"line {i}"])
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - t)
    conn.close()
    p50, p99 = _ms(samples)
    report.add("raw_sqlite3_full_commit_p50", p50, "ms")
    report.add("raw_sqlite3_full_commit_p99", p99, "ms")


def search_at_scale(report: Report, data_dir: Path) -> None:
    ctx = bootstrap(load_settings(None, {"data_dir": data_dir, "demo": False}))
    try:
        with ctx.db.read() as conn:
            names = [
                r[0]
                for r in conn.execute("SELECT name_pl FROM products ORDER BY random() LIMIT 40")
            ]
        samples = []
        for name in names:  # every keystroke of a shopper typing the first two words
            typed = " ".join(name.split()[:2])
            for k in range(1, len(typed) + 1):
                t = time.perf_counter()
                catalogue.search(ctx, typed[:k], limit=20)
                samples.append(time.perf_counter() - t)
        p50, p99 = _ms(samples)
        report.add("search_100k_p50", p50, "ms", limit=20.0)
        report.add("search_100k_p99", p99, "ms", limit=20.0)
    finally:
        ctx.db.close()


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("node exited during start")
        try:
            if httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.01)
    raise TimeoutError("node did not answer /healthz")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def _serve(data_dir: Path) -> Iterator[tuple[str, int]]:
    """`store-edge serve` in a child process; yields its URL and pid once /healthz answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "edge.cli", "serve", "--port", str(port), "--data-dir",
           str(data_dir)]  # fmt: skip
    log = data_dir.parent / f"node-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait(url, proc)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {log.read_text()[-1500:]}") from None
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(15)


def cold_start(report: Report, data_dir: Path, label: str, rss_limit: float | None) -> None:
    t = time.perf_counter()
    with _serve(data_dir) as (url, pid):
        started = time.perf_counter() - t
        for q in ("mleko", "chleb", "ser", "sok", "piwo"):  # a shopper's first searches
            httpx.get(f"{url}/api/v1/products", params={"q": q}).raise_for_status()
        rss = _rss_mb(pid)
    report.add(f"cold_start_{label}", started, "s", limit=3.0)
    report.add(f"rss_{label}", rss, "MB", limit=rss_limit if rss_limit else 200.0,
               limit_name="target" if rss_limit else "reference")  # fmt: skip


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-foundation-") as tmp:
        root = Path(tmp)
        # Checkout alone (its print jobs as the raw writer writes them); bench_fiscal.py adds
        # the fiscal device.
        no_device = {"device": "none", "required": False}
        ctx = bootstrap(load_settings(None, {"data_dir": root / "demo", "fiscal": no_device}))
        try:
            scan_in_process(report, ctx)
            checkouts_against_raw(report, ctx, root / "raw.db")
        finally:
            ctx.db.close()
        raw_commit_latency(report, root / "commit.db")
        # A node of its own: the checkouts above left 1 200 receipts for the print worker.
        bootstrap(load_settings(None, {"data_dir": root / "http"})).db.close()
        scan_over_http(report, root / "http")
        build(root / "100k", 100_000)
        search_at_scale(report, root / "100k")
        cold_start(report, root / "100k", "100k", 200.0)
        build(root / "300k", 300_000)
        cold_start(report, root / "300k", "300k", None)
