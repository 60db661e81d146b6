"""Response models of the devices' and the fiscal device's routes (devices/api.py,
devices/fiscal/api.py): what devices/service.py and devices/fiscal build, key for key."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from edge.api.out_base import Out
from edge.api.till_out import ShiftSummary


class FailedJob(Out):
    job_id: int
    kind: str
    error: str | None
    at: str | None


class PrinterState(Out):
    name: str
    kind: str
    status: str = Field(
        description="online, offline, paper_low, paper_out, cover_open, error or unknown"
    )
    queue: int
    failed: int = Field(description="jobs that could not be printed at all, in the last day")
    last_failed: FailedJob | None
    last_error: str | None
    width_mm: int
    code_page: str


class DrawerState(Out):
    printer: str
    registers: list[str]
    status: str


class ScannerState(Out):
    name: str
    port: str
    target: str
    status: str
    last_error: str | None
    scans: int
    bad_scans: int


class FiscalDevice(Out):
    device: str
    description: str
    emulator: bool
    status: str
    detail: str | None
    pending: int = Field(description="sales waiting for the device")
    registered: int


class Devices(Out):
    printers: list[PrinterState]
    drawers: list[DrawerState]
    scanners: list[ScannerState]
    fiscal: FiscalDevice | None


class Queued(Out):
    job_id: int | None
    printer: str | None
    state: str


class Reprinted(Queued):
    copy_: bool = Field(alias="copy", description="printed as DUPLIKAT / COPY")
    receipt_no: str


class Report(ShiftSummary):
    by: str


class ReportQueued(Queued):
    report: Report


class FiscalState(Out):
    device: FiscalDevice | None
    reports: list[dict[str, Any]] = Field(description="the latest daily reports, newest first")


class PendingSale(Out):
    receipt_no: str
    error: str | None


class Resolved(Out):
    pending: list[PendingSale] = Field(description="the sales still left pending")


class DailyReport(Out):
    number: int
    at: str
    by: str
    receipts: int
    totals: dict[str, Any]
