"""`store-edge returns export`: the returns register (ewidencja zwrotów) as CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Returns: the returns register.", no_args_is_help=True)


@app.command("export")
def export(
    command: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file")] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
    since: Annotated[str | None, typer.Option(help="first day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="last day, YYYY-MM-DD")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="file (default stdout)")] = None,
) -> None:
    """Every returned line with its protocol's data, oldest first."""
    from edge.cli_support import context_for, fail, settings_from
    from edge.services.returns_register import rows, to_csv

    try:
        first = date.fromisoformat(since) if since else None
        last = date.fromisoformat(until) if until else None
    except ValueError as exc:
        fail(f"--since/--until: {exc}")
        return
    ctx = context_for(command, settings_from(command, config, data_dir=data_dir, demo=False))
    try:
        text = to_csv(rows(ctx, first, last))
    finally:
        ctx.db.close()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
