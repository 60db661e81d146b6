"""The devices part's use cases. Other parts (POS UI, pickups & returns) call these; each print
request is a job row written in the caller's (or its own) transaction, printed by the worker."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from typing import Any

from devices import queue_repo
from devices.config import devices_config
from devices.documents import KINDS, PICKUP_KINDS
from devices.fiscal import copies
from devices.fiscal import runtime as fiscal
from devices.fiscal import service as fiscal_service
from devices.fiscal.operations import probe
from devices.runtime import runtime
from edge.domain.errors import Conflict, NotFound
from edge.domain.sale import Sale
from edge.domain.staff import Role
from edge.services import pickups, shifts
from edge.services.auth import Actor, approval
from edge.services.context import Context
from edge.store import sales_repo

log = logging.getLogger(__name__)


def _printer_for(ctx: Context, kind: str, register: str | None) -> str | None:
    cfg = devices_config(ctx.settings)
    if kind in PICKUP_KINDS:
        return cfg.pickup_printer_name()
    return cfg.printer_for_register(register or ctx.settings.store.register_id)


def _add(
    conn: sqlite3.Connection,
    ctx: Context,
    printer: str,
    kind: str,
    payload: dict[str, Any],
    *,
    ref: str | None = None,
    copy: bool = False,
) -> int:
    now = ctx.clock()
    expires = None
    if kind == "drawer":
        expires = now + timedelta(seconds=devices_config(ctx.settings).retry.drawer_expiry_s)
    return queue_repo.add(conn, printer, kind, payload, now, ref=ref, copy=copy, expires_at=expires)


def on_sale(ctx: Context, conn: sqlite3.Connection, sale: Sale) -> None:
    """The checkout hook: the drawer pulse for cash, and where no fiscal device registers the
    sale a non-fiscal summary of it, commit with the sale."""
    printer = _printer_for(ctx, "receipt", sale.register)
    if printer is None:
        return
    if (
        any(t.type == "cash" for t in sale.tenders)
        and devices_config(ctx.settings).printers[printer].drawer
    ):
        _add(conn, ctx, printer, "drawer", {"register": sale.register}, ref=sale.receipt_no)
    if fiscal.fiscal(ctx) is not None and fiscal_service.needs_device(sale):
        return  # the fiscal device prints the receipt; this printer may print no sale
    _add(conn, ctx, printer, "receipt", {"receipt_no": sale.receipt_no}, ref=sale.receipt_no)


def enqueue_document(
    conn: sqlite3.Connection, ctx: Context, kind: str, payload: dict[str, Any]
) -> int | None:
    """Queues a printout in the caller's transaction: "return", "pickup_slip",
    "pickup_collection", "receipt" ({receipt_no}), "report". None when no printer serves it."""
    if kind not in KINDS or kind in ("drawer", "test"):
        # A printout must never undo the return or pickup it documents: log, print nothing.
        log.error("no layout for a document of kind %r; nothing printed", kind)
        return None
    printer = _printer_for(ctx, kind, payload.get("register"))
    if printer is None:
        return None
    ref = payload.get("receipt_no") or payload.get("return_id") or payload.get("order_id")
    ref = str(ref) if ref else None
    refund = payload.get("refund") or {}
    cash_out = any(t.get("type") == "cash" for t in refund.get("tenders", ()))
    drawer = devices_config(ctx.settings).printers[printer].drawer
    if drawer and (kind == "cash" or (kind == "return" and cash_out)):
        # Cash goes in or out: the drawer opens with the refund or the movement, as it does for
        # a cash sale.
        _add(conn, ctx, printer, "drawer", {"register": payload.get("register")}, ref=ref)
    return _add(conn, ctx, printer, kind, dict(payload), ref=ref)


def _queued(ctx: Context, job_id: int | None, printer: str | None) -> dict[str, Any]:
    runtime(ctx).wake()
    return {"job_id": job_id, "printer": printer, "state": "queued"}


def reprint(ctx: Context, receipt_no: str, actor: Actor) -> dict[str, Any]:
    """Prints a sale's slip again, always marked as a copy, on the actor's register printer;
    never for a sale registered on a fiscal device (see devices/fiscal/copies.py)."""
    with ctx.db.transaction() as conn:
        sale = sales_repo.get(conn, receipt_no)
        if sale is None:
            raise NotFound(f"no sale with receipt number {receipt_no}")
        copies.refuse_copy(conn, receipt_no)
        printer = _printer_for(ctx, "receipt", actor.register)
        if printer is None:
            raise Conflict("no receipt printer is configured for this register")
        job = _add(conn, ctx, printer, "receipt", {"receipt_no": receipt_no, "by": actor.username},
                   ref=receipt_no, copy=True)  # fmt: skip
    return {**_queued(ctx, job, printer), "copy": True, "receipt_no": receipt_no}


def open_drawer(
    ctx: Context, register: str, actor: Actor, approver: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A drawer pulse outside a sale: a supervisor's decision (their session or their PIN)."""
    if register not in devices_config(ctx.settings).registers:
        raise NotFound(f"register {register} has no printer with a cash drawer")
    by = approval(ctx, actor, Role.SUPERVISOR, approver, "opening the cash drawer")
    printer = _printer_for(ctx, "drawer", register)
    if printer is None or not devices_config(ctx.settings).printers[printer].drawer:
        raise Conflict(f"register {register} has no cash drawer")
    with ctx.db.transaction() as conn:
        job = _add(conn, ctx, printer, "drawer", {"register": register, "by": by})
    return _queued(ctx, job, printer)


def print_report(
    ctx: Context, kind: str, register: str, actor: Actor, approver: tuple[str, str] | None = None
) -> dict[str, Any]:
    """X or Z report (edge.services.shifts) printed on the register's report printer, the job
    queued in the report's transaction."""
    printer = _printer_for(ctx, "report", register)
    job: list[int] = []

    def queue(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
        if printer:
            job.append(_add(conn, ctx, printer, "report", data))

    data = shifts.report(ctx, kind, register, actor, approver, then=queue)
    return {**_queued(ctx, job[0] if job else None, printer), "report": data}


def print_pickup_slip(ctx: Context, order_id: str) -> dict[str, Any]:
    order = pickups.get_order(ctx, order_id)
    with ctx.db.transaction() as conn:
        job = enqueue_document(conn, ctx, "pickup_slip", pickups.slip(order))
    return _queued(ctx, job, devices_config(ctx.settings).pickup_printer_name())


def test_print(ctx: Context, printer: str) -> dict[str, Any]:
    if printer not in devices_config(ctx.settings).printers:
        raise NotFound(f"no printer named {printer!r}")
    with ctx.db.transaction() as conn:
        job = _add(conn, ctx, printer, "test", {})
    return _queued(ctx, job, printer)


def devices_status(ctx: Context) -> dict[str, Any]:
    """What the POS shows: each printer's last known state and queue, drawers, scanners."""
    rt = runtime(ctx)
    with ctx.db.read() as conn:
        depth = queue_repo.depth(conn)
        errors = queue_repo.last_errors(conn)
        # Jobs that could not be printed at all (e.g. could not be laid out) in the last day.
        failed = queue_repo.failures(conn, ctx.clock() - timedelta(days=1))
    printers, drawers = [], []
    for name, p in rt.printers.items():
        count, last = failed.get(name, (0, None))
        printers.append({
            "name": name,
            "kind": p.kind,
            "status": p.status.printer,
            "queue": depth.get(name, 0),
            "failed": count,
            "last_failed": last,
            "last_error": p.last_error or errors.get(name),
            "width_mm": p.config.profile.width_mm,
            "code_page": p.config.profile.code_page,
        })  # fmt: skip
        if p.config.drawer:
            registers = [r for r, n in devices_config(ctx.settings).registers.items() if n == name]
            drawers.append({"printer": name, "registers": registers, "status": p.status.drawer})
    scanners = [
        {"name": s.name, "port": s.port, "target": s.target, "status": s.status,
         "last_error": s.last_error, "scans": s.scans, "bad_scans": s.bad_scans}
        for s in rt.scanners.values()
    ]  # fmt: skip
    for name, sc in devices_config(ctx.settings).scanners.items():
        if name not in rt.scanners:
            scanners.append({"name": name, "port": sc.port, "target": sc.target,
                             "status": "stopped", "last_error": None, "scans": 0,
                             "bad_scans": 0})  # fmt: skip
    return {"printers": printers, "drawers": drawers, "scanners": scanners, "fiscal": probe(ctx)}
