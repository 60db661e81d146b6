"""Events reach the hub exactly once; what the hub knows reaches the other stores."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sync.agent import agent_for
from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, depth, hub_of, sell

SKU = "DAI-011-11"


def _level(client: TestClient, sku: str) -> dict:
    return client.get(f"/api/v1/availability/{sku}").json()


def test_a_sale_at_store_a_reaches_the_hub_and_store_b(hub: TestClient, node: NodeFactory) -> None:
    a, b = node("A"), node("B")
    wait_for(lambda: depth(ctx_of(a)) == 0 and depth(ctx_of(b)) == 0)
    status = a.get("/api/v1/sync/status").json()
    assert status["connected"] is True and status["outbox_depth"] == 0
    assert status["catalogue_version"] >= 1 and status["last_ack_at"]

    sell(ctx_of(a), SKU, 2)
    here = ctx_of(a).db.read
    with here() as conn:
        own = conn.execute("SELECT on_hand FROM stock_levels WHERE sku = ?", [SKU]).fetchone()[0]

    def hub_sees() -> bool:
        stores = {s["store_id"]: s for s in hub.get(f"/api/v1/availability/{SKU}").json()["stores"]}
        return "A" in stores and stores["A"]["on_hand"] == own

    wait_for(hub_sees)

    def b_sees() -> bool:
        nearby = {n["store_id"]: n for n in _level(b, SKU).get("nearby", [])}
        return "A" in nearby and nearby["A"]["on_hand"] == own

    wait_for(b_sees)
    with hub_of(hub).db.read() as conn:
        assert conn.execute("SELECT count(*) FROM hub_sales").fetchone()[0] == 1


def test_the_hub_lists_stores_with_their_state_and_sees_them_leave(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: depth(ctx_of(a)) == 0)

    def store_a() -> dict:
        return {s["store_id"]: s for s in hub.get("/api/v1/stores").json()}.get("A", {})

    wait_for(lambda: store_a().get("online") and store_a().get("catalogue_version") == 1)
    listed = store_a()
    assert listed["applied_seq"] == 1 and listed["outbox_depth"] == 0
    assert listed["last_seen"] and listed["lag_s"] is not None
    agent = agent_for(ctx_of(a))
    assert agent is not None
    agent.stop_sync()  # a clean stop publishes the retained "offline" status
    wait_for(lambda: store_a().get("online") is False)


def test_store_keys_and_the_hub_key_reach_the_stores_trusted_keys(
    tmp_path, hub: TestClient, node: NodeFactory
) -> None:  # type: ignore[no-untyped-def]
    from edge.signing import generate_key_pair

    (tmp_path / "A").mkdir()
    generate_key_pair(tmp_path / "A" / "store.key", tmp_path / "A" / "store.pub")
    node("A")
    wait_for(lambda: any(s["store_id"] == "A" for s in hub.get("/api/v1/stores").json()))
    b = node("B")

    def keys() -> dict[str, str]:
        with ctx_of(b).db.read() as conn:
            return {r[0]: r[1] for r in conn.execute("SELECT key_id, pem FROM trusted_keys")}

    wait_for(lambda: {"A", "hub"} <= set(keys()))
    assert keys()["A"] == (tmp_path / "A" / "store.pub").read_text()
    assert keys()["hub"] == (tmp_path / "hub" / "hub.pub").read_text()
