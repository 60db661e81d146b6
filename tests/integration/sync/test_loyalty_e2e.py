"""Issue 15 end to end, with a real broker, a hub served over HTTP and three stores: a card
sale at A earns at the hub; B's till looks the customer up and sees A's sale and an online
order; C sells to a card while cut off and the points arrive once after reconnect, also when
its batches are delivered twice; a return at B of A's sale takes the points back; offline
redemptions over the daily limit are refused at the till, and two offline stores spending the
same points leave a flagged overdraft at the hub; erasure reaches the store that cached her."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from sync.hub.service import Hub
from sync.hub.tokens import Scope
from sync.protocol import Topics
from tests.conftest import login
from tests.integration.sync.brokers import Broker, free_port
from tests.integration.sync.conftest import bearer, hub_token
from tests.integration.sync.test_loyalty_till import (
    CARD,
    NEVER_SEEN_CARD,
    SKU,
    _has_rules,
    _node,
    _points,
    _sell_to,
    _try_redeem,
    crm,  # noqa: F401  (fixture)
)
from tests.waiting import wait_until

RULES = {"redeem_points": 10, "redeem_value": 100, "offline_redeem_daily_limit": 20}


class Recorder:
    """Every batch store C publishes, to deliver them all a second time."""

    def __init__(self, broker: Broker, store: str) -> None:
        self.payloads: list[bytes] = []
        self.topic = Topics().events(store)
        ready = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
        self.client.on_message = lambda _c, _u, msg: self.payloads.append(bytes(msg.payload))
        self.client.on_subscribe = lambda *a: ready.set()
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()
        self.client.subscribe(self.topic, qos=1)
        assert ready.wait(30)

    def replay(self) -> int:
        for payload in list(self.payloads):
            self.client.publish(self.topic, payload, qos=1).wait_for_publish(30)
        return len(self.payloads)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def _duplicates(hub: Hub, store: str) -> int:
    return next(int(s["duplicates"]) for s in hub.stores() if s["store_id"] == store)


def test_one_customer_across_a_hub_and_three_stores(
    crm: tuple[Hub, str],  # noqa: F811
    broker: Broker,
    tmp_path: Path,
) -> None:
    h, url = crm
    dead = f"http://127.0.0.1:{free_port()}"
    office = bearer(hub_token(h, Scope.READ, Scope.ORDERS, Scope.CRM))

    def history(customer_id: str) -> list[dict[str, object]]:
        r = httpx.get(f"{url}/api/v1/customers/{customer_id}/history", headers=office)
        return list(r.json()["items"])

    # A: a card sale earns at the hub (44.90 zł at 2 points per złoty).
    with _node(tmp_path, broker, "A", url, h, **RULES) as a:
        auth = login(a)
        wait_until(lambda: _has_rules(a), what="the rules at A")
        sold_at_a = _sell_to(a, auth, {"card": CARD}, qty=10)
        wait_until(lambda: _points(h, url, "C-ANNA") == 89, what="A's sale earning 89")
    order = {"store_id": "A", "lines": [{"sku": SKU, "qty": 1}], "customer_id": "C-ANNA",
             "customer": {"name": "Anna", "phone": "+48600100200"}}  # fmt: skip
    assert httpx.post(f"{url}/api/v1/orders", json=order, headers=office).status_code == 201

    # B: the till looks her up and sees A's sale and the online order.
    with _node(tmp_path, broker, "B", url, h, **RULES) as b:
        auth = login(b)
        found = b.get("/api/v1/customers/lookup", params={"card": CARD}, headers=auth).json()
        assert found["source"] == "hub" and found["customer"]["points"] == 89
        kinds = {(i["kind"], i.get("store_id")) for i in found["history"]}
        assert {("sale", "A"), ("order", "A")} <= kinds
        # A return at B of half of A's sale takes back half its points.
        body = {"receipt_no": sold_at_a["receipt_no"],
                "lines": [{"sku": SKU, "qty": 5, "reason": "changed_mind",
                           "disposition": "restock"}]}  # fmt: skip
        r = b.post("/api/v1/returns", json=body, headers=auth)
        assert r.status_code == 201, r.text
        wait_until(lambda: _points(h, url, "C-ANNA") == 89 - 44, what="the return at B")

    # C: cut off from the hub, sells to Bolek's card; his points arrive once after reconnect,
    # and once only when every batch of C is delivered a second time.
    recorder = Recorder(broker, "C")
    try:
        with _node(tmp_path, broker, "C", dead, h, **RULES) as c:
            auth = login(c)
            wait_until(lambda: _has_rules(c), what="the rules at C")
            broker.stop()
            _sell_to(c, auth, {"card": NEVER_SEEN_CARD})  # 8.98 zł: 17 points
            assert _points(h, url, "C-BOLEK") == 0
            broker.start()
            recorder.client.reconnect()
            wait_until(lambda: _points(h, url, "C-BOLEK") == 17, what="C's points after reconnect")
            wait_until(lambda: c.get("/api/v1/sync/status").json()["outbox_depth"] == 0)
        before = _duplicates(h, "C")
        assert recorder.replay() >= 1
        wait_until(lambda: _duplicates(h, "C") > before, what="C's batches delivered again")
        assert _points(h, url, "C-BOLEK") == 17
    finally:
        recorder.close()

    # Offline, B lets Bolek spend 10 of his 17 points and C 20 (each within its 20 a day); a
    # further 10 at C is refused at the till; the hub records both and flags the overdraft.
    for store, points in (("B", 10), ("C", 20)):
        with _node(tmp_path, broker, store, dead, h, **RULES) as s:
            auth = login(s)
            sale = _sell_to(s, auth, {"card": NEVER_SEEN_CARD}, qty=1, redeem=points)
            assert sale["customer"]["points_redeemed"] == points
            if store == "C":
                refused = _try_redeem(s, auth, NEVER_SEEN_CARD, 10)
                assert refused.status_code == 409 and refused.json()["redeemed_today"] == 20
            wait_until(lambda: s.get("/api/v1/sync/status").json()["outbox_depth"] == 0)
    # 17 − 10 + 6 earned on 3.49 zł paid at B (13), − 20 at C (−7: the overdraft) + 4 earned.
    wait_until(lambda: _points(h, url, "C-BOLEK") == -3, what="both redemptions at the hub")
    flagged = [(i["store_id"], i["overdraft"]) for i in history("C-BOLEK") if i.get("overdraft")]
    assert flagged == [("C", 7)]
    bolek = httpx.get(f"{url}/api/v1/customers/C-BOLEK", headers=office).json()
    assert bolek["overdraft"] == 3

    # Erasure: gone at the hub and at B, which cached her at its lookup.
    r = httpx.post(f"{url}/api/v1/customers/C-ANNA/erase", headers=office)
    assert r.status_code == 200 and "B" in r.json()["stores"], r.text
    assert httpx.get(f"{url}/api/v1/customers/C-ANNA", headers=office).status_code == 404
    with _node(tmp_path, broker, "B", dead, h, **RULES) as b:
        ctx = b.app.state.ctx  # type: ignore[attr-defined]

        def cached() -> int:
            with ctx.db.read() as conn:
                return int(
                    conn.execute(
                        "SELECT count(*) FROM customers_cache WHERE customer_id = 'C-ANNA'"
                    ).fetchone()[0]
                )

        wait_until(lambda: cached() == 0, what="Anna erased at B")
