"""The node's fiscal use cases: a sale is registered on the device exactly once.

1. Before a checkout: earlier sales still unregistered are settled first (none may be left),
   then the device must say it can take a receipt; otherwise the sale is refused, the basket
   stays open.
2. In the checkout's transaction: the fiscal job, in state `sending` with `before` = the
   device's last receipt number and its receipts' totalizers read just before (or `pending`
   when they could not be read).
3. After the commit: the receipt is sent (a `pending` job, or one whose `before` is no longer
   the device's, first reads and commits a fresh `before`); then the job is `done` with the
   device's number and a `sale.fiscalised` event goes to the hub.
The one rule that makes it exact: `before` is on disk before the first byte of the receipt
leaves for the device.
Recovery (before the next sale, at start, every few seconds, or on request) of a job left
`sending`: a receipt numbered above `before`, with the totalizers grown by exactly the sale's
total and not claimed by another sale, is this sale's receipt (already registered); otherwise
an open receipt is cancelled and the sale registered again. Never a second fiscal receipt for
one sale. The daily report (which zeroes the totalizers) waits until no sale is unsettled."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal
from typing import Any

from devices.config import devices_config
from devices.fiscal import jobs_repo
from devices.fiscal.jobs_repo import Job
from devices.fiscal.port import (
    DeviceUnavailable,
    FiscalError,
    LastDocument,
    Line,
    Payment,
    Receipt,
    register,
)
from devices.fiscal.runtime import FiscalRuntime, fiscal
from devices.receipts import loyalty_lines
from edge.domain.errors import FiscalDeviceUnavailable, FiscalReceiptPending
from edge.domain.events import Event
from edge.domain.sale import Sale, SaleLine
from edge.services import customers
from edge.services.context import Context
from edge.store import outbox, sales_repo

log = logging.getLogger(__name__)
SALE_FISCALISED = "sale.fiscalised"
# The device's counters read by this thread's before_checkout, for its on_sale hook (both run
# in the one thread of a checkout).
_before = threading.local()
PAYMENT_KINDS = {"cash": "cash", "card": "card"}  # anything else: "other" on the receipt


def _line(ln: SaleLine) -> Line:
    qty = Decimal(ln.qty) / 1000 if ln.unit == "kg" else Decimal(ln.qty)
    line = Line(ln.name, qty, ln.unit_price, ln.vat.letter, ln.discount, ln.unit)
    if line.gross != ln.gross:
        # A price-embedded label (its total printed by the scale): one item at that total.
        line = Line(ln.name, Decimal(1), ln.gross, ln.vat.letter, ln.discount, ln.unit)
    return line


def receipt_of(sale: Sale) -> Receipt:
    return Receipt(
        ref=sale.receipt_no,
        lines=[_line(ln) for ln in sale.lines],
        payments=[Payment(PAYMENT_KINDS.get(t.type, "other"), t.amount) for t in sale.tenders],
        cashier=sale.cashier,
    )


def needs_device(sale: Sale) -> bool:
    # A web-shop order paid online was receipted by the online channel.
    return any(t.type != "online" for t in sale.tenders)


# -- checkout hooks ---------------------------------------------------------------------------


def before_checkout(ctx: Context) -> None:
    rt = fiscal(ctx)
    if rt is None:
        return
    nested = ctx.db.writing()  # a collection or an exchange pays inside its own transaction
    # Waiting for the device while holding the database would deadlock with a registration
    # that holds the device and waits for the database: refuse instead (try again).
    if not rt.lock.acquire(blocking=not nested):
        raise FiscalDeviceUnavailable("the fiscal device is busy with another sale; try again",
                                      retry_after_s=1)  # fmt: skip
    try:
        left = _unfinished(ctx) if nested else drain(ctx, rt)
        if left:
            raise pending(left[0], "the next sale")
        try:
            # The device's last document now: committed with the sale as the job's `before`,
            # so the receipt can be sent right after the commit (see _settle).
            status, last = rt.device.ready_for_receipt()
            ready, detail = status.ready and last is not None, status.detail
            _before.last = last
        except FiscalError as exc:
            ready, detail = False, exc.detail
        if not ready:
            rt.mark("unavailable", detail)
            raise FiscalDeviceUnavailable(
                f"the fiscal device cannot register a sale: {detail}; the basket stays open",
                retry_after_s=5,
            )
        rt.mark("ready", detail)
    finally:
        rt.lock.release()


def pending(job: Job, before: str) -> FiscalReceiptPending:
    """The refusal of what must wait until `job`'s sale is registered (a sale, the report)."""
    return FiscalReceiptPending(
        f"sale {job.receipt_no} is not yet registered on the fiscal device "
        f"({job.last_error or 'waiting for the device'}); resolve it before {before}",
        receipt_no=job.receipt_no,
    )


def _unfinished(ctx: Context) -> list[Job]:
    with ctx.db.read() as conn:
        return jobs_repo.unfinished(conn)


def on_sale(ctx: Context, conn: Any, sale: Sale) -> None:
    before, _before.last = getattr(_before, "last", None), None
    if fiscal(ctx) is not None and needs_device(sale):
        jobs_repo.add(conn, sale.receipt_no, sale.total, sale.at, before)


def after_sale(ctx: Context, sale: Sale, replayed: bool) -> dict[str, Any]:
    rt = fiscal(ctx)
    if rt is not None and not replayed and ctx.db.writing():
        # Not committed yet (paid inside a collection or an exchange): registered as soon as
        # the enclosing transaction ends.
        threading.Thread(target=_after_commit, args=(ctx,), daemon=True).start()
        return {"fiscal": {"status": "pending", "number": None}}
    if rt is not None and not replayed:
        try:
            with rt.lock:
                drain(ctx, rt, sale)
        except Exception:
            # The sale is committed and its answer must go out; the job waits for recovery.
            log.exception("registering sale %s on the fiscal device failed", sale.receipt_no)
    return {"fiscal": sale_fiscal(ctx, sale.receipt_no)}


def _after_commit(ctx: Context) -> None:
    try:
        with ctx.db.transaction():
            pass  # waits for the enclosing transaction to end
        resolve(ctx)
    except Exception:
        log.exception("registering a sale on the fiscal device failed; it waits for recovery")


def sale_fiscal(ctx: Context, receipt_no: str) -> dict[str, Any]:
    """{"status": registered | pending | not-fiscal, "number": the device's or None}."""
    with ctx.db.read() as conn:
        job = jobs_repo.get(conn, receipt_no)
    if job is None:
        return {"status": "not-fiscal", "number": None}
    if job.state == "done":
        return {"status": "registered", "number": job.number}
    return {"status": "pending", "number": None, "error": job.last_error}


# -- registration and recovery ----------------------------------------------------------------


def drain(ctx: Context, rt: FiscalRuntime, just_sold: Sale | None = None) -> list[Job]:
    """Registers (or settles) every unfinished job in order; returns those left, from the first
    that could not be settled (a later one must wait: the device's last document has to be the
    earlier one's for recovery to recognise it). `just_sold`: a sale in hand, not read again.
    Call with rt.lock held."""
    jobs = _unfinished(ctx)
    for i, job in enumerate(jobs):
        known = just_sold if just_sold and just_sold.receipt_no == job.receipt_no else None
        if not _settle(ctx, rt, job, known):
            return jobs[i:]
    return []


def _settle(ctx: Context, rt: FiscalRuntime, job: Job, sale: Sale | None = None) -> bool:
    dev = rt.device
    try:
        fresh = False
        if job.state == "sending":
            # Right after its checkout the driver still knows the number it read for `before`;
            # a retry asks the device.
            known = dev.known_last_document() if job.attempts == 0 else None
            last = known or dev.last_document()
            if _registered(job, last) and not _claimed(ctx, last.number, job):
                log.warning("sale %s was registered as document %d before its answer was lost",
                            job.receipt_no, last.number)  # fmt: skip
                _finish(ctx, rt, job.receipt_no, last.number)
                return True
            # First attempt, nothing registered since `before` was read and committed: send.
            fresh = job.attempts == 0 and _unchanged(job, last)
        if not fresh:
            status = dev.status()
            if status.in_receipt:
                dev.cancel_receipt()  # left open by a failed attempt: never closed, not counted
            elif not status.ready:
                raise DeviceUnavailable(status.detail)
            before = dev.last_document()
            with ctx.db.transaction() as conn:
                jobs_repo.sending(conn, job.receipt_no, before)
        if sale is None:
            with ctx.db.read() as conn:
                sale = sales_repo.get(conn, job.receipt_no)
        assert sale is not None  # the job was written in the sale's transaction
        number = register(dev, receipt_of(sale))
    except FiscalError as exc:
        # The job keeps its state and `before`: whether refused (register() cancelled what it
        # had opened) or lost, the next attempt starts by reading the last document again.
        _failed(ctx, rt, job, exc.detail)
        return False
    _finish(ctx, rt, job.receipt_no, number)
    _loyalty_printout(ctx, rt, sale)
    return True


def _registered(job: Job, last: LastDocument) -> bool:
    """Whether the device registered a receipt for this job since its `before` was read."""
    if job.before is None or last.number <= job.before:
        return False
    if job.before_total is None:  # a job from before the totalizers were kept
        return True
    return last.receipts_total - job.before_total == job.total


def _unchanged(job: Job, last: LastDocument) -> bool:
    same_total = job.before_total is None or last.receipts_total == job.before_total
    return last.number == job.before and same_total


def _loyalty_printout(ctx: Context, rt: FiscalRuntime, sale: Sale) -> None:
    """A member's points on a non-fiscal printout right after their receipt (docs/loyalty.md
    says why not in the receipt itself). Best effort: the sale is registered whatever happens
    to it, and the points are in the customer's account anyway."""
    member = customers.sale_customer(ctx, sale.receipt_no).get("customer")
    lines = loyalty_lines(member, sale.at, devices_config(ctx.settings).timezone)
    if not lines:
        return
    try:
        rt.device.non_fiscal([f"Do dokumentu {sale.receipt_no}", *lines])
    except FiscalError as exc:
        log.warning("the points of sale %s were not printed: %s", sale.receipt_no, exc.detail)


def _claimed(ctx: Context, number: int, job: Job) -> bool:
    # Two tills may read the same `before` ahead of their commits: the document registered
    # since may be the other sale's (same total or not), and is then not this one's.
    with ctx.db.read() as conn:
        return jobs_repo.claimed(conn, number, job.receipt_no)


def _failed(ctx: Context, rt: FiscalRuntime, job: Job, error: str) -> None:
    log.error("sale %s not registered on the fiscal device: %s", job.receipt_no, error)
    rt.mark("unavailable", error)
    with ctx.db.transaction() as conn:
        jobs_repo.failed_attempt(conn, job.receipt_no, error)


def _finish(ctx: Context, rt: FiscalRuntime, receipt_no: str, number: int) -> None:
    now = ctx.clock()
    # Not fsync'd on its own: lost to a power cut, it is redone from the device's last document
    # (this sale's, as no later one can be registered before it is settled).
    with ctx.db.transaction(synchronous="NORMAL") as conn:
        job = jobs_repo.get(conn, receipt_no)
        jobs_repo.done(conn, receipt_no, number, now)
        outbox.append(conn, Event(SALE_FISCALISED, {
            "receipt_no": receipt_no, "store_id": ctx.store_id, "number": number,
            "total": job.total if job else None, "device": rt.device.description,
            "at": now.isoformat(),
        }), now)  # fmt: skip
    rt.mark("ready", "ready")
    ctx.hooks.outbox_written()


def resolve(ctx: Context) -> dict[str, Any]:
    """Settles what is pending now (the POS's "retry" and POST /fiscal/resolve)."""
    rt = fiscal(ctx)
    if rt is None:
        return {"pending": []}
    with rt.lock:
        left = drain(ctx, rt)
    return {"pending": [{"receipt_no": j.receipt_no, "error": j.last_error} for j in left]}
