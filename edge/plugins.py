"""The parts of a node beyond the selling core (devices, sync, pickups & returns, ops) plug in
here, so the core never imports them and each part owns its schema, routes, workers and CLI.

A part exposes `PLUGIN: Plugin`; the composition root (edge/node.py) imports each by name and
lists them in the order their migrations apply."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite3

    import typer
    from fastapi import APIRouter
    from prometheus_client.registry import Collector
    from pydantic import BaseModel

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
    # The part's sections of the node's settings (`[devices]` → DevicesConfig), read back with
    # `ctx.settings.section(name, Model)`; the composition root adds them to the settings.
    settings: Mapping[str, type[BaseModel]] = field(default_factory=dict)
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


class CommandHandlers(dict[str, "CommandHandler"]):
    """Every part's hub command handlers, by command type: the bootstrap puts them in the
    node's `ctx.parts` and the sync agent dispatches to them."""


def command_handlers(plugins: Sequence[Plugin]) -> CommandHandlers:
    handlers = CommandHandlers()
    for plugin in plugins:
        for kind, handler in plugin.command_handlers.items():
            if kind in handlers:
                raise RuntimeError(f"two plugins handle the command {kind!r}")
            handlers[kind] = handler
    return handlers
