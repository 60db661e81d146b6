"""The kiosk's order status says what the hub decided, in the shopper's language: a refusal with
its reason, or the pickup code once the order is confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edge.node import command_handlers
from edge.services import kiosk_orders
from edge.services.context import Context
from edge.signing import hash_pickup_code

from .conftest import Node

pytestmark = pytest.mark.anyio
SHOPPER = {"name": "Jan Kowalski", "phone": "+48 600 200 300"}


async def _ask(node: Node, number: str) -> None:
    user = node.user
    await user.open("/kiosk")
    user.find(marker="attract").click()
    user.find(marker="status").click()
    await user.should_see(marker="status-number")
    user.find(marker="status-number").type(number).trigger("keydown.enter")


async def test_an_order_the_hub_refused_shows_why_in_the_shoppers_language(node: Node) -> None:
    made = kiosk_orders.request_order(node.ctx, [("BAK-001-11", 1)], SHOPPER, True)
    refusal = {"request_id": made.request_id, "reason": "withdrawn", "detail": "BAK-001-11"}
    with node.ctx.db.transaction() as conn:
        command_handlers()["order.refused"](conn, node.ctx, refusal)
    await _ask(node, made.number)
    await node.user.should_see("odrzucone przez centralę. Produkt został wycofany ze sprzedaży")
    node.user.find(marker="lang-en").click()
    node.user.find(marker="status").click()
    node.user.find(marker="status-number").type(made.number).trigger("keydown.enter")
    await node.user.should_see("not accepted by head office. A product was withdrawn from sale")


def confirmed_by_the_hub(ctx: Context, order_id: str, code: str) -> str:
    """A kiosk order the hub confirmed with pickup `code` (its `order.create` command applied);
    returns the number the shopper reads from the slip."""
    made = kiosk_orders.request_order(ctx, [("BAK-001-11", 1)], SHOPPER, True)
    now = ctx.clock()
    order = {
        "order_id": order_id, "request_id": made.request_id, "store_id": ctx.store_id,
        "lines": [{"sku": "BAK-001-11", "qty": 1, "unit_price": 549}], "currency": "PLN",
        "customer": SHOPPER, "prepaid": False, "pickup_code": code,
        "pickup_code_hash": hash_pickup_code(code), "created_at": now.isoformat(),
        "expires_at": (now + timedelta(days=2)).isoformat(),
    }  # fmt: skip
    with ctx.db.transaction() as conn:
        command_handlers()["order.create"](conn, ctx, order)
    return made.number


async def test_a_confirmed_order_shows_the_hubs_pickup_code(node: Node) -> None:
    number = confirmed_by_the_hub(node.ctx, "O-KIOSK1", "246810")
    await _ask(node, number)
    await node.user.should_see("przyjęte. Kod odbioru: 246810")
