"""Checkout with registration on the fiscal device (the Posnet emulator in its own process, as
a device is its own machine, over real TCP, its journal fsync'd as fiscal memory) beside
checkout alone (a node without a fiscal device), the same baskets on the same disk, taking
turns in rounds so a change in the disk's fsync rate weighs on both alike. Target: ≥ 0.8.

A third node registers on an emulator that keeps nothing on disk (no journal): not a device
anyone may sell on, but the floor of what registering costs the node itself — the protocol's
round trips and the job's bookkeeping — shown beside the other two without a target."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_foundation import our_checkouts
from bench.report import Report
from devices.fiscal.emulator import Emulator
from devices.fiscal.posnet import PosnetDevice
from devices.fiscal.posnet_link import TcpLink
from edge.bootstrap import bootstrap
from edge.node import load_settings
from edge.services.context import Context
from tests.node import free_port
from tests.waiting import wait_until

CHECKOUTS = 600
ROUND = 50


@contextmanager
def _emulator(journal: Path | None) -> Iterator[str]:
    """An emulator in its own process; yields its device URL."""
    port = free_port()
    args = [sys.executable, "-m", "edge.cli", "fiscal", "emulator", "--port", str(port)]
    process = subprocess.Popen([*args, *(["--journal", str(journal)] if journal else [])])
    try:
        probe = PosnetDevice(TcpLink("127.0.0.1", port), timeout_s=1)
        wait_until(lambda: probe.status().ready, what="the emulator to answer")
        probe.link.close()
        yield f"posnet+tcp://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


def _node(root: Path, fiscal: dict[str, object]) -> Context:
    return bootstrap(load_settings(None, {"data_dir": root, "fiscal": fiscal}))


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-fiscal-") as tmp:
        root = Path(tmp)
        journal = root / "journal.jsonl"
        with _emulator(journal) as device, _emulator(None) as diskless:
            nodes = {
                "fiscal": _node(root / "fiscal", {"device": device}),
                "diskless": _node(root / "diskless", {"device": diskless}),
                "alone": _node(root / "alone", {"device": "none", "required": False}),
            }
            try:
                runners: dict[str, Callable[[int], float]] = {
                    name: our_checkouts(ctx, CHECKOUTS) for name, ctx in nodes.items()
                }
                seconds = dict.fromkeys(nodes, 0.0)
                for _ in range(CHECKOUTS // ROUND):
                    for name, runner in runners.items():
                        seconds[name] += runner(ROUND)
            finally:
                for ctx in nodes.values():
                    ctx.db.close()
        registered = sum(1 for d in Emulator(journal).documents() if d["type"] == "receipt")
        assert registered == CHECKOUTS, f"{registered} receipts for {CHECKOUTS} sales"
        rate = {name: CHECKOUTS / s for name, s in seconds.items()}
        report.add_share("checkouts_per_s_fiscal", rate["fiscal"], "1/s", rate["alone"],
                         "checkout alone", 0.8)  # fmt: skip
        report.add("checkouts_per_s_fiscal_device_keeping_nothing", rate["diskless"], "1/s",
                   limit=rate["alone"], limit_name="checkout alone", higher_is_better=True,
                   judged=False)  # fmt: skip
