"""Scan to line visible on the till page, measured in headless Chromium: from the keydown of
the scanner's Enter to the basket row with the new quantity in the DOM (websocket round trip,
the basket service's SQLite transaction, the re-render). Also the kiosk's search per keystroke
on the demo catalogue."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.report import Report, percentile
from edge.demo.catalogue import demo_products
from edge.domain.barcodes import with_check_digit
from edge.node import load_settings
from edge.services import catalogue
from edge.services.context import Context
from edge.store import catalogue_repo
from kiosk_ui.harness import CHROMIUM_ARGS, serve, wait_for_chromium
from kiosk_ui.kiosk import MIN_SEARCH

TARGET_MS = 100.0
PRODUCTS = 40  # distinct products per round; each round adds one more piece of each
ROUNDS = 3
CATALOGUE = 100_000

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
        page.get_by_label("Użytkownik").fill("cashier")
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


def grow_catalogue(ctx: Context, total: int) -> int:
    """Adds generated variants of the demo products until the catalogue has `total`."""
    base = demo_products()
    extra = []
    for i in range(total - len(base)):
        p = base[i % len(base)]
        extra.append(
            replace(
                p,
                sku=f"GEN-{i:06d}",
                names={lang: f"{name} #{i}" for lang, name in p.names.items()},
                barcodes=(with_check_digit(f"590999{i:06d}"),),
            )
        )
    with ctx.db.transaction() as conn:
        return catalogue_repo.upsert(conn, extra, ctx.clock())


# Runs in the page: taps one key of the on-screen keyboard and resolves when the results grid
# answers the query typed so far (its data-q), whether or not the cards had to change.
_KEY_JS = """async ([ch, typed]) => {
  const grid = document.querySelector('.kiosk-grid');
  const key = [...document.querySelectorAll('.kiosk-keyboard button')]
      .find(b => b.textContent.trim() === ch);
  return await new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (grid.dataset.q === typed) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(grid, {attributes: true, attributeFilter: ['data-q']});
    key.click();
    setTimeout(() => { obs.disconnect(); resolve(-1); }, 5000);
  });
}"""
WORDS = ("mleko", "chleb", "sok", "ser", "jabłka", "kawa")


def _kiosk_search(report: Report, url: str, ctx: Context) -> None:
    """What one keystroke costs a shopper at 100 000 products: tap a key on the on-screen
    keyboard, see the results change (browser, websocket, FTS5 search, re-render)."""
    started = time.perf_counter()
    grow_catalogue(ctx, CATALOGUE)
    print(f"  catalogue grown to {CATALOGUE:,} products in {time.perf_counter() - started:.0f} s")
    service: list[float] = []
    browser_ms: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=wait_for_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{url}/kiosk")
        page.get_by_text("Dotknij ekranu").click()
        page.wait_for_selector(".kiosk-keyboard")
        for word in WORDS:
            page.get_by_role("button", name="Wyczyść").click()
            page.wait_for_function("document.querySelector('.kiosk-grid').dataset.q === ''")
            for i, ch in enumerate(word):
                if i + 1 < MIN_SEARCH:  # the kiosk waits for a second letter
                    page.locator(".kiosk-keyboard button", has_text=ch).first.click()
                    continue
                ms = page.evaluate(_KEY_JS, [ch, word[: i + 1]])
                if ms < 0:
                    raise RuntimeError(f"no results shown for {word[: i + 1]!r}")
                browser_ms.append(ms)
                t0 = time.perf_counter()
                catalogue.search(ctx, word[: i + 1], limit=12)
                service.append((time.perf_counter() - t0) * 1000)
        browser.close()
    report.add("ui kiosk search service p99 (100k products)", percentile(service, 99), "ms",
               limit=TARGET_MS)  # fmt: skip
    report.add("ui kiosk keystroke-to-results p50 (100k)", percentile(browser_ms, 50), "ms",
               limit=TARGET_MS)  # fmt: skip
    report.add("ui kiosk keystroke-to-results p99 (100k)", percentile(browser_ms, 99), "ms",
               limit=TARGET_MS)  # fmt: skip


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(None, {"data_dir": Path(tmp) / "var"})
        with serve(settings) as node:
            _scan_to_line(report, node.url)
            _kiosk_search(report, node.url, node.ctx)


if __name__ == "__main__":
    r = Report()
    run(r)
