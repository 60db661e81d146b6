"""Approvals are checked on the basket as it will be paid: every change of a line, and checkout."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from edge.services import catalogue
from edge.services.context import Context
from tests.conftest import login

API = "/api/v1"
BREAD = "BAK-001-11"  # 5,49 zł
SUPERVISOR = {"username": "supervisor", "pin": "4321"}


def _basket(client: TestClient, auth: dict[str, str], qty: int) -> tuple[str, int]:
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    r = client.post(f"{API}/baskets/{bid}/lines", json={"sku": BREAD, "qty": qty}, headers=auth)
    assert r.status_code == 201, r.text
    return bid, r.json()["line_id"]


def _sales(ctx: Context) -> int:
    with ctx.db.read() as conn:
        return int(conn.execute("SELECT count(*) FROM sales").fetchone()[0])


def test_discount_then_quantity_cannot_make_a_line_free(client: TestClient, ctx: Context) -> None:
    auth = login(client)  # a cashier: 10 % at most without a supervisor
    bid, line = _basket(client, auth, 10)
    r = client.post(
        f"{API}/baskets/{bid}/lines/{line}/discount", json={"amount": 549}, headers=auth
    )
    assert r.status_code == 200 and r.json()["total"] == 10 * 549 - 549  # 10 %: allowed
    r = client.patch(f"{API}/baskets/{bid}/lines/{line}", json={"qty": 1}, headers=auth)
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "approval-required"
    basket = client.get(f"{API}/baskets/{bid}", headers=auth).json()
    assert basket["lines"][0]["qty"] == 10 and basket["total"] == 4941  # nothing changed
    r = client.post(f"{API}/baskets/{bid}/checkout", json={"tenders": [{"type": "cash",
                    "amount": 4941}]}, headers=auth)  # fmt: skip
    assert r.status_code == 201, r.text


def test_a_supervisor_approves_the_change_and_the_approval_names_what(
    client: TestClient, ctx: Context
) -> None:
    auth = login(client)
    bid, line = _basket(client, auth, 10)
    client.post(f"{API}/baskets/{bid}/lines/{line}/discount", json={"amount": 549}, headers=auth)
    r = client.patch(
        f"{API}/baskets/{bid}/lines/{line}", json={"qty": 1, "approver": SUPERVISOR}, headers=auth
    )
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 0
    approval = r.json()["lines"][0]["approval"]
    assert approval == {"by": "supervisor", "action": "line_discount", "amount": 549}
    with ctx.db.read() as conn:  # kept with the basket, for checkout and the audit
        row = conn.execute("SELECT approval FROM basket_lines WHERE basket_id = ?", [bid])
        assert json.loads(row.fetchone()[0])["by"] == "supervisor"
    r = client.post(f"{API}/baskets/{bid}/checkout", json={"tenders": []}, headers=auth)
    assert r.status_code == 201, r.text


def test_a_wrong_approver_pin_changes_nothing(client: TestClient, ctx: Context) -> None:
    auth = login(client)
    bid, line = _basket(client, auth, 10)
    client.post(f"{API}/baskets/{bid}/lines/{line}/discount", json={"amount": 549}, headers=auth)
    bad = {"username": "supervisor", "pin": "0000"}
    r = client.patch(
        f"{API}/baskets/{bid}/lines/{line}", json={"qty": 1, "approver": bad}, headers=auth
    )
    assert r.status_code == 401, r.text
    assert client.get(f"{API}/baskets/{bid}", headers=auth).json()["lines"][0]["qty"] == 10


def test_checkout_refuses_discounts_beyond_what_their_approvals_cover(
    client: TestClient, ctx: Context
) -> None:
    auth = login(client)
    bid, line = _basket(client, auth, 1)
    r = client.post(f"{API}/baskets/{bid}/lines/{line}/discount", json={"amount": 54}, headers=auth)
    assert r.status_code == 200  # 54 gr off 5,49 zł: within 10 %
    # A -50 % promotion arrives from the hub before the shopper pays: the same 54 gr are now
    # 20 % of what the line costs, more than a cashier may give alone.
    promo = {"type": "promotion", "id": "P-HALF", "sku": BREAD, "kind": "percent", "value": 50}
    catalogue.import_catalogue(ctx, json.dumps(promo).encode(), "jsonl")
    total = client.get(f"{API}/baskets/{bid}", headers=auth).json()["total"]
    body = {"tenders": [{"type": "cash", "amount": total}]}
    r = client.post(f"{API}/baskets/{bid}/checkout", json=body, headers=auth)
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "approval-required" and _sales(ctx) == 0
    assert client.get(f"{API}/baskets/{bid}", headers=auth).json()["status"] == "open"
