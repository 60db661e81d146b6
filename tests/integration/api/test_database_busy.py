"""A busy database: basket edits run on the event loop only when the database lets them through
at once (edge/inline.py); a write held by another thread or another process sends them to a
worker thread, and the node keeps answering everyone else meanwhile. A lock held past the busy
timeout is a 503 problem that changed nothing, never a 500."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from edge.config import Settings
from edge.services.context import Context
from edge.store.db import Database, WouldBlock, no_wait
from tests.conftest import login
from tests.db_locks import write_lock_held_by_a_process, writer_held_by_a_thread
from tests.node import Node
from tests.node import login as node_login

API = "/api/v1"
HOLD_S = 1.5


def test_no_wait_mode_refuses_instead_of_waiting(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db", readers=1)
    try:
        with db.transaction() as conn:
            conn.execute("CREATE TABLE t (x)")
        with writer_held_by_a_thread(db, 0.5), no_wait():
            started = time.monotonic()
            with pytest.raises(WouldBlock), db.transaction() as conn:
                conn.execute("INSERT INTO t VALUES (1)")
            assert time.monotonic() - started < 0.1
        # The writer's own busy timeout is back once no-wait mode gave up.
        assert db.writer.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        with (
            write_lock_held_by_a_process(db.path, 0.5),
            no_wait(),
            pytest.raises(WouldBlock),
            db.transaction() as conn,
        ):
            conn.execute("INSERT INTO t VALUES (2)")
        assert db.writer.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        with db.read(), no_wait(), pytest.raises(WouldBlock), db.read():
            pass  # the only reader is taken
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
        # Outside no-wait mode the same calls wait and succeed.
        with writer_held_by_a_thread(db, 0.3), db.transaction() as conn:
            conn.execute("INSERT INTO t VALUES (3)")
        with db.read() as conn:
            assert [r[0] for r in conn.execute("SELECT x FROM t")] == [3]
    finally:
        db.close()


def _timed(fn: object) -> tuple[threading.Thread, dict[str, object]]:
    out: dict[str, object] = {}

    def run() -> None:
        started = time.monotonic()
        out["response"] = fn()  # type: ignore[operator]
        out["seconds"] = time.monotonic() - started

    return threading.Thread(target=run), out


def test_a_scan_behind_another_threads_write_waits_in_a_thread_not_on_the_loop(
    client: TestClient, ctx: Context
) -> None:
    headers = login(client)
    basket = client.post(f"{API}/baskets", headers=headers).json()["id"]
    sku = client.get(f"{API}/products", params={"q": "chleb"}).json()["items"][0]["sku"]
    with writer_held_by_a_thread(ctx.db, HOLD_S):
        scan, out = _timed(
            lambda: client.post(f"{API}/baskets/{basket}/lines", headers=headers, json={"sku": sku})
        )
        scan.start()
        time.sleep(0.2)  # the scan is waiting for the writer now
        started = time.monotonic()
        # Reads on the loop go on: the same basket, its session check, a search.
        assert client.get(f"{API}/baskets/{basket}", headers=headers).json()["lines"] == []
        assert client.get(f"{API}/products", params={"q": "mleko"}).status_code == 200
        assert time.monotonic() - started < 0.5
        assert scan.is_alive(), "the scan should still be waiting for the writer"
        scan.join(10)
    assert out["response"].status_code == 201  # type: ignore[attr-defined]
    assert out["seconds"] >= HOLD_S - 0.3  # type: ignore[operator]
    assert len(client.get(f"{API}/baskets/{basket}", headers=headers).json()["lines"]) == 1


def test_a_node_keeps_answering_while_another_process_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    node = Node(tmp_path / "var").wait_ready()
    try:
        with httpx.Client(base_url=node.url, timeout=20) as http:
            headers = node_login(http)
            basket = http.post(f"{API}/baskets", headers=headers).json()["id"]
            item = http.get(f"{API}/products", params={"q": "chleb"}).json()["items"][0]
            code = item["barcodes"][0]
            with write_lock_held_by_a_process(tmp_path / "var" / "store.db", HOLD_S):
                scan, out = _timed(
                    lambda: httpx.post(
                        f"{node.url}{API}/baskets/{basket}/lines",
                        headers=headers,
                        json={"code": code},
                        timeout=20,
                    )
                )
                scan.start()
                time.sleep(0.2)
                for _ in range(5):
                    started = time.monotonic()
                    assert http.get("/healthz").status_code == 200
                    assert http.get(f"{API}/baskets/{basket}", headers=headers).status_code == 200
                    assert time.monotonic() - started < 0.5, "the event loop is stalled"
                scan.join(20)
            assert out["response"].status_code == 201, out  # type: ignore[attr-defined]
            assert out["seconds"] >= HOLD_S - 0.3  # type: ignore[operator]
            lines = http.get(f"{API}/baskets/{basket}", headers=headers).json()["lines"]
            assert [ln["sku"] for ln in lines] == [item["sku"]]
    finally:
        node.stop()


def test_a_lock_held_past_the_busy_timeout_is_a_503_problem_and_changes_nothing(
    client: TestClient, ctx: Context, settings: Settings
) -> None:
    headers = login(client)
    basket = client.post(f"{API}/baskets", headers=headers).json()["id"]
    sku = client.get(f"{API}/products", params={"q": "chleb"}).json()["items"][0]["sku"]
    total = client.post(f"{API}/baskets/{basket}/lines", headers=headers, json={"sku": sku}).json()[
        "total"
    ]
    pay = {"tenders": [{"type": "card", "amount": total}]}
    key = {**headers, "Idempotency-Key": "busy-1"}
    ctx.db.writer.execute("PRAGMA busy_timeout = 200")  # instead of waiting 10 s in the test
    with write_lock_held_by_a_process(settings.db_path, 1.0):
        r = client.post(f"{API}/baskets/{basket}/checkout", headers=key, json=pay)
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "database-busy"
    with ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 0
    again = client.post(f"{API}/baskets/{basket}/checkout", headers=key, json=pay)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
