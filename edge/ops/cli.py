"""`store-edge backup | restore | compact | install | uninstall` (top-level commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from edge.cli_support import ConfigOpt, DataDirOpt, fail, settings_from
from edge.ops.config import ops_config

ops_app = typer.Typer(add_completion=False)

RootOpt = Annotated[
    Path, typer.Option("--root", help="install into this directory instead of / (images, tests)")
]


@ops_app.command()
def backup(
    command: typer.Context,
    dest: Annotated[
        Path | None, typer.Option(help="directory for backups (default <data_dir>/backups)")
    ] = None,
    keep: Annotated[int | None, typer.Option(min=1, help="backups to keep (default 7)")] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Consistent online copy of the database (safe while the node sells), with rotation."""
    from edge.ops.backup import BackupError
    from edge.ops.backup import backup as run_backup

    settings = settings_from(command, config, data_dir=data_dir)
    target = dest or ops_config(settings).backup_dir or settings.data_dir / "backups"
    try:
        result = run_backup(settings.db_path, target, keep or ops_config(settings).backup_keep)
    except BackupError as exc:
        fail(str(exc), 1)
        return
    typer.echo(f"backup {result.path} ({result.size} bytes, integrity ok)")
    for old in result.removed:
        typer.echo(f"removed old backup {old}")


@ops_app.command()
def restore(
    command: typer.Context,
    file: Annotated[Path, typer.Argument(help="a backup made by `store-edge backup`")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Replace the database with a backup (the node must be stopped; the old one is kept)."""
    from edge.ops.backup import BackupError
    from edge.ops.backup import restore as run_restore

    settings = settings_from(command, config, data_dir=data_dir)
    try:
        kept = run_restore(file, settings.db_path)
    except BackupError as exc:
        fail(str(exc), 1)
        return
    typer.echo(f"restored {settings.db_path} from {file}")
    if kept:
        typer.echo(f"the previous database is kept as {kept}")


@ops_app.command()
def compact(command: typer.Context, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Delete acknowledged events and printed jobs past their retention; vacuum."""
    from edge.cli_support import context_for
    from edge.ops.compaction import compact as run_compact
    from edge.ops.compaction import ensure_incremental

    ctx = context_for(command, settings_from(command, config, data_dir=data_dir))
    try:
        ensure_incremental(str(ctx.db.path))
        done = run_compact(ctx.db, ctx.clock(), ops_config(ctx.settings))
    finally:
        ctx.db.close()
    typer.echo(
        f"deleted {done.events} acknowledged events and {done.print_jobs} printed jobs; "
        f"freed {done.pages_freed} pages"
    )


@ops_app.command()
def install(
    root: RootOpt = Path("/"),
    store_id: Annotated[str, typer.Option("--store-id", help="this store's id")] = "S001",
    store_name: Annotated[str, typer.Option("--store-name")] = "Store",
    binary: Annotated[
        Path | None, typer.Option(help="the store-edge executable the units run")
    ] = None,
) -> None:
    """Install on a Debian box: accounts, config skeleton, state directory, units, udev rules."""
    import subprocess

    from edge.ops.install import install as run_install

    try:
        plan = run_install(root, store_id=store_id, store_name=store_name, binary=binary)
    except (OSError, subprocess.CalledProcessError) as exc:
        fail(f"install failed: {exc}", 1)
        return
    for line in plan.actions:
        typer.echo(line)


@ops_app.command()
def uninstall(
    root: RootOpt = Path("/"),
    purge: Annotated[bool, typer.Option(help="also delete config and database")] = False,
) -> None:
    """Remove units, udev rules and account definitions (data kept unless --purge)."""
    from edge.ops.install import uninstall as run_uninstall

    for line in run_uninstall(root, purge=purge).actions:
        typer.echo(line)
