"""What the pages share: the node's Context and the functions of the node's optional parts
(sync, devices) they use, both passed in at mount (`UiParts`, built by the composition root in
edge/node.py), so the UI works on a node built without those parts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import core

from edge.services.context import Context

log = logging.getLogger(__name__)

ScanHandler = Callable[[dict[str, Any]], None]
Status = Callable[[Context], dict[str, Any]]
# A till action of the devices part (reprint, X/Z report, drawer, fiscal daily report).
Action = Callable[..., dict[str, Any]]


@dataclass
class UiParts:
    """The parts' functions the pages call; None where the node has no such part. Mutable:
    tests (and a node without a hub) swap a status to show a given state."""

    sync_status: Status | None = None
    devices_status: Status | None = None
    # (ctx, target, on_scan) -> unsubscribe; on_scan runs on the reader's thread.
    subscribe_scans: Callable[[Context, str, ScanHandler], Callable[[], None]] | None = None
    reprint: Action | None = None
    print_report: Action | None = None
    open_drawer: Action | None = None
    # The fiscal device's daily report (raport dobowy).
    fiscal_daily_report: Action | None = None


@dataclass(frozen=True)
class NodeUi:
    ctx: Context
    parts: UiParts


def attach(ctx: Context, parts: UiParts) -> NodeUi:
    """Hands the node to the pages: NiceGUI serves them from its one app, whose state is the
    place a page finds what it was mounted with."""
    node = NodeUi(ctx, parts)
    core.app.state.store_edge = node
    return node


def mounted() -> NodeUi:
    node = getattr(core.app.state, "store_edge", None)
    if not isinstance(node, NodeUi):
        raise RuntimeError("kiosk_ui.mount(app, ctx, parts) was not called")
    return node


class ScannerFeed:
    """Serial scans for one register (or the kiosk) handed to a page on its own event loop,
    until stop() or the browser tab goes away."""

    def __init__(self, parts: UiParts) -> None:
        self._subscribe = parts.subscribe_scans
        self._cancel: Callable[[], None] | None = None

    def start(
        self, ctx: Context, client: Any, target: str, handler: Callable[[dict[str, Any]], Any]
    ) -> None:
        subscribe = self._subscribe
        if subscribe is None or self._cancel is not None:
            return
        loop = asyncio.get_running_loop()

        def on_scan(result: dict[str, Any]) -> None:  # any thread: the reader's
            loop.call_soon_threadsafe(handler, result)

        try:
            self._cancel = subscribe(ctx, target, on_scan)
        except Exception:
            log.exception("could not subscribe to the %s scanner", target)
            return
        client.on_delete(self.stop)

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel()
            self._cancel = None


@dataclass(frozen=True, slots=True)
class NodeStatus:
    sync: dict[str, Any] | None
    devices: dict[str, Any] | None
    errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def offline(self) -> bool:
        """True when a hub is configured (or unknown) and not reachable right now."""
        if self.sync is None:
            return False
        return self.sync.get("configured", True) and not self.sync.get("connected", False)

    @property
    def waiting(self) -> int:
        return int((self.sync or {}).get("outbox_depth") or 0)


def node_status(ctx: Context, parts: UiParts) -> NodeStatus:
    """Never raises: a status bar that crashes the till is worse than one that says unknown."""
    found: dict[str, dict[str, Any] | None] = {}
    errors = []
    for name, fn in (("sync", parts.sync_status), ("devices", parts.devices_status)):
        try:
            found[name] = fn(ctx) if fn is not None else None
        except Exception as exc:
            log.warning("status of %s failed: %s", name, exc)
            found[name] = None
            errors.append(name)
    return NodeStatus(found.get("sync"), found.get("devices"), tuple(errors))
