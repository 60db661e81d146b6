"""`store-edge hub [--config FILE] [--port N] [--data-dir DIR] [--broker URL]` runs the hub;
`store-edge hub import FILE` imports a catalogue into it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

hub_app = typer.Typer(
    help="The central hub: replication, network stock, catalogue, click & collect orders.",
    invoke_without_command=True,
)

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file")]
DataDirOpt = Annotated[
    Path | None, typer.Option("--data-dir", help="where the hub's database and keys live")
]


def _settings(config: Path | None, **overrides: Any):  # type: ignore[no-untyped-def]
    from edge.cli import fail
    from edge.config import ConfigError, load_settings
    from sync.hub.config import HubSettings

    nested: dict[str, Any] = {}
    for dotted, value in overrides.items():
        if value is None:
            continue
        *parents, leaf = dotted.split(".")
        cursor = nested
        for part in parents:
            cursor = cursor.setdefault(part, {})
        cursor[leaf] = value
    try:
        return load_settings(config, nested, settings_cls=HubSettings)  # type: ignore[arg-type]
    except ConfigError as exc:
        fail(str(exc))


@hub_app.callback(invoke_without_command=True)
def hub_main(
    ctx: typer.Context,
    config: ConfigOpt = None,
    port: Annotated[int | None, typer.Option(help="HTTP port (default 8090)")] = None,
    host: Annotated[str | None, typer.Option(help="HTTP address (default 127.0.0.1)")] = None,
    data_dir: DataDirOpt = None,
    broker: Annotated[str | None, typer.Option(help="MQTT broker URL, mqtt:// or mqtts://")] = None,
) -> None:
    """Run the hub (HTTP on 127.0.0.1:8090 by default). Its public key is written to
    <data-dir>/hub.pub on first start: give it to every node (--hub-key)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from edge.logging_setup import configure
    from edge.ops.server import NotifyingServer
    from sync.hub.api import create_hub_app
    from sync.hub.service import Hub

    settings = _settings(
        config, **{"http.port": port, "http.host": host, "data_dir": data_dir, "broker.url": broker}
    )
    configure(settings.log_format, settings.log_level)
    hub = Hub(settings)
    typer.echo(f"hub public key: {settings.data_dir / 'hub.pub'}", err=True)
    NotifyingServer(  # READY=1 to systemd once the hub answers
        uvicorn.Config(
            create_hub_app(hub),
            host=settings.http.host,
            port=settings.http.port,
            log_config=None,
            lifespan="on",
        )
    ).run()


@hub_app.command("import")
def hub_import(file: Path, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Import products and promotions from a CSV or JSON Lines file as the next catalogue
    version (all or nothing); a running hub's stores catch up at their next status report."""
    from edge.cli import fail
    from edge.domain.errors import DomainError
    from sync.hub.service import Hub

    if not file.is_file():
        fail(f"{file} does not exist")
    settings = _settings(config, data_dir=data_dir)
    hub = Hub(settings)
    try:
        out = hub.import_catalogue(file.read_bytes(), file.name)
    except DomainError as exc:
        fail(f"{file}: {exc.detail}; nothing was imported")
        return
    finally:
        hub.db.close()
    typer.echo(
        f"imported {out['imported']} products, {out['promotions']} promotions"
        f" ({out['ended_promotions']} ended) from {file} as catalogue v{out['version']}"
    )
