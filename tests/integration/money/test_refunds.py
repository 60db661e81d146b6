"""What a return may refund: approval by what was refunded against the whole purchase, a return
window, an order's QR only once it was paid or collected, and one return per Idempotency-Key
however many times and however concurrently it is retried."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from edge.services import catalogue, signed_qr
from edge.services.context import Context
from edge.store import returns_repo
from sync.hub.service import Hub
from tests.conftest import login
from tests.db_locks import write_lock_held_by_a_process
from tests.integration.money.conftest import jsonl
from tests.integration.money.test_one_price import command_data, hub_order, product
from tests.integration.pickups.helpers import CODE, feed_order
from tests.node import Node
from tests.node import login as node_login

API = "/api/v1"
SUPERVISOR = {"username": "supervisor", "pin": "4321"}


def sell(client: TestClient, auth: dict[str, str], sku: str, qty: int) -> dict[str, Any]:
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    r = client.post(f"{API}/baskets/{bid}/lines", json={"sku": sku, "qty": qty}, headers=auth)
    total = r.json()["total"]
    body = {"tenders": [{"type": "cash", "amount": total}]}
    r = client.post(f"{API}/baskets/{bid}/checkout", json=body, headers=auth)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def give_back(sku: str, qty: int) -> dict[str, Any]:
    return {"sku": sku, "qty": qty, "reason": "changed_mind", "disposition": "restock"}


def test_split_returns_need_the_supervisor(client: TestClient, ctx: Context) -> None:
    catalogue.import_catalogue(ctx, jsonl(product("TST-50", 5000)), "jsonl")
    auth = login(client)
    sale = sell(client, auth, "TST-50", 5)  # 250 zł; refunds above 200 zł need a supervisor
    ref = {"receipt_no": sale["receipt_no"]}
    for qty in (1, 2, 1):  # 50, then 150, then 200 zł refunded against this receipt: allowed
        r = client.post(f"{API}/returns", json={**ref, "lines": [give_back("TST-50", qty)]},
                        headers=auth)  # fmt: skip
        assert r.status_code == 201, r.text
    last = {**ref, "lines": [give_back("TST-50", 1)]}  # 250 zł in all: the supervisor's call
    r = client.post(f"{API}/returns", json=last, headers=auth)
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "approval-required"
    r = client.post(f"{API}/returns", json={**last, "approval": SUPERVISOR}, headers=auth)
    assert r.status_code == 201 and r.json()["approved_by"] == "supervisor"


def test_a_purchase_past_the_return_window_needs_the_supervisor(
    client: TestClient, ctx: Context
) -> None:
    auth = login(client)
    sale = sell(client, auth, "BAK-001-11", 1)
    real = ctx.clock
    ctx.clock = lambda: real() + timedelta(days=ctx.settings.returns.window_days + 1)
    auth = login(client)  # a month on: a new shift
    body = {"receipt_no": sale["receipt_no"], "lines": [give_back("BAK-001-11", 1)]}
    r = client.post(f"{API}/returns", json=body, headers=auth)
    assert r.status_code == 403, r.text
    assert "days" in r.json()["detail"]
    r = client.post(f"{API}/returns", json={**body, "approval": SUPERVISOR}, headers=auth)
    assert r.status_code == 201, r.text


def test_an_unpaid_orders_qr_refunds_nothing_offline(
    client: TestClient, ctx: Context, offline_hub: Hub
) -> None:
    """The hub signed the order when it was made; nobody has paid or collected it."""
    order = hub_order(offline_hub, [("BAK-001-11", 2)])
    qr = signed_qr.confirmation_qr(command_data(offline_hub, order["order_id"])["confirmation"])
    pem = (offline_hub.settings.data_dir / "hub.pub").read_text()
    with ctx.db.transaction() as conn:
        returns_repo.put_trusted_key(conn, "hub", pem)
    assert ctx.settings.hub.url is None  # this store cannot ask the hub: the QR is all it has
    auth = login(client)
    body = {"qr": qr, "lines": [give_back("BAK-001-11", 1)]}
    r = client.post(f"{API}/returns", json=body, headers=auth)
    assert r.status_code == 422, r.text
    assert "paid or collected" in r.json()["detail"]
    with ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM returns").fetchone()[0] == 0


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, {"data_dir": tmp_path / "S002", "store": {"id": "S002"}})
    with TestClient(create_app(settings, ui=False)) as c:
        yield c


def test_a_collected_orders_qr_signed_by_its_store_refunds_elsewhere_offline(
    client: TestClient, ctx: Context, other_store: TestClient
) -> None:
    feed_order(ctx, "W-77", [("BAK-001-11", 2, 549)])  # paid online
    auth = login(client)
    client.post(f"{API}/pickups/W-77/ready", json={"shelf": "P-1"}, headers=auth)
    r = client.post(f"{API}/pickups/W-77/collect", json={"code": CODE}, headers=auth)
    assert r.status_code == 200, r.text
    qr = r.json()["qr"]  # on the collection slip: this store vouches for what it handed over
    found = client.get(f"{API}/pickups", params={"q": qr}, headers=auth)  # scanned at the POS
    assert found.status_code == 200 and [o["order_id"] for o in found.json()["items"]] == ["W-77"]
    other: Context = other_store.app.state.ctx  # type: ignore[attr-defined]
    with other.db.transaction() as conn:  # the hub spreads every store's key
        returns_repo.put_trusted_key(conn, ctx.store_id, signed_qr.store_public_pem(ctx))
    body = {"qr": qr, "lines": [give_back("BAK-001-11", 1)]}
    r = other_store.post(f"{API}/returns", json=body, headers=login(other_store))
    assert r.status_code == 201, r.text
    assert r.json()["tenders"] == [{"type": "online", "amount": 549, "reference": "W-77"}]


def test_concurrent_retries_of_a_return_make_one_return(tmp_path: Path) -> None:
    node = Node(tmp_path / "node").wait_ready()
    try:
        with httpx.Client(base_url=node.url, timeout=60) as http:
            auth = node_login(http)
            bid = http.post(f"{API}/baskets", headers=auth).json()["id"]
            line = {"sku": "BAK-001-11", "qty": 3}
            total = http.post(f"{API}/baskets/{bid}/lines", json=line, headers=auth).json()["total"]
            sale = http.post(
                f"{API}/baskets/{bid}/checkout",
                json={"tenders": [{"type": "cash", "amount": total}]},
                headers=auth,
            ).json()
            # All three back: a retry that runs after the first attempt must not be refused as
            # an over-return, it is the same return.
            body = {"receipt_no": sale["receipt_no"], "lines": [give_back("BAK-001-11", 3)]}
            headers = {**auth, "Idempotency-Key": "till-01-return-7"}

            def retry(_: int) -> tuple[int, str]:
                r = http.post(f"{API}/returns", json=body, headers=headers)
                return r.status_code, json.loads(r.text).get("return_id", r.text)

            # Another process holds the store's write lock while the retries arrive: they all
            # find no first answer yet, then race for the lock when it is released.
            with (
                write_lock_held_by_a_process(node.data_dir / "store.db", 3.0),
                ThreadPoolExecutor(max_workers=12) as pool,
            ):
                answers = list(pool.map(retry, range(12)))
            assert {status for status, _ in answers} == {201}, answers
            assert len({rid for _, rid in answers}) == 1, answers
            looked = http.get(
                f"{API}/returns/lookup", params={"receipt_no": sale["receipt_no"]}, headers=auth
            ).json()
            assert looked["lines"][0]["returned"] == 3
    finally:
        node.stop()
