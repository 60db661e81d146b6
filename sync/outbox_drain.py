"""The outbox → hub half of the sync agent: what is in flight, what to send next, when to send
again, and what the hub's end-to-end acks mean for the outbox. Driven by the agent's worker
thread only (sync/agent.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from edge.services.context import Context
from edge.store import outbox
from sync import edge_store, protocol
from sync.config import SyncConfig, sync_config
from sync.protocol import Ack, ProtocolError, Topics

log = logging.getLogger(__name__)
MAX_RESEND_INTERVAL_S = 300.0


class Drain:
    def __init__(self, ctx: Context, topics: Topics, publish: Callable[[str, bytes], bool]) -> None:
        self.ctx = ctx
        self.cfg: SyncConfig = sync_config(ctx.settings)
        self.store_id = ctx.store_id
        self.topics = topics
        self.publish = publish
        self.sent_upto = 0
        self.rewind_to: int | None = None
        self.last_progress = time.monotonic()
        self.resend_interval = self.cfg.resend_after_s

    def reconnected(self) -> None:
        """Everything not acknowledged is sent again: paho's in-memory queue died with the old
        connection (or the old process), the outbox did not."""
        with self.ctx.db.read() as conn:
            self.sent_upto = outbox.acked_seq(conn)
        self.last_progress = time.monotonic()

    def send(self) -> None:
        """Publishes what is not in flight yet (or again, when acks stopped coming)."""
        now = time.monotonic()
        with self.ctx.db.read() as conn:
            acked = outbox.acked_seq(conn)
            depth = edge_store.max_seq(conn) - acked
        if self.rewind_to is not None:
            if self.sent_upto >= acked:
                self.rewind_to = None  # the rewound range is out again
            else:
                acked = self.rewind_to  # below our own ack: resend from where the hub is
        if self.sent_upto < acked:
            self.sent_upto = acked
        if self.sent_upto > acked and now - self.last_progress > self.resend_interval:
            log.info("no ack for %.1fs: resending from seq %d", now - self.last_progress, acked + 1)
            self.sent_upto = acked
            self.last_progress = now
            # A hub that is down would otherwise get the whole window again and again, piling
            # up in the broker's queue for it: back off until acks come back.
            self.resend_interval = min(self.resend_interval * 2, MAX_RESEND_INTERVAL_S)
        if self.sent_upto == acked:
            self.last_progress = now  # nothing in flight: the ack clock starts with this send
        while self.sent_upto - acked < self.cfg.inflight_max_events:
            limit = min(self.cfg.batch_max_events * 4, self.cfg.inflight_max_events)
            with self.ctx.db.read() as conn:
                rows = edge_store.unsent(conn, self.sent_upto, limit)
            if not rows:
                return
            events = [
                (r["seq"], protocol.event_json(r["seq"], r["id"], r["type"], r["at"], r["data"]))
                for r in rows
            ]
            for batch in protocol.batches(
                events, self.cfg.batch_max_events, self.cfg.batch_max_bytes, size=_size
            ):
                payload = protocol.encode_batch(
                    self.store_id, [text for _, text in batch], depth,
                    self.ctx.clock().isoformat(),
                )  # fmt: skip
                if not self.publish(self.topics.events(self.store_id), payload):
                    return
                self.sent_upto = batch[-1][0]

    def ack(self, ack: Ack) -> None:
        """The hub's end-to-end ack: the outbox is acknowledged up to it (never beyond what
        was written); `resend_from` rewinds what is in flight."""
        if ack.store_id != self.store_id:
            raise ProtocolError(f"ack for store {ack.store_id}")
        with self.ctx.db.transaction() as conn:
            if edge_store.get_state(conn, edge_store.RESTORED):
                shift = edge_store.realign_after_restore(conn, ack.acked_seq)
                if shift:
                    log.warning(
                        "database was restored from a backup: the hub holds events up "
                        "to seq %d; unsent events renumbered by +%d",
                        ack.acked_seq,
                        shift,
                    )
                self.sent_upto = outbox.acked_seq(conn)
            acked = outbox.acked_seq(conn)
            # Never beyond what we wrote: an ack for events we never had is a hub bug.
            target = min(ack.acked_seq, edge_store.max_seq(conn))
            if target > acked:
                edge_store.set_state(conn, "acked_seq", target)
                edge_store.set_state(conn, "last_ack_at", self.ctx.clock().isoformat())
                self.last_progress = time.monotonic()
                self.resend_interval = self.cfg.resend_after_s
                acked = target
        if ack.resend_from is not None and ack.resend_from - 1 < self.sent_upto:
            want = ack.resend_from - 1
            if want < acked:
                # The hub lacks events it once acknowledged (its database was restored): send
                # them again while the outbox still holds them.
                with self.ctx.db.read() as conn:
                    oldest = conn.execute("SELECT min(seq) FROM outbox").fetchone()[0]
                if oldest is not None and oldest <= want + 1:
                    log.warning("the hub asks again for events from seq %d", want + 1)
                    self.rewind_to = want
            floor = acked if self.rewind_to is None else min(acked, self.rewind_to)
            self.sent_upto = max(floor, want)
            self.last_progress = time.monotonic()


def _size(event: tuple[int, str]) -> int:
    return len(event[1])
