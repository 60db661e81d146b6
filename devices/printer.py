"""One printer: sends a job through its transport, reads DLE EOT status around it, and says
whether a failed job may have reached the paper (then it is reprinted as a copy)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices import commands as c
from devices.config import PrinterConfig
from devices.transports import FileTransport, Transport, transport_for

NOT_READY = {"offline", "paper_out", "cover_open", "error"}


class NotSent(Exception):
    """Nothing of the job reached the printer: retry it as it was."""


class Interrupted(Exception):
    """Part or all of the job may be on paper, but it did not finish cleanly: print it again
    marked as a copy."""


@dataclass(frozen=True, slots=True)
class Status:
    printer: str  # online | offline | paper_low | paper_out | cover_open | error | unknown
    drawer: str  # open | closed | unknown


def parse_status(reply: bytes) -> Status:
    """Replies to DLE EOT 1 (printer), 2 (offline cause), 4 (roll paper sensor), in order."""
    if len(reply) < 3 or (reply[0] & 0x93) != 0x12:
        return Status("unknown", "unknown")
    printer, offline, paper = reply[0], reply[1], reply[2]
    # Pin 3 of the kick connector reads high while the drawer's switch is open (Epson wiring).
    drawer = "open" if printer & 0x04 else "closed"
    if paper & 0x60:
        state = "paper_out"
    elif offline & 0x04:
        state = "cover_open"
    elif offline & 0x40:
        state = "error"
    elif printer & 0x08:
        state = "offline"
    elif paper & 0x0C:
        state = "paper_low"
    else:
        state = "online"
    return Status(state, drawer)


class Printer:
    def __init__(self, name: str, config: PrinterConfig, data_dir: Path) -> None:
        self.name, self.config, self.data_dir = name, config, data_dir
        self.lock = threading.Lock()  # one job or probe at a time per device
        self.status = Status("unknown", "unknown")
        self.last_error: str | None = None

    @property
    def kind(self) -> str:
        return self.config.connection

    def _transport(self) -> Transport:
        return transport_for(self.config, self.data_dir)

    def _query(self, t: Transport) -> Status:
        if not (t.readable and self.config.status_query):
            return Status("online" if isinstance(t, FileTransport) else "unknown", "unknown")
        t.write(c.STATUS_PRINTER + c.STATUS_OFFLINE + c.STATUS_PAPER)
        return parse_status(t.read(3, min(2.0, self.config.timeout_s)))

    def _fail(self, exc: BaseException, started: bool) -> Exception:
        self.last_error = f"{type(exc).__name__}: {exc}"
        if self.status.printer not in NOT_READY:
            self.status = Status("offline", self.status.drawer)
        return (Interrupted if started else NotSent)(self.last_error)

    def send(self, data: bytes, label: str, on_start: Callable[[], None] = lambda: None) -> None:
        """Prints one job. Raises NotSent or Interrupted; returns when the printer has it.
        `on_start` runs (and must persist) just before the first byte of the job is sent."""
        with self.lock:
            t = self._transport()
            if isinstance(t, FileTransport):
                t.label = label
            started = False
            try:
                t.open()
                self.status = self._query(t)
                if self.status.printer in NOT_READY:
                    self.last_error = f"printer reports {self.status.printer}"
                    raise NotSent(self.last_error)
                on_start()
                started = True
                t.write(data)
                if isinstance(t, FileTransport):
                    t.commit()
                # A status reply after the job proves the link held until the end.
                self.status = self._query(t)
                if self.status.printer in NOT_READY:
                    raise Interrupted(f"printer reports {self.status.printer} after the job")
                self.last_error = None
            except (NotSent, Interrupted) as exc:
                self.last_error = str(exc)
                raise
            except Exception as exc:  # any I/O failure of any transport
                raise self._fail(exc, started) from exc
            finally:
                with contextlib.suppress(Exception):
                    t.close()

    def probe(self) -> Status:
        """Asks the printer for its status without printing."""
        with self.lock:
            t = self._transport()
            try:
                t.open()
                self.status = self._query(t)
            except Exception as exc:
                self._fail(exc, False)
            finally:
                with contextlib.suppress(Exception):
                    t.close()
            return self.status
