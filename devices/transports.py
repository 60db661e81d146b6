"""How bytes reach a printer: a TCP socket (port 9100), a serial line, a device file such as
/dev/usb/lp0, USB through python-escpos/pyusb, or a file per job (the embedded default).

Every transport is opened explicitly, used from one worker thread and closed; nothing is left
to `__del__` (python-escpos's lazy open does not mix with asyncio)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Protocol

from devices.config import PrinterConfig


class Transport(Protocol):
    readable: bool  # can it answer DLE EOT status requests?

    def open(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def read(self, n: int, timeout: float) -> bytes:
        """Up to `n` bytes, b"" when nothing came in time; raises when the link is gone."""
        ...

    def close(self) -> None: ...


class NetworkTransport:
    readable = True

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.address, self.timeout = (host, port), timeout
        self.sock: socket.socket | None = None

    def open(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        assert self.sock is not None
        self.sock.sendall(data)

    def read(self, n: int, timeout: float) -> bytes:
        assert self.sock is not None
        self.sock.settimeout(timeout)
        got = bytearray()
        deadline = time.monotonic() + timeout
        try:
            while len(got) < n:
                self.sock.settimeout(max(0.001, deadline - time.monotonic()))
                chunk = self.sock.recv(n - len(got))
                if not chunk:
                    raise ConnectionError("the printer closed the connection")
                got += chunk
        except TimeoutError:
            pass
        finally:
            self.sock.settimeout(self.timeout)
        return bytes(got)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class SerialTransport:
    readable = True

    def __init__(self, path: str, baud: int, timeout: float) -> None:
        self.path, self.baud, self.timeout = path, baud, timeout
        self.port = None

    def open(self) -> None:
        import serial

        self.port = serial.Serial(self.path, self.baud, timeout=self.timeout,
                                  write_timeout=self.timeout)  # fmt: skip

    def write(self, data: bytes) -> None:
        assert self.port is not None
        self.port.write(data)
        self.port.flush()

    def read(self, n: int, timeout: float) -> bytes:
        assert self.port is not None
        self.port.timeout = timeout
        return bytes(self.port.read(n))

    def close(self) -> None:
        if self.port is not None:
            self.port.close()
            self.port = None


class DeviceFileTransport:
    """A kernel printer device (usblp): write-only here; its status is "unknown"."""

    readable = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def open(self) -> None:
        self.fd = os.open(self.path, os.O_WRONLY | os.O_NOCTTY)

    def write(self, data: bytes) -> None:
        assert self.fd is not None
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def read(self, n: int, timeout: float) -> bytes:
        return b""

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class FileTransport:
    """Each job becomes one file, written under a temporary name and renamed when complete, so
    a half-written job never looks like a printed receipt."""

    readable = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.label = "job"
        self._buffer = bytearray()

    def open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._buffer.clear()

    def write(self, data: bytes) -> None:
        self._buffer += data

    def read(self, n: int, timeout: float) -> bytes:
        return b""

    def commit(self) -> Path:
        final = self.directory / f"{self.label}.bin"
        tmp = final.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(self._buffer)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        return final

    def close(self) -> None:
        self._buffer.clear()


class UsbTransport:
    """USB through python-escpos (pyusb); status via its read endpoint."""

    readable = True

    def __init__(self, vendor_id: int, product_id: int, timeout: float) -> None:
        self.ids, self.timeout = (vendor_id, product_id), timeout
        self.printer = None

    def open(self) -> None:
        from escpos.printer import Usb

        printer = Usb(self.ids[0], self.ids[1], timeout=int(self.timeout * 1000))
        printer.open(raise_not_found=True)
        self.printer = printer

    def write(self, data: bytes) -> None:
        assert self.printer is not None
        self.printer._raw(data)

    def read(self, n: int, timeout: float) -> bytes:
        assert self.printer is not None
        return bytes(self.printer._read())[:n]

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None


def transport_for(config: PrinterConfig, data_dir: Path) -> Transport:
    if config.connection == "network":
        assert config.host is not None
        return NetworkTransport(config.host, config.port, config.timeout_s)
    if config.connection == "serial":
        return SerialTransport(str(config.path), config.baud, config.timeout_s)
    if config.connection == "device":
        assert config.path is not None
        return DeviceFileTransport(config.path)
    if config.connection == "usb":
        assert config.vendor_id is not None and config.product_id is not None
        return UsbTransport(config.vendor_id, config.product_id, config.timeout_s)
    return FileTransport(config.path or data_dir / "receipts")
