"""deploy/mosquitto/acl on a real Mosquitto: a store reaches only its own topics, and the
protocol works within those rights."""

from __future__ import annotations

import contextlib
import threading
import uuid
from pathlib import Path

import paho.mqtt.client as paho
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion

from edge.app import create_app
from edge.config import Settings
from edge.node import load_settings
from sync.agent import agent_for
from sync.hub.service import Hub
from tests.integration.sync.brokers import Broker, acl_broker, wait_for
from tests.integration.sync.conftest import FAST_SYNC, ctx_of, depth, hub_client, hub_settings, sell
from tests.waiting import TIMEOUT_S

ACL = Path(__file__).parents[3] / "deploy" / "mosquitto" / "acl"
USERS = {"hub": "hub-secret", "A": "a-secret", "B": "b-secret"}


def _acl_broker(tmp_path: Path) -> Broker:
    return acl_broker(tmp_path, USERS)


def _client(broker: Broker, user: str, client_id: str | None = None) -> paho.Client:
    c = paho.Client(
        CallbackAPIVersion.VERSION2, client_id=client_id or f"{user}-{uuid.uuid4().hex[:6]}",
        protocol=paho.MQTTv5,
    )  # fmt: skip
    c.username_pw_set(user, USERS[user])
    up = threading.Event()
    c.on_connect = lambda *args: up.set()
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    assert up.wait(TIMEOUT_S), f"{user} could not connect"
    return c


def _subscribe(c: paho.Client, *topics: str) -> None:
    """Subscribes and returns once the broker has answered (granted or not)."""
    answered = threading.Event()
    c.on_subscribe = lambda *args: answered.set()
    c.subscribe([(t, 1) for t in topics])
    assert answered.wait(TIMEOUT_S), f"no SUBACK for {topics}"


def test_a_store_cannot_publish_or_listen_in_another_stores_topics(tmp_path: Path) -> None:
    broker = _acl_broker(tmp_path)
    try:
        got: list[str] = []
        hub = _client(broker, "hub")
        hub.on_message = lambda c, u, m: got.append(m.topic)
        _subscribe(hub, "retail/v1/stores/+/events")
        for topic in (
            "retail/v1/stores/B/events",
            "retail/v1/stores/B/status",
            "retail/v1/catalog/changes",
        ):
            # A refused QoS 1 publish is not delivered (Mosquitto may also drop the client).
            intruder = _client(broker, "A")
            with contextlib.suppress(RuntimeError):
                intruder.publish(topic, b'{"v":1}', qos=1).wait_for_publish(TIMEOUT_S)
            intruder.loop_stop()
            intruder.disconnect()
        a = _client(broker, "A")
        a.publish("retail/v1/stores/A/events", b'{"v":1}', qos=1).wait_for_publish(TIMEOUT_S)
        wait_for(lambda: "retail/v1/stores/A/events" in got)
        assert got == ["retail/v1/stores/A/events"]

        # Mosquitto grants the subscription but checks read rights on delivery: what the hub
        # sends to B reaches B and never A.
        heard: dict[str, list[str]] = {"A": [], "B": []}
        b = _client(broker, "B")
        for name, c in (("A", a), ("B", b)):
            c.on_message = lambda c, u, m, name=name: heard[name].append(m.topic)
            _subscribe(c, "retail/v1/stores/B/commands", f"retail/v1/stores/{name}/commands")
        for to in ("B", "A"):
            sent = hub.publish(f"retail/v1/stores/{to}/commands", b'{"v":1}', qos=1)
            sent.wait_for_publish(TIMEOUT_S)
        # A hears its own command after B's (one publisher, delivered in order): had B's reached
        # A, it would be there by now.
        wait_for(lambda: heard["A"] and heard["B"])
        assert heard == {"A": ["retail/v1/stores/A/commands"], "B": ["retail/v1/stores/B/commands"]}
        b.loop_stop()
        b.disconnect()
        for c in (a, hub):
            c.loop_stop()
            c.disconnect()
    finally:
        broker.stop()


def _stop(*clients: paho.Client) -> None:
    for c in clients:
        c.loop_stop()
        c.disconnect()


def test_a_store_cannot_take_another_clients_id(tmp_path: Path) -> None:
    broker = _acl_broker(tmp_path)
    try:
        dropped: list[str] = []
        heard: list[bytes] = []
        b = _client(broker, "B", client_id="edge-B")  # the node's default client id
        hub = _client(broker, "hub", client_id="hub")
        for name, c in (("B", b), ("hub", hub)):
            c.on_disconnect = lambda *args, name=name: dropped.append(name)
        b.on_message = lambda c, u, m: heard.append(m.payload)
        _subscribe(b, "retail/v1/stores/B/commands")
        # A's credentials asking for B's and the hub's client ids: had either been granted,
        # Mosquitto would have disconnected the holder before answering the intruder.
        intruders = [_client(broker, "A", client_id=cid) for cid in ("edge-B", "hub")]
        hub.publish("retail/v1/stores/B/commands", b"still here", qos=1).wait_for_publish(TIMEOUT_S)
        wait_for(lambda: heard)
        assert heard == [b"still here"] and dropped == []
        _stop(b, hub, *intruders)
    finally:
        broker.stop()


def test_a_store_cannot_publish_what_only_the_hub_sends(tmp_path: Path) -> None:
    broker = _acl_broker(tmp_path)
    try:
        hub_only = ("acks", "nearby", "commands", "catalog")
        heard: dict[str, list[str]] = {"A": [], "B": []}
        a, b = _client(broker, "A"), _client(broker, "B")
        hub = _client(broker, "hub")
        for name, c in (("A", a), ("B", b)):
            c.on_message = lambda c, u, m, name=name: heard[name].append(m.topic)
            _subscribe(c, *(f"retail/v1/stores/{name}/{leaf}" for leaf in hub_only))
        for store in ("A", "B"):  # its own downstream topics and another store's
            for leaf in hub_only:
                with contextlib.suppress(RuntimeError):
                    sent = a.publish(f"retail/v1/stores/{store}/{leaf}", b'{"v":1}', qos=1)
                    sent.wait_for_publish(TIMEOUT_S)
        for store in ("A", "B"):  # one publisher after A's forgeries, delivered in order
            sent = hub.publish(f"retail/v1/stores/{store}/acks", b'{"v":1}', qos=1)
            sent.wait_for_publish(TIMEOUT_S)
        wait_for(lambda: heard["A"] and heard["B"])
        assert heard == {"A": ["retail/v1/stores/A/acks"], "B": ["retail/v1/stores/B/acks"]}
        _stop(a, b, hub)
    finally:
        broker.stop()


def test_replication_works_with_per_store_credentials(tmp_path: Path) -> None:
    """Every leaf of the protocol within the deployed ACL: events up and signed acks down
    (A's outbox empties), the catalogue, and signed nearby stock from A reaching B."""
    broker = _acl_broker(tmp_path)
    try:
        url = f"mqtt://hub:{USERS['hub']}@127.0.0.1:{broker.port}"
        h = Hub(hub_settings(tmp_path / "hub", url))

        def node(store: str) -> Settings:
            return load_settings(
                None,
                {
                    "data_dir": tmp_path / store,
                    "store": {"id": store},
                    "broker": {"url": broker.url, "username": store, "password": USERS[store],
                               "hub_key": tmp_path / "hub" / "hub.pub"},
                    "sync": FAST_SYNC,
                },
            )  # fmt: skip

        with (
            hub_client(h),
            TestClient(create_app(node("A"), ui=False)) as a,
            TestClient(create_app(node("B"), ui=False)) as b,
        ):
            wait_for(lambda: a.get("/api/v1/sync/status").json()["catalogue_version"] == 1)
            sell(ctx_of(a), "DAI-011-11")
            wait_for(lambda: depth(ctx_of(a)) == 0)

            def heard_of_a() -> int:
                with ctx_of(b).db.read() as conn:
                    q = "SELECT count(*) FROM nearby_stock WHERE store_id = 'A'"
                    return int(conn.execute(q).fetchone()[0])

            wait_for(heard_of_a)
            assert not agent_for(ctx_of(b)).rejected  # type: ignore[union-attr]
    finally:
        broker.stop()
