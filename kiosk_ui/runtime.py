"""What the pages share: the node's Context, and the status of the optional parts (sync,
devices) imported lazily so the UI works on a node built without them."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from edge.services.context import Context

log = logging.getLogger(__name__)

_ctx: Context | None = None


def set_context(ctx: Context) -> None:
    global _ctx
    _ctx = ctx


def context() -> Context:
    if _ctx is None:
        raise RuntimeError("kiosk_ui.mount(app, ctx) was not called")
    return _ctx


class ScannerFeed:
    """Serial scans for one register (or the kiosk) handed to a page on its own event loop,
    until stop() or the browser tab goes away."""

    def __init__(self) -> None:
        self._cancel: Callable[[], None] | None = None

    def start(
        self, ctx: Context, client: Any, target: str, handler: Callable[[dict[str, Any]], Any]
    ) -> None:
        subscribe = optional("devices.scans", "subscribe")
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


def optional(module: str, name: str) -> Callable[..., Any] | None:
    """A function of another part of the node, or None when that part is not installed."""
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return found
    except (ImportError, AttributeError):
        return None


def _sync_status(ctx: Context) -> dict[str, Any] | None:
    fn = optional("sync.status", "sync_status")
    return fn(ctx) if fn else None


def _devices_status(ctx: Context) -> dict[str, Any] | None:
    fn = optional("devices.service", "devices_status")
    return fn(ctx) if fn else None


# Replaceable providers: tests (and a node without a hub) swap these to show a given state.
providers: dict[str, Callable[[Context], dict[str, Any] | None]] = {
    "sync": _sync_status,
    "devices": _devices_status,
}


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


def node_status(ctx: Context) -> NodeStatus:
    """Never raises: a status bar that crashes the till is worse than one that says unknown."""
    found: dict[str, dict[str, Any] | None] = {}
    errors = []
    for name, fn in providers.items():
        try:
            found[name] = fn(ctx)
        except Exception as exc:
            log.warning("status of %s failed: %s", name, exc)
            found[name] = None
            errors.append(name)
    return NodeStatus(found.get("sync"), found.get("devices"), tuple(errors))
