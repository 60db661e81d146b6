"""`store-edge`: run a node, manage staff and the catalogue."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from edge.cli_support import (
    ConfigOpt,
    DataDirOpt,
    NodeFactory,
    fail,
    read_settings,
)
from edge.config import HttpConfig, Settings
from edge.domain.errors import DomainError
from edge.domain.staff import Role
from edge.private_files import restrict_umask
from edge.store.migrations import MigrationError

if TYPE_CHECKING:
    from edge.services.context import Context

app = typer.Typer(
    help="Store Edge: the in-store edge node of an omnichannel retailer.",
    no_args_is_help=True,
    add_completion=False,
)
users_app = typer.Typer(
    help="Staff accounts (cashiers, supervisors, admins).", no_args_is_help=True
)
catalog_app = typer.Typer(
    help="The store's catalogue (for a store without a hub).", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(catalog_app, name="catalog")


@app.callback()
def _node(command: typer.Context) -> None:
    # The parts' commands build their node through this (edge/cli_support.py context_for).
    command.obj = NodeFactory(context_for, _node_settings)


def _node_settings(config: Path | None, overrides: dict[str, Any]) -> Settings:
    from edge.node import load_settings

    return load_settings(config, overrides)


def settings_from(config: Path | None, **flags: Any) -> Settings:
    return read_settings(_node_settings, config, flags)


def context_for(settings: Settings) -> Context:
    from edge.bootstrap import bootstrap

    try:
        return bootstrap(settings)
    except MigrationError as exc:
        fail(str(exc))


def _logging(settings: Settings) -> None:
    from edge.logging_setup import configure

    configure(settings.log_format, settings.log_level)


def _preflight(ctx: Context) -> None:
    from edge.node import PLUGINS
    from edge.plugins import StartupRefused

    for plugin in PLUGINS:
        if plugin.preflight is None:
            continue
        try:
            plugin.preflight(ctx)
        except StartupRefused as exc:
            ctx.db.close()
            fail(f"{plugin.name}: {exc}")


@app.command()
def serve(
    config: ConfigOpt = None,
    port: Annotated[int | None, typer.Option(help="HTTP port (default 8080)")] = None,
    host: Annotated[str | None, typer.Option(help="HTTP address (default 127.0.0.1)")] = None,
    data_dir: DataDirOpt = None,
    store_id: Annotated[str | None, typer.Option("--store-id", help="this store's id")] = None,
    broker: Annotated[str | None, typer.Option(help="MQTT broker URL, mqtt:// or mqtts://")] = None,
    hub_key: Annotated[
        Path | None, typer.Option("--hub-key", help="the hub's public key (PEM)")
    ] = None,
) -> None:
    """Run the edge node: HTTP API, kiosk (/kiosk), POS (/pos), devices and sync."""
    import gc

    import uvicorn

    settings = settings_from(
        config,
        **{
            "http.port": port,
            "http.host": host,
            "data_dir": data_dir,
            "store.id": store_id,
            "broker.url": broker,
            "broker.hub_key": hub_key,
        },
    )
    _logging(settings)
    if settings.broker.url and not settings.broker.hub_key:
        fail(
            "a broker is configured but not the hub's public key: pass --hub-key FILE (or "
            "set broker.hub_key); without it the node cannot verify the hub's commands"
        )
    if settings.broker.hub_key and not Path(settings.broker.hub_key).is_file():
        fail(f"broker.hub_key: {settings.broker.hub_key} does not exist")
    from edge.app import create_app
    from edge.ops.server import NotifyingServer

    ctx = context_for(settings)
    _preflight(ctx)
    web = create_app(settings, ctx=ctx)
    # Tells systemd READY=1 once serving; SIGTERM: requests in flight finish (up to 10 s, within
    # the unit's TimeoutStopSec), then the lifespan stops components and closes the database.
    # What start-up built (imports, the app, the UI's pages) lives as long as the process:
    # frozen, the collector stops re-scanning it, which took ~50 ms pauses in the middle of
    # requests (measured with gc.callbacks under the scan benchmark).
    gc.collect()
    gc.freeze()
    server = NotifyingServer(
        uvicorn.Config(
            web,
            host=settings.http.host,
            port=settings.http.port,
            log_config=None,
            access_log=False,  # the node's own access log: [http] access_log (edge/api/access.py)
            timeout_graceful_shutdown=10,
            lifespan="on",
        )
    )
    server.run(sockets=listeners(settings.http))


def listeners(http: HttpConfig) -> list[socket.socket]:
    """The node's port and, when set, the kiosk screen's own one (edge/api/kiosk_guard.py)."""
    ports = [http.port] + ([http.kiosk_port] if http.kiosk_port is not None else [])
    family = socket.AF_INET6 if ":" in http.host else socket.AF_INET
    out = []
    for port in ports:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((http.host, port))
        except OSError as exc:
            sock.close()
            # The wording tests and operators grep for, as uvicorn's own bind error says it.
            fail(f"cannot listen on {http.host}:{port}: {(exc.strerror or str(exc)).lower()}")
        out.append(sock)
    return out


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[Role, typer.Option(help="cashier, supervisor or admin")] = Role.CASHIER,
    pin: Annotated[str | None, typer.Option(help="4–12 digits (asked for if omitted)")] = None,
    name: Annotated[str, typer.Option(help="name shown on receipts")] = "",
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Add a member of staff."""
    from edge.services import staff

    settings = settings_from(config, data_dir=data_dir, demo=False)
    pin = pin or typer.prompt("PIN", hide_input=True, confirmation_prompt=True)
    ctx = context_for(settings)
    try:
        staff.add_user(ctx, username, pin, role, name)
    except DomainError as exc:
        fail(exc.detail)
    finally:
        ctx.db.close()
    typer.echo(f"added {role.value} {username}")


@users_app.command("list")
def users_list(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """List staff accounts."""
    from edge.services import staff

    ctx = context_for(settings_from(config, data_dir=data_dir, demo=False))
    try:
        for m in staff.list_users(ctx):
            state = "disabled" if m.disabled else ("locked" if m.locked_until else "active")
            typer.echo(f"{m.username:<20} {m.role.value:<11} {state:<9} {m.display_name}")
    finally:
        ctx.db.close()


@users_app.command("disable")
def users_disable(username: str, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Disable an account and end its sessions."""
    from edge.services import staff

    ctx = context_for(settings_from(config, data_dir=data_dir, demo=False))
    try:
        staff.disable_user(ctx, username)
    except DomainError as exc:
        fail(exc.detail)
    finally:
        ctx.db.close()
    typer.echo(f"disabled {username}")


@catalog_app.command("import")
def catalog_import(file: Path, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Import products from a CSV or JSON Lines file (all or nothing)."""
    from edge.services import catalogue

    if not file.is_file():
        fail(f"{file} does not exist")
    ctx = context_for(settings_from(config, data_dir=data_dir))
    try:
        n = catalogue.import_file(ctx, file)
    except DomainError as exc:
        fail(f"{file}: {exc.detail}; nothing was imported")
    finally:
        ctx.db.close()
    typer.echo(f"imported {n} products from {file}")


def _add_plugin_commands() -> None:
    from edge.node import PLUGINS

    for plugin in PLUGINS:
        for name, sub in plugin.cli:
            # An empty name adds the sub-app's commands at the top level.
            app.add_typer(sub, name=name or None)


def main() -> None:
    restrict_umask()  # before anything is written (the hub and the node alike)
    _add_plugin_commands()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
