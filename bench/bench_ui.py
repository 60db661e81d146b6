"""Scan to line visible on the till page, measured in headless Chromium: from the keydown of
the scanner's Enter to the basket row with the new quantity in the DOM (websocket round trip,
the basket service's SQLite transaction, the re-render). Also the kiosk's search per keystroke
on the demo catalogue."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.report import Report, percentile
from edge.config import load_settings
from edge.demo.catalogue import demo_products
from edge.services import catalogue
from kiosk_ui.harness import CHROMIUM_ARGS, serve, wait_for_chromium

TARGET_MS = 100.0
PRODUCTS = 40  # distinct products per round; each round adds one more piece of each
ROUNDS = 3

# Runs in the page: scans one code like a wedge scanner and resolves when the row shows it.
_SCAN_JS = """async ([code, name, qty]) => {
  const input = document.querySelector('[data-testid=scan]');
  const table = document.querySelector('.pos-basket');
  const seen = () => [...table.querySelectorAll('tbody tr')].some(
      tr => tr.textContent.includes(name) && tr.textContent.includes(qty + ' szt.'));
  return await new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (seen()) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(table, {childList: true, subtree: true, characterData: true});
    input.value = code;
    input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    setTimeout(() => { obs.disconnect(); resolve(-1); }, 5000);
  });
}"""


def _scan_to_line(report: Report, url: str) -> None:
    products = [p for p in demo_products() if p.unit == "pcs" and p.barcodes][:PRODUCTS]
    samples: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=wait_for_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        page.goto(f"{url}/pos")
        page.get_by_label("Username").fill("cashier")
        page.get_by_label("PIN").fill("1234")
        page.keyboard.press("Enter")
        page.wait_for_selector("[data-testid=scan]")
        for qty in range(1, ROUNDS + 1):
            for p in products:
                ms = page.evaluate(_SCAN_JS, [p.barcodes[0], p.name("pl"), qty])
                if ms < 0:
                    raise RuntimeError(f"{p.sku} never showed in the basket")
                samples.append(ms)
        browser.close()
    warm = samples[5:]
    print(
        "  slowest scans (ms):", sorted(round(x, 1) for x in warm)[-8:]
    )  # the first scans create the basket and warm the caches
    report.add("ui scan-to-line p50", percentile(warm, 50), "ms", limit=TARGET_MS)
    report.add("ui scan-to-line p99", percentile(warm, 99), "ms", limit=TARGET_MS)


def _kiosk_search(report: Report, ctx) -> None:  # type: ignore[no-untyped-def]
    """What one keystroke costs the kiosk: a prefix search for each letter typed."""
    words = ["m", "ml", "mle", "mlek", "mleko", "c", "ch", "chl", "chle", "chleb", "sok", "ser"]
    samples = []
    for _ in range(10):
        for w in words:
            started = time.perf_counter()
            catalogue.search(ctx, w, limit=12)
            samples.append((time.perf_counter() - started) * 1000)
    report.add("ui kiosk search per keystroke p99", percentile(samples, 99), "ms", limit=TARGET_MS)


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(None, {"data_dir": Path(tmp) / "var"})
        with serve(settings) as node:
            _scan_to_line(report, node.url)
            _kiosk_search(report, node.ctx)


if __name__ == "__main__":
    r = Report()
    run(r)
