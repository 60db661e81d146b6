"""A serial receipt printer on a real pty (answering DLE EOT like an Epson) and a device-file
printer (as /dev/usb/lp0 is written)."""

from __future__ import annotations

import os
import select
import threading
from pathlib import Path

from devices.config import PrinterConfig, PrinterProfile
from devices.layout import StoreHeader
from devices.printer import Printer
from devices.render import render
from devices.slips import self_test_page
from tests.unit.devices.escpos_decoder import decode
from tests.waiting import TIMEOUT_S

STORE = StoreHeader("Sklep", "Kraków", "NIP 1")


def test_a_serial_printer_on_a_pty_prints_and_answers_status(tmp_path: Path) -> None:
    master, slave = os.openpty()
    received = bytearray()
    stop = threading.Event()

    def printer_side() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(master, 4096)
            received.extend(chunk)
            os.write(master, b"\x12" * chunk.count(b"\x10\x04"))

    thread = threading.Thread(target=printer_side, daemon=True)
    thread.start()
    try:
        config = PrinterConfig(connection="serial", path=Path(os.ttyname(slave)), baud=19200,
                               timeout_s=10, profile=PrinterProfile(width_mm=58))  # fmt: skip
        printer = Printer("serial1", config, tmp_path)
        data = render(self_test_page(STORE, "serial1", config.profile), config.profile)
        printer.send(data, "test")
        assert printer.status.printer == "online"
    finally:
        stop.set()
        thread.join(TIMEOUT_S)
        os.close(master)
        os.close(slave)
    job = bytes(received)
    for request in (b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"):
        job = job.replace(request, b"")
    out = decode(job)
    assert "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ" in out.text and out.has("cut")


def test_a_device_file_printer_gets_the_bytes_and_reports_unknown(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    printer = Printer("lp", PrinterConfig(connection="device", path=device), tmp_path)
    printer.send(b"\x1b@hello\n", "job")
    assert device.read_bytes() == b"\x1b@hello\n"
    assert printer.status.printer == "unknown"  # usblp gives no status back
    device.unlink()
    assert printer.probe().printer == "offline"
