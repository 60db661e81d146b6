"""The always-visible strip at the top of the till: hub sync, printers, scanners, and the
offline banner saying what still works, in the store's language."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from edge.services.context import Context
from kiosk_ui import runtime
from kiosk_ui.pos.words import w

_GOOD = {"ok", "ready", "online", "idle", "connected"}


def _said(status: str, lang: str) -> str:
    """A device's state in the store's language (as reported when there is no word for it)."""
    shown = w(f"dev_{status}", lang)
    return status if shown == f"dev_{status}" else shown


def _device_chips(devices: dict[str, Any] | None, lang: str) -> list[tuple[str, str, str]]:
    """(label, tooltip, health) for each printer, drawer and scanner."""
    if devices is None:
        return [(w("devices_unknown", lang), "", "unknown")]
    chips = []
    for group in ("printers", "scanners", "drawers"):
        for d in devices.get(group) or []:
            status = str(d.get("status", "unknown"))
            queue = d.get("queue")
            name = d.get("name") or d.get("printer") or group
            label = f"{w(group, lang)} {name}: {_said(status, lang)}"
            if queue:
                label += f" ({w('queue_waiting', lang, n=queue)})"
            health = "ok" if status in _GOOD else "unknown" if status == "unknown" else "bad"
            chips.append((label, str(d.get("last_error") or ""), health))
    fiscal = devices.get("fiscal")
    if fiscal:
        chips.append(_fiscal_chip(fiscal, lang))
    return chips or [(w("no_devices", lang), "", "ok")]


def _fiscal_chip(fiscal: dict[str, Any], lang: str) -> tuple[str, str, str]:
    """Says EMULATOR when no real fiscal device registers the sales (a demo, a training till)."""
    status = str(fiscal.get("status", "unknown"))
    label = w("fiscal_chip", lang, emulator="EMULATOR · " if fiscal.get("emulator") else "",
              status=_said(status, lang))  # fmt: skip
    pending = int(fiscal.get("pending") or 0)
    if pending:
        label += " " + w("fiscal_waiting_1" if pending == 1 else "fiscal_waiting", lang, n=pending)
    health = "ok" if status in _GOOD else "unknown" if status == "unknown" else "bad"
    return label, str(fiscal.get("detail") or ""), health


def _sync_chip(sync: dict[str, Any] | None, lang: str) -> tuple[str, str]:
    if sync is None:
        return w("sync_unknown", lang), "unknown"
    if not sync.get("configured", True):
        return w("sync_no_hub", lang), "unknown"
    depth = sync.get("outbox_depth") or 0
    if sync.get("connected"):
        if depth:
            return w("sync_to_send", lang, n=depth), "ok"
        return w("sync_all_sent", lang), "ok"
    return w("sync_offline", lang, n=depth), "bad"


class StatusBar:
    def __init__(self, ctx: Context, parts: runtime.UiParts, lang: str) -> None:
        self.ctx, self.parts, self.lang = ctx, parts, lang
        self.last: tuple[Any, ...] | None = None
        with ui.header().classes("status-bar items-center gap-3 px-4 py-1").mark("status-bar"):
            store = ctx.settings.store
            ui.label(w("till_of", lang, store=store.name, register=store.register_id)).classes(
                "font-bold"
            )
            ui.space()
            self.chips = ui.row().classes("gap-2 items-center").mark("status-chips")
            self.chips.props('role="status"')
        self.banner = ui.label(w("offline_text", lang)).classes("offline-banner w-full")
        self.banner.props('role="alert"').mark("offline")
        self.banner.set_visibility(False)
        self.refresh()
        ui.timer(2.0, self.refresh)

    def refresh(self) -> None:
        status = runtime.node_status(self.ctx, self.parts)
        sync_label, sync_health = _sync_chip(status.sync, self.lang)
        devices = _device_chips(status.devices, self.lang)
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
