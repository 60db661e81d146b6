"""The shopper's loyalty card at the kiosk (issue 15), in headless Chromium against a node served
over HTTP with no hub reachable: the card scanned (or typed) shows the points balance with when it
was known and the member prices; the idle reset forgets it all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from edge.domain.catalogue import Product, Promotion
from edge.domain.vat import VatRate
from edge.store import catalogue_repo, customers_repo
from kiosk_ui.harness import Served
from tests.e2e.axe import serious_violations
from tests.e2e.test_kiosk_shopper import page, wedge  # noqa: F401  (fixture)
from tests.waiting import TIMEOUT_S

TIMEOUT_MS = int(TIMEOUT_S * 1000)
CARD = "2900000000018"
TEA_CODE = "5909990000128"
TEA = Product("CLUB-TEA-1", {"pl": "Herbata klubowa 100 g"}, 1500, VatRate.C, barcodes=(TEA_CODE,))
MEMBER_PRICE = Promotion("club-tea", TEA.sku, "price", value=999, members_only=True)


@pytest.fixture(autouse=True)
def member(node: Served) -> None:
    """A product with a member price, and Anna's card as this store last heard of it."""
    now = node.ctx.clock()
    with node.ctx.db.transaction() as conn:
        catalogue_repo.upsert(conn, [TEA], now)
        catalogue_repo.upsert_promotions(conn, [MEMBER_PRICE])
        anna = {"customer_id": "C-ANNA", "card": CARD, "name": "Anna Nowak", "points": 120}
        customers_repo.remember(conn, anna, now - timedelta(minutes=7))


def _tea(tab: Page) -> None:
    wedge(tab, TEA_CODE)  # a price check by scan
    expect(tab.get_by_role("heading", name="Herbata klubowa 100 g")).to_be_visible()


def test_a_scanned_card_shows_points_as_of_and_member_prices_until_the_idle_reset(
    page: Page,  # noqa: F811
    node: Served,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk_ui.kiosk import screen

    monkeypatch.setattr(screen, "IDLE_SECONDS", 10.0)
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    _tea(page)  # without a card: the shelf price, and what a card would make it
    expect(page.locator(".kiosk-price")).to_have_text("15,00 zł")
    expect(page.get_by_text("Cena z kartą: 9,99 zł")).to_be_visible()

    wedge(page, CARD)  # scanned on any screen
    balance = page.locator("body")
    expect(balance).to_contain_text("Twoje punkty: 120")
    expect(balance).to_contain_text("stan sprzed 7 min")  # offline: the balance seen here
    expect(balance).to_contain_text("Status zamówień pokażemy")
    expect(balance).not_to_contain_text("Anna")  # a public screen: no name
    assert [v["id"] for v in serious_violations(page)] == []
    _tea(page)
    expect(page.locator(".kiosk-price")).to_have_text("9,99 zł")
    expect(page.get_by_text("Twoja cena z kartą")).to_be_visible()

    reset = page.get_by_text("Dotknij ekranu, aby zacząć")
    expect(reset).to_be_visible(timeout=TIMEOUT_MS)  # the idle reset
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="Moja karta").click()
    expect(page.get_by_label("Numer karty")).to_have_value("")
    expect(page.locator("body")).not_to_contain_text("Twoje punkty")
    _tea(page)
    expect(page.locator(".kiosk-price")).to_have_text("15,00 zł")


def test_a_card_typed_on_the_keyboard_and_a_card_nobody_holds(
    page: Page,  # noqa: F811
    node: Served,
) -> None:
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="Moja karta").click()
    for digit in "2900000000032":  # a valid number nobody here holds (this node has no hub)
        page.locator(".kiosk-keyboard button").filter(has_text=re.compile(f"^{digit}$")).click()
    page.get_by_role("button", name="Sprawdź").click()
    expect(page.get_by_role("status")).to_contain_text("Nie znamy tej karty")
    page.get_by_role("button", name="Wyczyść").click()
    for digit in CARD:
        page.locator(".kiosk-keyboard button").filter(has_text=re.compile(f"^{digit}$")).click()
    page.get_by_role("button", name="Sprawdź").click()
    expect(page.locator("body")).to_contain_text("Twoje punkty: 120")
    page.get_by_role("button", name="Zakończ i ukryj dane").click()
    expect(page.get_by_text("Dotknij ekranu, aby zacząć")).to_be_visible()
