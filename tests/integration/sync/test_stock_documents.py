"""Store documents reach the hub exactly once, with a real broker, a hub and stores: transfers
in transit and landed, write-offs, counts and deliveries, and the ERP's feed of all of them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import login
from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, depth, sell

BREAD, ROLL = "BAK-001-11", "BAK-001-12"  # demo stock 14 and 15


def _hub_level(hub: TestClient, store_id: str, sku: str) -> int | None:
    stores = hub.get(f"/api/v1/availability/{sku}").json()["stores"]
    return next((s["on_hand"] for s in stores if s["store_id"] == store_id), None)


def _transfer(hub: TestClient, transfer_id: str) -> dict[str, Any]:
    found = [t for t in hub.get("/api/v1/transfers").json() if t["transfer_id"] == transfer_id]
    return found[0] if found else {}


def _post(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(path, headers=login(client), json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_transfer_shows_in_transit_at_the_hub_and_lands_at_b(
    hub: TestClient, node: NodeFactory
) -> None:
    a, b, c = node("A"), node("B"), node("C")
    lines = {"lines": [{"sku": BREAD, "qty": 4}]}
    sent = _post(a, "/api/v1/transfers", {"to_store": "B", **lines})
    wait_for(lambda: _transfer(hub, sent["id"]).get("status") == "in_transit")
    moving = _transfer(hub, sent["id"])
    assert (moving["from_store"], moving["to_store"], moving["flags"]) == ("A", "B", [])
    assert moving["lines"][0]["in_transit"] == 4
    in_transit = hub.get("/api/v1/transfers", params={"status": "in_transit"}).json()
    assert [t["transfer_id"] for t in in_transit] == [sent["id"]]
    wait_for(lambda: _hub_level(hub, "A", BREAD) == 10)

    _post(b, f"/api/v1/transfers/{sent['id']}/receive", {"from_store": "A", **lines})
    wait_for(lambda: _transfer(hub, sent["id"]).get("status") == "received")
    landed = _transfer(hub, sent["id"])
    assert (landed["lines"][0]["in_transit"], landed["flags"]) == (0, [])
    wait_for(lambda: _hub_level(hub, "B", BREAD) == 18)
    assert hub.get("/api/v1/transfers", params={"status": "in_transit"}).json() == []

    # The same transfer counted in again elsewhere: flagged, never silently added up.
    _post(c, f"/api/v1/transfers/{sent['id']}/receive", {"from_store": "A", **lines})
    wait_for(lambda: len(_transfer(hub, sent["id"]).get("flags", [])) == 2)
    assert _transfer(hub, sent["id"])["flags"] == ["received 2 times", "sent to B, received at C"]
    flagged = hub.get("/api/v1/transfers", params={"flagged": True}).json()
    assert [t["transfer_id"] for t in flagged] == [sent["id"]]


def test_the_feed_holds_every_document_once_in_the_order_applied(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    receipt = sell(ctx_of(a), BREAD, 1)
    _post(a, "/api/v1/write-offs", {"reason": "expired", "lines": [{"sku": BREAD, "qty": 1}]})
    count = _post(a, "/api/v1/counts", {"scope": "category:bakery"})
    _post(a, f"/api/v1/counts/{count['id']}/scans", {"code": BREAD, "qty": 9})
    _post(a, f"/api/v1/counts/{count['id']}/finish", {})
    delivery = _post(a, "/api/v1/deliveries/unannounced",
                     {"reference": "WZ 1", "lines": [{"sku": BREAD, "qty": 5}]})  # fmt: skip
    wait_for(lambda: depth(ctx_of(a)) == 0)
    wait_for(lambda: _hub_level(hub, "A", BREAD) == 14)  # 9 counted + 5 delivered

    page = hub.get("/api/v1/feed", params={"after": 0, "limit": 2}).json()
    items = list(page["items"])
    while page["items"]:
        page = hub.get("/api/v1/feed", params={"after": page["next"], "limit": 2}).json()
        items += page["items"]
    assert [i["cursor"] for i in items] == list(range(1, len(items) + 1))
    docs = [(i["type"], i["store_id"]) for i in items if i["type"] != "stock.adjusted"]
    assert docs == [("sale.completed", "A"), ("write_off.completed", "A"),
                    ("count.completed", "A"), ("delivery.received", "A")]  # fmt: skip
    assert items[0]["data"]["receipt_no"] == receipt
    assert items[-1]["data"]["delivery_id"] == delivery["id"]
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    empty = hub.get("/api/v1/feed", params={"after": items[-1]["cursor"]}).json()
    assert empty == {"items": [], "next": items[-1]["cursor"]}
    for bad in ({"after": -1}, {"limit": 0}, {"limit": 100_000}, {"after": "x"}):
        r = hub.get("/api/v1/feed", params=bad)
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_an_announced_delivery_received_in_part_reports_its_differences(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    auth = login(a)
    announced = {"store_id": "A", "reference": "PO-1",
                 "lines": [{"sku": BREAD, "qty": 10}, {"sku": ROLL, "qty": 5}]}  # fmt: skip
    r = hub.post("/api/v1/deliveries", json=announced)
    assert r.status_code == 201, r.text
    delivery_id = r.json()["delivery_id"]

    def waiting() -> list[str]:
        return [d["id"] for d in a.get("/api/v1/deliveries", headers=auth).json()]

    wait_for(lambda: waiting() == [delivery_id])
    _post(a, f"/api/v1/deliveries/{delivery_id}/receive", {"lines": [{"sku": BREAD, "qty": 6}]})
    wait_for(lambda: _hub_level(hub, "A", BREAD) == 20)  # 14 + the 6 counted, not the 10

    def at_hub() -> dict[str, Any]:
        return hub.get(f"/api/v1/deliveries/{delivery_id}").json()  # type: ignore[no-any-return]

    wait_for(lambda: at_hub()["status"] == "partial")
    partial = hub.get("/api/v1/deliveries", params={"store_id": "A", "status": "partial"})
    assert [d["delivery_id"] for d in partial.json()] == [delivery_id]
    assert hub.get("/api/v1/deliveries", params={"status": "received"}).json() == []
    assert at_hub()["lines"] == [
        {"sku": BREAD, "announced": 10, "received": 6, "difference": -4},
        {"sku": ROLL, "announced": 5, "received": 0, "difference": -5},
    ]
    last = {"lines": [{"sku": ROLL, "qty": 5}], "final": True}
    done = _post(a, f"/api/v1/deliveries/{delivery_id}/receive", last)
    assert done["differences"] == [{"sku": BREAD, "announced": 10, "received": 6,
                                    "difference": -4}]  # fmt: skip
    wait_for(lambda: at_hub()["status"] == "received")
    assert waiting() == []
    for bad in ({**announced, "lines": [{"sku": "NOPE", "qty": 1}]}, {**announced, "lines": []},
                {"store_id": "no/such", "lines": announced["lines"]}):  # fmt: skip
        r = hub.post("/api/v1/deliveries", json=bad)
        assert r.status_code in (404, 422), r.text
        assert r.headers["content-type"] == "application/problem+json"
