"""The Posnet driver against the emulator over a real TCP socket and over a pseudo-terminal,
and the emulator as `store-edge fiscal emulator` in its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from devices.fiscal import posnet_commands as cmd
from devices.fiscal.emulator import Emulator
from devices.fiscal.emulator_faults import Faults
from devices.fiscal.emulator_server import EmulatorServer
from devices.fiscal.port import (
    AnswerLost,
    DeviceUnavailable,
    Line,
    Payment,
    Receipt,
    register,
)
from devices.fiscal.posnet import PosnetDevice
from devices.fiscal.posnet_frame import FrameReader, encode
from devices.fiscal.posnet_link import SerialLink, TcpLink
from tests.node import free_port
from tests.waiting import wait_until

RECEIPT = Receipt(
    ref="S001-01-000001",
    lines=[
        Line("Chleb", Decimal(2), 450, "B"),
        Line("Ser żółty", Decimal("0.355"), 3990, "B", discount=100),  # weighed: 14.16
        Line("Wino", Decimal(1), 3999, "A"),
        Line("Książka", Decimal(1), 2500, "C"),
        Line("Lek", Decimal(1), 1200, "D"),
    ],
    payments=[Payment("card", 5000), Payment("cash", 10000)],
    discount=215,
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[tuple[Emulator, EmulatorServer]]:
    emu = Emulator(tmp_path / "journal.jsonl")
    server = EmulatorServer(emu).start()
    yield emu, server
    server.stop()


def device(server: EmulatorServer, timeout: float = 1.0) -> PosnetDevice:
    return PosnetDevice(TcpLink("127.0.0.1", server.port), timeout_s=timeout)


def test_a_receipt_over_tcp_lands_in_the_journal_with_its_sums(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    dev = device(server)
    assert dev.status().ready
    assert dev.vat_table() == {"A": 23, "B": 8, "C": 5, "D": 0, "E": None, "F": None,
                               "G": None}  # fmt: skip
    number = register(dev, RECEIPT)
    assert number == 1
    [doc] = emu.documents()
    assert doc["total"] == RECEIPT.total == 900 + 1316 + 3999 + 2500 + 1200 - 215
    assert [ln["value"] for ln in doc["lines"]] == [900, 1416, 3999, 2500, 1200]
    assert sum(v["gross"] for v in doc["vat"].values()) == RECEIPT.total
    assert doc["change"] == 15000 - RECEIPT.total
    assert dev.last_document().number == 1 and dev.last_document().receipts_total == RECEIPT.total


def test_a_wrong_total_is_refused_and_the_receipt_cancelled(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    dev = device(server)
    dev.open_receipt(RECEIPT)
    dev.add_line(RECEIPT.lines[0])
    dev.payment(Payment("cash", 900))
    with pytest.raises(DeviceUnavailable) as err:
        dev.close_receipt(901)
    assert err.value.device_code == cmd.ERR_TR_FLD_TOTAL == "2008"  # ERR_TR_FLD_TOTAL
    dev.cancel_receipt()
    assert emu.documents() == [] and dev.status().ready


def test_a_line_refused_among_those_sent_together_never_reaches_a_close(emulator) -> None:  # type: ignore[no-untyped-def]
    """The device goes on with the commands after a refused one, and a free line (price 0)
    refused would leave the total unchanged: the close must wait for every answer."""
    emu, server = emulator
    dev = device(server)
    lines = [Line("Chleb", Decimal(2), 450, "B"), Line("Gratis", Decimal(1), 0, "F"),  # F: inactive
             Line("Wino", Decimal(1), 3999, "A")]  # fmt: skip
    receipt = Receipt("S001-01-000002", lines, [Payment("cash", 900 + 3999)])
    with pytest.raises(DeviceUnavailable) as err:
        register(dev, receipt)
    assert err.value.device_code == cmd.ERR_PAR == "2063"  # ERR_PAR
    assert emu.documents() == [] and dev.status().ready  # cancelled, nothing registered


@pytest.mark.parametrize("fault", ["paper-out", "busy", "bad-crc"])
def test_faults_make_the_device_unavailable_and_register_nothing(emulator, fault) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    emu.faults = Faults.parse(fault)
    dev = device(server, timeout=0.2)
    assert not dev.status().ready
    with pytest.raises((DeviceUnavailable, AnswerLost)):
        register(dev, RECEIPT)
    assert emu.documents() == []


def test_silence_after_n_lines_loses_the_answer_and_registers_nothing(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    emu.faults = Faults.parse("no-answer-after-lines=2")
    dev = device(server, timeout=0.2)
    with pytest.raises(AnswerLost):
        register(dev, RECEIPT)
    emu.faults = Faults()  # the cable is plugged back in
    assert dev.status().in_receipt and dev.last_document().number == 0
    dev.cancel_receipt()
    assert register(dev, RECEIPT) == 1
    assert len(emu.documents()) == 1


def test_a_lost_answer_to_the_close_is_asked_again_not_sent_again(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    dev = device(server, timeout=0.2)
    emu.faults.lose_close_answer = True
    with pytest.raises(AnswerLost):
        register(dev, RECEIPT)
    emu.faults = Faults()
    # Printed: the last document says so, and the repeat command gives the lost answer.
    assert dev.last_document().number == 1 and dev.last_document().receipts_total == RECEIPT.total
    assert len(emu.documents()) == 1


def test_a_damaged_answer_is_recovered_by_the_repeat_command(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    dev = device(server, timeout=0.2)
    original = emu.handle
    damaged = {"done": False}

    def damage_first_close(request: bytes) -> bytes | None:
        answer = original(request)
        if b"trend" in request and not damaged["done"] and answer is not None:
            damaged["done"] = True
            return answer[:-2] + b"0\x03"  # one CRC digit wrong
        return answer

    emu.handle = damage_first_close  # type: ignore[method-assign]
    assert register(dev, RECEIPT) == 1
    assert len(emu.documents()) == 1 and damaged["done"]


def test_an_unreachable_device_is_unavailable() -> None:
    dev = PosnetDevice(TcpLink("127.0.0.1", free_port()), timeout_s=0.2)
    assert not dev.status().ready
    with pytest.raises(DeviceUnavailable):
        dev.open_receipt(RECEIPT)


def test_the_driver_over_a_serial_line(tmp_path: Path) -> None:
    """A pseudo-terminal stands for the RS-232/USB cable; the emulator answers on its far end."""
    emu = Emulator(tmp_path / "journal.jsonl")
    master, slave = os.openpty()
    stop = threading.Event()

    def far_end() -> None:
        reader = FrameReader()
        while not stop.is_set():
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            for frame in reader.feed(data):
                answer = emu.handle(frame)
                if answer:
                    os.write(master, answer)

    threading.Thread(target=far_end, daemon=True).start()
    dev = PosnetDevice(SerialLink(os.ttyname(slave), 9600), timeout_s=2)
    try:
        assert dev.status().ready
        assert register(dev, RECEIPT) == 1
        assert dev.last_document().receipts_total == RECEIPT.total
    finally:
        stop.set()
        dev.link.close()
        os.close(slave)
        os.close(master)
    assert len(emu.documents()) == 1


def test_the_emulator_command_runs_on_a_tcp_port(tmp_path: Path) -> None:
    port, journal = free_port(), tmp_path / "j.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "edge.cli", "fiscal", "emulator", "--port", str(port),
         "--journal", str(journal)],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        dev = PosnetDevice(TcpLink("127.0.0.1", port), timeout_s=2)
        wait_until(lambda: dev.status().ready, what="the emulator to answer")
        assert register(dev, RECEIPT) == 1
        [line] = journal.read_text().splitlines()
        assert json.loads(line)["total"] == RECEIPT.total
    finally:
        proc.terminate()
        proc.wait(30)


def test_the_emulator_refuses_an_unknown_fault() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "edge.cli", "fiscal", "emulator", "--port", "0", "--fault",
         "smoke"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode != 0 and "unknown fault" in proc.stderr


def test_non_fiscal_printout_drawer_and_daily_report(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    dev = device(server)
    register(dev, RECEIPT)
    dev.non_fiscal(["WYDRUK NIEFISKALNY", "Zamówienie O-7"])
    dev.open_drawer()
    report = dev.daily_report()
    assert report.number == 1 and report.receipts == 1
    assert sum(report.totals.values()) == RECEIPT.total
    assert [d["type"] for d in emu.documents()] == ["receipt", "daily_report"]
    # A printout may not start inside a receipt: the device refuses it.
    dev.open_receipt(RECEIPT)
    with pytest.raises(DeviceUnavailable):
        dev.non_fiscal(["x"])


def test_a_name_with_frame_characters_is_printed_not_refused(emulator) -> None:  # type: ignore[no-untyped-def]
    emu, server = emulator
    odd = Receipt("r", [Line("Kubek #1\tduży", Decimal(1), 500, "A")], [Payment("cash", 500)])
    assert register(device(server), odd) == 1
    assert emu.documents()[0]["lines"][0]["name"] == "Kubek  1 duży"


def test_an_answer_with_another_commands_token_is_not_taken_for_this_ones(emulator) -> None:  # type: ignore[no-untyped-def]
    """A late answer to an earlier command may sit in the stream: its token gives it away, and
    the driver asks for its own command's answer by token instead of trusting it."""
    emu, server = emulator
    dev = device(server, timeout=0.5)
    original = emu.handle
    stale: list[bytes] = []

    def late_answer_first(request: bytes) -> bytes | None:
        answer = original(request)  # executed, its answer kept under its token
        if b"trinit" in request and not stale:
            stale.append(encode("trinit", error=cmd.ERR_TR_BAD_STATE, token="9999"))
            return stale[0]
        return answer

    emu.handle = late_answer_first  # type: ignore[method-assign]
    dev.open_receipt(RECEIPT)  # the refusal under token 9999 is not this command's
    assert stale and dev.status().in_receipt
