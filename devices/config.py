"""Device configuration (printers, scanners), part of the node's settings under `[devices]`.

```toml
[devices.printers.till1]
connection = "network"          # file | network | serial | device | usb
host = "192.168.1.50"           # port 9100 by default
profile = { width_mm = 80, cut = "partial", code_page = "cp852" }

[devices.scanners.hand1]
port = "/dev/store-edge/scanner-01"   # stable name from systemd/99-store-edge-devices.rules
baud = 9600
suffix = "CR"
target = "01"                   # a register id, or "kiosk"

[devices]
registers = { "01" = "till1" }  # which printer serves which register
pickup_printer = "till1"
```
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from edge.config import Settings

CodePage = Literal["cp852", "wpc1250", "iso8859_2", "none"]
Suffix = Literal["CR", "LF", "CRLF", "TAB"]
SUFFIX_BYTES: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PrinterProfile(_Model):
    """What the printer can do; layouts and the renderer ask this instead of guessing."""

    width_mm: Literal[58, 80] = 80
    cut: Literal["partial", "full", "none"] = "partial"
    # "none": a clone without any Polish code page; lines that need one are printed as images.
    code_page: CodePage = "cp852"
    qr: bool = True  # GS ( k; older clones only do 1-D barcodes

    @property
    def columns(self) -> int:
        """Font A characters per line (12×24 dots on 384 / 576 printable dots)."""
        return 32 if self.width_mm == 58 else 48

    @property
    def dots(self) -> int:
        return 384 if self.width_mm == 58 else 576


class PrinterConfig(_Model):
    connection: Literal["file", "network", "serial", "device", "usb"] = "file"
    # file: directory for job files (default <data_dir>/receipts); device: e.g. /dev/usb/lp0;
    # serial: e.g. /dev/store-edge/printer-01
    path: Path | None = None
    host: str | None = None
    port: int = Field(9100, ge=1, le=65535)
    baud: int = Field(19200, gt=0)
    vendor_id: int | None = Field(None, ge=0, le=0xFFFF)
    product_id: int | None = Field(None, ge=0, le=0xFFFF)
    timeout_s: float = Field(5.0, gt=0, le=120)
    # Ask the printer for its real-time status (DLE EOT) before and after each job.
    status_query: bool = True
    drawer: bool = True  # a cash drawer hangs off this printer's kick connector
    profile: PrinterProfile = PrinterProfile()

    @model_validator(mode="after")
    def _complete(self) -> PrinterConfig:
        needs = {
            "network": self.host is not None,
            "serial": self.path is not None,
            "device": self.path is not None,
            "usb": self.vendor_id is not None and self.product_id is not None,
            "file": True,
        }
        if not needs[self.connection]:
            what = {
                "network": "host",
                "serial": "path",
                "device": "path",
                "usb": "vendor_id and product_id",
            }[self.connection]
            raise ValueError(f"a {self.connection} printer needs {what}")
        return self


class ScannerConfig(_Model):
    port: str  # serial device (use the stable udev name)
    baud: int = Field(9600, gt=0)
    bytesize: Literal[7, 8] = 8
    parity: Literal["N", "E", "O"] = "N"
    stopbits: Literal[1, 2] = 1
    suffix: Suffix = "CR"
    target: str = Field("01", pattern=r"^(kiosk|[A-Za-z0-9]{1,8})$")


class RetryConfig(_Model):
    first_s: float = Field(0.5, gt=0)
    max_s: float = Field(30.0, gt=0)
    # A drawer pulse that could not be delivered by then is dropped: a drawer springing open
    # minutes after the sale is worse than one the cashier opens by key.
    drawer_expiry_s: float = Field(60.0, gt=0)


def _default_printers() -> dict[str, PrinterConfig]:
    return {"receipt": PrinterConfig(connection="file", status_query=False)}


class DevicesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    printers: dict[str, PrinterConfig] = Field(default_factory=_default_printers)
    scanners: dict[str, ScannerConfig] = Field(default_factory=dict)
    registers: dict[str, str] = Field(default_factory=lambda: {"01": "receipt"})
    pickup_printer: str | None = None  # None: the first register's printer
    retry: RetryConfig = RetryConfig()
    status_interval_s: float = Field(30.0, gt=0)  # how often an idle printer is asked
    timezone: str = "Europe/Warsaw"  # receipts show local time
    footer: list[str] = Field(
        default_factory=lambda: ["Dziękujemy za zakupy! Zwrot w ciągu 30 dni z paragonem."]
    )

    @model_validator(mode="after")
    def _names_exist(self) -> DevicesConfig:
        for register, name in self.registers.items():
            if name not in self.printers:
                raise ValueError(f"registers.{register}: no printer named {name!r}")
        if self.pickup_printer is not None and self.pickup_printer not in self.printers:
            raise ValueError(f"pickup_printer: no printer named {self.pickup_printer!r}")
        return self

    def printer_for_register(self, register: str) -> str | None:
        """The register's printer; an unmapped register uses the first printer."""
        if register in self.registers:
            return self.registers[register]
        return next(iter(self.printers), None)

    def pickup_printer_name(self) -> str | None:
        if self.pickup_printer is not None:
            return self.pickup_printer
        return next(iter(self.registers.values()), None) or next(iter(self.printers), None)


def devices_config(settings: Settings) -> DevicesConfig:
    """The node's `[devices]` section."""
    return settings.section("devices", DevicesConfig)
