"""One price in every channel: the kiosk's offer, the till, the node's order code and the hub
price the same goods to the same grosz (edge/domain/pricing.py is the only rule)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge.domain.ordering import (
    MAX_LINE_GRAMS,
    MAX_LINE_PIECES,
    MAX_ORDER_GRAMS,
    MAX_ORDER_PIECES,
)
from edge.domain.stock import Movement, MovementKind
from edge.domain.tenders import Tender
from edge.services import baskets, catalogue, pickup_collection, pickup_intake, pickups
from edge.services.context import Context
from edge.store import stock_repo
from sync.hub.orders import OrderIn
from sync.hub.service import Hub
from tests.conftest import login
from tests.integration.money.conftest import jsonl
from tests.integration.sync.conftest import CASHIER

API = "/api/v1"
CUSTOMER = {"name": "Ewa Nowak", "phone": "+48 600 100 200"}


def product(sku: str, price: int, unit: str = "pcs") -> dict[str, Any]:
    return {"sku": sku, "name_pl": f"Towar {sku}", "price_minor": price, "vat": "A", "unit": unit}


def promotion(pid: str, sku: str, kind: str, **terms: int) -> dict[str, Any]:
    return {"type": "promotion", "id": pid, "sku": sku, "kind": kind, **terms,
            "starts": "2020-01-01", "ends": "2100-01-01"}  # fmt: skip


def both(ctx: Context, hub: Hub, data: bytes) -> None:
    """The same catalogue file at the store and at the hub (as replication would leave it)."""
    catalogue.import_catalogue(ctx, data, "jsonl")
    hub.import_catalogue(data, "catalogue.jsonl")


def till_total(ctx: Context, lines: list[tuple[str, int]]) -> int:
    view = baskets.create_basket(ctx, CASHIER)
    for sku, qty in lines:
        view, _ = baskets.add_line(ctx, view.basket.id, sku=sku, qty=qty)
    return view.priced.total


def hub_order(hub: Hub, lines: list[tuple[str, int]], store_id: str = "S001") -> dict[str, Any]:
    return hub.create_order(
        OrderIn.model_validate(
            {"store_id": store_id, "customer": CUSTOMER,
             "lines": [{"sku": s, "qty": q} for s, q in lines]}
        )
    )  # fmt: skip


def command_data(hub: Hub, order_id: str) -> dict[str, Any]:
    with hub.db.read() as conn:
        rows = conn.execute(
            "SELECT envelope FROM hub_commands WHERE type = 'order.create'"
        ).fetchall()
    for row in rows:
        data = json.loads(row[0])["data"]
        if data["order_id"] == order_id:
            return data  # type: ignore[no-any-return]
    raise AssertionError(f"no order.create for {order_id}")


def stock_up(ctx: Context, lines: list[tuple[str, int]]) -> None:
    with ctx.db.transaction() as conn:
        stock_repo.record(
            conn,
            [Movement(sku, MovementKind.RECEIPT, qty) for sku, qty in lines],
            ref="test",
            at=ctx.clock(),
        )


def at_the_store(ctx: Context, hub: Hub, order: dict[str, Any]) -> pickup_collection.Collection:
    """The hub's order.create applied at the store, then collected and paid at the counter."""
    with ctx.db.transaction() as conn:
        pickup_intake.create_order(conn, ctx, command_data(hub, order["order_id"]))
    pickups.mark_ready(ctx, CASHIER, order["order_id"], "P-1")
    due = pickups.get_order(ctx, order["order_id"]).amount_due
    tenders = [Tender("cash", due)] if due else []  # a free promotion leaves nothing to pay
    return pickup_collection.collect(
        ctx, CASHIER, order["order_id"], order["pickup_code"], tenders=tenders
    )


def test_the_kiosk_offer_is_what_the_till_charges(client: TestClient, ctx: Context) -> None:
    # 1,01 zł at -5 %: 5,05 gr off rounds half up to 5 gr; the till charges 0,96 zł.
    data = jsonl(product("TST-101", 101), promotion("P-5", "TST-101", "percent", value=5))
    catalogue.import_catalogue(ctx, data, "jsonl")
    one = client.get(f"{API}/products/TST-101").json()
    assert one["offer"] == {"unit_price": 96, "promotion_id": "P-5"}
    items = client.get(f"{API}/products", params={"q": "TST-101"}).json()["items"]
    assert [i["offer"] for i in items] == [one["offer"]]
    auth = login(client)
    basket = client.post(f"{API}/baskets", headers=auth).json()
    r = client.post(f"{API}/baskets/{basket['id']}/lines", json={"sku": "TST-101"}, headers=auth)
    assert r.json()["total"] == 96


def test_a_multibuy_offer_is_the_price_of_one_unit(client: TestClient, ctx: Context) -> None:
    # "3 for 2" does not lower the price of one bottle: the offer says so.
    data = jsonl(product("TST-3F2", 250), promotion("P-3F2", "TST-3F2", "multibuy", buy=3, pay=2))
    catalogue.import_catalogue(ctx, data, "jsonl")
    offer = client.get(f"{API}/products/TST-3F2").json()["offer"]
    assert offer == {"unit_price": 250, "promotion_id": None}


def test_weighed_goods_in_an_order_cost_their_weight(
    client: TestClient, ctx: Context, offline_hub: Hub
) -> None:
    both(ctx, offline_hub, jsonl(product("TST-KG", 2999, "kg")))
    order = hub_order(offline_hub, [("TST-KG", 500)])  # 500 g at 29,99 zł/kg
    assert order["total"] == 1500  # 1 499,5 gr rounds half up, as the till does
    assert order["total"] == till_total(ctx, [("TST-KG", 500)])
    stock_up(ctx, [("TST-KG", 500)])
    done = at_the_store(ctx, offline_hub, order)
    assert done.sale is not None and done.sale.total == 1500


def test_an_order_gets_the_promotions_the_till_gives(
    client: TestClient, ctx: Context, offline_hub: Hub
) -> None:
    data = jsonl(product("TST-W", 199), promotion("P-W", "TST-W", "multibuy", buy=3, pay=2))
    both(ctx, offline_hub, data)
    order = hub_order(offline_hub, [("TST-W", 3)])
    assert order["total"] == 2 * 199 == till_total(ctx, [("TST-W", 3)])
    stock_up(ctx, [("TST-W", 3)])
    done = at_the_store(ctx, offline_hub, order)
    assert done.sale is not None and done.sale.total == 2 * 199


# --- the same grosz, whatever the basket -------------------------------------------------------


@st.composite
def goods(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[tuple[str, int]]]:
    """A few products (pieces or weighed, with any kind of promotion or none) and a basket of
    them: the catalogue rows and the (sku, qty) lines (grams for weighed goods)."""
    rows: list[dict[str, Any]] = []
    lines: list[tuple[str, int]] = []
    for _ in range(draw(st.integers(1, 4))):
        sku = "H-" + uuid.uuid4().hex[:10].upper()
        unit = draw(st.sampled_from(["pcs", "kg"]))
        price = draw(st.integers(1, 99_999))
        rows.append(product(sku, price, unit))
        kind = draw(st.sampled_from([None, "percent", "price", "multibuy"]))
        if kind == "percent":
            rows.append(promotion(f"P{sku}", sku, kind, value=draw(st.integers(1, 99))))
        elif kind == "price":
            rows.append(promotion(f"P{sku}", sku, kind, value=draw(st.integers(0, price + 50))))
        elif kind == "multibuy":
            buy = draw(st.integers(2, 5))
            rows.append(promotion(f"P{sku}", sku, kind, buy=buy, pay=draw(st.integers(1, buy - 1))))
        # Up to four lines, each within its own cap and together within the order's.
        cap = (
            min(MAX_LINE_GRAMS, MAX_ORDER_GRAMS // 4)
            if unit == "kg"
            else min(MAX_LINE_PIECES, MAX_ORDER_PIECES // 4)
        )
        lines.append((sku, draw(st.integers(1, cap))))
    return rows, lines


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(basket=goods())
def test_every_channel_prices_a_basket_to_the_same_grosz(
    client: TestClient,
    ctx: Context,
    offline_hub: Hub,
    basket: tuple[list[dict[str, Any]], list[tuple[str, int]]],
) -> None:
    rows, lines = basket
    both(ctx, offline_hub, jsonl(*rows))
    units = {r["sku"]: r["unit"] for r in rows if "unit" in r}
    # The kiosk's offer is the price of one unit (a piece, or a kilogram) at the till and the hub.
    for sku, unit in units.items():
        one = 1000 if unit == "kg" else 1
        offer = client.get(f"{API}/products/{sku}").json()["offer"]["unit_price"]
        hub_price = hub_order(offline_hub, [(sku, one)])["total"]
        assert offer == till_total(ctx, [(sku, one)]) == hub_price
    # A whole basket: the till, the hub's order, the store's copy of that order and its sale.
    till = till_total(ctx, lines)
    order = hub_order(offline_hub, lines)
    assert order["total"] == till
    stock_up(ctx, lines)
    done = at_the_store(ctx, offline_hub, order)
    assert done.sale is not None and done.sale.total == till
