"""USB printers: no USB printer exists here, so pyusb's device lookup is replaced by a fake
device (the lowest level); everything above it (python-escpos, our transport, the driver,
status parsing) is real."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import usb.core

from devices.config import PrinterConfig
from devices.printer import NotSent, Printer
from tests.unit.devices.escpos_decoder import decode


class FakeUsbPrinter:
    backend = SimpleNamespace(__module__="usb.backend.fake")
    _ctx = SimpleNamespace(dispose=lambda *args, **kwargs: None)

    def __init__(self) -> None:
        self.written = bytearray()
        self.replies = bytearray()

    def set_configuration(self) -> None: ...

    def reset(self) -> None: ...

    def write(self, endpoint: int, data: bytes, timeout: int) -> int:
        self.written += data
        for i in range(len(data) - 2):
            if data[i : i + 2] == b"\x10\x04":
                self.replies += b"\x12"
        return len(data)

    def read(self, endpoint: int, size: int) -> bytes:
        out, self.replies = bytes(self.replies[:size]), self.replies[size:]
        return out


def test_a_usb_printer_prints_and_reports_its_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    device = FakeUsbPrinter()
    monkeypatch.setattr(usb.core, "find", lambda **ids: device if ids == {
        "idVendor": 0x04B8, "idProduct": 0x0202} else None)  # fmt: skip
    printer = Printer("usb1", PrinterConfig(connection="usb", vendor_id=0x04B8,
                                            product_id=0x0202), tmp_path)  # fmt: skip
    started = []
    job = b"\x1b@\x1bt\x12" + "Zażółć\n".encode("cp852") + b"\x1dVB\x00"
    printer.send(job, "job", lambda: started.append(True))
    assert started == [True]
    assert printer.status.printer == "online"
    assert (
        "Zażółć"
        in decode(
            device.written.replace(b"\x10\x04\x01", b"")
            .replace(b"\x10\x04\x02", b"")
            .replace(b"\x10\x04\x04", b"")
        ).text
    )


def test_an_unplugged_usb_printer_keeps_the_job(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(usb.core, "find", lambda **ids: None)
    printer = Printer("usb1", PrinterConfig(connection="usb", vendor_id=1, product_id=2), tmp_path)
    with pytest.raises(NotSent):
        printer.send(b"\x1b@", "job", lambda: pytest.fail("nothing may be sent"))
    assert printer.status.printer == "offline"
    assert "not found" in (printer.last_error or "")
