"""The fiscal device outside a sale: the start-up check of its VAT table, its state for
/devices, /metrics and /readyz, and the daily report (raport dobowy)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from devices.fiscal import jobs_repo
from devices.fiscal.port import FiscalError
from devices.fiscal.runtime import FiscalRuntime, fiscal
from devices.fiscal.service import drain, pending
from edge.domain.errors import FiscalDeviceUnavailable
from edge.domain.staff import Role
from edge.domain.vat import VatRate
from edge.plugins import StartupRefused
from edge.services.auth import Actor, approval
from edge.services.context import Context

log = logging.getLogger(__name__)


def check_vat_table(ctx: Context) -> None:
    """Every tax class the catalogue uses must carry the same rate on the device: a receipt
    would otherwise state the wrong tax (`store-edge serve` runs this before it listens)."""
    rt = fiscal(ctx)
    if rt is None:
        return
    with ctx.db.read() as conn:
        used = [r[0] for r in conn.execute("SELECT DISTINCT vat FROM products ORDER BY vat")]
    try:
        table = rt.device.vat_table()
    except FiscalError as exc:
        raise StartupRefused(f"cannot read the fiscal device's VAT table: {exc}") from None
    wrong = [
        f"{letter} is {table.get(letter)}% on the device but {VatRate[letter].percent}% in the "
        "catalogue"
        for letter in used
        if table.get(letter) != VatRate[letter].percent
    ]
    if wrong:
        raise StartupRefused(
            "the fiscal device's VAT table disagrees with the catalogue: " + "; ".join(wrong)
        )


def probe(ctx: Context) -> dict[str, Any] | None:
    """The device's state, asked now unless a receipt is being registered (then the last
    known). None when no device registers sales."""
    rt = fiscal(ctx)
    if rt is None:
        return None
    if rt.lock.acquire(blocking=False):
        try:
            status = rt.device.status()
            rt.mark("ready" if status.ready else "unavailable", status.detail)
        except FiscalError as exc:
            rt.mark("unavailable", exc.detail)
        finally:
            rt.lock.release()
    with ctx.db.read() as conn:
        counts = jobs_repo.counts(conn)
    return {
        "device": rt.url,
        "description": rt.device.description,
        "emulator": rt.is_emulator,
        "status": rt.state,
        "detail": rt.detail,
        "pending": counts.get("pending", 0) + counts.get("sending", 0),
        "registered": counts.get("done", 0),
    }


def readiness(ctx: Context) -> str | None:
    state = probe(ctx)
    if state is None or state["status"] == "ready":
        return None
    return f"fiscal device unavailable: {state['detail']}"


def daily_report(
    ctx: Context, actor: Actor, approver: tuple[str, str] | None = None
) -> dict[str, Any]:
    """Runs the daily report on the device (a supervisor's decision, at shift close) and
    records it."""
    by = approval(ctx, actor, Role.SUPERVISOR, approver, "the daily fiscal report")
    rt = fiscal(ctx)
    if rt is None:
        raise FiscalDeviceUnavailable("no fiscal device registers this node's sales")
    with rt.lock:
        # The report zeroes the totalizers that recovery compares with a job's `before`: every
        # sale is registered (or settled) first, and a sale that cannot be holds the report.
        left = drain(ctx, rt)
        if left:
            raise pending(left[0], "the daily report")
        try:
            report = rt.device.daily_report()
        except FiscalError as exc:
            rt.mark("unavailable", exc.detail)
            raise FiscalDeviceUnavailable(f"the daily report failed: {exc.detail}") from None
    now = ctx.clock()
    with ctx.db.transaction() as conn:
        jobs_repo.add_report(conn, report.number, now, by, report.receipts, report.totals)
    return {"number": report.number, "at": now.isoformat(), "by": by,
            "receipts": report.receipts, "totals": report.totals}  # fmt: skip


class FiscalComponent:
    """At start: the registration of sales left pending by a crash; then every few seconds,
    while any is."""

    def __init__(self, ctx: Context, rt: FiscalRuntime, every_s: float = 5.0) -> None:
        self.ctx, self.rt, self.every_s = ctx, rt, every_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await asyncio.to_thread(self._drain)
        self._task = asyncio.create_task(self._loop())

    def _drain(self) -> None:
        with self.rt.lock:
            left = drain(self.ctx, self.rt)
        if left:
            log.warning("%d sales wait for the fiscal device", len(left))

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            with self.ctx.db.read() as conn:
                waiting = bool(jobs_repo.unfinished(conn))
            if waiting:
                try:
                    await asyncio.to_thread(self._drain)
                except Exception:  # the loop must outlive one bad attempt
                    log.exception("settling the sales waiting for the fiscal device failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def component(ctx: Context) -> FiscalComponent | None:
    rt = fiscal(ctx)
    return FiscalComponent(ctx, rt) if rt is not None else None
