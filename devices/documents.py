"""A queued job → the bytes for its printer: looks up what the layout needs (the sale, product
names), lays it out for the printer's width and renders it for its profile."""

from __future__ import annotations

import sqlite3
from typing import Any

from devices.config import PrinterProfile, devices_config
from devices.layout import Document, StoreHeader
from devices.queue_repo import Job
from devices.receipts import loyalty_lines, return_receipt, sale_receipt
from devices.render import drawer_job, render
from devices.slips import cash_slip, pickup_slip, report, self_test_page
from devices.stock_slips import stock_slip
from edge.services import customers
from edge.services.context import Context
from edge.store import catalogue_repo, sales_repo

PICKUP_KINDS = ("pickup_slip", "pickup_collection")
KINDS = ("receipt", "return", "report", "test", "drawer", "cash", *PICKUP_KINDS, "stock")


class BadJob(Exception):
    """The job cannot be printed however often it is retried (e.g. its sale is gone)."""


def store_header(ctx: Context) -> StoreHeader:
    s = ctx.settings.store
    return StoreHeader(s.name, s.address, s.tax_id, devices_config(ctx.settings).timezone)


def _names(ctx: Context, lines: Any) -> dict[str, str]:
    skus = {str(line.get("sku")) for line in lines or [] if isinstance(line, dict)}
    names: dict[str, str] = {}
    with ctx.db.read() as conn:
        for sku in skus:
            product = catalogue_repo.get(conn, sku)
            if product is not None:
                names[sku] = product.name(ctx.settings.store.language)
    return names


def layout(ctx: Context, job: Job, printer: str, profile: PrinterProfile) -> Document:
    store, width, p = store_header(ctx), profile.columns, job.payload
    if job.kind == "receipt":
        with ctx.db.read() as conn:
            sale = sales_repo.get(conn, str(p.get("receipt_no")))
        if sale is None:
            raise BadJob(f"no sale {p.get('receipt_no')}")
        footer = tuple(devices_config(ctx.settings).footer)
        member = customers.sale_customer(ctx, sale.receipt_no).get("customer")
        points = loyalty_lines(member, sale.at, store.timezone)
        return sale_receipt(sale, store, width, copy=job.copy, footer=footer, qr_code=profile.qr,
                            loyalty=points)  # fmt: skip
    if job.kind == "return":
        names = _names(ctx, p.get("lines"))
        return return_receipt(p, store, width, copy=job.copy, names=names, currency=ctx.currency)
    if job.kind in PICKUP_KINDS:
        names = _names(ctx, p.get("lines"))
        return pickup_slip(p, store, width, kind=job.kind, copy=job.copy, names=names,
                           qr_code=profile.qr)  # fmt: skip
    if job.kind == "report":
        return report(p, store, width)
    if job.kind == "cash":
        return cash_slip(p, store, width, copy=job.copy)
    if job.kind == "test":
        return self_test_page(store, printer, profile)
    if job.kind == "stock":
        return stock_slip(p, store, width, copy=job.copy, names=_names(ctx, p.get("lines")))
    raise BadJob(f"unknown document kind {job.kind!r}")


def job_bytes(ctx: Context, job: Job, printer: str, profile: PrinterProfile) -> bytes:
    """The job's bytes; BadJob when it cannot be laid out or rendered, whatever the reason (a
    retry would fail the same way and hold back every job behind it). Only the database being
    busy is worth trying again."""
    if job.kind == "drawer":
        return drawer_job()
    try:
        return render(layout(ctx, job, printer, profile), profile)
    except (BadJob, sqlite3.Error):
        raise
    except Exception as exc:
        raise BadJob(
            f"cannot lay out {job.kind} job {job.id}: {type(exc).__name__}: {exc}"
        ) from exc
