"""The live state of a node's devices (printer drivers, scanner states, scan subscribers),
one per Context, created on first use."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.printer import Printer
from edge.services.context import Context

ScanCallback = Callable[[dict[str, Any]], None]
_ATTR = "_devices_runtime"
_create_lock = threading.Lock()


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
    # Context is a plain dataclass the core owns; the devices part keeps its state beside it
    # rather than adding a field the core would have to know about.
    rt = getattr(ctx, _ATTR, None)
    if rt is None:
        with _create_lock:
            rt = getattr(ctx, _ATTR, None)
            if rt is None:
                cfg = ctx.settings.devices
                printers = {
                    name: Printer(name, pc, ctx.settings.data_dir)
                    for name, pc in cfg.printers.items()
                }
                rt = Runtime(printers)
                setattr(ctx, _ATTR, rt)
    return rt
