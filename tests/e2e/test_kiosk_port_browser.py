"""The kiosk screen's listener in real headless Chromium against a real `store-edge serve`:
the kiosk works there (pages, assets and NiceGUI's websocket), the till does not exist."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from kiosk_ui.harness import CHROMIUM_ARGS, wait_for_chromium
from tests.node import Node, free_port
from tests.waiting import TIMEOUT_S


def test_the_kiosk_works_on_its_port_and_the_till_is_not_there(tmp_path: Path) -> None:
    port = free_port()
    node = Node(tmp_path / "node", env={"STORE_EDGE_HTTP__KIOSK_PORT": str(port)})
    try:
        node.wait_ready()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=wait_for_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(TIMEOUT_S * 1000)
            page.goto(f"http://127.0.0.1:{port}/kiosk")
            page.get_by_text("Dotknij ekranu, aby zacząć").click()
            for ch in "sok":  # each key press goes over the websocket and back
                page.get_by_role("button", name=ch, exact=True).click()
            expect(page.locator(".kiosk-grid")).to_contain_text("Sok")
            till = page.goto(f"http://127.0.0.1:{port}/pos")
            assert till is not None and till.status == 404
            browser.close()
    finally:
        node.stop()
