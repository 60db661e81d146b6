"""The always-visible strip at the top of the till: hub sync, printers, scanners, and the
offline banner saying what still works."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from edge.services.context import Context
from kiosk_ui import runtime

OFFLINE_TEXT = (
    "OFFLINE — head office is unreachable. Still working: selling (cash and card), returns of "
    "this store's sales and of receipts with a signed QR code, handing out pickups already "
    "received here. Sales are kept and sent automatically when the connection is back."
)
_GOOD = {"ok", "ready", "online", "idle", "connected"}


def _device_chips(devices: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(label, tooltip, healthy) for each printer, drawer and scanner."""
    if devices is None:
        return [("devices: unknown", "the device layer is not installed", "unknown")]
    chips = []
    for group, icon in (("printers", "printer"), ("scanners", "scanner"), ("drawers", "drawer")):
        for d in devices.get(group) or []:
            status = str(d.get("status", "unknown"))
            queue = d.get("queue")
            name = d.get("name") or d.get("printer") or group
            label = f"{icon} {name}: {status}"
            if queue:
                label += f" ({queue} waiting)"
            health = "ok" if status in _GOOD else "unknown" if status == "unknown" else "bad"
            chips.append((label, str(d.get("last_error") or ""), health))
    fiscal = devices.get("fiscal")
    if fiscal:
        chips.append(_fiscal_chip(fiscal))
    return chips or [("no devices configured", "", "ok")]


def _fiscal_chip(fiscal: dict[str, Any]) -> tuple[str, str, str]:
    """Says EMULATOR when no real fiscal device registers the sales (a demo, a training till)."""
    status = str(fiscal.get("status", "unknown"))
    label = f"fiscal: {'EMULATOR · ' if fiscal.get('emulator') else ''}{status}"
    pending = int(fiscal.get("pending") or 0)
    if pending:
        label += f" ({pending} sale{'s' if pending > 1 else ''} waiting)"
    health = "ok" if status in _GOOD else "unknown" if status == "unknown" else "bad"
    return label, str(fiscal.get("detail") or ""), health


def _sync_chip(sync: dict[str, Any] | None) -> tuple[str, str]:
    if sync is None:
        return "sync: unknown", "unknown"
    if not sync.get("configured", True):
        return "sync: no hub configured", "unknown"
    depth = sync.get("outbox_depth") or 0
    if sync.get("connected"):
        return (f"online · {depth} to send" if depth else "online · all sent"), "ok"
    return f"offline · {depth} waiting", "bad"


class StatusBar:
    def __init__(self, ctx: Context, pos: bool) -> None:
        self.ctx, self.pos = ctx, pos
        self.last: tuple[Any, ...] | None = None
        with ui.header().classes("status-bar items-center gap-3 px-4 py-1").mark("status-bar"):
            store = ctx.settings.store
            ui.label(f"{store.name} · till {store.register_id}").classes("font-bold")
            ui.space()
            self.chips = ui.row().classes("gap-2 items-center").mark("status-chips")
        self.banner = ui.label(OFFLINE_TEXT).classes("offline-banner w-full").mark("offline")
        self.banner.set_visibility(False)
        self.refresh()
        ui.timer(2.0, self.refresh)

    def refresh(self) -> None:
        status = runtime.node_status(self.ctx)
        sync_label, sync_health = _sync_chip(status.sync)
        devices = _device_chips(status.devices)
        key = (sync_label, sync_health, tuple(devices), status.offline)
        if key == self.last:
            return  # nothing changed: send nothing to the browser
        self.last = key
        self.chips.clear()
        with self.chips:
            self._chip(sync_label, "", sync_health).mark("sync-state")
            for label, tip, health in devices:
                self._chip(label, tip, health)
        self.banner.set_visibility(status.offline)

    @staticmethod
    def _chip(label: str, tip: str, health: str) -> ui.label:
        chip = ui.label(label).classes(f"status-chip chip-{health}")
        if tip:
            chip.tooltip(tip)
        return chip
