"""Issue 18: the node killed (SIGKILL) and started again under an open till, in real headless
Chromium. The till says so over the whole screen in Polish, refuses input with a sound, shows no
green status while cut off, comes back by itself, still logged in, with the open basket back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from kiosk_ui.harness import CHROMIUM_ARGS, wait_for_chromium
from tests.node import Node
from tests.waiting import TIMEOUT_S

TIMEOUT_MS = int(TIMEOUT_S * 1000)
GREY = "rgb(75, 85, 99)"


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    running = Node(tmp_path / "var").wait_ready()
    yield running
    running.stop()


@pytest.fixture
def page(node: Node) -> Iterator[Page]:
    with sync_playwright() as pw:
        browser: Browser = pw.chromium.launch(
            executable_path=wait_for_chromium(), args=CHROMIUM_ARGS
        )
        p = browser.new_page(viewport={"width": 1280, "height": 800})
        p.set_default_timeout(TIMEOUT_MS)
        yield p
        browser.close()


def test_a_killed_node_stops_the_till_and_its_restart_brings_the_basket_back(
    page: Page, node: Node
) -> None:
    page.goto(f"{node.url}/pos")
    page.get_by_label("Użytkownik").fill("cashier")
    page.get_by_label("PIN").fill("1234")
    page.keyboard.press("Enter")
    scan_field = page.get_by_test_id("scan")
    expect(scan_field).to_be_focused()
    for code in ("5901230000011", "5901230000028"):
        page.keyboard.type(code, delay=1)
        page.keyboard.press("Enter")
    basket = page.locator(".pos-basket")
    expect(basket).to_contain_text("Chleb żytni Eko")
    notice = page.get_by_role("alertdialog")
    expect(notice).to_be_hidden()

    node.kill()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Brak połączenia z serwerem sklepu")
    for chip in page.locator(".status-chip").all():
        assert chip.evaluate("e => getComputedStyle(e).backgroundColor") == GREY
    beeps = page.evaluate("window.tillBeeps || 0")
    page.keyboard.type("5901230000035", delay=1)  # a scan while cut off: refused, with a sound
    page.keyboard.press("Enter")
    assert page.evaluate("window.tillBeeps || 0") > beeps
    assert scan_field.input_value() == ""

    node.relaunch().wait_ready()
    expect(notice).to_be_hidden()  # by itself: nobody touched the till
    expect(scan_field).to_be_visible()  # still logged in: no login form on the way
    expect(basket).to_contain_text("Chleb żytni 500 g")
    expect(basket).to_contain_text("Chleb żytni Eko")
    expect(basket).not_to_contain_text("Premium")  # the scan made while cut off never landed
    expect(page.locator(".pos-total")).to_contain_text("12,98 zł")
