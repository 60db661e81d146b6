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

from edge.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from edge.services.context import Context

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file", exists=False)
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="where the database lives")]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"store-edge: {message}", err=True)
    raise typer.Exit(code)


def settings_from(config: Path | None, **overrides: Any) -> Settings:
    """Settings from file + environment + the flags that were given (nested keys as dicts)."""
    nested: dict[str, Any] = {}
    for dotted, value in overrides.items():
        if value is None:
            continue
        parts = dotted.split(".")
        cursor = nested
        for part in parts[:-1]:
            cursor = cursor.setdefault(part, {})
        cursor[parts[-1]] = value
    try:
        return load_settings(config, nested)
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable; keeps type checkers content


@dataclass(frozen=True)
class NodeFactory:
    """Builds a node's Context from settings: the commands' handle on the composition root."""

    build: Callable[[Settings], Context]


def context_for(command: typer.Context, settings: Settings) -> Context:
    """The node's Context, built by the factory `store-edge` handed down to this command."""
    node = command.find_object(NodeFactory)
    if node is None:
        raise RuntimeError("a store-edge command ran outside edge.cli's app")
    return node.build(settings)
