"""Issue 18, the till as a Polish cashier meets it (simulated browser on a real node): its
language, messages written for a cashier, money dialogs that say what they do and ask first."""

from __future__ import annotations

import pytest
from nicegui import ui

from edge.domain.tenders import Tender
from edge.services import auth, baskets, checkout, pickups

from .conftest import Node
from .test_pickups_returns_flow import CODE, _open_return_of_a_sale, make_order
from .test_pos_flow import basket_rows, key, login, scan

pytestmark = pytest.mark.anyio


async def test_a_short_cash_payment_is_told_in_polish_zloty(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see("Sprzedaż")
    scan(node, "5901230000011")  # 5,49
    key(node, "F9")
    await user.should_see(marker="cash")
    user.find(marker="cash").clear().type("5")
    user.find(marker="pay-cash").click()
    await user.should_see("Za mało pieniędzy: brakuje 0,49 zł")
    await user.should_not_see("tenders (")


async def test_a_wrong_supervisor_pin_keeps_the_discount_for_another_try(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")
    key(node, "F4")
    await user.should_see(marker="disc-percent")
    user.find(marker="disc-percent").type("50").trigger("keydown.enter")
    await user.should_see("Rabat na „Chleb żytni 500 g” (50%); wartość pozycji 5,49 zł")
    user.find(marker="approver").type("supervisor")
    user.find(marker="approver-pin").type("0000").trigger("keydown.enter")
    await user.should_see("Nieznany użytkownik lub błędny PIN")
    assert basket_rows(node)[0]["total"] == "5,49 zł"
    user.find(marker="approver-pin").type("4321").trigger("keydown.enter")  # the same dialog
    await user.should_see("Rabat: Chleb żytni 500 g")
    assert basket_rows(node)[0]["total"] == "2,74 zł"


async def test_cancelling_the_basket_asks_first(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")
    await user.should_see("Chleb żytni 500 g — 1 szt.")
    user.find(marker="cancel-basket").click()
    await user.should_see("Anulować cały koszyk (1 poz., 5,49 zł)?")
    user.find(marker="cancel-basket-no").click()
    await user.should_not_see(marker="cancel-basket-question")
    assert len(basket_rows(node)) == 1
    user.find(marker="cancel-basket").click()
    await user.should_see(marker="cancel-basket-yes")
    user.find(marker="cancel-basket-yes").click()
    await user.should_see("Koszyk anulowany")
    assert basket_rows(node) == []


async def test_a_refund_asks_first_and_says_what_it_does(node: Node) -> None:
    user = await _open_return_of_a_sale(node)
    user.find(marker="return-qty-BAK-001-11").type("1")
    user.find(marker="return-refund").click()
    await user.should_see("Zwrócić klientowi 5,49 zł za 1 szt.?")
    user.find(marker="refund-no").click()
    await user.should_not_see(marker="refund-question")
    with node.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM return_lines").fetchone()[0] == 0


async def test_cash_at_pickup_takes_the_note_and_gives_change(node: Node) -> None:
    make_order(node)  # 10,98 zł to pay at pickup
    pickups.mark_ready(node.ctx, auth.Actor("cashier", auth.Role.CASHIER, "01"), "WEB-1001", "A1")
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-pickups").click()
    await user.should_see(marker="pickup-find")
    user.find(marker="pickup-find").type("WEB-1001").trigger("keydown.enter")
    await user.should_see(marker="pickup-cash")
    user.find(marker="pickup-cash").type("20")
    await user.should_see("Reszta 9,02 zł")  # settled by the domain as it is typed
    user.find(marker="pickup-code").type(CODE).trigger("keydown.enter")
    await user.should_see("Zamówienie WEB-1001 wydane")
    order = pickups.get_order(node.ctx, "WEB-1001")
    with node.ctx.db.read() as conn:
        change = conn.execute(
            "SELECT change FROM sales WHERE receipt_no = ?", [order.receipt_no]
        ).fetchone()[0]
    assert change == 902


async def test_x_report_counts_returns_as_a_count(node: Node) -> None:
    user = await _open_return_of_a_sale(node)
    user.find(marker="return-qty-BAK-001-11").type("1")
    user.find(marker="return-refund").click()
    await user.should_see(marker="refund-yes")
    user.find(marker="refund-yes").click()
    await user.should_see("Zwrot 5,49 zł")
    user.find(marker="mode-tools").click()
    await user.should_see(marker="report-x")
    user.find(marker="report-x").click()
    await user.should_see("Liczba zwrotów")
    (grid,) = user.find(marker="report-grid").elements
    cells = [e.text for e in grid.default_slot.children if isinstance(e, ui.label)]
    assert cells[cells.index("Liczba zwrotów") + 1] == "1"
    await user.should_see("Płatności: gotówka")


async def test_a_shift_opens_with_a_float_and_closes_with_a_blind_count(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-tools").click()
    await user.should_see(marker="shift-float")
    user.find(marker="shift-float").type("200")
    user.find(marker="shift-open").click()
    await user.should_see("pogotowie 200,00 zł")
    await user.should_not_see("Gotówka w szufladzie")  # blind: nothing says what it should be
    user.find(marker="shift-counted").type("199,50")
    user.find(marker="shift-close").click()
    await user.should_see("Zamknąć zmianę z policzoną gotówką 199,50 zł?")
    user.find(marker="shift-close-yes").click()
    await user.should_see("Zmiana zamknięta, różnica -0,50 zł")
    await user.should_see("Gotówka w szufladzie (wyliczona)")
    with node.ctx.db.read() as conn:
        row = conn.execute("SELECT float, expected, counted, difference FROM shifts").fetchone()
    assert tuple(row) == (20000, 20000, 19950, -50)


async def test_a_sale_is_found_by_card_reference_then_returned_without_the_receipt(
    node: Node,
) -> None:
    actor = auth.Actor("cashier", auth.Role.CASHIER, "01")
    view = baskets.create_basket(node.ctx, actor)
    baskets.add_line(node.ctx, view.basket.id, code="5901230000028")  # 7,49
    paid = [Tender("card", 749, "AUTH-445566")]
    receipt = checkout.checkout(node.ctx, actor, view.basket.id, paid).sale.receipt_no
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-journal").click()
    await user.should_see(marker="journal-q")
    user.find(marker="journal-q").type("445566").trigger("keydown.enter")
    await user.should_see("Znaleziono: 1")
    (table,) = user.find(marker="journal-table").elements
    assert isinstance(table, ui.table)
    (row,) = table.rows
    assert row["receipt"] == receipt and row["total"] == "7,49 zł"
    assert row["tenders"] == "karta 7,49 zł (AUTH-445566)"
    user.find(marker="journal-table").trigger("rowClick", [{}, row, 0])
    await user.should_see(marker="journal-return")
    user.find(marker="journal-return").click()
    await user.should_see(f"{receipt} (sprzedaż)")
    await user.should_see(marker="return-qty-BAK-001-12")


async def test_a_basket_left_open_at_the_register_is_offered_back_after_a_new_login(
    node: Node,
) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")
    await user.should_see("Chleb żytni 500 g — 1 szt.")
    user.find(marker="logout").click()
    await login(node)
    await user.should_see("Otwarty koszyk z tej kasy: 1 poz., 5,49 zł")
    assert basket_rows(node) == []
    user.find(marker="resume-basket").click()
    await user.should_see("Koszyk wznowiony")
    assert [r["total"] for r in basket_rows(node)] == ["5,49 zł"]


async def test_the_daily_fiscal_report_is_run_from_the_till_by_a_supervisor(node: Node) -> None:
    """Issue 14: the raport dobowy closes the fiscal day at shift close; a cashier asks, a
    supervisor approves, the device prints it and the node records it."""
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-tools").click()
    await user.should_see(marker="fiscal-daily")
    user.find(marker="fiscal-daily").click()
    await user.should_see("Raport dobowy na drukarce fiskalnej")
    user.find(marker="approver").type("supervisor")
    user.find(marker="approver-pin").type("4321").trigger("keydown.enter")
    await user.should_see("Raport dobowy nr 1 wydrukowany na drukarce fiskalnej")
    with node.ctx.db.read() as conn:
        rows = conn.execute("SELECT number, by FROM fiscal_reports").fetchall()
    assert [tuple(r) for r in rows] == [(1, "supervisor")]
