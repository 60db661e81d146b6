"""Serial barcode scanners: one reader thread per scanner; it reopens the port by itself after
the scanner is unplugged (the stable udev name comes back when it is plugged in again)."""

from __future__ import annotations

import contextlib
import logging
import threading

import serial

from devices.config import SUFFIX_BYTES, ScannerConfig, devices_config
from devices.runtime import ScannerState, runtime
from devices.scans import deliver
from edge.services.context import Context

log = logging.getLogger(__name__)
MAX_SCAN_BYTES = 512  # no suffix after this many bytes: noise or a wrong suffix setting


class ScannerReader:
    def __init__(self, ctx: Context, name: str, config: ScannerConfig) -> None:
        self.ctx, self.name, self.config = ctx, name, config
        self.state = ScannerState(name, config.port, config.target)
        runtime(ctx).scanners[name] = self.state
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"scanner-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        self.state.status = "stopped"

    def _open(self) -> serial.Serial:
        c = self.config
        return serial.Serial(
            c.port,
            c.baud,
            bytesize=c.bytesize,
            parity=c.parity,
            stopbits=c.stopbits,
            timeout=0.05,  # how quickly stop() is noticed; a read returns as soon as bytes come
        )

    def _run(self) -> None:
        delay = 0.05
        while not self._stop.is_set():
            try:
                port = self._open()
            except (serial.SerialException, OSError, ValueError) as exc:
                self._lost(exc)
                self._stop.wait(delay)
                delay = min(2.0, delay * 2)
                continue
            delay = 0.05
            self.state.status, self.state.last_error = "connected", None
            log.info("scanner %s connected on %s", self.name, self.config.port)
            try:
                self._read(port)
            except (serial.SerialException, OSError) as exc:
                self._lost(exc)
            finally:
                with contextlib.suppress(serial.SerialException, OSError):
                    port.close()

    def _lost(self, exc: BaseException) -> None:
        if self.state.status != "disconnected":
            log.warning("scanner %s disconnected: %s", self.name, exc)
        self.state.status, self.state.last_error = "disconnected", str(exc)

    def _read(self, port: serial.Serial) -> None:
        suffix = SUFFIX_BYTES[self.config.suffix]
        buffer = bytearray()
        while not self._stop.is_set():
            chunk = port.read(port.in_waiting or 1)
            if not chunk:
                continue
            buffer += chunk
            *codes, rest = bytes(buffer).split(suffix)
            buffer = bytearray(rest)
            for code in codes:
                self._scan(code)
            if len(buffer) > MAX_SCAN_BYTES:
                self._scan(bytes(buffer))
                buffer.clear()

    def _scan(self, raw: bytes) -> None:
        text = raw.decode("latin-1").strip("\r\n\t ")
        if not text:
            return
        result = deliver(self.ctx, self.config.target, text)
        self.state.scans += 1
        if not result["ok"]:
            self.state.bad_scans += 1


class ScannerManager:
    """The component that runs every configured scanner's reader."""

    def __init__(self, ctx: Context) -> None:
        self.readers = [
            ScannerReader(ctx, n, c) for n, c in devices_config(ctx.settings).scanners.items()
        ]

    async def start(self) -> None:
        for reader in self.readers:
            reader.start()

    async def stop(self) -> None:
        import asyncio

        await asyncio.gather(*(asyncio.to_thread(r.stop) for r in self.readers))
