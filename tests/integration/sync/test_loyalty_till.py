"""Customers at the till, with a real broker, a hub served over HTTP and nodes: a card sale
earns at the hub once; the node answers lookups from the hub, or from the customers seen there
(with their age) when the hub cannot answer; a card sold to offline earns once it arrives."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from sync.hub.service import Hub
from sync.hub.tokens import Scope
from tests.conftest import login
from tests.integration.sync.brokers import Broker, free_port
from tests.integration.sync.conftest import FAST_SYNC, OFFICE, bearer, hub_settings, hub_token
from tests.integration.sync.hub_server import serving
from tests.waiting import wait_until

CARD = "2900000000018"
NEVER_SEEN_CARD = "2900000000025"
ANNA = {"customer_id": "C-ANNA", "card": CARD, "phone": "600100200", "name": "Anna",
        "consents": {"marketing": False, "history": True}}  # fmt: skip
BOLEK = {"customer_id": "C-BOLEK", "card": NEVER_SEEN_CARD, "name": "Bolek"}
SKU = "DAI-011-11"  # 4.49 zł in the demo catalogue, no promotion


@pytest.fixture
def crm(tmp_path: Path, broker: Broker) -> Iterator[tuple[Hub, str]]:
    hub = Hub(hub_settings(tmp_path / "hub", broker.url))
    with serving(hub) as url:
        office = {**bearer(hub_token(hub, *OFFICE)), "content-type": "application/x-ndjson"}
        rows = "\n".join(json.dumps(r) for r in (ANNA, BOLEK))
        r = httpx.post(f"{url}/api/v1/customers/import", content=rows, headers=office)
        assert r.status_code == 200, r.text
        rule = json.dumps({"type": "loyalty_rule", "id": "base", "points_per_zl": 2})
        r = httpx.post(f"{url}/api/v1/catalog/import", content=rule, headers=office)
        assert r.status_code == 200, r.text
        yield hub, url


def _office(hub: Hub) -> dict[str, str]:
    return bearer(hub_token(hub, Scope.READ))


def _node(
    tmp_path: Path, broker: Broker, store_id: str, hub_url: str, hub: Hub, **loyalty: int
) -> TestClient:
    token = hub_token(hub, Scope.STORE, store=store_id)
    settings = load_settings(
        None,
        {
            "data_dir": tmp_path / store_id,
            "store": {"id": store_id},
            "broker": {"url": broker.url, "hub_key": tmp_path / "hub" / "hub.pub"},
            "sync": FAST_SYNC,
            "hub": {"url": hub_url, "timeout_s": 2.0, "token": token},
            "loyalty": loyalty,
        },
    )
    return TestClient(create_app(settings, ui=False))


def _points(hub: Hub, url: str, customer_id: str) -> int:
    r = httpx.get(f"{url}/api/v1/customers/{customer_id}", headers=_office(hub))
    return int(r.json()["points"])


def _has_rules(client: TestClient) -> bool:
    status = client.get("/api/v1/sync/status").json()
    return int(status["catalogue_version"]) >= 2


def _sell_to(
    client: TestClient, auth: dict[str, str], who: dict[str, str], qty: int = 2, redeem: int = 0
) -> dict[str, Any]:
    basket = client.post("/api/v1/baskets", headers=auth).json()
    r = client.post(f"/api/v1/baskets/{basket['id']}/lines", json={"sku": SKU, "qty": qty},
                    headers=auth)  # fmt: skip
    assert r.status_code == 201, r.text
    attached = client.post(f"/api/v1/baskets/{basket['id']}/customer", json=who, headers=auth)
    assert attached.status_code == 200, attached.text
    total = client.get(f"/api/v1/baskets/{basket['id']}", headers=auth).json()["total"]
    if redeem:
        r = client.post(f"/api/v1/baskets/{basket['id']}/redeem", json={"points": redeem},
                        headers=auth)  # fmt: skip
        assert r.status_code == 200, r.text
        total = r.json()["total"]
    paid = client.post(
        f"/api/v1/baskets/{basket['id']}/checkout",
        headers=auth,
        json={"tenders": [{"type": "card", "amount": total, "reference": "T"}]},
    )
    assert paid.status_code == 201, paid.text
    return {"attached": attached.json()["customer"], **paid.json()}  # fmt: skip


def test_a_card_sale_earns_once_at_the_hub_and_the_till_sees_it(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, url = crm
    with _node(tmp_path, broker, "A", url, h) as a:
        auth = login(a)
        wait_until(lambda: _has_rules(a), what="the loyalty rules at store A")
        basket = a.post("/api/v1/baskets", headers=auth).json()["id"]
        shown = a.get(f"/api/v1/baskets/{basket}/customer", headers=auth).json()
        assert (shown["customer"], shown["points_to_earn"]) == (None, 0)
        a.post(f"/api/v1/baskets/{basket}/lines", json={"sku": SKU, "qty": 2}, headers=auth)
        a.post(f"/api/v1/baskets/{basket}/customer", json={"card": CARD}, headers=auth)
        shown = a.get(f"/api/v1/baskets/{basket}/customer", headers=auth).json()
        assert shown["customer"]["id"] == "C-ANNA" and shown["points_to_earn"] == 17
        sale = _sell_to(a, auth, {"card": CARD})
        assert sale["attached"]["id"] == "C-ANNA" and sale["attached"]["source"] == "hub"
        # 2 × 4.49 zł = 8.98 zł at 2 points per złoty: 17 points (whole points, rounded down)
        assert sale["customer"]["id"] == "C-ANNA"
        assert (sale["customer"]["points_earned"], sale["customer"]["points_balance"]) == (17, 17)
        wait_until(lambda: _points(h, url, "C-ANNA") == 17, what="Anna's points at the hub")
        history = httpx.get(f"{url}/api/v1/customers/C-ANNA/history", headers=_office(h))
        history = history.json()["items"]
        assert {(i["kind"], i.get("store_id")) for i in history} == {("sale", "A"), ("points", "A")}

        found = a.get("/api/v1/customers/lookup", params={"phone": "600-100-200"}, headers=auth)
        assert found.status_code == 200, found.text
        body = found.json()
        assert body["source"] == "hub" and body["customer"]["points"] == 17
        assert [i["kind"] for i in body["history"]][:1] in (["sale"], ["points"])


def test_offline_the_node_answers_from_the_customers_it_has_seen_with_their_age(
    broker: Broker, tmp_path: Path, crm: tuple[Hub, str]
) -> None:
    h, url = crm
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: the hub is unreachable
    with _node(tmp_path, broker, "B", url, h) as b:
        auth = login(b)
        assert (
            b.get("/api/v1/customers/lookup", params={"card": CARD}, headers=auth).json()["source"]
            == "hub"
        )
    with _node(tmp_path, broker, "B", dead, h) as b:
        auth = login(b)
        r = b.get("/api/v1/customers/lookup", params={"card": CARD}, headers=auth)
        assert r.status_code == 200, r.text
        assert r.json()["source"] == "cache" and r.json()["age_s"] >= 0
        assert r.json()["customer"]["customer_id"] == "C-ANNA"
        # Bolek was never seen here: not known offline (and never the whole customer base).
        r = b.get("/api/v1/customers/lookup", params={"card": NEVER_SEEN_CARD}, headers=auth)
        assert r.status_code == 503 and r.json()["code"] == "hub-unavailable"
        # A phone nobody here has seen cannot be attached offline; a card can.
        basket = b.post("/api/v1/baskets", headers=auth).json()
        r = b.post(f"/api/v1/baskets/{basket['id']}/customer", json={"phone": "601000000"},
                   headers=auth)  # fmt: skip
        assert r.status_code == 503


def test_a_card_sold_to_offline_earns_once_when_the_event_arrives(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, url = crm
    dead = f"http://127.0.0.1:{free_port()}"
    with _node(tmp_path, broker, "C", dead, h) as c:
        auth = login(c)
        wait_until(lambda: _has_rules(c), what="the loyalty rules at store C")
        broker.stop()  # store C is cut off from the hub altogether
        sale = _sell_to(c, auth, {"card": NEVER_SEEN_CARD})
        assert sale["attached"] == {
            "id": None, "card": NEVER_SEEN_CARD, "name": "", "points_balance": None,
            "source": "card", "as_of": None,
        }  # fmt: skip
        assert sale["customer"] == {
            "id": None, "points_earned": 17, "points_redeemed": 0, "points_balance": None,
            "balance_as_of": None,
        }  # fmt: skip
        assert _points(h, url, "C-BOLEK") == 0
        broker.start()
        wait_until(lambda: _points(h, url, "C-BOLEK") == 17, what="Bolek's points after reconnect")
        wait_until(lambda: c.get("/api/v1/sync/status").json()["outbox_depth"] == 0)
    assert _points(h, url, "C-BOLEK") == 17


def test_a_card_under_another_prefix_or_with_a_bad_check_digit_is_refused(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, url = crm
    with _node(tmp_path, broker, "A", url, h) as a:
        auth = login(a)
        basket = a.post("/api/v1/baskets", headers=auth).json()
        for card in ("2900000000015", "5900000000015", "29"):
            r = a.post(f"/api/v1/baskets/{basket['id']}/customer", json={"card": card},
                       headers=auth)  # fmt: skip
            assert r.status_code == 422 and "loyalty card" in r.json()["detail"], r.text


def test_erasure_reaches_the_store_that_holds_the_customer_and_no_other(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, url = crm
    with _node(tmp_path, broker, "A", url, h) as a, _node(tmp_path, broker, "B", url, h) as b:
        auth = login(a)
        wait_until(lambda: _has_rules(a), what="the loyalty rules at store A")
        receipt_no = _sell_to(a, auth, {"card": CARD})["receipt_no"]
        ctx = a.app.state.ctx  # type: ignore[attr-defined]

        def held_at_a() -> tuple[int, int]:
            with ctx.db.read() as conn:
                cached = conn.execute("SELECT count(*) FROM customers_cache").fetchone()[0]
                linked = conn.execute(
                    "SELECT count(*) FROM sale_loyalty WHERE customer_id IS NOT NULL"
                ).fetchone()[0]
            return cached, linked

        assert held_at_a() == (1, 1)
        wait_until(lambda: _points(h, url, "C-ANNA") == 17, what="Anna's points at the hub")
        office = bearer(hub_token(h, Scope.CRM))
        r = httpx.post(f"{url}/api/v1/customers/C-ANNA/erase", headers=office)
        assert r.status_code == 200 and r.json()["stores"] == ["A"], r.text
        wait_until(lambda: held_at_a() == (0, 0), what="Anna erased at store A")
        sale = a.get(f"/api/v1/sales/{receipt_no}", headers=auth)
        assert sale.status_code == 200  # the sale stays, anonymous
        assert b.get("/api/v1/sync/status").status_code == 200
    with h.storage.read() as tx:
        sent = tx.all("SELECT store_id, status FROM hub_commands WHERE type = 'customer.erase'")
    assert [tuple(c) for c in sent] == [("A", "applied")]


def _try_redeem(client: TestClient, auth: dict[str, str], card: str, points: int) -> Any:
    basket = client.post("/api/v1/baskets", headers=auth).json()
    client.post(f"/api/v1/baskets/{basket['id']}/lines", json={"sku": SKU, "qty": 5},
                headers=auth)  # fmt: skip
    client.post(f"/api/v1/baskets/{basket['id']}/customer", json={"card": card}, headers=auth)
    return client.post(f"/api/v1/baskets/{basket['id']}/redeem", json={"points": points},
                       headers=auth)  # fmt: skip


def test_points_are_redeemed_online_by_the_hub_and_offline_within_the_daily_limit(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, url = crm
    rules = {"redeem_points": 10, "redeem_value": 100, "offline_redeem_daily_limit": 20}
    dead = f"http://127.0.0.1:{free_port()}"
    with _node(tmp_path, broker, "A", url, h, **rules) as a:
        auth = login(a)
        wait_until(lambda: _has_rules(a), what="the loyalty rules at store A")
        _sell_to(a, auth, {"card": CARD}, qty=10)  # 44.90 zł: 89 points
        wait_until(lambda: _points(h, url, "C-ANNA") == 89, what="Anna's 89 points")
        assert _try_redeem(a, auth, CARD, 90).status_code == 409  # the hub refuses: over
        sale = _sell_to(a, auth, {"card": CARD}, qty=2, redeem=30)  # 8.98 − 3.00 zł
        assert sale["total"] == 598
        assert (sale["customer"]["points_redeemed"], sale["customer"]["points_earned"]) == (30, 11)
        assert _points(h, url, "C-ANNA") in (59, 70)  # recorded when authorised
        wait_until(lambda: _points(h, url, "C-ANNA") == 70, what="the sale's points")
    with _node(tmp_path, broker, "B", dead, h, **rules) as b:
        auth = login(b)
        wait_until(lambda: _has_rules(b), what="the loyalty rules at store B")
        sale = _sell_to(b, auth, {"card": CARD}, qty=2, redeem=20)
        assert sale["total"] == 698 and sale["customer"]["points_redeemed"] == 20
        refused = _try_redeem(b, auth, CARD, 10)  # over 20 points a day offline here
        assert refused.status_code == 409 and refused.json()["redeemed_today"] == 20
        # The offline redemption reaches the hub with the sale: 70 − 20 + 13 earned on the
        # 6.98 zł paid (points are earned on what is paid, after the reward).
        wait_until(lambda: _points(h, url, "C-ANNA") == 63, what="B's offline redemption")


def test_a_member_price_from_the_hub_applies_once_the_basket_carries_a_card(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, url = crm
    promo = {"type": "promotion", "id": "M-MILK", "sku": SKU, "kind": "price", "value": 399,
             "members_only": True}  # fmt: skip
    office = {**bearer(hub_token(h, Scope.CATALOG)), "content-type": "application/x-ndjson"}
    r = httpx.post(f"{url}/api/v1/catalog/import", content=json.dumps(promo), headers=office)
    assert r.status_code == 200, r.text
    with _node(tmp_path, broker, "A", url, h) as a:
        auth = login(a)
        wait_until(lambda: int(a.get("/api/v1/sync/status").json()["catalogue_version"]) >= 3)
        basket = a.post("/api/v1/baskets", headers=auth).json()
        r = a.post(f"/api/v1/baskets/{basket['id']}/lines", json={"sku": SKU, "qty": 2},
                   headers=auth)  # fmt: skip
        assert r.json()["total"] == 898  # no card: the shelf price
        a.post(f"/api/v1/baskets/{basket['id']}/customer", json={"card": CARD}, headers=auth)
        assert a.get(f"/api/v1/baskets/{basket['id']}", headers=auth).json()["total"] == 798
        paid = a.post(
            f"/api/v1/baskets/{basket['id']}/checkout",
            headers=auth,
            json={"tenders": [{"type": "card", "amount": 798, "reference": "T"}]},
        )
        assert paid.status_code == 201, paid.text  # checkout prices it the same way
        assert paid.json()["total"] == 798 and paid.json()["customer"]["points_earned"] == 15
        assert _sell_to(a, auth, {"phone": "600100200"})["total"] == 798
        plain = a.post("/api/v1/baskets", headers=auth).json()
        r = a.post(f"/api/v1/baskets/{plain['id']}/lines", json={"sku": SKU, "qty": 2},
                   headers=auth)  # fmt: skip
        assert r.json()["total"] == 898


def test_a_hub_that_does_not_answer_is_not_asked_again_at_every_scan(
    crm: tuple[Hub, str], broker: Broker, tmp_path: Path
) -> None:
    h, _ = crm
    silent = socket.socket()  # accepts connections and never answers: a hub behind a dead link
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(silent.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with _node(tmp_path, broker, "D", url, h) as d:
            auth = login(d)
            first = d.get("/api/v1/customers/lookup", params={"card": CARD}, headers=auth)
            assert first.status_code == 503 and "cannot be reached" in first.json()["detail"]
            wait_until(lambda: len(accepted) == 1, what="the hub asked once")
            again = d.get("/api/v1/customers/lookup", params={"card": CARD}, headers=auth)
            assert again.status_code == 503 and "a moment ago" in again.json()["detail"]
            assert len(accepted) == 1  # not asked again
    finally:
        silent.close()
        for conn in accepted:
            conn.close()
