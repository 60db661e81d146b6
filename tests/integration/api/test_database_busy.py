"""A busy database: basket edits run on the event loop only when the database lets them through
at once (edge/inline.py); a write held by another thread or another process sends them to a
worker thread, and the node keeps answering everyone else meanwhile. A lock held past the busy
timeout is a 503 problem that changed nothing, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from edge.config import Settings
from edge.services.context import Context
from edge.store.db import Database, WouldBlock, no_wait
from tests.conftest import login
from tests.db_locks import (
    waiting_in_another_process,
    write_lock_held_by_a_process,
    writer_held_by_a_thread,
)
from tests.node import Node
from tests.node import login as node_login
from tests.waiting import TIMEOUT_S, wait_until

API = "/api/v1"


def test_no_wait_mode_refuses_instead_of_waiting(tmp_path: Path) -> None:
    """Every hold below lasts until its block ends: a call that waited instead of refusing would
    wait for the block's end, which comes only after it, and the test would fail (never pass by
    the hold running out first on a busy machine)."""
    db = Database(tmp_path / "t.db", readers=1)
    try:
        with db.transaction() as conn:
            conn.execute("CREATE TABLE t (x)")
        with writer_held_by_a_thread(db) as hold, no_wait():
            with pytest.raises(WouldBlock), db.transaction() as conn:
                conn.execute("INSERT INTO t VALUES (1)")
            assert hold.holding  # refused while the other thread still writes, not after
        # The writer's own busy timeout is back once no-wait mode gave up.
        assert db.writer.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        with write_lock_held_by_a_process(db.path) as hold, no_wait():
            with pytest.raises(WouldBlock), db.transaction() as conn:
                conn.execute("INSERT INTO t VALUES (2)")
            assert hold.holding
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


def _in_a_thread(fn: Callable[[], httpx.Response]) -> tuple[threading.Thread, dict[str, object]]:
    out: dict[str, object] = {}

    def run() -> None:
        out["response"] = fn()

    return threading.Thread(target=run), out


@pytest.mark.parametrize("holder", ["thread", "connection"])
def test_a_scan_behind_someone_elses_write_waits_in_a_thread_not_on_the_loop(
    client: TestClient, ctx: Context, settings: Settings, holder: str
) -> None:
    """The writer held by another thread of the node, or SQLite's lock by another connection
    (as another process holds it): the scan waits in a worker thread, the loop goes on."""
    headers = login(client)
    basket = client.post(f"{API}/baskets", headers=headers).json()["id"]
    sku = client.get(f"{API}/products", params={"q": "chleb"}).json()["items"][0]["sku"]
    held = (
        writer_held_by_a_thread(ctx.db)
        if holder == "thread"
        else write_lock_held_by_a_process(settings.db_path)
    )
    with held as hold:
        scan, out = _in_a_thread(
            lambda: client.post(f"{API}/baskets/{basket}/lines", headers=headers, json={"sku": sku})
        )
        scan.start()
        (waiter,) = wait_until(lambda: hold.waiting(ctx.db), what="the scan waiting for the writer")
        assert not waiter.on_event_loop, f"the scan waits on the event loop ({waiter.thread})"
        # Reads on the loop go on: the same basket, its session check, a search.
        assert client.get(f"{API}/baskets/{basket}", headers=headers).json()["lines"] == []
        assert client.get(f"{API}/products", params={"q": "mleko"}).status_code == 200
        assert client.get("/healthz").status_code == 200
        assert scan.is_alive() and hold.holding, "the scan should still be waiting for the writer"
    scan.join(TIMEOUT_S)
    assert out["response"].status_code == 201  # type: ignore[attr-defined]
    assert len(client.get(f"{API}/baskets/{basket}", headers=headers).json()["lines"]) == 1


def test_a_node_keeps_answering_while_another_process_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    """The same with a real `store-edge serve` process and a real other process's lock."""
    node = Node(tmp_path / "var").wait_ready()
    try:
        with httpx.Client(base_url=node.url, timeout=TIMEOUT_S) as http:
            headers = node_login(http)
            basket = http.post(f"{API}/baskets", headers=headers).json()["id"]
            item = http.get(f"{API}/products", params={"q": "chleb"}).json()["items"][0]
            code = item["barcodes"][0]
            with write_lock_held_by_a_process(tmp_path / "var" / "store.db"):
                scan, out = _in_a_thread(
                    lambda: httpx.post(
                        f"{node.url}{API}/baskets/{basket}/lines",
                        headers=headers,
                        json={"code": code},
                        timeout=TIMEOUT_S,
                    )
                )
                scan.start()
                (waiter,) = wait_until(
                    lambda: waiting_in_another_process(node.proc.pid),
                    what="the node's scan waiting for the lock",
                )
                assert not waiter.on_event_loop, "the scan waits on the node's event loop"
                for _ in range(5):
                    assert http.get("/healthz").status_code == 200
                    assert http.get(f"{API}/baskets/{basket}", headers=headers).status_code == 200
                assert scan.is_alive(), out
            scan.join(TIMEOUT_S)
            assert out["response"].status_code == 201, out  # type: ignore[attr-defined]
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
    with write_lock_held_by_a_process(settings.db_path):
        r = client.post(f"{API}/baskets/{basket}/checkout", headers=key, json=pay)
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "database-busy"
    with ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 0
    again = client.post(f"{API}/baskets/{basket}/checkout", headers=key, json=pay)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
