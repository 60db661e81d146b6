"""Goods received at the till's deliveries screen by scanning, as a simulated browser sees it:
an announced delivery taken in part, and goods nobody announced."""

from __future__ import annotations

import pytest

from devices import scans
from edge.services import stock_documents
from edge.store import stock_repo

from .conftest import Node
from .test_pos_flow import login

pytestmark = pytest.mark.anyio

BREAD, BREAD_CODE = "BAK-001-11", "5901230000011"  # demo stock 14


def _on_hand(node: Node, sku: str) -> int:
    with node.ctx.db.read() as conn:
        return stock_repo.level(conn, sku).on_hand


async def test_an_announced_delivery_is_scanned_in_at_the_till(node: Node) -> None:
    with node.ctx.db.transaction() as conn:
        stock_documents.announce_delivery(conn, "D-1", "PO-77", [(BREAD, 5)], node.ctx.clock())
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-deliveries").click()
    await user.should_see(marker="delivery-PO-77")
    user.find(marker="delivery-PO-77").click()
    await user.should_see("Receiving PO-77")
    for _ in range(3):
        user.find(marker="delivery-scan").type(BREAD_CODE).trigger("keydown.enter")
    await user.should_see(f"{BREAD_CODE} × 3")
    user.find(marker="delivery-receive").click()
    await user.should_see("differences: BAK-001-11 -2")
    assert _on_hand(node, BREAD) == 17
    await user.should_see(marker="delivery-PO-77")  # partly received: still open
    await user.should_see("Receiving PO-77")  # and still the one being received
    scans.deliver(node.ctx, "01", BREAD_CODE + "\r")  # the handheld scanner at register 01
    await user.should_see(f"{BREAD_CODE} × 1")
    user.find(marker="delivery-close").click()
    await user.should_see("Received")
    assert _on_hand(node, BREAD) == 18
    await user.should_see("No deliveries announced")


async def test_receiving_nothing_or_an_unknown_code_says_why(node: Node) -> None:
    user = node.user
    await login(node)
    await user.should_see(marker="scan")
    user.find(marker="mode-deliveries").click()
    await user.should_see("Receiving goods not announced")
    user.find(marker="delivery-receive").click()
    await user.should_see("Scan the goods first")
    user.find(marker="delivery-scan").type("5901234123457").trigger("keydown.enter")
    user.find(marker="delivery-receive").click()
    await user.should_see("no product with barcode")
    assert _on_hand(node, BREAD) == 14
