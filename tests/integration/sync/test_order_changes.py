"""Order status everywhere (issue 15): `GET /api/v1/orders?changed_after=` at the hub, with a
real broker and a store: an order created at the hub and collected at the store shows each of
its statuses once, in order, page by page; only the `orders` scope reads it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from edge.domain.tenders import Tender
from edge.services import pickup_collection, pickups
from sync.hub.tokens import Scope
from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import (
    CASHIER,
    NodeFactory,
    bearer,
    ctx_of,
    hub_of,
    hub_token,
)

BREAD = "BAK-001-11"  # 5,49 zł


def _changes(hub: TestClient, after: int = 0, limit: int = 100) -> dict[str, Any]:
    r = hub.get("/api/v1/orders", params={"changed_after": after, "limit": limit})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_an_order_collected_at_the_store_shows_each_status_once_in_order(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("S001")
    wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"])
    order = {"store_id": "S001", "lines": [{"sku": BREAD, "qty": 2}],
             "customer": {"name": "Jan", "phone": "+48600200300"}}  # fmt: skip
    r = hub.post("/api/v1/orders", json=order)
    assert r.status_code == 201, r.text
    order_id, code = r.json()["order_id"], r.json()["pickup_code"]
    ctx = ctx_of(a)
    wait_for(lambda: _exists(a, order_id), timeout=30)
    pickups.mark_ready(ctx, CASHIER, order_id, "P-1")
    pickup_collection.collect(ctx, CASHIER, order_id, code, tenders=[Tender("cash", 2 * 549)])

    def statuses() -> list[str]:
        return [i["status"] for i in _changes(hub)["items"] if i["order_id"] == order_id]

    wait_for(lambda: statuses()[-1:] == ["collected"], timeout=30)
    everything = _changes(hub)
    mine = [i for i in everything["items"] if i["order_id"] == order_id]
    assert [i["status"] for i in mine] == ["sent", "received", "ready", "collected"]
    assert all(i["store_id"] == "S001" for i in mine)
    cursors = [i["cursor"] for i in everything["items"]]
    assert cursors == sorted(set(cursors)) and everything["next"] == cursors[-1]

    paged, after = [], 0  # one at a time: the same changes, none twice
    while page := _changes(hub, after, limit=1)["items"]:
        paged += page
        after = page[-1]["cursor"]
    assert paged == everything["items"]
    assert _changes(hub, everything["next"]) == {"items": [], "next": everything["next"]}

    reader = bearer(hub_token(hub_of(hub), Scope.READ))
    assert hub.get("/api/v1/orders", headers=reader).status_code == 403
    assert hub.get("/api/v1/orders", params={"changed_after": -1}).status_code == 422


def _exists(client: TestClient, order_id: str) -> bool:
    try:
        pickups.get_order(ctx_of(client), order_id)
    except Exception:
        return False
    return True
