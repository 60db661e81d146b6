"""A shopper at the kiosk, as a simulated browser sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui import ui

from devices import scans

from .conftest import Node

pytestmark = pytest.mark.anyio


async def start(node: Node) -> None:
    await node.user.open("/kiosk")
    await node.user.should_see("Dotknij ekranu, aby zacząć")
    node.user.find(marker="attract").click()
    await node.user.should_see(marker="search")


async def test_search_with_the_on_screen_keyboard_then_product_page(node: Node) -> None:
    user = node.user
    await start(node)
    for ch in "chleb":
        user.find(marker=f"key-{ch}").click()
    await user.should_see(marker="product-BAK-001-11")
    await user.should_not_see(marker="product-FRU-014-11")  # apples do not match "chleb"
    user.find(marker="product-BAK-001-11").click()
    await user.should_see(marker="product-name")
    await user.should_see("Chleb żytni 500 g")
    await user.should_see("5,49 zł")
    await user.should_see("10,98 zł / kg")  # 500 g pack: price per kg, as on the shelf label
    await user.should_see("stan bieżący")


async def test_english_switch_and_category_browsing(node: Node) -> None:
    user = node.user
    await start(node)
    user.find(marker="lang-en").click()
    await user.should_see("Categories")
    user.find(marker="cat-fruit-veg").click()
    await user.should_see(marker="product-FRU-014-11")
    user.find(marker="product-FRU-014-11").click()
    await user.should_see("Champion apples")
    await user.should_see("per kg")


async def test_scanning_a_barcode_into_search_opens_the_product(node: Node) -> None:
    user = node.user
    await start(node)
    user.find(marker="search").type("5901230000028")
    await user.should_see("Chleb żytni Eko 500 g")
    await user.should_see(marker="stock-here")


async def test_nearby_stock_shows_how_old_the_figure_is(node: Node) -> None:
    ctx = node.ctx
    as_of = (ctx.clock() - timedelta(minutes=7)).isoformat()
    with ctx.db.transaction() as conn:
        conn.execute(
            "INSERT INTO nearby_stores (store_id, name, distance_km)"
            " VALUES ('S002', 'Kazimierz', 1.4)"
        )
        conn.execute(
            "INSERT INTO nearby_stock (store_id, sku, on_hand, reserved, as_of)"
            " VALUES ('S002', 'BAK-001-11', 12, 2, ?)",
            [as_of],
        )
    user = node.user
    await start(node)
    user.find(marker="search").type("5901230000011")
    await user.should_see("Kazimierz · 1.4 km")
    await user.should_see("dostępne: 10 · stan sprzed 7 min")


async def test_inactivity_returns_to_attract_and_forgets_the_search(node: Node) -> None:
    user = node.user
    await start(node)
    user.find(marker="search").type("mleko")
    # The page's idle timer ticks once a second in a browser; tick it here, past the timeout.
    for timer in user.find(ui.timer).elements:
        screen = timer.callback.__self__  # type: ignore[union-attr]
        screen.idle_seconds = 0.0
        timer.callback()  # type: ignore[misc]
    await user.should_see(marker="attract")
    user.find(marker="attract").click()
    await user.should_see(marker="search")
    assert not user.find(marker="search").elements.pop().value


async def test_price_check_by_the_kiosk_scanner_opens_the_product(node: Node) -> None:
    user = node.user
    await user.open("/kiosk")
    await user.should_see(marker="attract")
    scans.deliver(node.ctx, "kiosk", "5901230000028")
    await user.should_see(marker="product-name")
    await user.should_see("Chleb żytni Eko 500 g")
