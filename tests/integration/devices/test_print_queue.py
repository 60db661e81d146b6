"""Receipts through a real TCP printer that drops a job, refuses connections and comes back:
every receipt arrives, the interrupted one again as a copy, none twice unmarked."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devices import queue_repo
from devices.layout import COPY_MARK
from edge.app import create_app
from edge.config import Settings
from edge.node import load_settings
from tests.conftest import login
from tests.integration.devices.helpers import sell, wait_for
from tests.integration.devices.tcp_printer import TcpPrinter


@pytest.fixture
def printer() -> Iterator[TcpPrinter]:
    p = TcpPrinter().start()
    yield p
    p.stop()


def network_settings(tmp_path: Path, port: int) -> Settings:
    return load_settings(
        None,
        {
            "data_dir": tmp_path / "var",
            "devices": {
                "printers": {
                    "till": {"connection": "network", "host": "127.0.0.1", "port": port,
                             "timeout_s": 10}
                },
                "registers": {"01": "till"},
                "retry": {"first_s": 0.05, "max_s": 0.3},
                "status_interval_s": 3600,
            },
            # A till without a fiscal device: each sale's summary goes to this printer.
            "fiscal": {"device": "none", "required": False},
        },
    )  # fmt: skip


def queue_drained(client: TestClient) -> bool:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.read() as conn:
        return not queue_repo.depth(conn)


def attempts(client: TestClient, receipt_no: str) -> int:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.read() as conn:
        row = conn.execute(
            "SELECT attempts FROM print_jobs WHERE kind = 'receipt' AND ref = ?", [receipt_no]
        ).fetchone()
    return int(row[0])


def receipts(printer: TcpPrinter, receipt_no: str) -> tuple[int, int, int]:
    """(complete plain, complete copies, incomplete) printouts of a receipt."""
    plain = copies = partial = 0
    for text, complete, decoded in printer.jobs():
        if not complete:
            # cut off before its number, or mid-command: counts against every receipt
            partial += receipt_no in text or decoded is None
            continue
        if receipt_no not in text:
            continue
        if COPY_MARK in text:
            copies += 1
        else:
            plain += 1
    return plain, copies, partial


def test_every_receipt_arrives_through_drops_and_outages(
    tmp_path: Path, printer: TcpPrinter
) -> None:
    settings = network_settings(tmp_path, printer.port)
    with TestClient(create_app(settings, ui=False)) as client:
        headers = login(client)
        first = sell(client, headers, tender="cash")["receipt_no"]
        wait_for(lambda: queue_drained(client), what="first receipt printed")
        assert receipts(printer, first) == (1, 0, 0)
        drawer_pulses = [d for _, _, d in printer.jobs() if d is not None and d.has("drawer")]
        assert len(drawer_pulses) == 1, "a cash sale pulses the drawer once"

        # The printer resets the connection part-way through the next receipt.
        printer.drop_next_job_after = 300
        dropped = sell(client, headers)["receipt_no"]
        wait_for(lambda: queue_drained(client), what="dropped receipt reprinted")
        plain, copies, _ = receipts(printer, dropped)
        assert (plain, copies) == (0, 1), "the interrupted receipt comes again as a copy only"
        cut_short = [
            t for t, complete, d in printer.jobs() if not complete and "POTWIERDZENIE" in t
        ]
        assert len(cut_short) == 1, "the first attempt reached the printer only in part"

        # Switched off: sales still complete (a sale that waited for its receipt to print
        # would wait here until the printer is back, which comes only after them); receipts
        # wait in the queue.
        printer.refuse()
        down = [sell(client, headers)["receipt_no"] for _ in range(2)]
        status = wait_for(
            lambda: next(
                (p for p in client.get("/api/v1/devices", headers=headers).json()["printers"]
                 if p["status"] == "offline" and p["queue"] == 2), None),
            what="printer reported offline with 2 queued",
        )  # fmt: skip
        assert status["last_error"]
        wait_for(lambda: attempts(client, down[0]) >= 3, what="several refused retries")
        printer.start()  # same port: the printer is back
        wait_for(lambda: queue_drained(client), what="queued receipts printed")
        for receipt_no in down:
            assert receipts(printer, receipt_no) == (1, 0, 0)
        for receipt_no in (first, *down):
            assert receipts(printer, receipt_no)[0] == 1  # never twice unmarked

        # A reprint on request is a copy.
        r = client.post(f"/api/v1/sales/{first}/reprint", headers=headers)
        assert r.status_code == 202, r.text
        assert r.json()["copy"] is True
        wait_for(lambda: queue_drained(client), what="reprint")
        assert receipts(printer, first) == (1, 1, 0)
        assert client.post("/api/v1/sales/NOPE/reprint", headers=headers).status_code == 404


def test_a_job_caught_mid_transfer_by_a_restart_prints_again_as_a_copy(
    tmp_path: Path, printer: TcpPrinter
) -> None:
    settings = network_settings(tmp_path, printer.port)
    printer.refuse()
    with TestClient(create_app(settings, ui=False)) as client:
        receipt_no = sell(client, login(client))["receipt_no"]
    # What a crash while sending leaves behind (the worker marks a job before its first byte).
    with sqlite3.connect(settings.db_path) as conn:
        conn.execute("UPDATE print_jobs SET state = 'sending' WHERE ref = ?", [receipt_no])
    printer.start()
    with TestClient(create_app(settings, ui=False)) as client:
        wait_for(lambda: queue_drained(client), what="recovered job printed")
    assert receipts(printer, receipt_no) == (0, 1, 0)


def test_paper_out_holds_the_job_until_paper_is_back(tmp_path: Path, printer: TcpPrinter) -> None:
    printer.paper = b"\x72"  # DLE EOT 4: paper end bits 5 and 6 set
    with TestClient(create_app(network_settings(tmp_path, printer.port), ui=False)) as client:
        headers = login(client)
        receipt_no = sell(client, headers)["receipt_no"]
        wait_for(
            lambda: (
                client.get("/api/v1/devices", headers=headers).json()["printers"][0]["status"]
                == "paper_out"
            ),
            what="paper out reported",
        )
        assert receipts(printer, receipt_no) == (0, 0, 0)
        printer.paper = b"\x12"
        wait_for(lambda: queue_drained(client), what="printed after paper change")
        assert receipts(printer, receipt_no) == (1, 0, 0)


def test_the_embedded_default_writes_receipt_files(tmp_path: Path) -> None:
    settings = load_settings(
        None, {"data_dir": tmp_path / "var", "fiscal": {"device": "none", "required": False}}
    )
    with TestClient(create_app(settings, ui=False)) as client:
        headers = login(client)
        receipt_no = sell(client, headers, tender="cash")["receipt_no"]
        wait_for(lambda: queue_drained(client), what="receipt file")
        files = sorted((settings.data_dir / "receipts").glob("*.bin"))
        assert [f.name.split("-", 1)[1] for f in files] == [
            f"drawer-{receipt_no}.bin",
            f"receipt-{receipt_no}.bin",
        ]
        body = client.get("/api/v1/devices", headers=headers).json()
        assert body["printers"][0]["name"] == "receipt"
        assert body["printers"][0]["status"] == "online"
        assert body["drawers"][0]["registers"] == ["01"]
