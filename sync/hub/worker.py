"""A hub worker's runtime: its broker connection and one thread that applies what arrives and
runs the periodic work (command resends, nearby pushes, resend requests for stale gaps,
housekeeping). The MQTT network thread only queues messages; a slow database never stalls
keepalives. Work is taken round-robin per store (inbox.py): one store's flood does not hold
up the others. Several workers (here and on other hosts) share the stores' streams through an
MQTT 5 shared subscription; everything they must agree on is in the database."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from sync.hub import commands, inbound, maintenance, nearby, replication
from sync.hub.context import HubContext
from sync.hub.inbox import FairInbox
from sync.hub.nearby import Neighbours
from sync.mqtt import MqttLink

log = logging.getLogger(__name__)
GROUP_MAX = 500  # messages handled (batches applied in one transaction) at a time
MAINTENANCE_EVERY_S = 3600.0


class Worker:
    def __init__(self, ctx: HubContext, neighbours: Neighbours) -> None:
        self.ctx = ctx
        self.neighbours = neighbours
        self.inbox = FairInbox(ctx.topics)
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.tick_s = min(0.25, ctx.settings.nearby.interval_s / 4)
        self._due: dict[str, float] = {}

    def start(self) -> None:
        b = self.ctx.settings.broker
        if b.url:
            t = self.ctx.topics
            share = f"$share/{b.shared_group}/" if b.shared_group else ""
            self.ctx.link = MqttLink(
                b.url,
                b.client_id,
                subscriptions=[
                    share + t.all_stores(leaf)
                    for leaf in ("events", "status", "command-acks", "catalog-requests")
                ],
                on_message=self._received,
                on_connect=self.wake.set,
                username=b.username,
                password=b.password,
                ca_file=b.ca_file,
                session_expiry_s=b.session_expiry,
                max_inflight=1000,
            )
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-worker", daemon=True)
        self._thread.start()
        if self.ctx.link:
            self.ctx.link.start()

    def stop(self) -> bool:
        """Stops; False when the worker thread is still busy (leave the database open)."""
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join(timeout=30)
        if self.ctx.link:
            self.ctx.link.stop()
        return not (self._thread and self._thread.is_alive())

    def _received(self, topic: str, payload: bytes) -> None:
        self.inbox.put(topic, payload)
        self.wake.set()

    def _run(self) -> None:
        s = self.ctx.settings
        self._every("maintenance", MAINTENANCE_EVERY_S, lambda: maintenance.run(self.ctx))
        while not self._stop.is_set():
            self.wake.wait(self.tick_s)
            self.wake.clear()
            deadline = time.monotonic() + self.tick_s
            while time.monotonic() < deadline:
                group = self.inbox.take(GROUP_MAX)
                if not group:
                    break
                self._guarded(
                    "handling messages", partial(inbound.handle, self.ctx, self.neighbours, group)
                )
            if self.inbox:
                self.wake.set()  # more waiting: after the periodic work, straight back
            self._every(
                "resend",
                s.command_resend_s / 2,
                lambda: commands.resend(self.ctx, older_than_s=s.command_resend_s),
            )
            self._every(
                "nearby", self.tick_s, lambda: nearby.push_changes(self.ctx, self.neighbours)
            )
            self._every(
                "gaps", max(0.1, s.gap_grace_s / 2), partial(replication.ask_resends, self.ctx)
            )
            self._every("maintenance", MAINTENANCE_EVERY_S, lambda: maintenance.run(self.ctx))

    def _every(self, name: str, period_s: float, work: Callable[[], object]) -> None:
        now = time.monotonic()
        if now < self._due.get(name, 0.0):
            return
        self._due[name] = now + period_s
        self._guarded(name, work)

    def _guarded(self, what: str, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception:  # never let one message or one periodic job stop the worker
            log.exception("%s failed", what)
