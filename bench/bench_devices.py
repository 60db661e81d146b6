"""Devices: receipt render time (layout + ESC/POS bytes of a 30-line receipt) and serial scan to
basket latency (a byte written to a real pty → pyserial reader → validated → line in the
basket in SQLite), p50/p99."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Report, percentile

RENDER_LIMIT_MS = 5.0
SCAN_LIMIT_MS = 20.0
MILK_EAN = "5901230000370"


def _sale_30_lines():  # type: ignore[no-untyped-def]
    from edge.domain.money import Money
    from edge.domain.sale import Sale, SaleLine
    from edge.domain.tenders import Tender
    from edge.domain.vat import VatLine, VatRate

    rates = list(VatRate)
    lines = tuple(
        SaleLine(i, f"SKU-{i}", f"Produkt żółty nr {i} ąęś", "pcs", rates[i % 4], 2, 499, 998,
                 50 if i % 5 == 0 else 0, 948 if i % 5 == 0 else 998, "P1" if i % 5 == 0 else None)
        for i in range(1, 31)
    )  # fmt: skip
    total = sum(ln.total for ln in lines)
    vat = tuple(VatLine(r, Money(1000), Money(100)) for r in rates)
    return Sale("S001-01-000001", "S001", "01", "cashier", datetime.now(UTC), "PLN", lines,
                (Tender("cash", total + 500),), 500, vat)  # fmt: skip


def bench_render(report: Report) -> None:
    from devices.config import PrinterProfile
    from devices.layout import StoreHeader
    from devices.receipts import sale_receipt
    from devices.render import render

    sale = _sale_30_lines()
    store = StoreHeader("Store Edge Demo — Kraków Rynek", "Rynek Główny 1, 31-042 Kraków", "NIP 1")
    profile = PrinterProfile(width_mm=80, code_page="cp852")
    for _ in range(20):  # warm-up: imports, time zone data, codec tables
        render(sale_receipt(sale, store, profile.columns), profile)
    samples = []
    for _ in range(300):
        start = time.perf_counter()
        render(sale_receipt(sale, store, profile.columns), profile)
        samples.append((time.perf_counter() - start) * 1000)
    report.add("devices: 30-line receipt render p50", percentile(samples, 50), "ms",
               limit=RENDER_LIMIT_MS)  # fmt: skip
    report.add("devices: 30-line receipt render p99", percentile(samples, 99), "ms",
               limit=RENDER_LIMIT_MS)  # fmt: skip


def bench_scan_to_basket(report: Report, samples_n: int = 200) -> None:
    from fastapi.testclient import TestClient

    from devices.scans import subscribe
    from edge.app import create_app
    from edge.node import load_settings
    from edge.services import baskets
    from edge.services.auth import login

    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / "scanner"
        master, slave = os.openpty()
        link.symlink_to(os.ttyname(slave))
        settings = load_settings(None, {"data_dir": Path(tmp) / "var", "devices": {
            "scanners": {"hand": {"port": str(link), "target": "01"}}}})  # fmt: skip
        with TestClient(create_app(settings, ui=False)) as client:
            ctx = client.app.state.ctx  # type: ignore[attr-defined]
            actor = login(ctx, "cashier", "1234").actor
            basket_id = baskets.create_basket(ctx, actor).basket.id
            done = threading.Event()

            def add_to_basket(scan: dict) -> None:
                if scan["ok"]:
                    baskets.add_line(ctx, basket_id, code=scan["code"])
                done.set()

            subscribe(ctx, "01", add_to_basket)
            from devices.runtime import runtime

            state = runtime(ctx).scanners["hand"]
            deadline = time.monotonic() + 10
            while state.status != "connected" and time.monotonic() < deadline:
                time.sleep(0.01)
            samples = []
            for _ in range(samples_n):
                done.clear()
                start = time.perf_counter()
                os.write(master, MILK_EAN.encode() + b"\r")
                if not done.wait(5):
                    raise RuntimeError("a scan never reached the basket")
                samples.append((time.perf_counter() - start) * 1000)
            qty = baskets.get_basket(ctx, basket_id).basket.lines[0].qty
            assert qty == samples_n, f"basket has {qty} pieces, {samples_n} scanned"
        os.close(master)
        os.close(slave)
    report.add("devices: serial scan to basket line p50", percentile(samples, 50), "ms",
               limit=SCAN_LIMIT_MS)  # fmt: skip
    report.add("devices: serial scan to basket line p99", percentile(samples, 99), "ms",
               limit=SCAN_LIMIT_MS)  # fmt: skip


def run(report: Report) -> None:
    bench_render(report)
    bench_scan_to_basket(report)
