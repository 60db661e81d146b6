"""Acks and nearby stock set what a store forgets and what it shows: the node takes them only
signed by the hub's key. Forged ones (a broker without the ACL, or a store's credentials on a
looser broker) are dropped and counted, and the event they claimed stays until the real ack."""

from __future__ import annotations

from pathlib import Path

import paho.mqtt.client as paho
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion

from edge.store import outbox
from sync import protocol
from sync.agent import agent_for
from sync.hub.api import create_hub_app
from sync.hub.service import Hub
from sync.protocol import Ack, NearbyStock, Topics
from tests.integration.sync.brokers import Broker, wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, depth, hub_settings, sell
from tests.waiting import TIMEOUT_S


def _inject(broker: Broker, topic: str, payload: bytes) -> None:
    c = paho.Client(CallbackAPIVersion.VERSION2, client_id="forger", protocol=paho.MQTTv5)
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    c.publish(topic, payload, qos=1).wait_for_publish(TIMEOUT_S)
    c.loop_stop()
    c.disconnect()


def test_forged_acks_and_nearby_stock_are_dropped_and_counted(
    tmp_path: Path, broker: Broker, node: NodeFactory
) -> None:
    h = Hub(hub_settings(tmp_path / "hub", broker.url))  # its key exists; it is not running
    a = node("S001")
    ctx = ctx_of(a)
    wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"])
    sell(ctx, "DAI-011-11")
    assert depth(ctx) > 0
    written = depth(ctx)
    topics = Topics()
    stranger = Ed25519PrivateKey.generate()
    forged_ack = Ack(store_id="S001", acked_seq=written)
    level = {"store_id": "S002", "sku": "DAI-011-11", "on_hand": 999, "reserved": 0,
             "as_of": "2026-11-29T08:00:00+00:00"}  # fmt: skip
    forged_nearby = NearbyStock(levels=[level], stores=[{"store_id": "S002", "name": "Fake"}])
    for msg, topic in ((forged_ack, topics.acks("S001")), (forged_nearby, topics.nearby("S001"))):
        _inject(broker, topic, protocol.encode(msg))  # unsigned
        _inject(broker, topic, protocol.encode(msg.signed(stranger)))  # not the hub's key
    agent = agent_for(ctx)
    assert agent is not None
    wait_for(lambda: agent.rejected["unsigned message"] + agent.rejected["bad signature"] == 4)
    assert agent.rejected == {"unsigned message": 2, "bad signature": 2}
    with ctx.db.read() as conn:
        assert outbox.acked_seq(conn) == 0
        assert conn.execute("SELECT count(*) FROM nearby_stock").fetchone()[0] == 0
    assert depth(ctx) == written
    metrics = a.get("/metrics").text
    assert 'store_edge_sync_rejected_messages_total{reason="bad signature"} 2.0' in metrics

    with TestClient(create_hub_app(h)):  # the real hub: its signed ack empties the outbox
        wait_for(lambda: depth(ctx) == 0)
