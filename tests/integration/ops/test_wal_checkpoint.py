"""While the node runs, the WAL is checkpointed from a worker thread, not inside a commit (which
may be a scan's, on the event loop)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from edge.ops.checkpoint import WalCheckpointer
from edge.services.context import Context
from edge.store.db import Database
from tests.conftest import login
from tests.waiting import wait_until

API = "/api/v1"


def _autocheckpoint(db: Database) -> int:
    return int(db.writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_the_running_node_checkpoints_in_a_thread(tmp_path: Path) -> None:
    settings = load_settings(
        None, {"data_dir": tmp_path / "var", "ops": {"checkpoint_interval_s": 0.1}}
    )
    with TestClient(create_app(settings, ui=False)) as client:
        ctx: Context = client.app.state.ctx  # type: ignore[attr-defined]
        checkpointer = next(
            c
            for c in client.app.state.components  # type: ignore[attr-defined]
            if isinstance(c, WalCheckpointer)
        )
        assert _autocheckpoint(ctx.db) == 0  # no commit copies the WAL while the node runs
        headers = login(client)
        basket = client.post(f"{API}/baskets", headers=headers).json()["id"]
        sku = client.get(f"{API}/products", params={"q": "chleb"}).json()["items"][0]["sku"]
        for _ in range(20):
            r = client.post(f"{API}/baskets/{basket}/lines", headers=headers, json={"sku": sku})
            assert r.status_code == 201

        def checkpointed() -> bool:
            last = checkpointer.last
            return last is not None and last[0] > 0 and last[1] == last[0]

        wait_until(checkpointed, what="a complete checkpoint of the WAL by the worker thread")


def test_checkpoint_copies_every_committed_frame(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
    try:
        db.autocheckpoint(0)
        with db.transaction() as conn:
            conn.execute("CREATE TABLE t (x)")
        for i in range(50):
            with db.transaction() as conn:
                conn.execute("INSERT INTO t VALUES (?)", [i])
        frames, done = db.checkpoint()
        assert frames >= 50 and done == frames
    finally:
        db.close()
