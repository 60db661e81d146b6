"""The parts of a node beyond the selling core (devices, sync, pickups & returns, ops) plug in
here, so the core never imports them and each part owns its schema, routes, workers and CLI.

A plugin module exposes `PLUGIN: Plugin`. `PLUGIN_MODULES` lists them in the order their
migrations apply; a module that fails to import is a programming error and fails loudly."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite3

    import typer
    from fastapi import APIRouter
    from prometheus_client.registry import Collector

    from edge.services.context import Context
    from edge.store.migrations import MigrationSet


class Component(Protocol):
    """A background part of the node (sync agent, device manager, watchdog)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


# Applies one verified hub command inside the transaction that also records its id and ack
# (exactly-once). Raise a DomainError to reject it (the agent acks it as rejected with the reason).
CommandHandler = Callable[["sqlite3.Connection", "Context", dict[str, Any]], None]

# Returns None when the part is not configured (e.g. no broker): nothing to run.
ComponentFactory = Callable[["Context"], Component | None]


class StartupRefused(Exception):
    """A part found the node unfit to serve (e.g. its fiscal device disagrees with the
    catalogue): `store-edge serve` prints the message and exits."""


# Run by `store-edge serve` before it listens; raise StartupRefused to stop the node.
Preflight = Callable[["Context"], None]


@dataclass(frozen=True)
class Plugin:
    name: str
    migrations: MigrationSet | None = None
    # Called once per Context after migrations: attach hooks (e.g. print on sale).
    setup: Callable[[Context], None] | None = None
    routers: Sequence[APIRouter] = ()
    components: Sequence[ComponentFactory] = ()
    # hub command type (e.g. "order.create") -> handler; the sync agent dispatches to these.
    command_handlers: Mapping[str, CommandHandler] = field(default_factory=dict)
    # Prometheus collectors of the part's own figures, added to the node's /metrics.
    metrics: Sequence[Callable[[Context], Collector]] = ()
    # (sub-command name, typer app) pairs added to `store-edge`.
    cli: Sequence[tuple[str, typer.Typer]] = field(default_factory=tuple)
    preflight: Preflight | None = None


PLUGIN_MODULES: tuple[str, ...] = (
    # one line per part; keep the order (it is the migration order)
    "edge.pickups_plugin",
    "edge.loyalty_plugin",
    "devices.plugin",
    "edge.ops_plugin",
    "sync.edge_plugin",
    "edge.stock_plugin",
)


def plugins() -> list[Plugin]:
    return [importlib.import_module(name).PLUGIN for name in PLUGIN_MODULES]


def command_handlers() -> dict[str, CommandHandler]:
    handlers: dict[str, CommandHandler] = {}
    for plugin in plugins():
        for kind, handler in plugin.command_handlers.items():
            if kind in handlers:
                raise RuntimeError(f"two plugins handle the command {kind!r}")
            handlers[kind] = handler
    return handlers
