"""Checkout with registration on the fiscal device (the Posnet emulator in its own process, as
a device is its own machine, over real TCP, its journal fsync'd as fiscal memory) beside
checkout alone (a node without a fiscal device), the same baskets on the same disk, taking
turns in rounds so a change in the disk's fsync rate weighs on both alike. Target: ≥ 0.8."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_foundation import our_checkouts
from bench.report import Report
from devices.fiscal.emulator import Emulator
from devices.fiscal.posnet import PosnetDevice
from devices.fiscal.posnet_link import TcpLink
from edge.bootstrap import bootstrap
from edge.node import load_settings
from tests.node import free_port
from tests.waiting import wait_until

CHECKOUTS = 600
ROUND = 50


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-fiscal-") as tmp:
        root = Path(tmp)
        port, journal = free_port(), root / "journal.jsonl"
        emulator = subprocess.Popen(
            [sys.executable, "-m", "edge.cli", "fiscal", "emulator", "--port", str(port),
             "--journal", str(journal)],
        )  # fmt: skip
        probe = PosnetDevice(TcpLink("127.0.0.1", port), timeout_s=1)
        wait_until(lambda: probe.status().ready, what="the emulator to answer")
        probe.link.close()
        device = f"posnet+tcp://127.0.0.1:{port}"
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
            emulator.terminate()
            emulator.wait(30)
        registered = sum(1 for d in Emulator(journal).documents() if d["type"] == "receipt")
        assert registered == CHECKOUTS, f"{registered} receipts for {CHECKOUTS} sales"
        fiscal_rate, alone_rate = CHECKOUTS / fiscal_s, CHECKOUTS / alone_s
        report.add_share("checkouts_per_s_fiscal", fiscal_rate, "1/s", alone_rate,
                         "checkout alone", 0.8)  # fmt: skip
