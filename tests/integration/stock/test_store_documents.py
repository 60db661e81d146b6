"""Stock documents at one node: each one transaction with its movements and its outbox event."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi.testclient import TestClient

from edge.demo.catalogue import with_check_digit
from edge.domain.stock import Movement, MovementKind
from edge.services.context import Context
from edge.store import stock_repo
from tests.conftest import login
from tests.integration.api.test_sale_flow import weighed_product
from tests.integration.devices.test_devices_api import drained, printed
from tests.integration.pickups.helpers import events, level, outbox_count
from tests.unit.devices.escpos_decoder import decode
from tests.waiting import wait_until

BREAD, ROLL = "BAK-001-11", "BAK-001-12"  # demo stock 14 and 15, 5,49 zł and 7,49 zł
BREAD_CODE = "5901230000011"


def _level(ctx: Context, sku: str) -> int:
    return level(ctx, sku).on_hand  # checked against its ledger


def _sell(client: TestClient, auth: dict[str, str], sku: str, qty: int) -> None:
    basket = client.post("/api/v1/baskets", headers=auth, json={}).json()
    r = client.post(f"/api/v1/baskets/{basket['id']}/lines", headers=auth,
                    json={"sku": sku, "qty": qty})  # fmt: skip
    assert r.status_code in (200, 201), r.text
    total = r.json()["total"]
    tenders = [{"type": "card", "amount": total, "reference": "T"}]
    r = client.post(f"/api/v1/baskets/{basket['id']}/checkout", headers=auth,
                    json={"tenders": tenders})  # fmt: skip
    assert r.status_code == 201, r.text


def test_a_write_off_takes_goods_off_the_books_with_its_event(
    client: TestClient, ctx: Context
) -> None:
    auth = login(client)
    r = client.post("/api/v1/write-offs", headers=auth,
                    json={"reason": "damaged", "lines": [{"sku": BREAD, "qty": 2}]})  # fmt: skip
    assert r.status_code == 201, r.text
    assert _level(ctx, BREAD) == 12
    [event] = events(ctx, "write_off.completed")
    assert (event["reason"], event["value"], event["lines"]) == (
        "damaged", 2 * 549, [{"sku": BREAD, "qty": 2}])  # fmt: skip
    assert event["stock"] == [{"sku": BREAD, "on_hand": 12, "reserved": 0}]


def test_a_write_off_above_the_limit_needs_a_supervisor(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    body: dict[str, Any] = {"reason": "theft", "lines": [{"sku": BREAD, "qty": 14},
                                                         {"sku": ROLL, "qty": 15}]}  # fmt: skip
    refused = client.post("/api/v1/write-offs", headers=auth, json=body)  # 189,21 zł > 100 zł
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "approval-required"
    assert (_level(ctx, BREAD), events(ctx, "write_off.completed")) == (14, [])
    body["approval"] = {"username": "supervisor", "pin": "4321"}
    r = client.post("/api/v1/write-offs", headers=auth, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["approved_by"] == "supervisor"
    assert (_level(ctx, BREAD), _level(ctx, ROLL)) == (0, 0)


def test_bad_documents_are_problems_and_change_nothing(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    before = outbox_count(ctx)
    for path, body in (
        ("/api/v1/write-offs", {"reason": "lost", "lines": [{"sku": BREAD, "qty": 1}]}),
        ("/api/v1/write-offs", {"reason": "damaged", "lines": [{"sku": "NOPE", "qty": 1}]}),
        ("/api/v1/write-offs", {"reason": "damaged", "lines": [{"sku": BREAD, "qty": 0}]}),
        ("/api/v1/write-offs", {"reason": "damaged", "lines": []}),
        ("/api/v1/counts", {"scope": "shelf"}),
        ("/api/v1/transfers", {"to_store": "S001", "lines": [{"sku": BREAD, "qty": 1}]}),
        ("/api/v1/transfers", {"to_store": "no such/store", "lines": [{"sku": BREAD, "qty": 1}]}),
        ("/api/v1/deliveries/nope/receive", {"lines": [{"sku": BREAD, "qty": 1}]}),
    ):
        r = client.post(path, headers=auth, json=body)
        assert 400 <= r.status_code < 500, (path, body, r.status_code, r.text)
        assert r.headers["content-type"] == "application/problem+json", (path, body)
    assert (_level(ctx, BREAD), outbox_count(ctx)) == (14, before)


def test_a_blind_count_during_sales_sets_the_level_as_of_its_start(
    client: TestClient, ctx: Context
) -> None:
    auth = login(client)
    count = client.post("/api/v1/counts", headers=auth, json={"scope": "category:bakery"}).json()
    for _ in range(10):  # ten loaves on the shelf when the count started
        r = client.post(f"/api/v1/counts/{count['id']}/scans", headers=auth,
                        json={"code": BREAD_CODE})  # fmt: skip
        assert r.status_code == 200, r.text
    _sell(client, auth, BREAD, 2)  # two of them sold while staff count the next shelf
    seen = client.get(f"/api/v1/counts/{count['id']}", headers=auth).json()
    assert seen["lines"] == [{"sku": BREAD, "qty": 10}]  # blind: no book stock shown
    wrong = client.post(f"/api/v1/counts/{count['id']}/scans", headers=auth,
                        json={"code": "DAI-011-11"})  # fmt: skip
    assert wrong.status_code == 422, wrong.text  # not in this count's category
    done = client.post(f"/api/v1/counts/{count['id']}/finish", headers=auth)
    assert done.status_code == 200, done.text
    assert _level(ctx, BREAD) == 8  # counted 10 as of the start, less the 2 sold since
    assert _level(ctx, ROLL) == 0  # in scope, not found on the shelf
    [event] = events(ctx, "count.completed")
    lines = {ln["sku"]: ln for ln in event["lines"]}
    assert lines[BREAD] == {"sku": BREAD, "book": 14, "counted": 10, "difference": -4}
    assert lines[ROLL]["book"] == 15 and lines[ROLL]["counted"] == 0
    with ctx.db.read() as conn:
        kinds = conn.execute(
            "SELECT qty FROM stock_movements WHERE sku = ? AND kind = 'adjustment'", [BREAD]
        ).fetchall()
    assert [k[0] for k in kinds] == [-4]
    again = client.post(f"/api/v1/counts/{count['id']}/finish", headers=auth)
    assert again.status_code == 409, again.text


def test_an_unannounced_delivery_raises_stock(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    body = {"reference": "WZ 12/2026", "lines": [{"sku": BREAD, "qty": 6}]}
    r = client.post("/api/v1/deliveries/unannounced", headers=auth, json=body)
    assert r.status_code == 201, r.text
    assert _level(ctx, BREAD) == 20
    [event] = events(ctx, "delivery.received")
    assert (event["announced"], event["reference"], event["complete"]) == (
        False, "WZ 12/2026", True)  # fmt: skip


def test_a_transfer_is_received_once_at_a_store(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    sent = client.post("/api/v1/transfers", headers=auth,
                       json={"to_store": "S002", "lines": [{"sku": BREAD, "qty": 4}]})  # fmt: skip
    assert sent.status_code == 201, sent.text
    assert _level(ctx, BREAD) == 10
    own = client.post(f"/api/v1/transfers/{sent.json()['id']}/receive", headers=auth,
                      json={"from_store": "S002", "lines": [{"sku": BREAD, "qty": 4}]})  # fmt: skip
    assert own.status_code == 422, own.text
    body = {"from_store": "S009", "lines": [{"sku": ROLL, "qty": 3}]}
    first = client.post("/api/v1/transfers/T-1/receive", headers=auth, json=body)
    assert first.status_code == 201, first.text
    twice = client.post("/api/v1/transfers/T-1/receive", headers=auth, json=body)
    assert twice.status_code == 409, twice.text
    assert _level(ctx, ROLL) == 18


def test_a_shelf_count_sets_only_what_was_scanned(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    count = client.post("/api/v1/counts", headers=auth, json={"scope": "shelf:A3"}).json()
    for code, qty in ((BREAD_CODE, 3), ("DAI-011-11", 2), (BREAD_CODE, -1)):  # a wrong scan back
        r = client.post(f"/api/v1/counts/{count['id']}/scans", headers=auth,
                        json={"code": code, "qty": qty})  # fmt: skip
        assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/counts/{count['id']}/finish", headers=auth).status_code == 200
    assert (_level(ctx, BREAD), _level(ctx, "DAI-011-11"), _level(ctx, ROLL)) == (2, 2, 15)


def test_each_document_prints_a_non_fiscal_slip(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    client.post("/api/v1/write-offs", headers=auth,
                json={"reason": "damaged", "lines": [{"sku": BREAD, "qty": 2}]})  # fmt: skip
    client.post("/api/v1/transfers", headers=auth,
                json={"to_store": "S002", "lines": [{"sku": ROLL, "qty": 3}]})  # fmt: skip
    wait_until(lambda: drained(client) and len(printed(ctx.settings, "stock")) == 2, what="slips")
    write_off, transfer = (decode(p.read_bytes()) for p in printed(ctx.settings, "stock"))
    assert write_off.text.count("WYDRUK NIEFISKALNY") == 1 and "ODPIS" in write_off.text
    assert "uszkodzenie" in write_off.text and "10,98" in write_off.text
    assert "TRANSFER OUT" in transfer.text and "S002" in transfer.text
    assert transfer.has("barcode")


def test_a_retried_document_is_written_once(client: TestClient, ctx: Context) -> None:
    """The till lost the answer and sends the same request again with its Idempotency-Key."""
    auth = login(client)
    for path, body, kind in (
        ("/api/v1/write-offs", {"reason": "expired", "lines": [{"sku": BREAD, "qty": 1}]},
         "write_off.completed"),
        ("/api/v1/transfers", {"to_store": "S002", "lines": [{"sku": BREAD, "qty": 1}]},
         "transfer.sent"),
        ("/api/v1/deliveries/unannounced", {"lines": [{"sku": BREAD, "qty": 5}]},
         "delivery.received"),
    ):  # fmt: skip
        key = {**auth, "Idempotency-Key": f"retry-{kind}"}
        first, again = (client.post(path, headers=key, json=body) for _ in range(2))
        assert (first.status_code, again.status_code) == (201, 201), again.text
        assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
        assert len(events(ctx, kind)) == 1
        other = client.post(path, headers=key, json={**body, "lines": [{"sku": ROLL, "qty": 1}]})
        assert other.status_code == 409, other.text
    assert _level(ctx, BREAD) == 14 - 1 - 1 + 5


def test_goods_are_received_by_scanning_their_labels(client: TestClient, ctx: Context) -> None:
    """At the back door staff scan: a barcode counts its pieces, a weighed label its grams."""
    auth = login(client)
    ham = weighed_product(client)
    label = with_check_digit(ham["barcodes"][0][:7] + "01250")  # 1,250 kg on the scale's label
    before = _level(ctx, ham["sku"])
    r = client.post(
        "/api/v1/deliveries/unannounced",
        headers=auth,
        json={
            "lines": [
                {"sku": BREAD_CODE, "qty": 3},
                {"sku": label, "qty": 2},
                {"sku": BREAD, "qty": 1},
            ]
        },
    )
    assert r.status_code == 201, r.text
    assert (_level(ctx, BREAD), _level(ctx, ham["sku"])) == (18, before + 2500)
    bad = client.post("/api/v1/deliveries/unannounced", headers=auth,
                      json={"lines": [{"sku": "5901234123457", "qty": 1}]})  # fmt: skip
    assert bad.status_code == 404 and bad.json()["code"] == "unknown-product", bad.text


def test_a_full_count_of_a_large_store_finishes(client: TestClient, ctx: Context) -> None:
    """More SKUs with stock than SQLite takes parameters in one statement (250 000 here, a
    300 000-product store has more; the limit is lowered so the test stays small)."""
    ctx.db.writer.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 1000)
    bulk = [Movement(f"BULK-{i:05d}", MovementKind.RECEIPT, 1) for i in range(1500)]
    with ctx.db.transaction() as conn:
        stock_repo.record(conn, bulk, ref="opening", at=ctx.clock())
    auth = login(client)
    count = client.post("/api/v1/counts", headers=auth, json={"scope": "full"}).json()
    client.post(f"/api/v1/counts/{count['id']}/scans", headers=auth, json={"code": BREAD_CODE})
    done = client.post(f"/api/v1/counts/{count['id']}/finish", headers=auth)
    assert done.status_code == 200, done.text[:300]
    assert (_level(ctx, BREAD), _level(ctx, "BULK-01499")) == (1, 0)


def test_a_count_slip_lists_what_changed(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    count = client.post("/api/v1/counts", headers=auth, json={"scope": "category:bakery"}).json()
    for code, qty in ((BREAD_CODE, 14), (ROLL, 9)):  # bread as booked, rolls short
        client.post(f"/api/v1/counts/{count['id']}/scans", headers=auth,
                    json={"code": code, "qty": qty})  # fmt: skip
    client.post(f"/api/v1/counts/{count['id']}/finish", headers=auth)
    wait_until(lambda: drained(client) and printed(ctx.settings, "stock"), what="the slip")
    slip = decode(printed(ctx.settings, "stock")[0].read_bytes()).text
    assert "INWENTARYZACJA" in slip and "stan 15 / policzono 9" in slip
    assert "stan 14 / policzono 14" not in slip  # unchanged lines stay off the paper
