"""The kiosk for shoppers who use a keyboard, a screen reader or need contrast (issue 18; the
European Accessibility Act, EN 301 549): axe-core, as published on the npm registry, run in the
page on every kiosk screen at the kiosk's portrait and landscape sizes; and the checks axe cannot
make (keyboard operation, 48 px targets, the page's language, announced errors)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from edge.domain.catalogue import Product
from edge.domain.vat import VatRate
from edge.store import catalogue_repo
from kiosk_ui.harness import Served
from tests.e2e.axe import serious_violations
from tests.waiting import TIMEOUT_S

TIMEOUT_MS = int(TIMEOUT_S * 1000)
SIZES = {"portrait": {"width": 1080, "height": 1920}, "landscape": {"width": 1920, "height": 1080}}
TARGET_PX = 48


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    p = browser.new_page(viewport=SIZES[request.param])
    p.set_default_timeout(TIMEOUT_MS)
    yield p
    p.close()


def wedge(page: Page, code: str) -> None:
    page.keyboard.type(code, delay=2)
    page.keyboard.press("Enter")


def _attract(page: Page) -> None:
    expect(page.get_by_text("Dotknij ekranu, aby zacząć")).to_be_visible()


def _home(page: Page) -> None:
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.locator(".kiosk-keyboard button").filter(has_text="m").first.click()
    expect(page.locator(".kiosk-grid")).to_have_attribute("data-q", "m")


def _product(page: Page) -> None:
    wedge(page, "5901230000035")
    expect(page.locator(".kiosk-price")).to_be_visible()


def _unknown(page: Page) -> None:
    wedge(page, "5909990000000")
    expect(page.get_by_role("alert")).to_contain_text("Nie znamy tego kodu")


def _order_with_an_error(page: Page) -> None:
    _product(page)
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()
    page.get_by_role("button", name="Złóż zamówienie").click()
    expect(page.get_by_role("alert")).to_contain_text("Podaj imię")


PHONES = itertools.count(600200300)  # one shopper a number: orders are limited per contact


def _placed(page: Page) -> None:
    _product(page)
    page.get_by_role("button", name="Zamów z odbiorem tutaj").click()
    page.get_by_label("Imię i nazwisko").fill("Ewa")
    page.get_by_label("Telefon").fill(str(next(PHONES)))
    page.get_by_role("checkbox").click()
    page.get_by_role("button", name="Złóż zamówienie").click()
    expect(page.locator("body")).to_contain_text("Podsumowanie zamówienia")


def _status(page: Page) -> None:
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="Status zamówienia").click()
    page.get_by_label("Numer zamówienia").fill("NOPE1234")
    page.get_by_role("button", name="Sprawdź").click()
    expect(page.locator("body")).to_contain_text("Nie znaleziono zamówienia")


def _card(page: Page) -> None:
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="Moja karta").click()
    page.get_by_label("Numer karty").fill("2900000000018")
    page.get_by_role("button", name="Sprawdź").click()
    expect(page.get_by_role("status")).to_contain_text("Nie znamy tej karty")


SCREENS: dict[str, Callable[[Page], None]] = {
    "attract": _attract,
    "home": _home,
    "product": _product,
    "unknown": _unknown,
    "order": _order_with_an_error,
    "placed": _placed,
    "status": _status,
    "card": _card,
}


def serious(page: Page) -> list[str]:
    return [f"{v['id']}: {v['nodes']}" for v in serious_violations(page)]


@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_nothing_serious(page: Page, node: Served, screen: str) -> None:
    page.goto(f"{node.url}/kiosk")
    SCREENS[screen](page)
    assert serious(page) == []


def test_axe_sees_what_it_must(page: Page, node: Served) -> None:
    """The check itself: an unnamed button and grey-on-grey text are reported."""
    page.goto(f"{node.url}/kiosk")
    _attract(page)
    page.evaluate(
        """() => document.body.insertAdjacentHTML('beforeend',
             '<button style="width:60px;height:60px"></button>'
             + '<p style="color:#999;background:#aaa">faint</p>')"""
    )
    found = serious(page)
    assert any(v.startswith("button-name") for v in found), found
    assert any(v.startswith("color-contrast") for v in found), found


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_control_is_at_least_48_px(page: Page, node: Served, screen: str) -> None:
    page.goto(f"{node.url}/kiosk")
    SCREENS[screen](page)
    small = page.evaluate(
        """(px) => [...document.querySelectorAll(
              'button, a[href], [role=button], [role=checkbox], input, [tabindex="0"]')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e, e.closest('.q-field__control, .q-checkbox') || e])
            .map(([e, box]) => [e, box.getBoundingClientRect()])
            .filter(([e, r]) => r.width < px || r.height < px)
            .map(([e, r]) => (e.innerText || e.getAttribute('aria-label') || e.tagName).trim()
                 + ` ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TARGET_PX,
    )
    assert small == []


def test_the_page_says_its_language(page: Page, node: Served) -> None:
    page.goto(f"{node.url}/kiosk")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_product_card_opens_from_the_keyboard(page: Page, node: Served) -> None:
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_label("Szukaj produktu").fill("masło ekstra 82% 200")
    card = page.get_by_role("button", name=re.compile(r"^Masło ekstra 82% 200 g, \d+,\d\d zł$"))
    expect(card).to_be_visible()
    card.focus()  # reached by Tab like any button (tabindex 0)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Masło ekstra 82% 200 g")).to_be_visible()


def test_the_consent_checkbox_is_named_and_errors_are_announced(page: Page, node: Served) -> None:
    page.goto(f"{node.url}/kiosk")
    _order_with_an_error(page)
    expect(page.get_by_role("checkbox", name="Zgadzam się na kontakt")).to_be_visible()
    alert = page.get_by_role("alert")
    expect(alert).to_have_attribute("aria-live", "assertive")


def test_a_polish_name_on_the_english_screen_is_marked_polish(page: Page, node: Served) -> None:
    """WCAG 3.1.2: a product without an English name keeps its Polish one, marked as Polish so
    a screen reader reads it in Polish."""
    with node.ctx.db.transaction() as conn:
        catalogue_repo.upsert(
            conn,
            [Product("PL-ONLY-1", {"pl": "Oscypek wędzony"}, 1299, VatRate.C)],
            node.ctx.clock(),
        )
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_label("Search for a product").fill("oscypek")
    expect(page.locator(".kiosk-grid [lang=pl]")).to_have_text("Oscypek wędzony")
    page.locator(".kiosk-grid [lang=pl]").click()
    expect(page.locator("h1 [lang=pl]")).to_have_text("Oscypek wędzony")


def test_larger_text_on_request_and_back_for_the_next_shopper(
    page: Page, node: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EN 301 549 5.1.4: a kiosk screen cannot be zoomed by the shopper, so it offers it."""
    from kiosk_ui.kiosk import screen

    monkeypatch.setattr(screen, "IDLE_SECONDS", 3.0)
    page.goto(f"{node.url}/kiosk")
    page.get_by_text("Dotknij ekranu, aby zacząć").click()
    bigger = page.get_by_role("button", name="Większy tekst")
    bigger.click()
    expect(bigger).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile(r"\bkiosk-big\b"))
    assert page.evaluate("getComputedStyle(document.body).zoom") == "1.25"
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0  # no side scroll
    expect(page.get_by_text("Dotknij ekranu, aby zacząć")).to_be_visible()  # idle reset
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bkiosk-big\b"))
