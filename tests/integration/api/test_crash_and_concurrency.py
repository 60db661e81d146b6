"""Separate node processes: two lanes at once, and a node SIGKILLed in the middle of selling."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from pathlib import Path

import httpx

from edge.bootstrap import bootstrap
from edge.domain.stock import Movement, MovementKind
from edge.node import load_settings
from edge.store import stock_repo
from tests.node import Node, login
from tests.waiting import TIMEOUT_S, wait_until

API = "/api/v1"
SKUS = ["DAI-006-11", "BAK-001-01", "BEV-001-01"]


def prepared(data_dir: Path, last_unit: str | None = None) -> Path:
    """Creates the node's database (demo data) and optionally leaves one unit of a SKU."""
    settings = load_settings(None, {"data_dir": data_dir})
    ctx = bootstrap(settings)
    if last_unit:
        with ctx.db.transaction() as conn:
            level = stock_repo.level(conn, last_unit)
            stock_repo.record(
                conn,
                [Movement(last_unit, MovementKind.ADJUSTMENT, 1 - level.on_hand)],
                ref="count",
                at=ctx.clock(),
            )
    ctx.db.close()
    return settings.db_path


def existing_skus(db: Path, n: int) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT sku FROM products WHERE unit = 'pcs' ORDER BY sku LIMIT ?", [n]
            )
        ]


def sell(client: httpx.Client, auth: dict[str, str], skus: list[str], key: str) -> httpx.Response:
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    for sku in skus:
        client.post(
            f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": sku}
        ).raise_for_status()
    total = client.get(f"{API}/baskets/{bid}", headers=auth).json()["total"]
    return client.post(
        f"{API}/baskets/{bid}/checkout",
        headers={**auth, "Idempotency-Key": key},
        json={"tenders": [{"type": "cash", "amount": total + 37}]},
    )


def test_two_lanes_sell_the_last_unit_at_the_same_time(tmp_path: Path) -> None:
    data = tmp_path / "var"
    db = prepared(data)
    sku = existing_skus(db, 1)[0]
    prepared(data, last_unit=sku)
    node = Node(data).wait_ready()
    try:
        barrier = threading.Barrier(2)
        results: dict[str, httpx.Response] = {}

        def lane(register: str) -> None:
            with httpx.Client(base_url=node.url, timeout=TIMEOUT_S) as c:
                auth = login(c, register)
                bid = c.post(f"{API}/baskets", headers=auth).json()["id"]
                c.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": sku})
                total = c.get(f"{API}/baskets/{bid}", headers=auth).json()["total"]
                barrier.wait(TIMEOUT_S)
                results[register] = c.post(
                    f"{API}/baskets/{bid}/checkout",
                    headers={**auth, "Idempotency-Key": f"lane-{register}"},
                    json={"tenders": [{"type": "card", "amount": total, "reference": "T"}]},
                )

        lanes = [threading.Thread(target=lane, args=(r,)) for r in ("01", "02")]
        for t in lanes:
            t.start()
        for t in lanes:
            t.join(2 * TIMEOUT_S)
        # The item is in the shopper's hand: neither sale is refused.
        assert [results[r].status_code for r in ("01", "02")] == [201, 201]
        assert {results[r].json()["receipt_no"] for r in ("01", "02")} == {
            "S001-01-000001",
            "S001-02-000001",
        }
        avail = httpx.get(f"{node.url}{API}/availability/{sku}", timeout=TIMEOUT_S).json()["here"]
        assert avail["on_hand"] == -1 and avail["negative"] is True
    finally:
        node.stop()
    with sqlite3.connect(db) as conn:
        events = [
            json.loads(d)
            for (d,) in conn.execute(
                "SELECT data FROM outbox WHERE type = 'sale.completed' ORDER BY seq"
            )
        ]
        assert sorted(e["stock"][0]["on_hand"] for e in events) == [-1, 0]


def test_sigkill_during_a_checkout_loop_loses_no_acknowledged_sale(tmp_path: Path) -> None:
    data = tmp_path / "var"
    db = prepared(data)
    skus = existing_skus(db, 3)
    acknowledged: list[str] = []
    rng = random.Random(7)
    for round_no in range(3):
        node = Node(data).wait_ready()
        stop = threading.Event()

        def loop(url: str = node.url, rnd: int = round_no, stop: threading.Event = stop) -> None:
            with httpx.Client(base_url=url, timeout=TIMEOUT_S) as c:
                auth = login(c)
                i = 0
                while not stop.is_set():
                    i += 1
                    try:
                        r = sell(c, auth, skus, f"r{rnd}-{i}")
                    except httpx.HTTPError:
                        return  # the node died under us
                    if r.status_code == 201:
                        acknowledged.append(r.json()["receipt_no"])

        worker = threading.Thread(target=loop)
        worker.start()
        # Killed a few sales into the round, at a point of the loop that varies run to run
        # (counted in sales, not seconds: a busy machine must not make a round sell nothing).
        wanted = len(acknowledged) + rng.randint(2, 12)

        def sold(n: int = wanted, worker: threading.Thread = worker) -> bool:
            assert worker.is_alive(), "the checkout loop stopped before the kill"
            return len(acknowledged) >= n

        wait_until(sold, what=f"sale {wanted} of the loop")
        node.kill()
        stop.set()
        worker.join(TIMEOUT_S)
    assert len(acknowledged) >= 6, "the loop should have completed some sales"

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        receipts = [r[0] for r in conn.execute("SELECT receipt_no FROM sales ORDER BY receipt_no")]
        assert set(acknowledged) <= set(receipts)
        # gapless per register, whatever the kills interrupted
        numbers = [int(r.rsplit("-", 1)[1]) for r in receipts]
        assert numbers == list(range(1, len(numbers) + 1))
        events = {
            json.loads(d)["receipt_no"]
            for (d,) in conn.execute("SELECT data FROM outbox WHERE type = 'sale.completed'")
        }
        assert events == set(receipts)
        for receipt in receipts:  # none half-written
            lines = conn.execute(
                "SELECT count(*) FROM sale_lines WHERE receipt_no = ?", [receipt]
            ).fetchone()[0]
            moves = conn.execute(
                "SELECT count(*) FROM stock_movements WHERE ref = ?", [receipt]
            ).fetchone()[0]
            tenders = conn.execute(
                "SELECT count(*) FROM sale_tenders WHERE receipt_no = ?", [receipt]
            ).fetchone()[0]
            assert (lines, moves, tenders) == (3, 3, 1), receipt
        for sku in skus:
            level = conn.execute(
                "SELECT on_hand FROM stock_levels WHERE sku = ?", [sku]
            ).fetchone()[0]
            ledger = conn.execute(
                "SELECT sum(d_on_hand) FROM stock_movements WHERE sku = ?", [sku]
            ).fetchone()[0]
            assert level == ledger
