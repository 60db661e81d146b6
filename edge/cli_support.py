"""What every `store-edge` command shares, the parts' commands included: the --config and
--data-dir options, settings from file + environment + flags, the node's Context, and failing
with a clear message. The node itself is built by the factory `store-edge` passes down
(edge/cli.py), so a part's commands never import the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from edge.config import ConfigError, Settings, nested

if TYPE_CHECKING:
    from edge.services.context import Context

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file", exists=False)
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="where the database lives")]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"store-edge: {message}", err=True)
    raise typer.Exit(code)


SettingsLoader = Callable[[Path | None, dict[str, Any]], Settings]


def read_settings(load: SettingsLoader, config: Path | None, flags: dict[str, Any]) -> Settings:
    """Settings from file + environment + the flags that were given (dotted names for nested
    keys); a bad value ends the command with a message naming its key."""
    try:
        return load(config, nested(flags))
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable; keeps type checkers content


def settings_from(command: typer.Context, config: Path | None, **flags: Any) -> Settings:
    """A part's command's settings: the node's (the core's and every part's sections), read
    by the loader `store-edge` handed down (edge/cli.py)."""
    return read_settings(_factory(command).load_settings, config, flags)


@dataclass(frozen=True)
class NodeFactory:
    """Builds a node's Context from settings: the commands' handle on the composition root."""

    build: Callable[[Settings], Context]
    # The node's settings: the core's with every part's sections (edge/node.py).
    load_settings: SettingsLoader


def _factory(command: typer.Context) -> NodeFactory:
    node = command.find_object(NodeFactory)
    if node is None:
        raise RuntimeError("a store-edge command ran outside edge.cli's app")
    return node


def context_for(command: typer.Context, settings: Settings) -> Context:
    """The node's Context, built by the factory `store-edge` handed down to this command."""
    return _factory(command).build(settings)
