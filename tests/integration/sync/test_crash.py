"""An edge node killed with SIGKILL mid-drain and restarted: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from edge.app import create_app
from edge.config import load_settings
from sync.hub.service import Hub
from tests.integration.sync.brokers import Broker, free_port, wait_for
from tests.integration.sync.conftest import ctx_of, hub_of, sell
from tests.integration.sync.test_faults import SKUS, _hub_counts, _hub_stock

STORE = "K"
EVENTS = 1500


def _serve(tmp_path: Path, broker: Broker) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "STORE_EDGE_SYNC__BATCH_MAX_EVENTS": "1",
        "STORE_EDGE_LOG_FORMAT": "console",
        "STORE_EDGE_LOG_LEVEL": "WARNING",
    }
    cli = Path(sys.executable).parent / "store-edge"
    return subprocess.Popen(
        [str(cli), "serve", "--data-dir", str(tmp_path / STORE), "--store-id", STORE,
         "--broker", broker.url, "--hub-key", str(tmp_path / "hub" / "hub.pub"),
         "--port", str(free_port())],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _online(h: Hub) -> bool:
    with h.db.read() as conn:
        row = conn.execute("SELECT online FROM hub_stores WHERE store_id = ?", [STORE]).fetchone()
    return bool(row and row[0])


def _store_acked(tmp_path: Path) -> int:
    conn = sqlite3.connect(f"file:{tmp_path / STORE / 'store.db'}?mode=ro", uri=True)
    try:
        return int(
            conn.execute("SELECT value FROM sync_state WHERE key = 'acked_seq'").fetchone()[0]
        )
    finally:
        conn.close()


def test_sigkill_mid_drain_then_restart(tmp_path: Path, hub: TestClient, broker: Broker) -> None:
    # A backlog written while the store had no broker configured.
    offline = load_settings(None, {"data_dir": tmp_path / STORE, "store": {"id": STORE}})
    with TestClient(create_app(offline, ui=False)) as c:
        for i in range(EVENTS - 1):  # + the opening-stock event
            sell(ctx_of(c), SKUS[i % 3])
        with ctx_of(c).db.read() as conn:
            rows = conn.execute("SELECT sku, on_hand, reserved FROM stock_levels").fetchall()
        own = {r[0]: (r[1], r[2]) for r in rows}
    h = hub_of(hub)

    def applied() -> int:
        with h.db.read() as conn:
            row = conn.execute(
                "SELECT applied_seq FROM hub_stores WHERE store_id = ?", [STORE]
            ).fetchone()
        return int(row[0]) if row else 0

    proc = _serve(tmp_path, broker)
    try:
        wait_for(lambda: applied() >= 200, timeout=30)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(5)
        killed_at = applied()
        # The broker publishes the node's will when its connection dies.
        wait_for(lambda: not _online(h), timeout=10)
        assert killed_at < EVENTS, "the kill must land mid-drain"
        proc = _serve(tmp_path, broker)
        wait_for(lambda: applied() == EVENTS, timeout=60)
        wait_for(lambda: _store_acked(tmp_path) == EVENTS)  # the store heard the final ack
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    sales, events = _hub_counts(h, STORE)
    assert (sales, events) == (EVENTS - 1, EVENTS)
    assert _hub_stock(h, STORE) == own
