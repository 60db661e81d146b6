"""Issue 18: the sales journal, GET /api/v1/sales?from=&to=&register=&q= (paged), for reprints
and for returns when the shopper lost the receipt: found by time, amount or card reference."""

from __future__ import annotations

from fastapi.testclient import TestClient

from edge.domain.staff import Role
from edge.domain.tenders import Tender
from edge.services import baskets, checkout
from edge.services.auth import Actor
from edge.services.context import Context
from tests.conftest import login


def _sell(ctx: Context, code: str, tenders: list[Tender], register: str = "01") -> str:
    actor = Actor("cashier", Role.CASHIER, register)
    view = baskets.create_basket(ctx, actor)
    baskets.add_line(ctx, view.basket.id, code=code)
    return checkout.checkout(ctx, actor, view.basket.id, tenders).sale.receipt_no


def test_sales_are_found_by_amount_card_reference_register_and_time(
    client: TestClient, ctx: Context
) -> None:
    bread = _sell(ctx, "5901230000011", [Tender("cash", 549)])  # 5,49
    eco = _sell(ctx, "5901230000028", [Tender("card", 749, "AUTH-778899")])  # 7,49
    other = _sell(ctx, "5901230000011", [Tender("cash", 1000)], register="02")
    headers = login(client)

    def found(**params: str | int) -> list[str]:
        r = client.get("/api/v1/sales", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return [s["receipt_no"] for s in r.json()["items"]]

    assert found() == [other, eco, bread]  # newest first
    assert found(q="7,49") == [eco]
    assert found(q="778899") == [eco]  # a part of the card terminal's reference
    assert found(q="5,49", register="01") == [bread]
    assert found(to="2000-01-01T00:00:00+01:00") == []
    assert found(**{"from": "2000-01-01T00:00:00+01:00"}) == [other, eco, bread]
    page = client.get("/api/v1/sales", params={"limit": 2}, headers=headers).json()
    assert (page["total"], page["next_offset"], len(page["items"])) == (3, 2, 2)
    item = client.get("/api/v1/sales", params={"q": "AUTH"}, headers=headers).json()["items"][0]
    assert item["tenders"] == [{"type": "card", "amount": 749, "reference": "AUTH-778899"}]
    assert item["total"] == 749 and item["at"]


def test_bad_journal_queries_are_problems_not_errors(client: TestClient) -> None:
    headers = login(client)
    for params in ({"limit": 0}, {"limit": 1000}, {"offset": -1}, {"from": "yesterday"},
                   {"to": "2026-11-29T08:00:00"}):  # fmt: skip
        r = client.get("/api/v1/sales", params=params, headers=headers)
        assert r.status_code in (400, 422), (params, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/sales").status_code == 401
