"""`store-edge fiscal emulator`: a Posnet fiscal printer emulator on a TCP port."""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from devices.fiscal.emulator import Emulator
from devices.fiscal.emulator_faults import FAULTS, Faults
from devices.fiscal.emulator_server import EmulatorServer

app = typer.Typer(help="Fiscal devices: the Posnet emulator.", no_args_is_help=True)


@app.command("emulator")
def emulator(
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on (0: any free)")],
    journal: Annotated[
        Path | None, typer.Option("--journal", help="one JSON line per fiscal document")
    ] = None,
    fault: Annotated[
        str | None, typer.Option("--fault", help="inject a fault: " + " | ".join(FAULTS))
    ] = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
) -> None:
    """Speak Posnet frames over TCP and keep a fiscal memory, until SIGINT or SIGTERM."""
    try:
        faults = Faults.parse(fault)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--fault") from None
    server = EmulatorServer(Emulator(journal, faults), host, port).start()
    typer.echo(f"Posnet emulator listening on {host}:{server.port}", err=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    server.stop()
