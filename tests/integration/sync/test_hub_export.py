"""`store-edge hub export --day`: the day's sales, returns and stock per store as CSV files."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, depth, sell
from tests.waiting import TIMEOUT_S

CLI = str(Path(sys.executable).parent / "store-edge")


def _export(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "hub", "export", *args], capture_output=True, text=True,
                          timeout=TIMEOUT_S)  # fmt: skip


def test_the_days_sales_and_stock_per_store(
    tmp_path: Path, hub: TestClient, node: NodeFactory
) -> None:
    a, b = node("A"), node("B")
    at_a = {sell(ctx_of(a), "BAK-001-11", 2), sell(ctx_of(a), "DAI-011-11")}
    sell(ctx_of(b), "BAK-001-12")
    wait_for(lambda: depth(ctx_of(a)) == 0 and depth(ctx_of(b)) == 0)
    wait_for(lambda: len(hub.get("/api/v1/feed", params={"limit": 1000}).json()["items"]) >= 3)
    today = datetime.now(ZoneInfo("Europe/Warsaw")).date().isoformat()
    out = tmp_path / "export"
    done = _export("--day", today, "--data-dir", str(tmp_path / "hub"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "3 sale lines" in done.stdout
    with (out / "A" / "sales.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {r["receipt_no"] for r in rows} == at_a
    assert sorted((r["sku"], r["qty"]) for r in rows) == [("BAK-001-11", "2"), ("DAI-011-11", "1")]
    with (out / "B" / "stock.csv").open() as f:
        stock = {r["sku"]: r["on_hand"] for r in csv.DictReader(f)}
    assert stock["BAK-001-12"] == "14"
    assert (out / "A" / "returns.csv").read_text().startswith("store_id,return_id,")
    yesterday = _export("--day", "2020-01-01", "--data-dir", str(tmp_path / "hub"),
                        "--out", str(tmp_path / "old"))  # fmt: skip
    assert yesterday.returncode == 0 and "0 sale lines" in yesterday.stdout


def test_a_bad_day_or_zone_is_a_clear_error(tmp_path: Path) -> None:
    for args in (("--day", "29.11.2026"), ("--day", "2026-11-29", "--tz", "Mars/Olympus")):
        done = _export(*args, "--data-dir", str(tmp_path / "hub"))
        assert done.returncode != 0
        assert "Traceback" not in done.stderr and args[-1] in done.stderr, done.stderr
