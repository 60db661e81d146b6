"""A store's kiosk order is a request; the hub decides (real Mosquitto, hub and nodes): it takes
the store from the topic, prices the order, never makes it prepaid, makes its own pickup code,
and answers with a signed `order.create` or `order.refused` that the kiosk shows."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from fastapi.testclient import TestClient
from paho.mqtt.enums import CallbackAPIVersion

from edge.app import create_app
from edge.domain.tenders import Tender
from edge.services import kiosk_orders, pickup_collection, pickups
from edge.signing import check_pickup_code
from sync import protocol
from sync.hub.service import Hub
from sync.hub.store import catalogue as hub_catalogue
from sync.protocol import EventBatch, EventRecord, Topics
from tests.integration.sync.brokers import Broker, acl_broker, wait_for
from tests.integration.sync.conftest import (
    CASHIER,
    NodeFactory,
    ctx_of,
    hub_client,
    hub_of,
    hub_settings,
    settings_for_node,
)

BREAD = "BAK-001-11"  # 5,49 zł
SHOPPER = {"name": "Jan Kowalski", "phone": "+48 600 200 300"}
USERS = {"hub": "hub-secret", "S001": "s1-secret", "S002": "s2-secret"}


def _status(client: TestClient, number: str) -> kiosk_orders.Status:
    return kiosk_orders.order_status(ctx_of(client), number)


def test_a_confirmed_kiosk_order_shows_the_hubs_pickup_code_which_collects_it(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("S001")
    wait_for(lambda: a.get("/api/v1/sync/status").json()["connected"])
    ctx = ctx_of(a)
    made = kiosk_orders.request_order(ctx, [(BREAD, 2)], SHOPPER, True)
    assert _status(a, made.number).status == "requested"
    seen = wait_for(lambda: (s := _status(a, made.number)).pickup_code and s, timeout=30)
    assert seen.status == "received" and seen.order_id
    with hub_of(hub).db.read() as conn:
        row = conn.execute(
            "SELECT store_id, prepaid, total FROM hub_orders WHERE request_id = ?",
            [made.request_id],
        ).fetchone()
    assert (row["store_id"], row["prepaid"], row["total"]) == ("S001", 0, 2 * 549)
    order = pickups.get_order(ctx, seen.order_id)
    assert check_pickup_code(seen.pickup_code, order.pickup_code_hash)
    pickups.mark_ready(ctx, CASHIER, order.order_id, "P-1")
    done = pickup_collection.collect(
        ctx, CASHIER, order.order_id, seen.pickup_code, tenders=[Tender("cash", 2 * 549)]
    )
    assert done.order.status == "collected" and done.sale is not None
    assert _status(a, made.number).pickup_code is None  # over: the code is no longer shown


def test_a_kiosk_order_the_hub_refuses_comes_back_refused_with_its_reason(
    tmp_path: Path, broker: Broker
) -> None:
    h = Hub(hub_settings(tmp_path / "hub", broker.url))
    with (
        hub_client(h),
        TestClient(create_app(settings_for_node(tmp_path, "S001", broker.url), ui=False)) as a,
    ):
        wait_for(lambda: a.get("/api/v1/sync/status").json()["catalogue_version"] == 1)
        broker.stop()  # the store is cut off; meanwhile the hub withdraws the bread
        with h.db.read() as conn:
            bread = hub_catalogue.get(conn, BREAD)
        assert bread is not None
        h.import_products([replace(bread, active=False)])
        made = kiosk_orders.request_order(ctx_of(a), [(BREAD, 1)], SHOPPER, True)
        broker.start()  # back: the request reaches the hub, which refuses it
        seen = wait_for(lambda: (s := _status(a, made.number)).status == "rejected" and s, 60)
        assert seen.reason == "withdrawn" and BREAD in (seen.detail or "")
        with h.db.read() as conn:
            assert conn.execute("SELECT count(*) FROM hub_orders").fetchone()[0] == 0


# --- a store forging a request for another store -------------------------------------------------


def _publish_as(broker: Broker, user: str, topic: str, payload: bytes) -> None:
    c = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"{user}-x-{uuid.uuid4().hex[:6]}",
                    protocol=paho.MQTTv5)  # fmt: skip
    c.username_pw_set(user, USERS[user])
    up = threading.Event()
    c.on_connect = lambda *args: up.set()
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    try:
        assert up.wait(5), f"{user} could not connect"
        c.publish(topic, payload, qos=1).wait_for_publish(5)
    except RuntimeError:
        pass  # the broker may drop a client that publishes where it may not
    finally:
        c.loop_stop()
        c.disconnect()


def _forged(store_in_payload: str, batch_store: str = "S001") -> bytes:
    data: dict[str, Any] = {
        "request_id": str(uuid.uuid4()),
        "store_id": store_in_payload,
        "lines": [{"sku": BREAD, "qty": 3}],
        "customer": SHOPPER,
        "consent": True,
        "prepaid": True,
        "pickup_code_hash": "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$chosen-by-the-attacker",
        "unit_price": 1,
    }
    event = EventRecord(seq=1, id=str(uuid.uuid4()), type="order.requested",
                        at="2026-11-23T10:00:00+00:00", data=data)  # fmt: skip
    return protocol.encode(EventBatch(store_id=batch_store, events=[event]))


def test_a_store_cannot_make_a_prepaid_order_at_another_store(tmp_path: Path) -> None:
    broker = acl_broker(tmp_path, USERS)
    try:
        hub_url = f"mqtt://hub:{USERS['hub']}@127.0.0.1:{broker.port}"
        h = Hub(hub_settings(tmp_path / "hub", hub_url))
        s2 = settings_for_node(tmp_path, "S002", broker.url)
        s2.broker.username, s2.broker.password = "S002", USERS["S002"]
        with hub_client(h), TestClient(create_app(s2, ui=False)) as victim:
            wait_for(lambda: victim.get("/api/v1/sync/status").json()["connected"])
            topics = Topics()
            # S001's own credentials: on another store's topic (the ACL refuses), a batch
            # claiming to be another store's (the hub refuses), then a request in its own
            # stream claiming S002, prepaid, with a pickup code of its choosing.
            _publish_as(broker, "S001", topics.events("S002"), _forged("S002", "S002"))
            _publish_as(broker, "S001", topics.events("S001"), _forged("S002", "S002"))
            _publish_as(broker, "S001", topics.events("S001"), _forged("S002"))

            def applied() -> Any:
                with h.db.read() as conn:
                    return conn.execute(
                        "SELECT applied_seq FROM hub_stores WHERE store_id = 'S001'"
                    ).fetchone()

            wait_for(lambda: (row := applied()) is not None and row[0] == 1, timeout=30)
            with h.db.read() as conn:
                orders = conn.execute("SELECT order_id, store_id, prepaid FROM hub_orders")
                orders = [tuple(r) for r in orders]
                envelopes = [r[0] for r in conn.execute("SELECT envelope FROM hub_commands")]
            # The request became, at most, an unpaid order at the store that sent it.
            assert all(store == "S001" and prepaid == 0 for _, store, prepaid in orders), orders
            assert not any("chosen-by-the-attacker" in e for e in envelopes)
            assert all('"store_id":"S002"' not in e for e in envelopes)
            with ctx_of(victim).db.read() as conn:
                assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
            assert h.rejected, "the batch claiming another store was refused and counted"
    finally:
        broker.stop()
