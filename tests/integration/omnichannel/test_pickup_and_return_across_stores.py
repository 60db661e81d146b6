"""The omnichannel promise end to end: a hub, a real Mosquitto and two stores. An order created
at the hub is reserved, readied and collected at store B and the hub sees it; a receipt of store
B is returned at store A offline through its signed QR, and the hub reconciles it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from edge.services import signed_qr
from tests.integration.sync.brokers import free_port, wait_for
from tests.integration.sync.conftest import FAST_SYNC, NodeFactory, ctx_of, sell

API = "/api/v1"
SKU = "DAI-011-11"


def pos(client: TestClient) -> dict[str, str]:
    r = client.post(f"{API}/sessions", json={"username": "cashier", "pin": "1234"})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def supervisor(client: TestClient) -> dict[str, str]:
    r = client.post(f"{API}/sessions", json={"username": "supervisor", "pin": "4321"})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def order_at_hub(hub: TestClient, store: str, qty: int, prepaid: bool = True) -> dict[str, Any]:
    r = hub.post(
        f"{API}/orders",
        json={
            "store_id": store,
            "lines": [{"sku": SKU, "qty": qty}],
            "customer": {"name": "Anna Nowak", "phone": "+48600100200"},
            "prepaid": prepaid,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def hub_status(hub: TestClient, order_id: str) -> str:
    return hub.get(f"{API}/orders/{order_id}").json()["status"]


def test_order_from_the_hub_is_reserved_readied_and_collected_at_store_b(
    hub: TestClient, node: NodeFactory
) -> None:
    b = node("B")
    wait_for(lambda: b.get(f"{API}/sync/status").json()["connected"])
    before = b.get(f"{API}/availability/{SKU}").json()["here"]
    order = order_at_hub(hub, "B", 2)
    oid, code = order["order_id"], order["pickup_code"]
    auth = pos(b)

    wait_for(lambda: b.get(f"{API}/pickups/{oid}", headers=auth).status_code == 200)
    assert b.get(f"{API}/pickups/{oid}", headers=auth).json()["status"] == "received"
    here = b.get(f"{API}/availability/{SKU}").json()["here"]
    assert here["reserved"] == before["reserved"] + 2
    wait_for(lambda: hub_status(hub, oid) == "received")

    r = b.post(f"{API}/pickups/{oid}/ready", headers=auth, json={"shelf": "A-3"})
    assert r.status_code == 200 and r.json()["status"] == "ready"
    wait_for(lambda: hub_status(hub, oid) == "ready")

    wrong = b.post(
        f"{API}/pickups/{oid}/collect",
        headers=auth,
        json={"code": "000000" if code != "000000" else "111111"},
    )
    assert wrong.status_code == 403
    r = b.post(f"{API}/pickups/{oid}/collect", headers=auth, json={"code": code})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "collected"
    wait_for(lambda: hub_status(hub, oid) == "collected")
    after = b.get(f"{API}/availability/{SKU}").json()["here"]
    assert after["on_hand"] == before["on_hand"] - 2 and after["reserved"] == before["reserved"]
    # the hub's network stock for B follows the store's events
    wait_for(
        lambda: any(
            s["store_id"] == "B" and s["on_hand"] == after["on_hand"]
            for s in hub.get(f"{API}/availability/{SKU}").json()["stores"]
        )
    )


def test_partial_collection_is_reported_to_the_hub(hub: TestClient, node: NodeFactory) -> None:
    b = node("B")
    wait_for(lambda: b.get(f"{API}/sync/status").json()["connected"])
    order = order_at_hub(hub, "B", 3)
    oid = order["order_id"]
    auth = pos(b)
    wait_for(lambda: b.get(f"{API}/pickups/{oid}", headers=auth).status_code == 200)
    b.post(f"{API}/pickups/{oid}/ready", headers=auth, json={"shelf": "B-1"})
    r = b.post(
        f"{API}/pickups/{oid}/collect",
        headers=auth,
        json={"code": order["pickup_code"], "lines": [{"sku": SKU, "qty": 1}]},
    )
    assert r.status_code == 200 and r.json()["status"] == "partially_collected", r.text
    wait_for(lambda: hub_status(hub, oid) == "partially_collected")


def test_a_receipt_of_store_b_is_returned_at_store_a_offline_by_its_signed_qr(
    hub: TestClient, node: NodeFactory
) -> None:
    a, b = node("A"), node("B")
    for n in (a, b):
        wait_for(lambda n=n: n.get(f"{API}/sync/status").json()["connected"])
    receipt = sell(ctx_of(b), SKU, 2)
    qr = signed_qr.signed_receipt_qr(ctx_of(b), receipt)

    # Store A learns B's public key from the hub (catalogue/snapshot messages).
    def a_trusts_b() -> bool:
        with ctx_of(a).db.read() as conn:
            return (
                conn.execute("SELECT 1 FROM trusted_keys WHERE key_id = 'B'").fetchone() is not None
            )

    wait_for(a_trusts_b)
    auth = supervisor(a)
    body = {
        "qr": qr,
        "lines": [{"sku": SKU, "qty": 1, "reason": "changed_mind", "disposition": "restock"}],
    }
    r = a.post(f"{API}/returns", headers={**auth, "Idempotency-Key": "ret-1"}, json=body)
    assert r.status_code in (200, 201), r.text
    # The hub receives A's return of B's sale and counts it against that receipt.
    wait_for(lambda: hub.get(f"{API}/receipts/{receipt}").status_code == 200)
    wait_for(
        lambda: any(
            ln["returned"] == 1 for ln in hub.get(f"{API}/receipts/{receipt}").json()["lines"]
        )
    )


def test_an_online_order_returned_at_a_and_again_at_b_offline_is_flagged_by_the_hub(
    hub: TestClient, node: NodeFactory, tmp_path: Path
) -> None:
    a = node("A")
    wait_for(lambda: a.get(f"{API}/sync/status").json()["connected"])
    order = order_at_hub(hub, "A", 2)
    oid = order["order_id"]
    auth = pos(a)
    wait_for(lambda: a.get(f"{API}/pickups/{oid}", headers=auth).status_code == 200)
    a.post(f"{API}/pickups/{oid}/ready", headers=auth, json={"shelf": "C-2"})
    r = a.post(f"{API}/pickups/{oid}/collect", headers=auth, json={"code": order["pickup_code"]})
    assert r.status_code == 200, r.text
    r = a.post(f"{API}/returns", headers={**supervisor(a), "Idempotency-Key": "a-1"}, json={
        "order_id": oid, "lines": [{"sku": SKU, "qty": 2, "reason": "changed_mind",
                                    "disposition": "restock"}]})  # fmt: skip
    assert r.status_code == 201, r.text
    wait_for(
        lambda: any(ln["returned"] == 2 for ln in hub.get(f"{API}/orders/{oid}").json()["lines"])
    )
    assert hub.get(f"{API}/returns", params={"flagged": True}).json() == []

    # Store B has no network: it checks the hub's signature on the order confirmation itself.
    dead_broker = f"mqtt://127.0.0.1:{free_port()}"
    offline = load_settings(None, {
        "data_dir": tmp_path / "B", "store": {"id": "B"},
        "broker": {"url": dead_broker, "hub_key": tmp_path / "hub" / "hub.pub"},
        "sync": FAST_SYNC})  # fmt: skip
    with TestClient(create_app(offline, ui=False)) as b:
        assert b.get(f"{API}/sync/status").json()["connected"] is False
        before = b.get(f"{API}/availability/{SKU}").json()["here"]["on_hand"]
        qr = signed_qr.confirmation_qr(order["confirmation"])
        r = b.post(f"{API}/returns", headers={**supervisor(b), "Idempotency-Key": "b-1"}, json={
            "qr": qr, "lines": [{"sku": SKU, "qty": 1, "reason": "changed_mind",
                                 "disposition": "restock"}]})  # fmt: skip
        assert r.status_code == 201, r.text  # within B's limits: B cannot know about A's return
        return_id = r.json()["return_id"]
        assert b.get(f"{API}/availability/{SKU}").json()["here"]["on_hand"] == before + 1
        forged = qr[:-6] + ("AAAAAA" if not qr.endswith("AAAAAA") else "BBBBBB")
        r = b.post(f"{API}/returns", headers=supervisor(b), json={
            "qr": forged, "lines": [{"sku": SKU, "qty": 1, "reason": "changed_mind",
                                     "disposition": "restock"}]})  # fmt: skip
        assert r.status_code == 422 and r.headers["content-type"].startswith(
            "application/problem+json"
        )

    # B reconnects: its return reaches the hub, which flags the over-return.
    node("B")
    flagged = wait_for(lambda: hub.get(f"{API}/returns", params={"flagged": True}).json())
    assert [f["return_id"] for f in flagged] == [return_id]
    assert flagged[0]["store_id"] == "B" and flagged[0]["offline"] is True
