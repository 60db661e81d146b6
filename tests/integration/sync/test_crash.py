"""An edge node killed with SIGKILL mid-drain and restarted: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from sync.hub.service import Hub
from tests.integration.sync.brokers import Broker, free_port, wait_for
from tests.integration.sync.conftest import NO_FISCAL_DEVICE, ctx_of, hub_of, sell
from tests.integration.sync.test_faults import SKUS, _hub_counts, _hub_stock
from tests.waiting import TIMEOUT_S

STORE = "K"
EVENTS = 1500


def _serve(tmp_path: Path, broker: Broker) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "STORE_EDGE_SYNC__BATCH_MAX_EVENTS": "1",
        "STORE_EDGE_LOG_FORMAT": "console",
        "STORE_EDGE_LOG_LEVEL": "WARNING",
        # One event per sale: no fiscal device adding its sale.fiscalised after each.
        "STORE_EDGE_FISCAL__DEVICE": "none",
        "STORE_EDGE_FISCAL__REQUIRED": "false",
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
    conn = sqlite3.connect(
        f"file:{tmp_path / STORE / 'store.db'}?mode=ro", uri=True, timeout=TIMEOUT_S
    )
    try:
        return int(
            conn.execute("SELECT value FROM sync_state WHERE key = 'acked_seq'").fetchone()[0]
        )
    finally:
        conn.close()


# 1 500 one-event messages drained twice: ~16 s idle, ~110 s seen with the CPU busy.
@pytest.mark.timeout(600)
def test_sigkill_mid_drain_then_restart(tmp_path: Path, hub: TestClient, broker: Broker) -> None:
    # A backlog written while the store had no broker configured.
    offline = load_settings(
        None, {"data_dir": tmp_path / STORE, "store": {"id": STORE}, "fiscal": NO_FISCAL_DEVICE}
    )
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
        wait_for(lambda: applied() >= 200)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(TIMEOUT_S)
        killed_at = applied()
        # The broker publishes the node's will when its connection dies.
        wait_for(lambda: not _online(h))
        assert killed_at < EVENTS, "the kill must land mid-drain"
        proc = _serve(tmp_path, broker)
        wait_for(lambda: applied() == EVENTS, timeout=3 * TIMEOUT_S)
        wait_for(lambda: _store_acked(tmp_path) == EVENTS)  # the store heard the final ack
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
    sales, events = _hub_counts(h, STORE)
    assert (sales, events) == (EVENTS - 1, EVENTS)
    assert _hub_stock(h, STORE) == own


def _hub_process(data_dir: Path, broker: Broker) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).parent / "store-edge"
    proc = subprocess.Popen(
        [str(cli), "hub", "--data-dir", str(data_dir), "--port", str(free_port()),
         "--broker", broker.url],
        env={**os.environ, "STORE_EDGE_HUB_LOG_LEVEL": "WARNING",
             "STORE_EDGE_HUB_COMMAND_RESEND_S": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: (data_dir / "hub.db").exists())
    return proc


def _hub_applied(data_dir: Path, store_id: str) -> tuple[int, int, int]:
    """(applied_seq, events, sales) read straight from the hub's database file."""
    conn = sqlite3.connect(f"file:{data_dir / 'hub.db'}?mode=ro", uri=True, timeout=TIMEOUT_S)
    try:
        seq = conn.execute(
            "SELECT coalesce(max(applied_seq), 0) FROM hub_stores WHERE store_id = ?", [store_id]
        ).fetchone()[0]
        events = conn.execute(
            "SELECT count(*) FROM hub_events WHERE store_id = ?", [store_id]
        ).fetchone()[0]
        sales = conn.execute(
            "SELECT count(*) FROM hub_sales WHERE store_id = ?", [store_id]
        ).fetchone()[0]
    except sqlite3.OperationalError:
        return 0, 0, 0  # not migrated yet
    finally:
        conn.close()
    return int(seq), int(events), int(sales)


def test_hub_killed_mid_stream_and_restarted(tmp_path: Path, node, broker: Broker) -> None:  # type: ignore[no-untyped-def]
    hub_dir = tmp_path / "hub"
    hub = _hub_process(hub_dir, broker)
    try:
        wait_for(lambda: (hub_dir / "hub.pub").exists())
        a = node("A", batch_max_events=2)
        for i in range(400):
            sell(ctx_of(a), SKUS[i % 3])
            if i == 150:
                wait_for(lambda: _hub_applied(hub_dir, "A")[0] > 0)
                os.kill(hub.pid, signal.SIGKILL)
                hub.wait(TIMEOUT_S)
                hub = _hub_process(hub_dir, broker)
        wait_for(lambda: _hub_applied(hub_dir, "A")[0] == 401, timeout=3 * TIMEOUT_S)
        _, events, sales = _hub_applied(hub_dir, "A")
        assert (events, sales) == (401, 400)
    finally:
        hub.send_signal(signal.SIGTERM)
        hub.wait(TIMEOUT_S)
