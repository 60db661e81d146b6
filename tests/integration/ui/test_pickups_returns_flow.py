"""Click & collect and returns through the till and the kiosk, as a simulated browser sees them,
on the pickups/returns services (edge.services.pickups, edge.services.returns)."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui

from devices import scans
from edge import signing
from edge.domain.tenders import Tender
from edge.services import auth, baskets, checkout, pickup_intake, pickups, signed_qr

from .conftest import Node
from .test_pos_flow import login

pytestmark = pytest.mark.anyio

CODE = "482913"


def make_order(node: Node, order_id: str = "WEB-1001", prepaid: bool = False) -> None:
    with node.ctx.db.transaction() as conn:
        pickup_intake.create_order(
            conn,
            node.ctx,
            {
                "order_id": order_id,
                "store_id": node.ctx.store_id,
                "lines": [{"sku": "BAK-001-11", "qty": 2, "unit_price": 549}],
                "total": 1098,
                "currency": "PLN",
                "customer": {"name": "Anna Nowak", "phone": "+48600100200"},
                "prepaid": prepaid,
                "pickup_code_hash": signing.hash_pickup_code(CODE),
            },
        )


async def test_pickup_ready_on_shelf_then_handed_over_with_the_code(node: Node) -> None:
    make_order(node)
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-pickups").click()
    await user.should_see(marker="pickup-queue")
    queue = user.find(marker="pickup-queue").elements.pop()
    assert isinstance(queue, ui.table)
    assert [(r["id"], r["status"], r["due"]) for r in queue.rows] == [
        ("WEB-1001", "przyjęte", "10,98 zł")
    ]
    user.find(marker="pickup-find").type("WEB-1001").trigger("keydown.enter")
    await user.should_see(marker="pickup-shelf")
    user.find(marker="pickup-shelf").type("A3")
    user.find(marker="pickup-ready").click()
    await user.should_see("gotowe na półce A3")

    user.find(marker="pickup-code").type("000000").trigger("keydown.enter")
    await user.should_see("Błędny kod odbioru")
    assert pickups.get_order(node.ctx, "WEB-1001").status == "ready"

    user.find(marker="pickup-code").clear().type(CODE).trigger("keydown.enter")
    await user.should_see("Zamówienie WEB-1001 wydane · paragon")
    order = pickups.get_order(node.ctx, "WEB-1001")
    assert order.status == "collected" and order.receipt_no
    with node.ctx.db.read() as conn:
        total = conn.execute(
            "SELECT total FROM sales WHERE receipt_no = ?", [order.receipt_no]
        ).fetchone()[0]
    assert total == 1098  # paid at pickup, at the order's prices


def _sale(node: Node) -> str:
    ctx = node.ctx
    actor = auth.Actor("cashier", auth.Role.CASHIER, "01")
    view = baskets.create_basket(ctx, actor)
    baskets.add_line(ctx, view.basket.id, code="5901230000011", qty=2)
    return checkout.checkout(ctx, actor, view.basket.id, [Tender("cash", 2000)]).sale.receipt_no


async def _open_return_of_a_sale(node: Node) -> Any:
    """A sale at this store, then the till's returns mode with that receipt looked up."""
    receipt_no = _sale(node)
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-returns").click()
    await user.should_see(marker="return-ref")
    user.find(marker="return-ref").type(receipt_no).trigger("keydown.enter")
    await user.should_see(marker="return-qty-BAK-001-11")
    return user


async def test_return_of_a_local_sale_refunds_cash(node: Node) -> None:
    user = await _open_return_of_a_sale(node)
    user.find(marker="return-qty-BAK-001-11").type("1")
    user.find(marker="return-refund").click()
    await user.should_see("Zwrócić klientowi 5,49 zł za 1 szt.?")
    user.find(marker="refund-yes").click()
    await user.should_see("Zwrot 5,49 zł")
    await user.should_see("gotówka: 5,49 zł")
    with node.ctx.db.read() as conn:
        rows = conn.execute("SELECT sku, qty, refund FROM return_lines").fetchall()
    assert [tuple(r) for r in rows] == [("BAK-001-11", 1, 549)]


async def test_returning_more_than_was_sold_is_refused(node: Node) -> None:
    user = await _open_return_of_a_sale(node)
    qty = user.find(marker="return-qty-BAK-001-11").elements.pop()
    assert isinstance(qty, ui.number)
    qty.value = 3  # two were bought
    user.find(marker="return-refund").click()
    await user.should_see(marker="refund-yes")
    user.find(marker="refund-yes").click()
    await user.should_see("Za dużo: BAK-001-11 — można zwrócić najwyżej 2 szt., wpisano 3")
    with node.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM return_lines").fetchone()[0] == 0


async def test_kiosk_order_for_pickup_is_queued_with_honest_wording(node: Node) -> None:
    user = node.user
    await user.open("/kiosk")
    user.find(marker="attract").click()
    user.find(marker="search").type("5901230000028")
    await user.should_see(marker="order")
    user.find(marker="order").click()
    await user.should_see(marker="order-form")
    user.find(marker="place-order").click()
    await user.should_see("Podaj imię oraz telefon lub e-mail")
    user.find(marker="order-name").type("Jan Kowalski")
    user.find(marker="order-phone").type("+48 600 200 300")
    user.find(marker="order-consent").click()
    user.find(marker="place-order").click()
    await user.should_see(marker="placed")
    await user.should_see("Brak połączenia z centralą")  # no hub here: it waits in the outbox
    with node.ctx.db.read() as conn:
        event = conn.execute("SELECT data FROM outbox WHERE type = 'order.requested'").fetchone()
        request_id = conn.execute("SELECT request_id FROM order_requests").fetchone()[0]
    assert event is not None and '"BAK-001-12"' in event[0]
    short = request_id[:8].upper()  # what the shopper reads out; the slip's QR has it all
    await user.should_see(f"Numer zamówienia: {short}")
    await user.should_see("Weź wydrukowany kwit")  # the slip went to the pickup printer
    with node.ctx.db.read() as conn:
        slip = conn.execute("SELECT ref FROM print_jobs WHERE kind = 'pickup_slip'").fetchone()
    assert slip is not None and slip[0] == request_id

    user.find(marker="status").click()
    user.find(marker="status-number").type(short).trigger("keydown.enter")
    await user.should_see("czeka na potwierdzenie centrali")
    user.find(marker="status-number").clear().type("nope").trigger("keydown.enter")
    await user.should_see("Nie znaleziono zamówienia")


async def test_return_found_by_scanning_the_receipts_signed_qr(node: Node) -> None:
    """The receipt's QR read by the register's serial scanner while the Returns screen shows."""
    receipt_no = _sale(node)
    qr = signed_qr.signed_receipt_qr(node.ctx, receipt_no)
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-returns").click()
    await user.should_see(marker="return-ref")
    scans.deliver(node.ctx, "01", qr)
    await user.should_see(f"{receipt_no} (sprzedaż)")
    await user.should_see(marker="return-qty-BAK-001-11")
