from __future__ import annotations

import re
import threading

import pytest
from fastapi.testclient import TestClient

from edge.services import pickup_intake, pickups
from edge.services.context import Context
from tests.conftest import login
from tests.integration.pickups.helpers import (
    CODE,
    cancel_order,
    events,
    feed_order,
    level,
    outbox_count,
    past,
)
from tests.waiting import TIMEOUT_S, wait_until

A, B, OUT = "BAK-001-11", "BAK-001-12", "BAK-001-16"  # OUT has no stock
API = "/api/v1"


def problem(r, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if code:
        assert r.json()["code"] == code, r.json()
    return r.json()


def test_order_is_reserved_readied_and_collected(client: TestClient, ctx: Context) -> None:
    a0, b0 = level(ctx, A), level(ctx, B)
    feed_order(ctx, "W-1", [(A, 2, 549), (B, 1, 749)])
    assert level(ctx, A).reserved == a0.reserved + 2
    h = login(client)
    items = client.get(f"{API}/pickups", params={"status": "received"}, headers=h).json()["items"]
    assert [(o["order_id"], o["status"]) for o in items] == [("W-1", "received")]
    assert client.post(f"{API}/pickups/W-1/picking", headers=h).json()["status"] == "picking"
    r = client.post(f"{API}/pickups/W-1/ready", json={"shelf": "P-07"}, headers=h)
    assert r.json()["status"] == "ready" and r.json()["shelf"] == "P-07"
    r = client.post(f"{API}/pickups/W-1/collect", json={"code": CODE}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "collected"
    assert level(ctx, A) == type(a0)(A, a0.on_hand - 2, a0.reserved)
    assert level(ctx, B) == type(b0)(B, b0.on_hand - 1, b0.reserved)
    sent = events(ctx, "order.status")
    assert [e["status"] for e in sent] == ["received", "picking", "ready", "collected"]
    assert sent[-1]["lines"][0] == {"sku": A, "qty": 2, "reserved": 2, "collected": 2, "short": 0}
    assert {s["sku"]: s["on_hand"] for s in sent[-1]["stock"]}[A] == a0.on_hand - 2
    assert client.get(f"{API}/pickups/W-1", headers=h).json()["status"] == "collected"
    # Collecting again is a conflict, and changes nothing.
    n = outbox_count(ctx)
    problem(client.post(f"{API}/pickups/W-1/collect", json={"code": CODE}, headers=h), 409)
    assert outbox_count(ctx) == n


def test_a_line_the_store_cannot_fill_is_reported_short(client: TestClient, ctx: Context) -> None:
    feed_order(ctx, "W-2", [(A, 1, 549), (OUT, 2, 1049), ("NO-SUCH-SKU", 1, 100)])
    received = events(ctx, "order.status")[-1]
    shorts = {ln["sku"]: (ln["reserved"], ln["short"]) for ln in received["lines"]}
    assert shorts == {A: (1, 0), OUT: (0, 2), "NO-SUCH-SKU": (0, 1)}
    # The hub resends the command: nothing is reserved twice.
    before = level(ctx, A)
    feed_order(ctx, "W-2", [(A, 1, 549)])
    assert level(ctx, A) == before


def test_partial_collection_releases_the_declined_goods(client: TestClient, ctx: Context) -> None:
    a0, b0 = level(ctx, A), level(ctx, B)
    feed_order(ctx, "W-3", [(A, 3, 549), (B, 2, 749)])
    h = login(client)
    client.post(f"{API}/pickups/W-3/ready", json={"shelf": "P-1"}, headers=h)
    body = {"code": CODE, "lines": [{"sku": A, "qty": 1}]}
    r = client.post(f"{API}/pickups/W-3/collect", json=body, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "partially_collected"
    assert level(ctx, A) == type(a0)(A, a0.on_hand - 1, a0.reserved)
    assert level(ctx, B) == b0
    assert events(ctx, "order.status")[-1]["status"] == "partially_collected"


def test_handing_over_more_than_reserved_is_refused_and_changes_nothing(
    client: TestClient, ctx: Context
) -> None:
    feed_order(ctx, "W-4", [(A, 1, 549)])
    h = login(client)
    client.post(f"{API}/pickups/W-4/ready", json={"shelf": "P-1"}, headers=h)
    a, n = level(ctx, A), outbox_count(ctx)
    body = {"code": CODE, "lines": [{"sku": A, "qty": 5}]}
    problem(client.post(f"{API}/pickups/W-4/collect", json=body, headers=h), 422)
    assert (level(ctx, A), outbox_count(ctx)) == (a, n)
    assert client.get(f"{API}/pickups/W-4", headers=h).json()["status"] == "ready"


def test_wrong_codes_lock_the_order_for_a_supervisor(client: TestClient, ctx: Context) -> None:
    feed_order(ctx, "W-5", [(A, 1, 549)])
    h = login(client)
    client.post(f"{API}/pickups/W-5/ready", json={"shelf": "P-1"}, headers=h)
    for left in (4, 3, 2, 1):
        r = client.post(f"{API}/pickups/W-5/collect", json={"code": "000000"}, headers=h)
        assert problem(r, 403, "wrong-pickup-code")["attempts_left"] == left
    problem(client.post(f"{API}/pickups/W-5/collect", json={"code": "000000"}, headers=h), 423)
    # Even the right code does not open a locked order.
    problem(client.post(f"{API}/pickups/W-5/collect", json={"code": CODE}, headers=h), 423)
    assert client.get(f"{API}/pickups/W-5", headers=h).json()["locked"] is True
    problem(client.post(f"{API}/pickups/W-5/unlock", json={}, headers=h), 403, "approval-required")
    wrong_pin = {"approval": {"username": "supervisor", "pin": "0000"}}
    problem(client.post(f"{API}/pickups/W-5/unlock", json=wrong_pin, headers=h), 401)
    ok = {"approval": {"username": "supervisor", "pin": "4321"}}
    r = client.post(f"{API}/pickups/W-5/unlock", json=ok, headers=h)
    assert r.status_code == 200 and r.json()["locked"] is False
    r = client.post(f"{API}/pickups/W-5/collect", json={"code": CODE}, headers=h)
    assert r.json()["status"] == "collected"


def test_two_registers_collecting_one_order_exactly_one_wins(
    client: TestClient, ctx: Context
) -> None:
    a0 = level(ctx, A)
    feed_order(ctx, "W-6", [(A, 2, 549)])
    h1, h2 = login(client), login(client, "supervisor", "4321")
    client.post(f"{API}/pickups/W-6/ready", json={"shelf": "P-1"}, headers=h1)
    barrier = threading.Barrier(2)
    results: list[int] = []

    def register(headers: dict[str, str]) -> None:
        barrier.wait(timeout=TIMEOUT_S)
        r = client.post(f"{API}/pickups/W-6/collect", json={"code": CODE}, headers=headers)
        results.append(r.status_code)

    threads = [threading.Thread(target=register, args=(h,)) for h in (h1, h2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=TIMEOUT_S)
    assert sorted(results) == [200, 409]
    assert level(ctx, A) == type(a0)(A, a0.on_hand - 2, a0.reserved)
    assert [e["status"] for e in events(ctx, "order.status")].count("collected") == 1


def test_pay_at_pickup_becomes_a_sale_for_the_amount_due(client: TestClient, ctx: Context) -> None:
    a0 = level(ctx, A)
    feed_order(ctx, "W-7", [(A, 2, 500)], prepaid=False)
    h = login(client)
    client.post(f"{API}/pickups/W-7/ready", json={"shelf": "P-1"}, headers=h)
    assert client.get(f"{API}/pickups/W-7", headers=h).json()["amount_due"] == 1000
    n = outbox_count(ctx)
    problem(client.post(f"{API}/pickups/W-7/collect", json={"code": CODE}, headers=h), 422)
    assert outbox_count(ctx) == n and level(ctx, A).reserved == a0.reserved + 2
    body = {"code": CODE, "tenders": [{"type": "cash", "amount": 2000}]}
    r = client.post(f"{API}/pickups/W-7/collect", json=body, headers=h)
    assert r.status_code == 200, r.text
    sale = r.json()["sale"]
    assert (sale["total"], sale["change"]) == (1000, 1000)  # the order's price, not the shelf's
    assert r.json()["receipt_no"] == sale["receipt_no"]
    assert level(ctx, A) == type(a0)(A, a0.on_hand - 2, a0.reserved)
    assert events(ctx, "sale.completed")[-1]["receipt_no"] == sale["receipt_no"]
    assert events(ctx, "order.status")[-1]["receipt_no"] == sale["receipt_no"]


def test_expired_orders_release_their_stock(client: TestClient, ctx: Context) -> None:
    a0 = level(ctx, A)
    feed_order(ctx, "W-8", [(A, 2, 549)], created_at=past(ctx, 10), expires_at=past(ctx, 1))
    feed_order(ctx, "W-9", [(A, 1, 549)])
    assert level(ctx, A).reserved == a0.reserved + 3
    pickups.expire_due(ctx)  # the node's worker may have got there first: same outcome
    assert pickups.get_order(ctx, "W-8").status == "expired"
    assert pickups.get_order(ctx, "W-9").status == "received"
    assert level(ctx, A).reserved == a0.reserved + 1
    assert [e["status"] for e in events(ctx, "order.status")].count("expired") == 1
    assert pickups.expire_due(ctx) == []


def test_the_expiry_worker_runs_in_the_node(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from edge.app import create_app

    settings.pickups.expiry_check_s = 0.05
    with TestClient(create_app(settings, ui=False)) as c:
        ctx = c.app.state.ctx  # type: ignore[attr-defined]
        feed_order(ctx, "W-10", [(A, 1, 549)], created_at=past(ctx, 9), expires_at=past(ctx, 2))
        wait_until(
            lambda: pickups.get_order(ctx, "W-10").status == "expired",
            what="the expiry worker to expire the order",
        )


def test_the_hub_cancels_an_order(client: TestClient, ctx: Context) -> None:
    a0 = level(ctx, A)
    feed_order(ctx, "W-11", [(A, 2, 549)])
    cancel_order(ctx, "W-11")
    cancel_order(ctx, "W-11")  # a resent cancel changes nothing
    assert level(ctx, A) == a0
    assert [e["status"] for e in events(ctx, "order.status")] == ["received", "cancelled"]


def test_finding_an_order_by_name_phone_or_number(client: TestClient, ctx: Context) -> None:
    feed_order(
        ctx, "W-12", [(A, 1, 549)], customer={"name": "Zofia Kowalska", "phone": "601 222 333"}
    )
    h = login(client)
    for q in ("kowalska", "601222333", "W-12"):
        items = client.get(f"{API}/pickups", params={"q": q}, headers=h).json()["items"]
        assert [o["order_id"] for o in items] == ["W-12"], q


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/pickups?status=lost", None, 422),
        ("get", "/pickups/NOPE", None, 404),
        ("post", "/pickups/NOPE/ready", {"shelf": "P"}, 404),
        ("post", "/pickups/W-13/ready", {"shelf": ""}, 422),
        ("post", "/pickups/W-13/ready", {}, 422),
        ("post", "/pickups/W-13/collect", {"code": "abc"}, 422),
        ("post", "/pickups/W-13/collect", {"code": CODE}, 409),  # not ready yet
    ],
)
def test_bad_requests_get_problems_and_change_nothing(
    client: TestClient, ctx: Context, method: str, path: str, body: dict | None, status: int
) -> None:
    feed_order(ctx, "W-13", [(A, 1, 549)])
    h = login(client)
    n = outbox_count(ctx)
    r = getattr(client, method)(
        API + path, headers=h, **({"json": body} if body is not None else {})
    )
    assert r.status_code == status, r.text
    if status >= 400:
        problem(r, status)
        assert outbox_count(ctx) == n


def test_pickup_routes_need_a_cashier(client: TestClient, ctx: Context) -> None:
    problem(client.get(f"{API}/pickups"), 401)
    problem(client.post(f"{API}/pickups/X/collect", json={"code": "1"}), 401)


def test_a_command_for_another_store_is_rejected(client: TestClient, ctx: Context) -> None:
    """A complete, valid order addressed to another store (a misrouted command) is refused for
    that reason alone and changes nothing; the very same order for this store is taken."""
    from edge.domain.errors import InvalidInput, NotFound

    a0, sent = level(ctx, A), outbox_count(ctx)
    with pytest.raises(InvalidInput, match="for store 'S999'"):
        feed_order(ctx, "W-X", [(A, 1, 549)], store_id="S999")
    with pytest.raises(NotFound):
        pickups.get_order(ctx, "W-X")
    assert level(ctx, A) == a0 and outbox_count(ctx) == sent
    feed_order(ctx, "W-X", [(A, 1, 549)])
    assert pickups.get_order(ctx, "W-X").status == "received"


def test_kiosk_order_is_queued_for_the_hub(client: TestClient, ctx: Context) -> None:
    body = {
        "lines": [{"sku": A, "qty": 2}],
        "customer": {"name": "Jan", "email": "jan@example.com"},
        "consent": True,
    }
    r = client.post(f"{API}/kiosk/orders", json=body)
    assert r.status_code == 202, r.text
    made = r.json()
    assert made["status"] == "queued" and made["number"] == made["request_id"][:8].upper()
    assert "pickup_code" not in made  # the hub makes the code (docs/pickups-and-returns.md)
    ev = events(ctx, "order.requested")[-1]
    assert ev["request_id"] == made["request_id"]
    assert ev["lines"] == [{"sku": A, "qty": 2}] and ev["consent"] is True
    assert ev["store_id"] == ctx.store_id and "pickup_code_hash" not in ev
    status = client.get(f"{API}/kiosk/orders/{made['request_id']}").json()
    assert (status["status"], status["pickup_code"]) == ("requested", None)
    n = outbox_count(ctx)
    problem(client.post(f"{API}/kiosk/orders", json={**body, "consent": False}), 422)
    problem(
        client.post(f"{API}/kiosk/orders", json={**body, "lines": [{"sku": "NOPE", "qty": 1}]}), 422
    )
    problem(client.post(f"{API}/kiosk/orders", json={**body, "customer": {"name": "Jan"}}), 422)
    assert outbox_count(ctx) == n


def _order_command(ctx: Context, **change: object) -> dict[str, object]:
    return {
        "order_id": "W-BAD",
        "store_id": ctx.store_id,
        "lines": [{"sku": A, "qty": 1, "unit_price": 549}],
        "currency": "PLN",
        "customer": {"name": "Anna"},
        "prepaid": True,
        "pickup_code_hash": "scrypt$16384$8$1$00$00",
        **change,
    }


def test_the_order_the_refusal_cases_start_from_is_taken(client: TestClient, ctx: Context) -> None:
    """The control for the cases below: each changes one field of an order that is accepted,
    so each refusal is that field's guard at work, not something else wrong with the order."""
    with ctx.db.transaction() as conn:
        pickup_intake.create_order(conn, ctx, _order_command(ctx))
    assert pickups.get_order(ctx, "W-BAD").status == "received"


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"lines": []}, "at least one line"),
        ({"lines": [{"sku": A, "qty": -1, "unit_price": 1}]}, "order 1 to 99 pieces"),
        ({"customer": "Anna"}, "customer.name"),
        ({"pickup_code_hash": "plain"}, "pickup_code_hash"),
        ({"prepaid": "yes"}, "'prepaid' must be true or false"),
        ({"currency": "EUR"}, "currency 'EUR'"),
        ({"expires_at": "tomorrow"}, "not an ISO 8601 timestamp"),
        ({"order_id": ""}, "order_id"),
    ],
)
def test_bad_order_commands_are_rejected_and_change_nothing(
    client: TestClient, ctx: Context, change: dict[str, object], refusal: str
) -> None:
    from edge.domain.errors import DomainError

    a, n = level(ctx, A), outbox_count(ctx)
    with pytest.raises(DomainError, match=re.escape(refusal)), ctx.db.transaction() as conn:
        pickup_intake.create_order(conn, ctx, _order_command(ctx, **change))
    assert (level(ctx, A), outbox_count(ctx)) == (a, n)
    with ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_config_rejects_a_hub_url_that_is_not_http(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from edge.config import ConfigError
    from edge.node import load_settings

    with pytest.raises(ConfigError, match=r"hub\.url"):
        load_settings(None, {"data_dir": tmp_path, "hub": {"url": "mqtt://x"}})
    with pytest.raises(ConfigError, match=r"returns\.approval_above"):
        load_settings(None, {"data_dir": tmp_path, "returns": {"approval_above": -1}})
