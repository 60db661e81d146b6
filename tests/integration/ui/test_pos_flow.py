"""A cashier's sale through the till page, as a simulated browser sees it."""

from __future__ import annotations

import pytest
from nicegui import ui

from devices import scans
from edge.store import sales_repo
from tests.db_locks import writer_held_by_a_thread
from tests.waiting import wait_until_async

from .conftest import Node

pytestmark = pytest.mark.anyio

RYE_BREAD = "5900000000000"


async def login(node: Node, username: str = "cashier", pin: str = "1234") -> None:
    user = node.user
    await user.open("/pos")
    await user.should_see("Logowanie do kasy")
    user.find(marker="username").type(username)
    user.find(marker="pin").type(pin)
    user.find(marker="login").click()


async def test_wrong_pin_is_refused_and_nothing_opens(node: Node) -> None:
    await login(node, pin="9999")
    await node.user.should_see("Nieznany użytkownik lub błędny PIN")
    await node.user.should_not_see(marker="scan")


def scan(node: Node, code: str) -> None:
    node.user.find(marker="scan").trigger("keydown", {"key": "Enter", "value": code})


def key(node: Node, name: str) -> None:
    node.user.find(marker="scan").trigger("keydown", {"key": name, "value": ""})


def basket_rows(node: Node) -> list[dict]:
    return node.user.find(ui.table).elements.pop().rows


async def test_sale_scan_qty_remove_discount_and_cash_with_change(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")  # rye bread 5,49
    scan(node, "5901230000028")  # organic rye bread 7,49
    scan(node, "no-such-code")
    await user.should_see("no-such-code:")
    rows = basket_rows(node)
    assert [r["name"][:17] for r in rows] == ["Chleb żytni 500 g", "Chleb żytni Eko 5"]
    assert rows[1]["total"] == "7,49 zł"

    key(node, "F2")  # quantity of the selected (last scanned) line
    await user.should_see(marker="qty")
    user.find(marker="qty").clear().type("3").trigger("keydown.enter")
    await user.should_see("ilość 3 szt.")
    assert basket_rows(node)[1]["total"] == "22,47 zł"

    key(node, "ArrowUp")
    key(node, "F8")  # removes the bread, not the organic one
    await user.should_see("Usunięto Chleb żytni 500 g")
    assert [r["total"] for r in basket_rows(node)] == ["22,47 zł"]

    key(node, "F9")
    await user.should_see(marker="cash")
    user.find(marker="cash").clear().type("50")
    await user.should_see("Reszta 27,53 zł")
    user.find(marker="pay-cash").click()
    await user.should_see(marker="change")
    await user.should_see("Reszta 27,53 zł")
    assert basket_rows(node) == []

    with node.ctx.db.read() as conn:
        receipt_no = conn.execute("SELECT receipt_no FROM sales").fetchone()[0]
        sale = sales_repo.get(conn, receipt_no)
    assert sale is not None and sale.total == 2247 and sale.change == 2753
    assert [(ln.sku, ln.qty) for ln in sale.lines] == [("BAK-001-12", 3)]


async def test_card_payment_keeps_its_terminal_reference(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")
    user.find(marker="pay").click()
    await user.should_see(marker="card-ref")
    user.find(marker="card-ref").type("AUTH-778899").trigger("keydown.enter")
    await user.should_see("Zapłacono — paragon")
    with node.ctx.db.read() as conn:
        row = conn.execute("SELECT * FROM sale_tenders").fetchone()
    assert row["type"] == "card" and row["reference"] == "AUTH-778899" and row["amount"] == 549


async def test_an_ended_session_goes_back_to_login_and_sells_nothing(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    with node.ctx.db.transaction() as conn:
        conn.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
    scan(node, "5901230000011")
    await user.should_see("Sesja wygasła — zaloguj się ponownie")
    await user.should_see("Logowanie do kasy")
    with node.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 0


async def test_serial_scanner_scans_reach_the_basket(node: Node) -> None:
    """The register's serial scanner (devices part) feeds the same path as the wedge input."""
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scans.deliver(node.ctx, "01", "5901230000011\r")
    await user.should_see("Chleb żytni 500 g — 1 szt.")
    scans.deliver(node.ctx, "01", "5901230000012")  # bad check digit
    await user.should_see("błędna cyfra kontrolna")
    scans.deliver(node.ctx, "02", "5901230000028")  # another register's scanner
    scans.deliver(node.ctx, "01", "5901230000035")  # then this register's again
    await user.should_see("Chleb żytni Premium 500 g — 1 szt.")
    # Scans reach the basket in order: the other register's would have landed by now.
    assert [r["name"] for r in basket_rows(node)] == [
        "Chleb żytni 500 g",
        "Chleb żytni Premium 500 g",
    ]


async def test_reprint_and_x_and_z_reports(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")
    user.find(marker="pay").click()
    await user.should_see(marker="pay-cash")
    user.find(marker="pay-cash").click()  # exact cash
    await user.should_see("Zapłacono — paragon")
    user.find(marker="mode-tools").click()
    await user.should_see(marker="reprint-no")
    user.find(marker="reprint").click()  # the last receipt is filled in
    # A fiscal receipt's copy is the device's own: the till prints nothing and says where to
    # find the sale.
    await user.should_see("Kopii nie drukujemy: paragon fiskalny nr 1")
    user.find(marker="report-x").click()
    await user.should_see("Raport X")
    user.find(marker="report-z").click()  # a cashier needs a supervisor for the Z
    await user.should_see("Zgoda kierownika")
    user.find(marker="approver").type("supervisor")
    user.find(marker="approver-pin").type("4321").trigger("keydown.enter")
    await user.should_see("Raport Z nr 1")
    with node.ctx.db.read() as conn:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM print_jobs ORDER BY id")]
        copies = conn.execute("SELECT count(*) FROM print_jobs WHERE copy = 1").fetchone()[0]
    # the sale: a drawer pulse for the cash (its receipt is the fiscal device's, no copy of
    # it); then both reports
    assert sorted(kinds) == ["drawer", "report", "report"]
    assert copies == 0


async def test_small_basket_discount_by_the_cashier_and_manual_price_by_a_supervisor(
    node: Node,
) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    scan(node, "5901230000011")  # 5,49
    scan(node, "5901230000028")  # 7,49
    key(node, "F4")
    await user.should_see(marker="disc-basket")
    user.find(marker="disc-basket").click()
    user.find(marker="disc-percent").type("10").trigger("keydown.enter")  # within the limit
    await user.should_see("Rabat: cały koszyk")
    assert user.find(marker="total").elements.pop().text == "11,68 zł"  # 12,98 - 1,30

    key(node, "F4")  # a manual price always needs a supervisor
    await user.should_see(marker="disc-price")
    user.find(marker="disc-price").type("1,00").trigger("keydown.enter")
    await user.should_see("Zgoda kierownika")
    user.find(marker="approver").type("supervisor")
    user.find(marker="approver-pin").type("0000").trigger("keydown.enter")
    await user.should_see("Nieznany użytkownik lub błędny PIN")
    assert user.find(marker="total").elements.pop().text == "11,68 zł"  # nothing changed


async def test_cash_in_then_cash_out_approved_by_a_supervisor(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-tools").click()
    await user.should_see(marker="cash-amount")
    user.find(marker="cash-amount").type("200,00")
    user.find(marker="cash-reason").type("float")
    user.find(marker="cash-in").click()
    await user.should_see("Wpłata: 200,00")
    user.find(marker="cash-amount").clear().type("50")
    user.find(marker="cash-out").click()  # a cashier needs a supervisor to take cash out
    await user.should_see("Zgoda kierownika")
    user.find(marker="approver").type("supervisor")
    user.find(marker="approver-pin").type("4321").trigger("keydown.enter")
    await user.should_see("Wypłata: 50,00")
    with node.ctx.db.read() as conn:
        moves = conn.execute(
            "SELECT kind, amount, approved_by FROM cash_movements ORDER BY id"
        ).fetchall()
        kinds = [r[0] for r in conn.execute("SELECT kind FROM print_jobs ORDER BY id")]
    assert [tuple(m) for m in moves] == [("in", 20000, None), ("out", 5000, "supervisor")]
    assert kinds == ["drawer", "cash", "drawer", "cash"]


async def test_a_scan_behind_a_long_write_does_not_freeze_the_node(node: Node) -> None:
    """Another thread holds the database's writer (a catalogue snapshot from the hub can take
    seconds): the scan waits in a worker thread while the event loop, and with it every other
    till, kiosk and /healthz, carries on."""
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    with writer_held_by_a_thread(node.ctx.db) as hold:
        scan(node, "5901230000011")
        (waiter,) = await wait_until_async(
            lambda: hold.waiting(node.ctx.db), what="the scan waiting for the writer"
        )
        assert not waiter.on_event_loop, f"the scan waits on the event loop ({waiter.thread})"
        # The loop runs this test while the write goes on: it did not stall behind it.
        assert hold.holding and basket_rows(node) == []
    await user.should_see("Chleb żytni 500 g — 1 szt.")


async def test_scans_behind_a_long_write_land_in_one_basket_in_order(node: Node) -> None:
    """Two serial scans while the writer is held, before any basket exists: both wait in worker
    threads, and they must not open two baskets or land out of order."""
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    with writer_held_by_a_thread(node.ctx.db) as hold:
        scans.deliver(node.ctx, "01", "5901230000011")
        scans.deliver(node.ctx, "01", "5901230000028")
        # Both pending before the writer is free: the first in a worker thread, the second
        # queued behind it on the till.
        await wait_until_async(
            lambda: hold.waiting(node.ctx.db), what="a scan waiting for the writer"
        )
    await user.should_see("Chleb żytni Eko")
    assert [r["name"][:17] for r in basket_rows(node)] == ["Chleb żytni 500 g", "Chleb żytni Eko 5"]
    with node.ctx.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM baskets").fetchone()[0] == 1
