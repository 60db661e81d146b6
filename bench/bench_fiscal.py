"""Checkout with registration on the fiscal device (the Posnet emulator over real TCP, its
journal fsync'd as fiscal memory) beside checkout alone (a node without a fiscal device), the
same baskets on the same disk, taking turns in rounds so a change in the disk's fsync rate
weighs on both alike. Target: ratio ≥ 0.8."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.bench_foundation import our_checkouts
from bench.report import Report
from devices.fiscal.emulator import Emulator
from devices.fiscal.emulator_server import EmulatorServer
from edge.bootstrap import bootstrap
from edge.config import load_settings

CHECKOUTS = 600
ROUND = 50


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-fiscal-") as tmp:
        root = Path(tmp)
        server = EmulatorServer(Emulator(root / "journal.jsonl")).start()
        device = f"posnet+tcp://127.0.0.1:{server.port}"
        fiscal = bootstrap(load_settings(None, {"data_dir": root / "fiscal",
                                                "fiscal": {"device": device}}))  # fmt: skip
        no_device = {"device": "none", "required": False}
        alone = bootstrap(load_settings(None, {"data_dir": root / "alone", "fiscal": no_device}))
        try:
            with_device, without = our_checkouts(fiscal, CHECKOUTS), our_checkouts(alone, CHECKOUTS)
            fiscal_s = alone_s = 0.0
            for _ in range(CHECKOUTS // ROUND):
                fiscal_s += with_device(ROUND)
                alone_s += without(ROUND)
        finally:
            fiscal.db.close()
            alone.db.close()
            server.stop()
        registered = sum(1 for d in server.emulator.documents() if d["type"] == "receipt")
        assert registered == CHECKOUTS, f"{registered} receipts for {CHECKOUTS} sales"
        fiscal_rate, alone_rate = CHECKOUTS / fiscal_s, CHECKOUTS / alone_s
        report.add(
            "checkouts_per_s_fiscal",
            fiscal_rate,
            "1/s",
            limit=alone_rate,
            limit_name="checkout alone",
            higher_is_better=True,
            ratio=fiscal_rate / alone_rate,
            min_ratio=0.8,
        )
