"""The kiosk for shoppers who use a keyboard, a screen reader or need contrast (issue 18; the
European Accessibility Act, EN 301 549): axe-core, as published on the npm registry, run in the
page on every kiosk screen at the kiosk's portrait and landscape sizes; and the checks axe cannot
make (keyboard operation, 48 px targets, the page's language, announced errors)."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tarfile
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from kiosk_ui.harness import Served
from tests.waiting import TIMEOUT_S

TIMEOUT_MS = int(TIMEOUT_S * 1000)
AXE_VERSION = "4.10.2"
CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / f"axe-core-{AXE_VERSION}"
SIZES = {"portrait": {"width": 1080, "height": 1920}, "landscape": {"width": 1920, "height": 1080}}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TARGET_PX = 48


def _tarball() -> bytes:
    """axe-core's package from the npm registry: with npm when there is one, else over HTTPS."""
    if shutil.which("npm"):
        CACHE.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            ["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(CACHE)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return (CACHE / out.stdout.strip().splitlines()[-1]).read_bytes()
    url = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
    with urllib.request.urlopen(url, timeout=120) as r:
        return bytes(r.read())


@pytest.fixture(scope="module")
def axe_source() -> str:
    script = CACHE / "axe.min.js"
    if not script.exists():
        with tarfile.open(fileobj=io.BytesIO(_tarball()), mode="r:gz") as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None
            CACHE.mkdir(parents=True, exist_ok=True)
            script.write_bytes(member.read())
    return script.read_text()


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


SCREENS: dict[str, Callable[[Page], None]] = {
    "attract": _attract,
    "home": _home,
    "product": _product,
    "unknown": _unknown,
    "order": _order_with_an_error,
    "placed": _placed,
    "status": _status,
}


def serious(page: Page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
        WCAG,
    )
    return list(found)


@pytest.mark.parametrize("screen", list(SCREENS))
def test_axe_finds_nothing_serious(page: Page, node: Served, axe_source: str, screen: str) -> None:
    page.goto(f"{node.url}/kiosk")
    SCREENS[screen](page)
    assert serious(page, axe_source) == []


def test_axe_sees_what_it_must(page: Page, node: Served, axe_source: str) -> None:
    """The check itself: an unnamed button and grey-on-grey text are reported."""
    page.goto(f"{node.url}/kiosk")
    _attract(page)
    page.evaluate(
        """() => document.body.insertAdjacentHTML('beforeend',
             '<button style="width:60px;height:60px"></button>'
             + '<p style="color:#999;background:#aaa">faint</p>')"""
    )
    found = serious(page, axe_source)
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
