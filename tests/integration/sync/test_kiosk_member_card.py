"""The shopper's own card at the kiosk (edge/services/member_card.py), against a real broker and
a hub served over HTTP: the balance and the click & collect orders from the hub; offline the
balance cached at this store with when it was known, and no orders (the hub cannot say)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from edge.domain.errors import NotFound
from edge.services import member_card
from sync.hub.service import Hub
from sync.hub.tokens import Scope
from tests.integration.sync.brokers import Broker, free_port
from tests.integration.sync.conftest import bearer, hub_token
from tests.integration.sync.test_loyalty_till import (
    CARD,
    SKU,
    _node,
    crm,  # noqa: F401  (fixture)
)

UNKNOWN_CARD = "2900000000032"  # a valid card number nobody holds


def test_the_card_shows_points_and_orders_live_and_the_cached_balance_offline(
    crm: tuple[Hub, str],  # noqa: F811
    broker: Broker,
    tmp_path: Path,
) -> None:
    h, url = crm
    office = bearer(hub_token(h, Scope.ORDERS))
    order = {"store_id": "A", "lines": [{"sku": SKU, "qty": 1}], "customer_id": "C-ANNA",
             "customer": {"name": "Anna", "phone": "+48600100200"}}  # fmt: skip
    r = httpx.post(f"{url}/api/v1/orders", json=order, headers=office)
    assert r.status_code == 201, r.text
    order_id = r.json()["order_id"]

    with _node(tmp_path, broker, "K", url, h) as k:
        ctx = k.app.state.ctx  # type: ignore[attr-defined]
        assert member_card.is_card(ctx, CARD) and not member_card.is_card(ctx, "5900000000015")
        live = member_card.show(ctx, CARD)
        assert (live.points, live.live) == (0, True)
        assert live.orders is not None
        assert [(o.order_id, o.status) for o in live.orders] == [(order_id, "sent")]
        with pytest.raises(NotFound):
            member_card.show(ctx, UNKNOWN_CARD)

    dead = f"http://127.0.0.1:{free_port()}"
    with _node(tmp_path, broker, "K", dead, h) as k:
        ctx = k.app.state.ctx  # type: ignore[attr-defined]
        cached = member_card.show(ctx, CARD)
        assert (cached.points, cached.live, cached.orders) == (0, False, None)
        assert cached.as_of == live.as_of  # when the hub last told this store
