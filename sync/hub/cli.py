"""`store-edge hub [--config FILE] [--data-dir DIR] [--database URL] [--port N] [--broker URL]`
runs the hub; its subcommands (`import`, `keygen`, `backup`, …) take the same `--config`,
`--data-dir` and `--database`, so they act on the database the hub uses."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sync.hub.cli_support import ConfigOpt, DatabaseOpt, DataDirOpt, _fail, settings_from
from sync.hub.cli_tokens import token_app

if TYPE_CHECKING:
    from sync.hub.config import HubSettings
    from sync.hub.service import Hub

hub_app = typer.Typer(
    help="The central hub: replication, network stock, catalogue, click & collect orders.",
    invoke_without_command=True,
)


def open_hub(settings: HubSettings) -> Hub:
    """The hub on its database (migrated); a clear error instead of a traceback."""
    from sync.hub.keys import SigningKeyError
    from sync.hub.service import Hub
    from sync.hub.store import StorageError

    try:
        return Hub(settings)
    except (StorageError, SigningKeyError) as exc:
        _fail(str(exc))


@hub_app.callback(invoke_without_command=True)
def hub_main(
    ctx: typer.Context,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    database: DatabaseOpt = None,
    port: Annotated[int | None, typer.Option(help="HTTP port (default 8090)")] = None,
    host: Annotated[str | None, typer.Option(help="HTTP address (default 127.0.0.1)")] = None,
    broker: Annotated[str | None, typer.Option(help="MQTT broker URL, mqtt:// or mqtts://")] = None,
) -> None:
    """Run the hub (HTTP on 127.0.0.1:8090 by default). Its public key is written to
    <data-dir>/hub.pub on start: give it to every node (--hub-key)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from edge.logging_setup import configure
    from edge.ops.server import NotifyingServer
    from sync.hub.api import create_hub_app

    settings = settings_from(
        config, data_dir, database, **{"http.port": port, "http.host": host, "broker.url": broker}
    )
    configure(settings.log_format, settings.log_level)
    hub = open_hub(settings)
    typer.echo(f"hub public key: {settings.data_dir / 'hub.pub'}", err=True)
    typer.echo(f"hub database: {hub.storage.describe()}", err=True)
    app = create_hub_app(hub)
    # As the node does (edge/cli.py): what start-up built is frozen, so the collector stops
    # re-scanning it; unfrozen, its full collections paused GET /stores for 1 000 stores from
    # ~4 ms to 35-60 ms (p99), measured in-process with the collector on, off and frozen.
    gc.collect()
    gc.freeze()
    NotifyingServer(  # READY=1 to systemd once the hub answers
        uvicorn.Config(
            app,
            host=settings.http.host,
            port=settings.http.port,
            log_config=None,
            lifespan="on",
        )
    ).run()


@hub_app.command("import")
def hub_import(
    file: Path,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Import products and promotions from a CSV or JSON Lines file as the next catalogue
    version (all or nothing); a running hub's stores catch up at their next status report."""
    from edge.domain.errors import DomainError

    if not file.is_file():
        _fail(f"{file} does not exist")
    hub = open_hub(settings_from(config, data_dir, database))
    try:
        out = hub.import_catalogue(file.read_bytes(), file.name)
    except DomainError as exc:
        _fail(f"{file}: {exc.detail}; nothing was imported")
    finally:
        hub.close()
    typer.echo(
        f"imported {out['imported']} products, {out['promotions']} promotions"
        f" ({out['ended_promotions']} ended) from {file} as catalogue v{out['version']}"
    )


@hub_app.command("keygen")
def hub_keygen(
    out: Annotated[Path, typer.Option("--out", help="private key file to write (0600)")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Make the hub's signing key once, for every worker of a shared group ([signing]
    key_file); its public key goes to FILE.pub (give it to every node as --hub-key). Never
    overwrites a key."""
    from sync.hub.keys import SigningKeyError, keygen

    settings_from(config, data_dir, database)  # a bad config is reported like everywhere
    try:
        public = keygen(out)
    except SigningKeyError as exc:
        _fail(str(exc))
    typer.echo(f"private key: {out}\npublic key: {public}")


@hub_app.command("backup")
def hub_backup(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="file to write (default <data-dir>/backups/hub-<time>)"),
    ] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """A consistent copy of the hub's database while it runs: SQLite's online backup, or
    pg_dump (custom format; restore with pg_restore) on PostgreSQL."""
    from sync.hub.store import StorageError

    settings = settings_from(config, data_dir, database)
    hub = open_hub(settings.model_copy(update={"demo": False}))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".dump" if hub.storage.dialect == "postgresql" else ".db"
    dest = out or settings.data_dir / "backups" / f"hub-{stamp}{suffix}"
    try:
        written = hub.backup(dest)
    except StorageError as exc:
        _fail(str(exc))
    finally:
        hub.close()
    typer.echo(f"hub backup written to {written}")


@hub_app.command("export")
def hub_export(
    day: Annotated[str, typer.Option("--day", help="the calendar day, YYYY-MM-DD")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="directory (default <data-dir>/exports/<day>)"),
    ] = None,
    tz: Annotated[str, typer.Option("--tz", help="the chain's time zone")] = "Europe/Warsaw",
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """The day's sales, returns and stock per store as CSV files (<out>/<store>/sales.csv,
    returns.csv, stock.csv) for the ERP and the data warehouse."""
    from datetime import date
    from zoneinfo import ZoneInfoNotFoundError

    from sync.hub.export import export_day

    try:
        when = date.fromisoformat(day)
    except ValueError:
        _fail(f"--day {day!r}: give a date as YYYY-MM-DD")
    settings = settings_from(config, data_dir, database)
    hub = open_hub(settings.model_copy(update={"demo": False}))
    dest = out or settings.data_dir / "exports" / when.isoformat()
    try:
        written = export_day(hub.storage, when, dest, tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        _fail(f"--tz {tz!r}: not a time zone ({exc})")
    finally:
        hub.close()
    typer.echo(
        f"exported {when}: {written['sales']} sale lines, {written['returns']} returned lines,"
        f" {written['stock']} stock levels to {dest}"
    )


hub_app.add_typer(token_app, name="token")
