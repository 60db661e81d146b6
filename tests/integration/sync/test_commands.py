"""Hub commands: signed, verified, applied exactly once with their ack; anything else is
dead-lettered and changes nothing."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as paho
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion

from edge.services.context import Context
from edge.signing import check_pickup_code
from sync import protocol
from sync.agent import agent_for
from sync.protocol import Command, Topics
from tests.integration.sync.brokers import Broker, wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, hub_of
from tests.waiting import TIMEOUT_S


def _notes(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)", [f"note:{data['n']}", data["text"]]
    )


def _count(client: TestClient, sql: str) -> int:
    with ctx_of(client).db.read() as conn:
        return int(conn.execute(sql).fetchone()[0])


def _raw_publish(broker: Broker, topic: str, payload: bytes) -> None:
    c = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:6]}")
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    c.publish(topic, payload, qos=1).wait_for_publish(TIMEOUT_S)
    c.loop_stop()
    c.disconnect()


def _command(data: dict[str, Any], key: Ed25519PrivateKey | None, seq: int = 99) -> Command:
    cmd = Command(
        id=str(uuid.uuid4()),
        seq=seq,
        store_id="A",
        type="test.note",
        issued_at=datetime.now(UTC).isoformat(),
        data=data,
    )
    return cmd.signed(key) if key else cmd


def test_signed_command_applies_once_and_forged_ones_are_dead_lettered(
    hub: TestClient, node: NodeFactory, broker: Broker
) -> None:
    a = node("A")
    wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"])
    agent = agent_for(ctx_of(a))
    assert agent is not None
    agent.handlers["test.note"] = _notes
    topic = Topics().commands("A")
    h = hub_of(hub)

    good = _command({"n": 1, "text": "hello"}, h.key)
    _raw_publish(broker, topic, protocol.encode(good))
    _raw_publish(broker, topic, protocol.encode(good))  # a replay / redelivery
    unsigned = _command({"n": 2, "text": "unsigned"}, None)
    forged = _command({"n": 3, "text": "forged"}, Ed25519PrivateKey.generate())
    altered = good.model_copy(update={"id": str(uuid.uuid4()), "data": {"n": 4, "text": "x"}})
    for bad in (unsigned, forged, altered):
        _raw_publish(broker, topic, protocol.encode(bad))
    _raw_publish(broker, topic, b"{not json")

    wait_for(lambda: _count(a, "SELECT count(*) FROM sync_dead_letters") == 4)
    assert _count(a, "SELECT count(*) FROM sync_state WHERE key LIKE 'note:%'") == 1
    assert _count(a, "SELECT count(*) FROM sync_commands") == 1
    with ctx_of(a).db.read() as conn:
        reasons = {r[0] for r in conn.execute("SELECT reason FROM sync_dead_letters")}
    assert {"unsigned message", "bad signature"} <= reasons
    assert a.get("/api/v1/sync/status").json()["connected"]  # the agent survived it all


def test_an_order_reaches_its_store_with_only_the_code_hash(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"])
    r = hub.post(
        "/api/v1/orders",
        json={
            "store_id": "A",
            "lines": [{"sku": "DAI-011-11", "qty": 2}],
            "customer": {"name": "Anna Nowak", "email": "anna@example.com"},
            "prepaid": True,
        },
    )
    assert r.status_code == 201, r.text
    order = r.json()
    code = order["pickup_code"]
    assert len(code) == 6 and code.isdigit()

    def applied() -> Any:
        with ctx_of(a).db.read() as conn:
            return conn.execute(
                "SELECT status FROM sync_commands WHERE type = 'order.create'"
            ).fetchone()

    wait_for(applied)
    with hub_of(hub).db.read() as conn:
        env = json.loads(
            conn.execute(
                "SELECT envelope FROM hub_commands WHERE type = 'order.create'"
            ).fetchone()[0]
        )
    assert code not in json.dumps(env)
    assert check_pickup_code(code, env["data"]["pickup_code_hash"])
    # The store acknowledged it (applied by the pickups part, or refused if none is installed).
    wait_for(lambda: hub.get(f"/api/v1/orders/{order['order_id']}").json()["status"] != "sent")
    got = hub.get(f"/api/v1/orders/{order['order_id']}").json()
    assert got["order_id"] == order["order_id"] and "pickup_code" not in got


def test_bad_orders_get_problem_json_and_create_nothing(hub: TestClient) -> None:
    for body in (
        {"store_id": "A", "lines": [], "customer": {"name": "X", "phone": "+48 600 100 200"}},
        {
            "store_id": "A",
            "lines": [{"sku": "NOPE", "qty": 1}],
            "customer": {"name": "X", "phone": "600100200"},
        },
        {"store_id": "A", "lines": [{"sku": "DAI-011-11", "qty": 1}], "customer": {"name": "X"}},
        {
            "store_id": "A",
            "lines": [{"sku": "DAI-011-11", "qty": 0}],
            "customer": {"name": "X", "phone": "1"},
        },
    ):
        r = hub.post("/api/v1/orders", json=body)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert hub.get("/api/v1/orders/O-NOPE").status_code == 404
    with hub_of(hub).db.read() as conn:
        assert conn.execute("SELECT count(*) FROM hub_orders").fetchone()[0] == 0


def test_refused_messages_show_in_the_nodes_metrics(
    hub: TestClient, node: NodeFactory, broker: Broker
) -> None:
    from sync.status import SyncCollector

    a = node("A")
    a.app.state.metrics.add_collector(SyncCollector(ctx_of(a)))  # type: ignore[attr-defined]
    wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"])
    _raw_publish(broker, Topics().commands("A"), b"{nope")
    wait_for(lambda: a.get("/api/v1/sync/status").json()["dead_letters"] == 1)
    text = a.get("/metrics").text
    assert 'store_edge_sync_rejected_messages_total{reason="not JSON"} 1.0' in text
    assert "store_edge_sync_connected 1.0" in text
