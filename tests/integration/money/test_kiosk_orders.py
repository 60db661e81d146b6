"""Kiosk orders: one definition of an order for the kiosk, the node's API and the hub; rate
limits per kiosk and per shopper; caps per line and per order; short reservations."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.domain import ordering
from edge.domain.errors import DomainError, NotFound
from edge.node import command_handlers, load_settings
from edge.services import kiosk_orders, pickups
from edge.services.context import Context
from edge.signing import hash_pickup_code
from sync.hub.orders import OrderIn
from sync.hub.service import Hub

API = "/api/v1"
BREAD = "BAK-001-11"
ALA = {"name": "Ala", "phone": "600100200"}


def kiosk_body(qty: int = 1, **customer: str) -> dict[str, Any]:
    return {
        "lines": [{"sku": BREAD, "qty": qty}],
        "customer": customer or {"name": "Jan Kowalski", "phone": "+48 600 200 300"},
        "consent": True,
    }


def web_order(body: dict[str, Any]) -> OrderIn:
    """The same order as the web shop sends it to the hub."""
    return OrderIn.model_validate(
        {"store_id": "S001", "lines": body["lines"], "customer": body["customer"]}
    )


@pytest.mark.parametrize(
    ("qty", "customer"),
    [
        (ordering.MAX_LINE_PIECES + 1, {"name": "Jan", "phone": "+48 600 200 300"}),
        (1000, {"name": "Jan", "phone": "+48 600 200 300"}),  # the hub's old cap: 1000
        (1, {"name": "Jan", "phone": "12345"}),  # 5 digits: no phone number
        (1, {"name": "Jan", "email": "jan@localhost"}),
        (1, {"name": "Jan"}),
    ],
)
def test_the_kiosk_and_the_hub_refuse_the_same_orders_for_the_same_reason(
    client: TestClient, offline_hub: Hub, qty: int, customer: dict[str, str]
) -> None:
    r = client.post(f"{API}/kiosk/orders", json=kiosk_body(qty, **customer))
    assert r.status_code == 422, r.text
    with pytest.raises(DomainError) as refused:
        offline_hub.create_order(web_order(kiosk_body(qty, **customer)))
    assert refused.value.detail == r.json()["detail"]
    assert ordering.reason_of(refused.value) == r.json()["reason"]


def test_what_the_kiosk_accepts_the_hub_accepts(client: TestClient, offline_hub: Hub) -> None:
    body = kiosk_body(ordering.MAX_LINE_PIECES, name="Jan", email="jan@example.com")
    assert client.post(f"{API}/kiosk/orders", json=body).status_code == 202
    made = offline_hub.create_order(web_order(body))
    assert made["status"] == "sent"


def test_kiosk_orders_are_limited_per_shopper(client: TestClient, ctx: Context) -> None:
    limit = ctx.settings.pickups.kiosk_orders_per_contact_per_day
    for _ in range(limit):
        assert client.post(f"{API}/kiosk/orders", json=kiosk_body()).status_code == 202
    r = client.post(f"{API}/kiosk/orders", json=kiosk_body())
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "rate-limited" and int(r.headers["Retry-After"]) > 0
    # The same shopper by another spelling of the same phone number is the same shopper.
    again = kiosk_body(name="Jan K.", phone="+48-600-200-300")
    assert client.post(f"{API}/kiosk/orders", json=again).status_code == 429


def test_kiosk_orders_are_limited_per_kiosk(client: TestClient, ctx: Context) -> None:
    limit = ctx.settings.pickups.kiosk_orders_per_hour
    for i in range(limit):
        body = kiosk_body(name=f"Shopper {i}", email=f"s{i}@example.com")
        assert client.post(f"{API}/kiosk/orders", json=body).status_code == 202
    body = kiosk_body(name="One more", email="more@example.com")
    r = client.post(f"{API}/kiosk/orders", json=body)
    assert r.status_code == 429, r.text
    # Another kiosk (the kiosk screen of this node) is counted on its own.
    made = kiosk_orders.request_order(
        ctx, [(BREAD, 1)], {"name": "Ala", "email": "ala@example.com"}, True, kiosk="ui:10.0.0.9"
    )
    assert made.number


def test_a_kiosk_order_holds_its_stock_two_days_at_most(ctx: Context) -> None:
    made = kiosk_orders.request_order(
        ctx, [(BREAD, 1)], {"name": "Ala", "phone": "600100200"}, True
    )
    now = ctx.clock()
    data = {
        "order_id": "O-K1",
        "request_id": made.request_id,
        "store_id": ctx.store_id,
        "lines": [{"sku": BREAD, "qty": 1, "unit_price": 549}],
        "currency": "PLN",
        "customer": {"name": "Ala", "phone": "600100200"},
        "prepaid": False,
        "pickup_code_hash": hash_pickup_code("135790"),
        "pickup_code": "135790",
        "created_at": now.isoformat(),
        "expires_at": (now + timedelta(days=7)).isoformat(),  # what an older hub still sends
    }
    with ctx.db.transaction() as conn:
        command_handlers()["order.create"](conn, ctx, data)
    order = pickups.get_order(ctx, "O-K1")
    assert order.expires_at - order.created_at == timedelta(hours=48)
    seen = kiosk_orders.order_status(ctx, made.number)
    assert (seen.status, seen.pickup_code) == ("received", "135790")


def test_a_refusal_from_the_hub_shows_at_the_kiosk_with_its_reason(ctx: Context) -> None:
    made = kiosk_orders.request_order(
        ctx, [(BREAD, 1)], {"name": "Ala", "phone": "600100200"}, True
    )
    refusal = {"request_id": made.request_id, "reason": "withdrawn", "detail": "no longer sold"}
    for _ in range(2):  # a refusal sent twice is applied once
        with ctx.db.transaction() as conn:
            command_handlers()["order.refused"](conn, ctx, refusal)
    seen = kiosk_orders.order_status(ctx, made.number.lower())
    assert (seen.status, seen.reason, seen.detail) == ("rejected", "withdrawn", "no longer sold")
    assert seen.pickup_code is None


def test_a_wildcard_is_not_an_order_number(ctx: Context) -> None:
    kiosk_orders.request_order(ctx, [(BREAD, 1)], ALA, True)
    for guess in ("%%%%%%%%", "________", "%"):
        with pytest.raises(NotFound):
            kiosk_orders.order_status(ctx, guess)


def test_the_kiosk_says_a_slip_printed_only_when_a_printer_took_it(tmp_path: Path) -> None:
    """The order and its slip are one service call; `printed` is true only when a printer here
    serves pickup slips (a node with the devices part but no printer prints nothing)."""
    shopper = {"name": "Ala", "phone": "600100201"}
    for printers, printed in (({}, False), (None, True)):
        devices = {"printers": {}, "registers": {}} if printers is not None else {}
        settings = load_settings(None, {"data_dir": tmp_path / str(printed), "devices": devices})
        with TestClient(create_app(settings, ui=False)) as client:
            ctx: Context = client.app.state.ctx  # type: ignore[attr-defined]
            made = kiosk_orders.request_order(ctx, [(BREAD, 1)], shopper, True, slip=True)
            assert made.printed is printed
            assert made.collect_by is not None and made.collect_by > ctx.clock()
