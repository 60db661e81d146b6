"""The composition root: every part a node is built from, imported by name here and nowhere
else. The order is the order their migrations apply; keep it. `edge.bootstrap` (the Context),
`edge.app` (the HTTP app) and `edge.cli` (the commands) build a node from this list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices import scans
from devices import service as devices_service
from devices.fiscal import operations as fiscal_operations
from devices.plugin import PLUGIN as DEVICES
from edge import config
from edge.config import Settings, with_sections
from edge.loyalty_plugin import PLUGIN as LOYALTY
from edge.ops_plugin import PLUGIN as OPS
from edge.pickups_plugin import PLUGIN as PICKUPS
from edge.plugins import CommandHandlers, Plugin
from edge.plugins import command_handlers as _handlers_of
from edge.stock_plugin import PLUGIN as STOCK
from kiosk_ui.runtime import UiParts
from sync.edge_plugin import PLUGIN as SYNC
from sync.status import sync_status

PLUGINS: tuple[Plugin, ...] = (PICKUPS, LOYALTY, DEVICES, OPS, SYNC, STOCK)

# The core's settings with every part's sections (`[devices]`, `[fiscal]`, `[ops]`, `[sync]`).
NodeSettings = with_sections(Settings, {k: v for p in PLUGINS for k, v in p.settings.items()})


def load_settings(
    config_file: Path | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """The node's settings: embedded defaults, the TOML file, the environment, then the
    overrides (CLI flags); raises ConfigError naming the offending key."""
    return config.load_settings(config_file, overrides, NodeSettings)


def command_handlers() -> CommandHandlers:
    """The node's hub command handlers (the sync agent's, and the tests')."""
    return _handlers_of(PLUGINS)


def ui_parts() -> UiParts:
    """What the kiosk and the till use of the parts (kiosk_ui/runtime.py)."""
    return UiParts(
        sync_status=sync_status,
        devices_status=devices_service.devices_status,
        subscribe_scans=scans.subscribe,
        reprint=devices_service.reprint,
        print_report=devices_service.print_report,
        open_drawer=devices_service.open_drawer,
        fiscal_daily_report=fiscal_operations.daily_report,
    )
