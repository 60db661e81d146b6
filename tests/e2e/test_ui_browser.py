"""The till and the kiosk in real headless Chromium against a node served over HTTP and
websockets. `make screenshots` saves the ones shown in the README under docs/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from devices.fiscal import jobs_repo as fiscal_jobs
from edge import signing
from edge.services import pickup_intake, pickups
from edge.store import sales_repo
from kiosk_ui.harness import Served
from tests.waiting import TIMEOUT_S, wait_until

# The README's screenshots are refreshed with `make screenshots`; an ordinary test run writes
# its screenshots under var/ so that it leaves the checkout as it found it.
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("STORE_EDGE_SCREENSHOTS") == "docs"
    else Path(__file__).resolve().parents[2] / "var" / "screenshots"
)
SHOTS.mkdir(parents=True, exist_ok=True)
# Playwright's waits are waits on a condition (an element visible, a text shown): generous, as
# every wait in the suite, since they return as soon as the page is there.
TIMEOUT_MS = int(TIMEOUT_S * 1000)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    p = browser.new_page(viewport={"width": 1366, "height": 800})
    p.set_default_timeout(TIMEOUT_MS)
    yield p
    p.close()


def pos_login(page: Page, node: Served) -> None:
    page.goto(f"{node.url}/pos")
    page.get_by_label("Użytkownik").fill("cashier")
    page.get_by_label("PIN").fill("1234")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("scan")).to_be_focused()


def scan(page: Page, code: str) -> None:
    """A keyboard-wedge scanner: the code typed fast into the focused field, then Enter."""
    page.keyboard.type(code, delay=1)
    page.keyboard.press("Enter")


def test_sale_by_keyboard_and_clicks(page: Page, node: Served) -> None:
    pos_login(page, node)
    scan(page, "5901230000011")  # rye bread 5,49
    scan(page, "5901230000028")  # organic rye bread 7,49
    table = page.locator(".pos-basket")
    expect(table).to_contain_text("Chleb żytni Eko 500 g")
    page.keyboard.press("F2")  # quantity of the last line
    page.get_by_label("Sztuki").fill("2")
    page.keyboard.press("Enter")
    expect(table).to_contain_text("14,98 zł")
    expect(page.locator(".pos-total")).to_contain_text("20,47 zł")
    expect(page.get_by_test_id("scan")).to_be_focused()  # back to the scanner after the dialog
    page.screenshot(path=str(SHOTS / "pos-sell.png"))

    page.get_by_role("button", name="Zapłać (F9)").click()
    cash = page.get_by_label("Gotówka otrzymana")
    cash.fill("50")
    expect(page.locator(".pos-tender")).to_contain_text("Reszta 29,53 zł")
    page.get_by_role("button", name="Gotówka (Enter)").click()
    expect(page.locator(".pos-last")).to_contain_text("Reszta 29,53 zł")
    expect(table).to_contain_text("Koszyk jest pusty")

    with node.ctx.db.read() as conn:
        receipt_no = conn.execute("SELECT max(receipt_no) FROM sales").fetchone()[0]
        sale = sales_repo.get(conn, receipt_no)
    assert sale is not None and sale.total == 2047 and sale.change == 2953

    # The sale was registered on the fiscal device (the embedded emulator), with nothing asked
    # of the till: the receipt the customer gets is the device's, once.
    def registered() -> bool:
        with node.ctx.db.read() as conn:
            job = fiscal_jobs.get(conn, receipt_no)
        return job is not None and job.state == "done" and job.number is not None

    wait_until(registered, what=f"sale {receipt_no} registered on the fiscal device")


def test_offline_banner_says_what_still_works(page: Page, node: Served) -> None:
    saved = node.parts.sync_status
    node.parts.sync_status = lambda ctx: {
        "connected": False,
        "configured": True,
        "outbox_depth": 14,
        "oldest_unacked_age_s": 380.0,
    }
    try:
        pos_login(page, node)
        banner = page.locator(".offline-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Nadal działa: sprzedaż")
        expect(page.locator(".status-bar")).to_contain_text("offline · czeka: 14")
        scan(page, "5901230000042")
        expect(page.locator(".pos-basket")).to_contain_text("Marka własna")
        page.screenshot(path=str(SHOTS / "pos-offline.png"))
        # Selling goes on offline, from the keyboard alone: F9, the note handed over, Enter.
        page.keyboard.press("F9")
        expect(page.get_by_label("Gotówka otrzymana")).to_be_focused()
        page.wait_for_function(  # the pre-filled amount is selected: typing replaces it
            "() => document.activeElement.selectionEnd > document.activeElement.selectionStart"
        )
        page.keyboard.type("10")
        page.keyboard.press("Enter")
        expect(page.locator(".pos-last")).to_contain_text("Reszta 5,61 zł")
    finally:
        node.parts.sync_status = saved


def test_kiosk_search_and_product_page(page: Page, node: Served) -> None:
    ctx = node.ctx
    as_of = (ctx.clock() - timedelta(minutes=12)).isoformat()
    with ctx.db.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO nearby_stores VALUES ('S002', 'Kraków Kazimierz', 1.4),"
            " ('S003', 'Kraków Bronowice', 5.2)"
        )
        conn.execute(
            "INSERT OR REPLACE INTO nearby_stock VALUES ('S002', 'DAI-006-11', 20, 2, ?),"
            " ('S003', 'DAI-006-11', 0, 0, ?)",
            [as_of, as_of],
        )
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    for ch in "mleko":
        page.get_by_role("button", name=ch, exact=True).click()
    results = page.locator(".kiosk-grid")
    expect(results).to_contain_text("Mleko 2% 1 l")
    expect(results).not_to_contain_text("Chleb")
    page.screenshot(path=str(SHOTS / "kiosk-home.png"))

    results.get_by_text("Mleko 2% 1 l", exact=True).click()
    expect(page.get_by_text("W tym sklepie")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Kraków Kazimierz · 1.4 km")
    expect(page.locator("body")).to_contain_text("stan sprzed 12 min")
    expect(page.locator("body")).to_contain_text("/ l")
    page.screenshot(path=str(SHOTS / "kiosk-product.png"))

    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("body")).to_contain_text("In this store")


def test_kiosk_fits_a_portrait_screen(browser: Browser, node: Served) -> None:
    """A kiosk screen mounted upright: nothing wider than the screen, categories below."""
    page = browser.new_page(viewport={"width": 810, "height": 1440})
    try:
        page.goto(f"{node.url}/kiosk")
        page.get_by_text("Dotknij ekranu, aby zacząć").click()
        for ch in "sok":
            page.get_by_role("button", name=ch, exact=True).click()
        expect(page.locator(".kiosk-grid")).to_contain_text("Sok")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        search = page.locator(".kiosk-grid").bounding_box()
        cats = page.get_by_text("Kategorie", exact=True).bounding_box()
        assert search is not None and cats is not None and cats["y"] > search["y"]
        page.screenshot(path=str(SHOTS / "kiosk-portrait.png"))
    finally:
        page.close()


def test_kiosk_order_for_pickup_on_the_touch_keyboard(page: Page, node: Served) -> None:
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    for ch in "5901230000035":  # typed on the on-screen keyboard: a barcode opens the product
        page.locator(".kiosk-keyboard button", has_text=ch).first.click()
    expect(page.get_by_text("Chleb żytni Premium 500 g")).to_be_visible()
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()

    def touch_type(text: str) -> None:
        for ch in text:
            page.locator(".kiosk-keyboard button", has_text=ch).first.click()

    page.get_by_label("Imię i nazwisko").click()
    touch_type("ewa")
    page.get_by_label("Telefon").click()
    touch_type("600200300")
    expect(page.get_by_label("Imię i nazwisko")).to_have_value("ewa")
    expect(page.get_by_label("Telefon")).to_have_value("600200300")
    page.get_by_text("Zgadzam się na kontakt").click()
    page.get_by_role("button", name="Złóż zamówienie").click()
    expect(page.locator("body")).to_contain_text("zamówienie jest zapisane w sklepie")
    expect(page.locator("body")).to_contain_text("Kod odbioru")
    page.screenshot(path=str(SHOTS / "kiosk-order.png"))


def test_a_reload_keeps_the_login_and_the_open_basket(page: Page, node: Served) -> None:
    pos_login(page, node)
    scan(page, "5901230000035")  # premium rye bread
    expect(page.locator(".pos-basket")).to_contain_text("Chleb żytni Premium 500 g")
    page.keyboard.press("F5")  # swallowed in the scan field: no reload mid-sale
    page.reload()  # the browser's own reload (or a crashed tab) still keeps the sale
    expect(page.get_by_test_id("scan")).to_be_visible()
    expect(page.locator(".pos-basket")).to_contain_text("Chleb żytni Premium 500 g")
    scan(page, "5901230000035")
    expect(page.locator(".pos-basket")).to_contain_text("2 szt.")


def test_pickup_handed_over_and_a_return_refunded(page: Page, node: Served) -> None:
    with node.ctx.db.transaction() as conn:
        pickup_intake.create_order(
            conn,
            node.ctx,
            {
                "order_id": "WEB-2002",
                "store_id": node.ctx.store_id,
                "lines": [{"sku": "DAI-006-12", "qty": 2, "unit_price": 529}],
                "currency": "PLN",
                "customer": {"name": "Piotr Zieliński", "email": "piotr@example.com"},
                "prepaid": True,
                "pickup_code_hash": signing.hash_pickup_code("731904"),
            },
        )
    pos_login(page, node)
    page.get_by_role("button", name="Odbiory", exact=True).click()
    find = page.get_by_label("Zeskanuj QR klienta albo wpisz numer zamówienia / nazwisko")
    expect(find).to_be_visible()
    # The cashier types the order number the shopper shows (one match opens it).
    find.fill("WEB-2002")
    find.press("Enter")
    expect(page.get_by_label("Miejsce na półce")).to_be_visible()
    page.get_by_label("Miejsce na półce").fill("B-07")
    page.get_by_role("button", name="Gotowe na półce").click()
    expect(page.locator(".pos-message")).to_contain_text("gotowe na półce B-07")
    page.get_by_label("Kod odbioru (6 cyfr)").fill("731904")
    page.screenshot(path=str(SHOTS / "pos-pickups.png"))
    page.keyboard.press("Enter")
    expect(page.locator(".pos-message")).to_contain_text("Zamówienie WEB-2002 wydane")
    assert pickups.get_order(node.ctx, "WEB-2002").status == "collected"

    # A return of the last sale made at this till (the receipt number from the tools screen).
    page.get_by_role("button", name="Sprzedaż", exact=True).click()
    expect(page.get_by_test_id("scan")).to_be_focused()
    scan(page, "5901230000011")
    expect(page.locator(".pos-basket")).to_contain_text("Chleb żytni 500 g")
    page.keyboard.press("F9")
    expect(page.get_by_label("Gotówka otrzymana")).to_be_focused()
    page.keyboard.press("Enter")  # exact cash
    expect(page.locator(".pos-last")).to_contain_text("Ostatnia sprzedaż")
    receipt_no = page.locator(".pos-last").inner_text().split()[2]
    page.get_by_role("button", name="Zwroty", exact=True).click()
    page.get_by_label("Numer paragonu, numer zamówienia albo zeskanuj QR z paragonu").fill(
        receipt_no
    )
    page.keyboard.press("Enter")
    page.get_by_label("Ilość").fill("1")
    page.screenshot(path=str(SHOTS / "pos-return.png"))
    page.get_by_role("button", name="Zwróć pieniądze").click()
    page.get_by_role("button", name="Tak, wykonaj").click()
    expect(page.locator("body")).to_contain_text("Zwrot 5,49 zł")
    expect(page.locator("body")).to_contain_text("gotówka: 5,49 zł")
