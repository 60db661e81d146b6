"""The ERP's feed (GET /api/v1/feed): items read per second, paging 1 000 at a time through the
hub's HTTP API (in-process ASGI client), beside the raw driver reading the same rows with the
same query, on SQLite and on PostgreSQL. Sizes: BENCH_FEED_ITEMS (50 000)."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient

from bench.report import Report
from sync.hub import tokens
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.store import feed as feed_repo
from sync.hub.tokens import Scope
from tests.integration.sync.postgres import Postgres

ITEMS = int(os.environ.get("BENCH_FEED_ITEMS", "50000"))
PAGE = 1000
MIN_RATIO = 0.25
SQL = (
    "SELECT position, store_id, seq, type, at, applied_at, data FROM hub_feed"
    " WHERE position > {} ORDER BY position LIMIT {}"
)


def _sale(i: int) -> str:
    """A sale event's data as a store writes it (3 lines, a card tender, the levels)."""
    lines = [
        {
            "line_no": n,
            "sku": f"SKU-{i % 997:04d}-{n}",
            "qty": 1,
            "unit": "pcs",
            "unit_price": 549,
            "discount": 0,
            "total": 549,
            "vat": "C",
        }
        for n in range(1, 4)
    ]
    return json.dumps({"receipt_no": f"S001-01-{i:08d}", "store_id": "S001", "register": "01",
                       "cashier": "cashier", "at": datetime.now(UTC).isoformat(),
                       "currency": "PLN", "total": 1647, "change": 0, "lines": lines,
                       "tenders": [{"type": "card", "amount": 1647, "reference": "T"}],
                       "stock": [{"sku": ln["sku"], "on_hand": 10, "reserved": 0}
                                 for ln in lines]})  # fmt: skip


def _fill(hub: Hub) -> None:
    now = datetime.now(UTC).isoformat()
    for start in range(0, ITEMS, 5000):
        with hub.storage.transaction() as tx:
            feed_repo.append(tx, [(f"S{i % 50:03d}", i + 1, "sale.completed", now, now, _sale(i))
                                  for i in range(start, min(ITEMS, start + 5000))])  # fmt: skip


def _rate(read_page: Callable[[int], int]) -> float:
    """Items per second reading the whole feed from position 0, best of three passes."""
    best = 0.0
    for _ in range(3):
        started, after, total = time.perf_counter(), 0, 0
        while n := read_page(after):
            after += n
            total += n
        best = max(best, total / (time.perf_counter() - started))
    return best


def _through_api(client: TestClient) -> Callable[[int], int]:
    def page(after: int) -> int:
        r = client.get("/api/v1/feed", params={"after": after, "limit": PAGE})
        return len(r.json()["items"])  # the ERP parses what it reads: so do we

    return page


def _measure(report: Report, name: str, url: str, raw: Callable[[int], int], data: Path) -> None:
    hub = Hub(HubSettings(data_dir=data, database={"url": url}, log_format="console"))
    try:
        _fill(hub)
        token = tokens.create(hub.storage, "bench", [Scope.READ])
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(create_hub_app(hub, run=False), headers=headers) as client:
            ours = _rate(_through_api(client))
        theirs = _rate(raw)
    finally:
        hub.close()
    report.add(f"feed: {name}, items/s through GET /api/v1/feed ({ITEMS:,} sales, pages of "
               f"{PAGE})", ours, "items/s", limit=theirs, limit_name=f"raw {name} driver",
               higher_is_better=True, ratio=ours / theirs, min_ratio=MIN_RATIO)  # fmt: skip


def _raw_sqlite(path: Path) -> Callable[[int], int]:
    def page(after: int) -> int:
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute(SQL.format("?", "?"), [after, PAGE]).fetchall()
        finally:
            conn.close()
        return len([json.loads(r[6]) for r in rows])  # the same rows, parsed as the ERP would

    return page


def _raw_postgres(conn: psycopg.Connection[tuple[object, ...]]) -> Callable[[int], int]:
    def page(after: int) -> int:
        rows = conn.execute(SQL.format("%s", "%s"), [after, PAGE]).fetchall()
        return len([json.loads(str(r[6])) for r in rows])

    return page


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sqlite" / "hub.db"
        _measure(report, "SQLite", f"sqlite:///{db}", _raw_sqlite(db), Path(tmp) / "sqlite")
        pg = Postgres().start()
        try:
            url = pg.fresh_database()
            with psycopg.connect(url, autocommit=True) as raw:
                _measure(report, "PostgreSQL", url, _raw_postgres(raw), Path(tmp) / "pg")
        finally:
            pg.cleanup()
