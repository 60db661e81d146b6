"""The live state of a node's devices (printer drivers, scanner states, scan subscribers),
one per Context, created on first use."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.config import devices_config
from devices.printer import Printer
from edge.services.context import Context

ScanCallback = Callable[[dict[str, Any]], None]


@dataclass
class ScannerState:
    name: str
    port: str
    target: str
    status: str = "disconnected"  # connected | disconnected
    last_error: str | None = None
    scans: int = 0
    bad_scans: int = 0


@dataclass
class Runtime:
    printers: dict[str, Printer]
    scanners: dict[str, ScannerState] = field(default_factory=dict)
    subscribers: dict[str, list[ScanCallback]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    wakers: list[Callable[[], None]] = field(default_factory=list)

    def wake(self) -> None:
        """Tells the print worker a job was committed (it also polls, so this is a hint)."""
        for fn in list(self.wakers):
            with contextlib.suppress(RuntimeError):  # its event loop has closed
                fn()


def runtime(ctx: Context) -> Runtime:
    return ctx.parts.get_or_create(Runtime, lambda: _build(ctx))


def _build(ctx: Context) -> Runtime:
    cfg = devices_config(ctx.settings)
    printers = {name: Printer(name, pc, ctx.settings.data_dir) for name, pc in cfg.printers.items()}
    return Runtime(printers)
