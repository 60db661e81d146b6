"""SIGTERM in the middle of a checkout loop loses nothing and shuts down in time."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from tests.integration.ops.conftest import Cashier, Node

UNIT = Path(__file__).resolve().parents[3] / "systemd" / "store-edge.service"


def timeout_stop_sec() -> float:
    (line,) = [ln for ln in UNIT.read_text().splitlines() if ln.startswith("TimeoutStopSec=")]
    return float(line.split("=", 1)[1])


def test_sigterm_during_checkouts_keeps_every_acknowledged_sale(node: Node) -> None:
    cashiers = [Cashier(node.url).start(), Cashier(node.url).start()]
    for c in cashiers:
        c.wait_for(15)
    node.proc.send_signal(signal.SIGTERM)
    # Done before systemd would SIGKILL it: the bound is the unit's own, not a guess.
    node.stop(timeout=timeout_stop_sec())
    for c in cashiers:
        c.join()
    acknowledged = {receipt for c in cashiers for _, receipt in c.receipts}
    assert len(acknowledged) >= 30

    conn = sqlite3.connect(node.db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT receipt_no FROM sales")}
        events = conn.execute(
            "SELECT count(*) FROM outbox WHERE type = 'sale.completed'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert acknowledged <= stored
    assert events == len(stored)  # every sale with its event, none half-written
    # Closed cleanly: the WAL was folded back into the database file.
    wal = node.db_path.with_name("store.db-wal")
    assert not wal.exists() or wal.stat().st_size == 0
