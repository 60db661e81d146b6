"""The kiosk as Polish shoppers found it (issue 18), each finding in real headless Chromium at the
kiosk's portrait 1080×1920 (and landscape where it matters) against a node served over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from kiosk_ui.harness import Served
from tests.e2e.test_ui_browser import SHOTS
from tests.integration.ui.test_kiosk_order_status import confirmed_by_the_hub
from tests.waiting import TIMEOUT_S

TIMEOUT_MS = int(TIMEOUT_S * 1000)
SPACE = re.compile(r"^(spacja|space)$")
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    p = browser.new_page(viewport=PORTRAIT)
    p.set_default_timeout(TIMEOUT_MS)
    yield p
    p.close()


def start(page: Page, node: Served) -> None:
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    expect(page.locator(".kiosk-keyboard")).to_be_visible()


def touch_type(page: Page, text: str) -> None:
    """Typed on the on-screen keyboard (the space bar is labelled in the shopper's language)."""
    for ch in text:
        keys = page.locator(".kiosk-keyboard button")
        if ch == " ":
            page.locator(".kiosk-keyboard").get_by_role("button", name=SPACE).click()
        else:
            keys.filter(has_text=ch).first.click()


def wedge(page: Page, code: str) -> None:
    """A keyboard-wedge scanner: the code typed a few ms a key, then Enter."""
    page.keyboard.type(code, delay=2)
    page.keyboard.press("Enter")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("maslo", "Masło ekstra 82% 200 g"),
        ("zolty ser", "Ser żółty gouda plastry 150 g"),
        ("jablka", "Jabłka Szampion"),
        ("slodycze", "Czekolada mleczna 100 g"),
    ],
)
def test_words_typed_without_polish_letters_find_products(
    page: Page, node: Served, typed: str, found: str
) -> None:
    start(page, node)
    touch_type(page, typed)
    expect(page.locator(".kiosk-grid")).to_have_attribute("data-q", typed)
    while not page.locator(".kiosk-grid").get_by_text(found, exact=True).count():
        more = page.get_by_role("button", name="Pokaż więcej wyników")
        expect(more).to_be_visible()
        more.click()
    expect(page.locator(".kiosk-grid").get_by_text(found, exact=True)).to_be_visible()


def test_the_keyboard_has_polish_letters_in_english_too(page: Page, node: Served) -> None:
    start(page, node)
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator(".kiosk-keyboard")).to_contain_text("Typing into")
    touch_type(page, "masło")
    expect(page.locator(".kiosk-grid")).to_contain_text("Butter 82%")


def test_a_category_shows_all_its_products_page_by_page(page: Page, node: Served) -> None:
    start(page, node)
    page.get_by_role("button", name="Nabiał", exact=True).click()
    # The category's first page, not the listing it replaces (whose "more" is still shown).
    expect(page.locator('.kiosk-grid[data-category="dairy"]')).to_be_attached()
    more = page.get_by_role("button", name="Pokaż więcej wyników")
    while more.is_visible():
        shown = page.locator(".kiosk-card").count()
        more.click()
        expect(page.locator(".kiosk-card")).not_to_have_count(shown)
    cards = page.locator(".kiosk-grid")
    for name in ("Mleko 2% 1 l", "Masło ekstra 82% 200 g", "Ser żółty gouda plastry 150 g"):
        expect(cards.get_by_text(name, exact=True)).to_be_attached()
    expect(page.locator(".kiosk-card")).to_have_count(60)


def test_the_keyboard_stays_at_the_bottom_and_names_its_field(page: Page, node: Served) -> None:
    start(page, node)
    keyboard = page.locator(".kiosk-keyboard")
    expect(keyboard).to_contain_text("Piszesz w polu: Szukaj produktu")
    before = keyboard.bounding_box()
    assert before is not None
    assert abs(before["y"] + before["height"] - PORTRAIT["height"]) <= 2  # on the bottom edge
    for typed in ("m", "ml", "mle", "mleq"):  # many results, few, none: the keys do not move
        page.locator(".kiosk-keyboard button").filter(has_text=typed[-1]).first.click()
        expect(page.locator(".kiosk-grid")).to_have_attribute("data-q", typed)
        assert keyboard.bounding_box() == before
    wedge_into_order_form(page, node)
    page.get_by_label("Telefon").click()
    expect(keyboard).to_contain_text("Piszesz w polu: Telefon")
    expect(page.locator(".kiosk-target")).to_have_count(1)
    expect(page.locator(".kiosk-target")).to_contain_text("Telefon")
    page.screenshot(path=str(SHOTS / "kiosk-order-form.png"))


def wedge_into_order_form(page: Page, node: Served) -> None:
    wedge(page, "2800015000006")  # bananas, sold by weight
    expect(page.get_by_role("heading", name="Banany")).to_be_visible()
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()
    expect(page.get_by_label("Imię i nazwisko")).to_be_visible()


def test_weighed_goods_in_kilograms_with_plus_and_minus(page: Page, node: Served) -> None:
    start(page, node)
    wedge(page, "2800015000006")
    expect(page.locator("body")).to_contain_text("dostępne: 20 kg")
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()
    expect(page.locator("body")).to_contain_text("1 kg")
    page.get_by_role("button", name="Więcej", exact=True).click()
    expect(page.locator("body")).to_contain_text("1,5 kg")
    page.get_by_role("button", name="Więcej", exact=True).click()
    page.get_by_role("button", name="Mniej", exact=True).click()
    page.get_by_label("Imię i nazwisko").fill("Ewa")
    page.get_by_label("Telefon").fill("600200300")
    page.get_by_role("checkbox").click()
    page.get_by_role("button", name="Złóż zamówienie").click()
    expect(page.locator("body")).to_contain_text("Banany × 1,5 kg")
    with node.ctx.db.read() as conn:
        rows = conn.execute("SELECT data FROM outbox WHERE type = 'order.requested'").fetchall()
    lines = [ln for r in rows for ln in json.loads(r[0])["lines"] if ln["sku"] == "FRU-015-11"]
    assert lines[-1]["qty"] == 1500  # grams, as the domain keeps weights


def test_an_unknown_code_fills_the_screen_and_drops_the_last_price(
    page: Page, node: Served
) -> None:
    start(page, node)
    wedge(page, "5901230000035")
    expect(page.locator(".kiosk-price")).to_be_visible()
    wedge(page, "5909990000000")
    expect(page.get_by_role("alert")).to_contain_text("Nie znamy tego kodu")
    expect(page.locator("body")).to_contain_text("Zapytaj obsługę")
    expect(page.locator(".kiosk-price")).to_have_count(0)


def test_a_wedge_scan_works_on_every_screen(page: Page, node: Served) -> None:
    page.goto(f"{node.url}/kiosk")
    wedge(page, "5901230000035")  # on the attract screen
    expect(page.get_by_role("heading", name="Chleb żytni Premium 500 g")).to_be_visible()
    page.get_by_role("button", name="Status zamówienia").click()
    page.get_by_label("Numer zamówienia").click()
    wedge(page, "2800015000006")  # the order number field has the focus
    expect(page.get_by_role("heading", name="Banany")).to_be_visible()
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()
    page.get_by_label("Imię i nazwisko").click()
    wedge(page, "5901230000035")
    expect(page.get_by_role("heading", name="Chleb żytni Premium 500 g")).to_be_visible()


def test_the_next_shopper_gets_polish_and_a_clean_screen(
    page: Page, node: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk_ui.kiosk import screen

    monkeypatch.setattr(screen, "IDLE_SECONDS", 2.0)
    start(page, node)
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Order status").click()
    page.get_by_label("Order number").fill("ABCDEF12")
    expect(page.get_by_text("Dotknij ekranu, aby zacząć")).to_be_visible()  # back, in Polish
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="Status zamówienia").click()
    expect(page.get_by_label("Numer zamówienia")).to_have_value("")


def test_the_shopper_is_asked_before_the_reset_and_can_ask_for_more_time(
    page: Page, node: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk_ui.kiosk import screen

    monkeypatch.setattr(screen, "IDLE_SECONDS", 6.0)
    start(page, node)
    page.get_by_role("button", name="Status zamówienia").click()
    asked = page.get_by_text("Czy potrzebujesz więcej czasu?")
    expect(asked).to_be_visible()
    page.get_by_role("button", name="Tak, więcej czasu").click()
    expect(asked).to_be_hidden()
    expect(asked).to_be_visible()  # asked again a period later: the screen was not reset
    expect(page.get_by_label("Numer zamówienia")).to_be_visible()


def test_the_order_confirmation_sums_up_and_the_code_does_not_linger(
    page: Page, node: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk_ui.kiosk import status

    start(page, node)
    wedge(page, "5901230000035")
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()
    page.get_by_role("button", name="Więcej", exact=True).click()
    page.get_by_label("Imię i nazwisko").fill("Ewa")
    page.get_by_label("Telefon").fill("600200300")
    page.get_by_role("checkbox").click()
    page.get_by_role("button", name="Złóż zamówienie").click()
    body = page.locator("body")
    expect(body).to_contain_text("Co: Chleb żytni Premium 500 g × 2 szt.")
    expect(body).to_contain_text(f"Gdzie: {node.ctx.settings.store.name}")
    expect(body).to_contain_text("Do kiedy: odbierz do")

    number = confirmed_by_the_hub(node.ctx, "O-KIOSK-CODE", "135790")
    monkeypatch.setattr(status, "CODE_SECONDS", 1.0)
    page.get_by_role("button", name="Status zamówienia").click()
    page.get_by_label("Numer zamówienia").fill(number)
    page.get_by_role("button", name="Sprawdź").click()
    expect(body).to_contain_text("Kod odbioru: 135790")
    expect(body).to_contain_text("Kod odbioru ukryty")
    expect(body).not_to_contain_text("135790")


def test_the_attract_screen_shows_every_active_promotion(page: Page, node: Served) -> None:
    page.set_viewport_size(LANDSCAPE)
    page.goto(f"{node.url}/kiosk")
    promos = page.locator(".kiosk-promos .kiosk-card")
    expect(promos).to_have_count(3)
    for label in ("3 w cenie 2", "-20%", "Cena promocyjna"):
        expect(page.locator(".kiosk-promos")).to_contain_text(label)
    page.screenshot(path=str(SHOTS / "kiosk-attract.png"))
