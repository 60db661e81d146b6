"""An online-authorised redemption on a basket then cancelled is given back at the hub (issue 15),
with a real broker, a hub served over HTTP and a store: the points return once, whatever the
duplicates; an offline redemption (never at the hub) and another store's release change nothing."""

from __future__ import annotations

from pathlib import Path

from sync.hub import loyalty_apply
from sync.hub.service import Hub
from tests.conftest import login
from tests.integration.sync.brokers import Broker
from tests.integration.sync.test_loyalty_till import (
    CARD,
    _has_rules,
    _node,
    _points,
    _sell_to,
    _try_redeem,
    crm,  # noqa: F401  (fixture)
)
from tests.waiting import wait_until

RULES = {"redeem_points": 10, "redeem_value": 100, "offline_redeem_daily_limit": 20}


def test_a_cancelled_basket_gives_its_online_redemption_back_once(
    crm: tuple[Hub, str],  # noqa: F811
    broker: Broker,
    tmp_path: Path,
) -> None:
    h, url = crm
    with _node(tmp_path, broker, "A", url, h, **RULES) as a:
        auth = login(a)
        wait_until(lambda: _has_rules(a), what="the loyalty rules at store A")
        _sell_to(a, auth, {"card": CARD}, qty=10)  # 44.90 zł: 89 points
        wait_until(lambda: _points(h, url, "C-ANNA") == 89, what="Anna's 89 points")
        r = _try_redeem(a, auth, CARD, 30)
        assert r.status_code in (200, 201), r.text
        assert r.json()["redemption"]["offline"] is False
        redemption_id = r.json()["redemption"]["id"]
        assert _points(h, url, "C-ANNA") == 59  # spent at once: the hub authorised it
        cancelled = a.post(f"/api/v1/baskets/{r.json()['basket_id']}/cancel", headers=auth)
        assert cancelled.status_code == 200, cancelled.text
        wait_until(lambda: _points(h, url, "C-ANNA") == 89, what="the points given back")
        wait_until(lambda: a.get("/api/v1/sync/status").json()["outbox_depth"] == 0)
        open_basket = _try_redeem(a, auth, CARD, 20)  # spent, its basket still open
        assert open_basket.status_code in (200, 201), open_basket.text
        assert _points(h, url, "C-ANNA") == 69

    # The release delivered again (a resent batch, a restored store), another store releasing
    # A's redemption, or a redemption the hub never authorised: nothing comes back.
    at = "2026-11-29T09:00:00+00:00"
    with h.storage.transaction() as tx:
        loyalty_apply.released(tx, "A", {"redemption_id": redemption_id}, at)
        loyalty_apply.released(
            tx, "B", {"redemption_id": open_basket.json()["redemption"]["id"]}, at
        )
        loyalty_apply.released(tx, "A", {"redemption_id": "A-never-authorised"}, at)
    assert _points(h, url, "C-ANNA") == 69
