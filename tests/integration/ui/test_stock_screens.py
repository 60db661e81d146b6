"""Goods received at the till's deliveries screen by scanning, and a blind stock count at its
count screen, as a simulated browser sees them."""

from __future__ import annotations

import pytest

from devices import scans
from edge.domain.staff import Role
from edge.domain.tenders import Tender
from edge.services import baskets, checkout, stock_documents
from edge.services.auth import Actor
from edge.store import stock_repo

from .conftest import Node
from .test_pos_flow import login

pytestmark = pytest.mark.anyio

BREAD, BREAD_CODE = "BAK-001-11", "5901230000011"  # demo stock 14


async def _screen(node: Node, mode: str) -> None:
    """Logged in at the till, on one of its screens."""
    await login(node)
    await node.user.should_see(marker="scan")
    node.user.find(marker=f"mode-{mode}").click()


def _on_hand(node: Node, sku: str) -> int:
    with node.ctx.db.read() as conn:
        return stock_repo.level(conn, sku).on_hand


async def test_an_announced_delivery_is_scanned_in_at_the_till(node: Node) -> None:
    with node.ctx.db.transaction() as conn:
        stock_documents.announce_delivery(conn, "D-1", "PO-77", [(BREAD, 5)], node.ctx.clock())
    user = node.user
    await _screen(node, "deliveries")
    await user.should_see(marker="delivery-PO-77")
    user.find(marker="delivery-PO-77").click()
    await user.should_see("Przyjęcie: PO-77")
    for _ in range(3):
        user.find(marker="delivery-scan").type(BREAD_CODE).trigger("keydown.enter")
    await user.should_see(f"{BREAD_CODE} × 3")
    user.find(marker="delivery-receive").click()
    await user.should_see("różnice: BAK-001-11 -2")
    assert _on_hand(node, BREAD) == 17
    await user.should_see(marker="delivery-PO-77")  # partly received: still open
    await user.should_see("Przyjęcie: PO-77")  # and still the one being received
    scans.deliver(node.ctx, "01", BREAD_CODE + "\r")  # the handheld scanner at register 01
    await user.should_see(f"{BREAD_CODE} × 1")
    user.find(marker="delivery-close").click()
    await user.should_see("Przyjęto")
    assert _on_hand(node, BREAD) == 18
    await user.should_see("Brak zapowiedzianych dostaw")


async def test_receiving_nothing_or_an_unknown_code_says_why(node: Node) -> None:
    user = node.user
    await _screen(node, "deliveries")
    await user.should_see("Przyjęcie towaru bez awiza")
    user.find(marker="delivery-receive").click()
    await user.should_see("Najpierw zeskanuj towar")
    user.find(marker="delivery-scan").type("5901234123457").trigger("keydown.enter")
    user.find(marker="delivery-receive").click()
    await user.should_see("Nieznany kod")
    assert _on_hand(node, BREAD) == 14


async def test_a_blind_count_at_the_till_during_a_sale(node: Node) -> None:
    user = node.user
    await _screen(node, "counts")
    await user.should_see(marker="count-start")
    user.find(marker="count-shelf").type("A3")
    user.find(marker="count-start").click()
    await user.should_see("Liczenie: shelf:A3")
    for _ in range(2):
        user.find(marker="count-scan").type(BREAD_CODE).trigger("keydown.enter")
    await user.should_see(f"{BREAD} × 2")
    other = Actor("cashier", Role.CASHIER, "02")  # a sale at the other till meanwhile
    view = baskets.create_basket(node.ctx, other)
    view, _ = baskets.add_line(node.ctx, view.basket.id, sku=BREAD, qty=1)
    checkout.checkout(node.ctx, other, view.basket.id, [Tender("card", view.priced.total, "T")])
    user.find(marker="count-finish").click()
    await user.should_see("różnice: BAK-001-11 -12")
    assert _on_hand(node, BREAD) == 1  # 2 on the shelf at the start, 1 sold since


async def test_a_write_off_above_the_limit_is_approved_at_the_till(node: Node) -> None:
    user = node.user
    await _screen(node, "write_offs")
    await user.should_see(marker="write-off-scan")
    for _ in range(14):  # 14 × 5,49 zł: under the 100 zł limit, a cashier's own call
        user.find(marker="write-off-scan").type(BREAD_CODE).trigger("keydown.enter")
    user.find(marker="write-off").click()
    await user.should_see("Odpisano 14 szt.")
    assert _on_hand(node, BREAD) == 0
    for _ in range(15):  # 15 × 7,49 zł: a supervisor's
        user.find(marker="write-off-scan").type("BAK-001-12").trigger("keydown.enter")
    user.find(marker="write-off").click()
    await user.should_see(marker="approver")
    user.find(marker="approver").type("supervisor")
    user.find(marker="approver-pin").type("4321").trigger("keydown.enter")
    await user.should_see("Odpisano 15 szt., zatwierdził(a) supervisor")
    assert _on_hand(node, "BAK-001-12") == 0


async def test_goods_sent_and_received_between_stores_at_the_till(node: Node) -> None:
    user = node.user
    await _screen(node, "transfers")
    await user.should_see(marker="transfer-scan")
    user.find(marker="transfer-store").type("S002")
    for _ in range(4):
        user.find(marker="transfer-scan").type(BREAD_CODE).trigger("keydown.enter")
    user.find(marker="transfer-book").click()
    await user.should_see("Wysłano do S002 jako")
    assert _on_hand(node, BREAD) == 10
    user.find(marker="transfer-direction").elements.pop().value = "receive"
    user.find(marker="transfer-store").clear().type("S003")
    user.find(marker="transfer-id").type("T-42")
    user.find(marker="transfer-scan").type("BAK-001-12").trigger("keydown.enter")
    user.find(marker="transfer-book").click()
    await user.should_see("Przyjęto T-42")
    assert _on_hand(node, "BAK-001-12") == 16
