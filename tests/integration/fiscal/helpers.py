"""A node in its own process registering its sales on the emulator over real TCP."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from devices.fiscal.emulator import Emulator
from devices.fiscal.emulator_server import EmulatorServer
from edge.domain.barcodes import with_check_digit
from tests.node import Node

API = "/api/v1"


class Fixture:
    def __init__(self, tmp_path: Path, timeout_s: float = 1.0) -> None:
        self.journal = tmp_path / "journal.jsonl"
        self.emulator = Emulator(self.journal)
        self.server = EmulatorServer(self.emulator).start()
        self.data_dir = tmp_path / "var"
        self.env = {
            "STORE_EDGE_FISCAL__DEVICE": f"posnet+tcp://127.0.0.1:{self.server.port}",
            "STORE_EDGE_FISCAL__TIMEOUT_S": str(timeout_s),
        }
        self.node = self.start()

    def start(self) -> Node:
        self.node = Node(self.data_dir, env=self.env).wait_ready()
        self.http = httpx.Client(base_url=self.node.url + API, timeout=120)
        r = self.http.post("/sessions", json={"username": "cashier", "pin": "1234"})
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return self.node

    def close(self) -> None:
        self.node.stop()
        self.server.stop()

    def receipts(self) -> list[dict[str, Any]]:
        return [d for d in self.emulator.documents() if d["type"] == "receipt"]

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.data_dir / "store.db")
        conn.row_factory = sqlite3.Row
        return conn

    def job(self, receipt_no: str) -> sqlite3.Row:
        with self.db() as conn:
            row: sqlite3.Row = conn.execute(
                "SELECT * FROM fiscal_jobs WHERE receipt_no = ?", [receipt_no]
            ).fetchone()
        return row

    def fiscalised_events(self) -> list[dict[str, Any]]:
        with self.db() as conn:
            rows = conn.execute("SELECT data FROM outbox WHERE type = 'sale.fiscalised'")
            return [json.loads(r[0]) for r in rows]

    def products(self) -> dict[str, sqlite3.Row]:
        """One product per VAT letter sold by the piece, and one weighed ('kg')."""
        with self.db() as conn:
            rows = conn.execute(
                "SELECT p.sku, p.vat, p.unit, p.price, min(b.code) AS code FROM products p"
                " JOIN barcodes b ON b.sku = p.sku GROUP BY p.sku ORDER BY p.sku"
            ).fetchall()
        picked: dict[str, sqlite3.Row] = {}
        for row in rows:
            key = "kg" if row["unit"] == "kg" and row["code"].startswith("2") else row["vat"]
            if row["unit"] == "pcs" or key == "kg":
                picked.setdefault(key, row)
        return picked

    def basket(self, skus: list[str], weighed: str | None = None, grams: int = 1250) -> str:
        bid: str = self.http.post("/baskets").json()["id"]
        for sku in skus:
            self.http.post(f"/baskets/{bid}/lines", json={"sku": sku}).raise_for_status()
        if weighed:
            code = with_check_digit(weighed[:7] + f"{grams:05d}")
            self.http.post(f"/baskets/{bid}/lines", json={"code": code}).raise_for_status()
        return bid

    def total(self, bid: str) -> int:
        return int(self.http.get(f"/baskets/{bid}").json()["total"])

    def checkout(self, bid: str, kind: str = "cash", extra: int = 0) -> httpx.Response:
        body = {"tenders": [{"type": kind, "amount": self.total(bid) + extra}]}
        return self.http.post(f"/baskets/{bid}/checkout", json=body)


Held = tuple[threading.Event, threading.Event]


def hold(emulator: Emulator, command: bytes, *, after: bool) -> Held:
    """Makes the emulator stop at `command` (before handling it, or after: printed, the answer
    not yet sent) until released. Returns (reached, release)."""
    reached, release = threading.Event(), threading.Event()
    original: Callable[[bytes], bytes | None] = emulator.handle

    def held(request: bytes) -> bytes | None:
        if request[1:].startswith(command + b"\t") and not reached.is_set():
            if not after:
                reached.set()
                release.wait(120)
                return None  # the asker is gone
            answer = original(request)
            reached.set()
            release.wait(120)
            return answer
        return original(request)

    emulator.handle = held  # type: ignore[method-assign]
    return reached, release
