"""`store-edge devices list` and `store-edge devices test-print NAME`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from edge.services.context import Context

app = typer.Typer(help="Receipt printers, cash drawers and barcode scanners.", no_args_is_help=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file")]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="where the database lives")]


def _context(command: typer.Context, config: Path | None, data_dir: Path | None) -> Context:
    from edge.cli_support import context_for, settings_from

    return context_for(command, settings_from(command, config, data_dir=data_dir, demo=False))


@app.command("list")
def list_devices(
    command: typer.Context,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List printers (asking each for its status), drawers and scanners."""
    from devices.runtime import runtime
    from devices.service import devices_status

    ctx = _context(command, config, data_dir)
    try:
        for printer in runtime(ctx).printers.values():
            printer.probe()
        status = devices_status(ctx)
    finally:
        ctx.db.close()
    for scanner in status["scanners"]:
        scanner["status"] = "present" if Path(scanner["port"]).exists() else "absent"
    if as_json:
        typer.echo(json.dumps(status, indent=2, ensure_ascii=False))
        return
    for p in status["printers"]:
        error = f"  ({p['last_error']})" if p["last_error"] else ""
        typer.echo(
            f"printer  {p['name']:<12} {p['kind']:<8} {p['status']:<11} "
            f"{p['width_mm']} mm {p['code_page']:<9} queue {p['queue']}{error}"
        )
    for d in status["drawers"]:
        typer.echo(f"drawer   on {d['printer']:<9} registers {','.join(d['registers']) or '-'}"
                   f"  {d['status']}")  # fmt: skip
    for s in status["scanners"]:
        typer.echo(f"scanner  {s['name']:<12} {s['port']}  -> {s['target']}  {s['status']}")
    if not (status["printers"] or status["scanners"]):
        typer.echo("no devices configured")


@app.command("test-print")
def test_print(
    command: typer.Context,
    name: Annotated[str, typer.Argument(help="printer name from [devices.printers]")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Print a test page (code page, Polish letters, barcode, QR, cut) on printer NAME now."""
    from devices.documents import store_header
    from devices.printer import Interrupted, NotSent
    from devices.render import render
    from devices.runtime import runtime
    from devices.slips import self_test_page

    ctx = _context(command, config, data_dir)
    try:
        printer = runtime(ctx).printers.get(name)
        if printer is None:
            known = ", ".join(runtime(ctx).printers) or "none"
            typer.echo(f"store-edge: no printer named {name!r} (configured: {known})", err=True)
            raise typer.Exit(2)
        profile = printer.config.profile
        data = render(self_test_page(store_header(ctx), name, profile), profile)
        try:
            printer.send(data, f"test-{name}")
        except (NotSent, Interrupted) as exc:
            typer.echo(f"store-edge: test page on {name} failed: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"test page sent to {name} ({len(data)} bytes); status {printer.status.printer}")
    finally:
        ctx.db.close()
