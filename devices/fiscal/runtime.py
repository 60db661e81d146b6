"""The node's fiscal device, one per Context, built from `[fiscal]` on first use."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from devices.fiscal.config import fiscal_config
from devices.fiscal.emulator import Emulator
from devices.fiscal.emulator_server import LoopbackLink
from devices.fiscal.port import FiscalDevice
from devices.fiscal.posnet import PosnetDevice
from devices.fiscal.posnet_link import open_link
from edge.services.context import Context


@dataclass
class FiscalRuntime:
    device: FiscalDevice
    url: str
    emulator: Emulator | None = None  # the in-process one ("emulator")
    # One conversation with the device at a time: a receipt is a sequence of commands.
    lock: threading.RLock = field(default_factory=threading.RLock)
    state: str = "unknown"  # ready | unavailable | unknown
    detail: str = ""
    is_emulator: bool = False

    def mark(self, state: str, detail: str = "") -> None:
        self.state, self.detail = state, detail


def fiscal(ctx: Context) -> FiscalRuntime | None:
    """None when sales are not registered on a device (`device = "none"`, or `required =
    false`: a training till or a shop outside Poland)."""
    cfg = fiscal_config(ctx.settings)
    if not (cfg.enabled and cfg.required):
        return None
    return ctx.parts.get_or_create(FiscalRuntime, lambda: _build(ctx))


def _build(ctx: Context) -> FiscalRuntime:
    cfg = fiscal_config(ctx.settings)
    if cfg.device == "emulator":
        journal = cfg.journal or ctx.settings.data_dir / "fiscal-journal.jsonl"
        emulator = Emulator(journal)
        device = PosnetDevice(LoopbackLink(emulator), timeout_s=cfg.timeout_s,
                              name="Posnet emulator (in-process)")  # fmt: skip
        return FiscalRuntime(device, cfg.device, emulator, is_emulator=True)
    device = PosnetDevice(open_link(cfg.device), timeout_s=cfg.timeout_s, name=cfg.device)
    return FiscalRuntime(device, cfg.device)
