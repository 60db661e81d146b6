"""A sale over HTTP against a node on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3

from fastapi.testclient import TestClient

from edge.config import Settings
from edge.domain.barcodes import with_check_digit
from tests.conftest import login

API = "/api/v1"


def product_with_barcode(client: TestClient, q: str = "mleko") -> dict:
    items = client.get(f"{API}/products", params={"q": q}).json()["items"]
    return next(p for p in items if p["barcodes"] and p["unit"] == "pcs")


def weighed_product(client: TestClient) -> dict:
    for q in ("szynka", "ser", "jabłka", "kg"):
        for p in client.get(f"{API}/products", params={"q": q}).json()["items"]:
            if p["unit"] == "kg" and any(b.startswith("2") for b in p["barcodes"]):
                return p
    raise AssertionError("the demo catalogue has no weighed goods")


def test_full_sale_over_http_is_on_disk_with_movements_and_outbox_event(
    client: TestClient, settings: Settings
) -> None:
    auth = login(client)
    milk, ham = product_with_barcode(client), weighed_product(client)
    basket = client.post(f"{API}/baskets", headers=auth).json()
    bid = basket["id"]
    assert (
        client.post(
            f"{API}/baskets/{bid}/lines", headers=auth, json={"code": milk["barcodes"][0], "qty": 2}
        ).status_code
        == 201
    )
    label = ham["barcodes"][0]
    weighed = with_check_digit(label[:7] + "01250")  # 1.250 kg on the scale's label
    r = client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"code": weighed})
    assert r.status_code == 201, r.text
    b = client.get(f"{API}/baskets/{bid}", headers=auth).json()
    expected = 2 * milk["price"] + (ham["price"] * 1250 + 500) // 1000
    assert b["total"] == expected and b["currency"] == "PLN"
    assert sum(v["gross"] for v in b["vat"]) == b["total"]

    r = client.post(
        f"{API}/baskets/{bid}/checkout",
        headers={**auth, "Idempotency-Key": "k-1"},
        json={"tenders": [{"type": "cash", "amount": expected + 1000}]},
    )
    assert r.status_code == 201, r.text
    sale = r.json()
    assert sale["receipt_no"] == "S001-01-000001"
    assert sale["total"] == expected and sale["change"] == 1000

    with sqlite3.connect(settings.db_path) as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM sale_lines WHERE receipt_no = ?", [sale["receipt_no"]]
            ).fetchone()[0]
            == 2
        )
        moves = conn.execute(
            "SELECT sku, kind, qty FROM stock_movements WHERE ref = ?", [sale["receipt_no"]]
        ).fetchall()
        assert sorted(moves) == sorted([(milk["sku"], "sale", 2), (ham["sku"], "sale", 1250)])
        events = [
            json.loads(d)
            for (d,) in conn.execute("SELECT data FROM outbox WHERE type = 'sale.completed'")
        ]
        assert [e["receipt_no"] for e in events] == [sale["receipt_no"]]
        assert {s["sku"] for s in events[0]["stock"]} == {milk["sku"], ham["sku"]}

    assert client.get(f"{API}/sales/{sale['receipt_no']}", headers=auth).json()["total"] == expected
    # the basket is closed: no more lines
    r = client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": milk["sku"]})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")


def test_retried_checkout_returns_the_first_result_and_sells_once(
    client: TestClient, settings: Settings
) -> None:
    auth = login(client)
    milk = product_with_barcode(client)
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": milk["sku"]})
    body = {"tenders": [{"type": "card", "amount": milk["price"], "reference": "T-77"}]}
    headers = {**auth, "Idempotency-Key": "retry-me"}
    first = client.post(f"{API}/baskets/{bid}/checkout", headers=headers, json=body)
    again = client.post(f"{API}/baskets/{bid}/checkout", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    with sqlite3.connect(settings.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 1
        assert (
            conn.execute("SELECT count(*) FROM outbox WHERE type = 'sale.completed'").fetchone()[0]
            == 1
        )
        assert (
            conn.execute("SELECT sum(qty) FROM stock_movements WHERE kind = 'sale'").fetchone()[0]
            == 1
        )


def test_bad_input_is_a_problem_and_changes_nothing(client: TestClient, settings: Settings) -> None:
    auth = login(client)
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    cases = [
        ("post", f"{API}/baskets/{bid}/lines", {"code": "5901234123458"}, auth, 422),
        ("post", f"{API}/baskets/{bid}/lines", {"code": "0000000000000"}, auth, 404),
        ("post", f"{API}/baskets/{bid}/lines", {"code": "x", "sku": "y"}, auth, 422),
        ("post", f"{API}/baskets/{bid}/lines", {"sku": "NOPE", "qty": -1}, auth, 422),
        ("post", f"{API}/baskets/nope/lines", {"sku": "X"}, auth, 404),
        ("post", f"{API}/baskets/{bid}/lines", {"sku": "X"}, {}, 401),
        ("post", f"{API}/baskets/{bid}/checkout", {"tenders": []}, auth, 409),
        (
            "post",
            f"{API}/baskets/{bid}/checkout",
            {"tenders": [{"type": "cheque", "amount": 1}]},
            auth,
            422,
        ),
        ("post", f"{API}/sessions", {"username": "cashier", "pin": "0000"}, {}, 401),
        ("get", f"{API}/products/NOPE", None, {}, 404),
        ("get", f"{API}/lookup/12345", None, {}, 422),
    ]
    for method, url, body, headers, status in cases:
        r = client.request(method, url, json=body, headers=headers)
        assert r.status_code == status, (url, body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["status"] == status and r.json()["title"]
    r = client.post(f"{API}/baskets/{bid}/lines", headers=auth, content=b"{not json")
    assert r.status_code == 422
    with sqlite3.connect(settings.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM basket_lines").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 0


def test_kiosk_reads_need_no_token_and_pos_writes_do(client: TestClient) -> None:
    milk = product_with_barcode(client)
    assert client.get(f"{API}/products/{milk['sku']}").status_code == 200
    r = client.get(f"{API}/lookup/{milk['barcodes'][0]}")
    assert r.status_code == 200 and milk["sku"] in r.text
    a = client.get(f"{API}/availability/{milk['sku']}").json()
    assert set(a) >= {"sku", "here", "nearby"}
    assert set(a["here"]) >= {"on_hand", "reserved", "available"}
    assert client.post(f"{API}/baskets").status_code == 401


def test_wrong_pins_lock_the_account(client: TestClient) -> None:
    statuses = [
        client.post(f"{API}/sessions", json={"username": "cashier", "pin": "9999"}).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 423]
    r = client.post(f"{API}/sessions", json={"username": "cashier", "pin": "1234"})
    assert r.status_code == 423 and "locked" in r.json()["detail"]
    # the supervisor's account is not affected
    assert (
        client.post(f"{API}/sessions", json={"username": "supervisor", "pin": "4321"}).status_code
        == 201
    )
