"""What `store-edge hub` and its sub-apps (`hub token`) share: the --config, --data-dir and
--database options, the hub's settings from them, and failing with a clear message."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from sync.hub.config import HubSettings

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file")]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="where the hub's database and keys live")
]
DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="postgresql://USER@HOST:PORT/DB (several workers) or sqlite:///PATH;"
        " default: SQLite <data-dir>/hub.db",
    ),
]


def _fail(message: str) -> NoReturn:
    from edge.cli_support import fail

    fail(message)
    raise SystemExit(2)  # fail() exits; this line keeps the type checker honest


def settings_from(
    config: Path | None, data_dir: Path | None, database: str | None, **overrides: Any
) -> HubSettings:
    """The hub's settings as `store-edge hub` reads them: defaults, the TOML file, the
    environment, then these flags (dotted names for nested keys)."""
    from edge.config import ConfigError, load_settings, nested
    from sync.hub.config import HubSettings

    flags = {"data_dir": data_dir, "database.url": database, **overrides}
    try:
        return load_settings(config, nested(flags), HubSettings)
    except ConfigError as exc:
        _fail(str(exc))
