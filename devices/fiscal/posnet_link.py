"""How Posnet frames reach a device: a TCP socket (the port printed on the device's network
report) or a serial line (RS-232 or USB, through pyserial). Requests go out together and their
answers are read back in order (the specification's synchronous mode queues commands in the
device's input buffer and executes them one after the other), a deadline on each answer; a
broken link is dropped and opened again on the next request."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import serial

from devices.fiscal.posnet_frame import FrameReader


class LinkTimeout(Exception):
    """No whole frame came back in time (or the link broke): the request may have arrived."""


class LinkDown(Exception):
    """The link could not be opened: nothing was sent."""


class Link(Protocol):
    def exchange(self, requests: Sequence[bytes], timeout: float) -> list[bytes]:
        """Sends the requests at once; returns one answer frame per request, in order."""
        ...

    def close(self) -> None: ...


def _read_frames(read: Callable[[float], bytes | None], count: int, timeout: float) -> list[bytes]:
    reader = FrameReader()
    frames: list[bytes] = []
    deadline = time.monotonic() + timeout
    while len(frames) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            raise LinkTimeout(f"no answer within {timeout:g} s")
        chunk = read(left)
        if chunk is None:
            raise LinkTimeout("the device closed the connection")
        got = reader.feed(chunk)
        if got:
            frames += got
            deadline = time.monotonic() + timeout  # the deadline is per answer
    return frames[:count]


class TcpLink:
    def __init__(self, host: str, port: int, connect_timeout: float = 3.0) -> None:
        self.host, self.port, self.connect_timeout = host, port, connect_timeout
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        if self._sock is None:
            try:
                sock = socket.create_connection((self.host, self.port), self.connect_timeout)
                # Small frames answered one by one: no waiting to coalesce them.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._sock = sock
            except OSError as exc:
                raise LinkDown(f"cannot connect to {self.host}:{self.port}: {exc}") from None
        return self._sock

    def exchange(self, requests: Sequence[bytes], timeout: float) -> list[bytes]:
        sock = self._connect()
        try:
            sock.sendall(b"".join(requests))
        except OSError as exc:
            self.close()
            raise LinkDown(f"sending to {self.host}:{self.port} failed: {exc}") from None

        def read(left: float) -> bytes | None:
            sock.settimeout(left)
            try:
                data = sock.recv(4096)
            except TimeoutError:
                return b""
            except OSError:
                return None
            return data or None

        try:
            return _read_frames(read, len(requests), timeout)
        except LinkTimeout:
            # What is left in the stream would be read as the next answer: start afresh.
            self.close()
            raise

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class SerialLink:
    def __init__(self, port: str, baudrate: int = 9600) -> None:
        self.port, self.baudrate = port, baudrate
        self._serial: serial.Serial | None = None

    def _open(self) -> serial.Serial:
        if self._serial is None:
            try:
                self._serial = serial.Serial(self.port, self.baudrate, timeout=0.05)
            except (serial.SerialException, OSError) as exc:
                raise LinkDown(f"cannot open {self.port}: {exc}") from None
        return self._serial

    def exchange(self, requests: Sequence[bytes], timeout: float) -> list[bytes]:
        port = self._open()
        try:
            port.reset_input_buffer()  # a late answer to an earlier request is not this one's
            port.write(b"".join(requests))
            port.flush()
            read = lambda left: port.read(port.in_waiting or 1)  # noqa: E731
            return _read_frames(read, len(requests), timeout)
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise LinkTimeout(f"{self.port}: {exc}") from None

    def close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None


def parse_device_url(url: str) -> tuple[str, dict[str, str]]:
    """'posnet+tcp://host:port' or 'posnet+serial:///dev/ttyUSB0?baudrate=9600' ->
    ('tcp', {host, port}) or ('serial', {path, baudrate}). Raises ValueError on anything else."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "posnet+tcp":
        if not parts.hostname or parts.port is None:
            raise ValueError(f"{url!r}: a TCP device needs host and port")
        return "tcp", {"host": parts.hostname, "port": str(parts.port)}
    if parts.scheme == "posnet+serial":
        if not parts.path:
            raise ValueError(f"{url!r}: a serial device needs its path")
        baud = query.get("baudrate", "9600")
        if not baud.isdigit():
            raise ValueError(f"{url!r}: baudrate must be a number")
        return "serial", {"path": parts.path, "baudrate": baud}
    raise ValueError(
        f"{url!r}: use 'emulator', 'none', 'posnet+tcp://HOST:PORT' or "
        "'posnet+serial:///dev/PATH?baudrate=9600'"
    )


def open_link(url: str) -> Link:
    kind, args = parse_device_url(url)
    if kind == "tcp":
        return TcpLink(args["host"], int(args["port"]))
    return SerialLink(args["path"], int(args["baudrate"]))
