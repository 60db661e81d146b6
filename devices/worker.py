"""The print worker: one asyncio task per printer takes the printer's oldest due job and prints
it in a thread (all device I/O is blocking), retrying with backoff. A job that may have reached
the paper before failing is queued again as a copy, so a receipt is never lost and never
printed twice without the "DUPLIKAT / COPY" mark."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from devices import queue_repo
from devices.config import devices_config
from devices.documents import BadJob, job_bytes
from devices.printer import Interrupted, NotSent, Printer
from devices.runtime import runtime
from edge.services.context import Context

log = logging.getLogger(__name__)
IDLE_POLL_S = 0.25


class PrintWorker:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rt = runtime(ctx)
        self._tasks: list[asyncio.Task[None]] = []
        self._events: dict[str, asyncio.Event] = {}
        self._stopping = False
        self._last_probe: dict[str, float] = {}

    async def start(self) -> None:
        with self.ctx.db.transaction() as conn:
            recovered = queue_repo.recover_interrupted(conn, self.ctx.clock())
        if recovered:
            log.warning("%d print job(s) were interrupted; they print again as copies", recovered)
        loop = asyncio.get_running_loop()
        for name in self.rt.printers:
            event = self._events[name] = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._run(name), name=f"printer-{name}"))

            def wake(event: asyncio.Event = event) -> None:
                loop.call_soon_threadsafe(event.set)

            self.rt.wakers.append(wake)

    async def stop(self) -> None:
        self._stopping = True
        for event in self._events.values():
            event.set()
        if self._tasks:
            # A job being sent finishes (or fails) within the printer's timeout.
            await asyncio.wait(self._tasks, timeout=15)
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
        self.rt.wakers.clear()

    async def _run(self, name: str) -> None:
        printer = self.rt.printers[name]
        event = self._events[name]
        while not self._stopping:
            try:
                busy = await asyncio.to_thread(self.step, printer)
            except Exception:
                log.exception("print worker for %s failed; retrying", name)
                busy = False
            if busy or self._stopping:
                continue
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), IDLE_POLL_S)

    def step(self, printer: Printer) -> bool:
        """Prints the printer's next due job, if any (blocking). True when a job was handled."""
        ctx = self.ctx
        with ctx.db.read() as conn:
            job = queue_repo.next_due(conn, printer.name, ctx.clock())
        if job is None:
            self._maybe_probe(printer)
            return False
        now = ctx.clock()
        if job.expires_at is not None and job.expires_at < now:
            with ctx.db.transaction() as conn:
                queue_repo.mark_done(conn, job.id, now, state="expired")
            return True
        try:
            data = job_bytes(ctx, job, printer.name, printer.config.profile)
        except BadJob as exc:
            log.error("print job %d cannot be printed: %s", job.id, exc)
            with ctx.db.transaction() as conn:
                queue_repo.mark_failed(conn, job.id, str(exc), ctx.clock())
            return True

        def started() -> None:
            with ctx.db.transaction() as conn:
                queue_repo.mark_sending(conn, job.id)

        label = f"{job.id:08d}-{job.kind}-{job.ref or ''}{'-copy' if job.copy else ''}"
        try:
            printer.send(data, label.replace("/", "_"), started)
        except (NotSent, Interrupted) as exc:
            self._after_failure(printer, job, exc)
            return False
        with ctx.db.transaction() as conn:
            queue_repo.mark_done(conn, job.id, ctx.clock())
        self._last_probe[printer.name] = time.monotonic()
        return True

    def _after_failure(self, printer: Printer, job: queue_repo.Job, exc: Exception) -> None:
        ctx = self.ctx
        retry = devices_config(ctx.settings).retry
        interrupted = isinstance(exc, Interrupted)
        with ctx.db.transaction() as conn:
            if interrupted and job.kind == "drawer":
                # The pulse may have fired; a second one would open the drawer again.
                queue_repo.mark_done(conn, job.id, ctx.clock())
                return
            delay = queue_repo.backoff(job.attempts + 1, retry.first_s, retry.max_s)
            queue_repo.retry(conn, job.id, str(exc), ctx.clock() + delay, as_copy=interrupted)
        log.warning(
            "print job %d on %s %s: %s; retry in %.1fs%s",
            job.id, printer.name, "interrupted" if interrupted else "not sent", exc,
            delay.total_seconds(), " as a copy" if interrupted else "",
        )  # fmt: skip

    def _maybe_probe(self, printer: Printer) -> None:
        interval = devices_config(self.ctx.settings).status_interval_s
        now = time.monotonic()
        if now - self._last_probe.get(printer.name, 0.0) >= interval:
            self._last_probe[printer.name] = now
            printer.probe()
