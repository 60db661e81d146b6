"""The edge side of replication: drains the outbox to the hub and applies what the hub sends.

One worker thread owns all decisions (what to send, what to resend, what to apply); the MQTT
network thread only queues received messages and wakes it. Nothing is trusted to MQTT: an
event stays in the outbox until the hub's end-to-end ack, and everything unacknowledged is sent
again after a reconnect or when acks stop coming."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from edge.domain.errors import DomainError
from edge.plugins import CommandHandler, command_handlers
from edge.services.context import Context
from edge.signing import load_public_key, public_pem
from edge.store import catalogue_repo, outbox
from sync import edge_store, protocol
from sync.catalogue import products_from, promotions_from
from sync.mqtt import MqttLink
from sync.protocol import (
    Ack,
    CatalogueMessage,
    CatalogueRequest,
    Command,
    CommandAck,
    NearbyStock,
    ProtocolError,
    StoreKeys,
    StoreStatus,
    Topics,
)

log = logging.getLogger(__name__)

_AGENTS: dict[int, SyncAgent] = {}
MAX_RESEND_INTERVAL_S = 300.0


def agent_for(ctx: Context) -> SyncAgent | None:
    return _AGENTS.get(id(ctx))


class SyncAgent:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        broker = ctx.settings.broker
        self.cfg = ctx.settings.sync
        if not broker.url:
            raise ValueError("the sync agent needs broker.url")
        if not broker.hub_key:
            raise ValueError("the sync agent needs broker.hub_key (the hub's public key)")
        self.hub_key = load_public_key(broker.hub_key)
        self.store_id = ctx.store_id
        self.topics = Topics(broker.topic_prefix)
        self.handlers: dict[str, CommandHandler] = {}
        self.inbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._fresh_connection = False
        self.sent_upto = 0
        self.rewind_to: int | None = None
        self.last_progress = time.monotonic()
        self.resend_interval = self.cfg.resend_after_s
        self.last_status = 0.0
        self.last_snapshot_request = 0.0
        self.rejected: Counter[str] = Counter()
        self.last_catalogue_apply_s: float | None = None
        t = self.topics
        self.link = MqttLink(
            broker.url,
            self.cfg.client_id or f"edge-{self.store_id}",
            subscriptions=[
                t.acks(self.store_id),
                t.commands(self.store_id),
                t.store_catalog(self.store_id),
                t.nearby(self.store_id),
                t.catalog_changes,
                t.catalog_keys,
            ],
            on_message=self._received,
            on_connect=self._connected,
            on_disconnect=self.wake.set,
            username=broker.username,
            password=broker.password,
            ca_file=broker.ca_file,
            will=(t.status(self.store_id), self._status(online=False)),
            session_expiry_s=self.cfg.session_expiry_s,
            keepalive_s=self.cfg.keepalive_s,
        )
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self.start_sync()

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_sync)

    def start_sync(self) -> None:
        self.handlers = command_handlers()
        with self.ctx.db.transaction() as conn:
            # Offline returns check the hub's order confirmations against this row.
            edge_store.trust_keys(conn, {"hub": public_pem(self.hub_key).decode()})
        _AGENTS[id(self.ctx)] = self
        self.ctx.hooks.after_outbox.append(self.wake.set)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sync-agent", daemon=True)
        self._thread.start()
        self.link.start()

    def stop_sync(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.link.stop(final=(self.topics.status(self.store_id), self._status(online=False)))
        if self.wake.set in self.ctx.hooks.after_outbox:
            self.ctx.hooks.after_outbox.remove(self.wake.set)
        _AGENTS.pop(id(self.ctx), None)

    @property
    def connected(self) -> bool:
        return self.link.connected

    # -- network thread callbacks (keep them tiny) ---------------------------------------------

    def _connected(self) -> None:
        self._fresh_connection = True
        self.wake.set()

    def _received(self, topic: str, payload: bytes) -> None:
        self.inbox.put((topic, payload))
        self.wake.set()

    # -- worker ------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self.wake.wait(0.25)
            self.wake.clear()
            try:
                self._step()
            except Exception:  # the agent must outlive any bug in one step; it retries
                log.exception("sync agent step failed")
                self._stop.wait(1.0)

    def _step(self) -> None:
        acks_topic = self.topics.acks(self.store_id)
        best: Ack | None = None
        while True:
            try:
                topic, payload = self.inbox.get_nowait()
            except queue.Empty:
                break
            if topic == acks_topic:
                # Acks are cumulative: of a burst, only the highest needs a transaction.
                try:
                    ack = protocol.decode(payload, Ack)
                except ProtocolError as exc:
                    self._dead_letter(topic, str(exc), payload)
                    continue
                if ack.resend_from is not None or ack.store_id != self.store_id:
                    self._handle(topic, payload)  # a resend request acts at once
                elif best is None or ack.acked_seq > best.acked_seq:
                    best = ack
                continue
            self._handle(topic, payload)
        if best is not None:
            self._ack(best)
        if not self.link.connected:
            return
        now = time.monotonic()
        if self._fresh_connection:
            # Everything not acknowledged is sent again: paho's in-memory queue died with the
            # old connection (or the old process), the outbox did not.
            self._fresh_connection = False
            with self.ctx.db.read() as conn:
                self.sent_upto = outbox.acked_seq(conn)
            self.last_progress = now
            self.last_status = 0.0
        if now - self.last_status >= self.cfg.status_every_s:
            self.last_status = now
            self.link.publish(
                self.topics.status(self.store_id), self._status(online=True), retain=True
            )
        self._drain()

    def _drain(self) -> None:
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
                if not self.link.publish(self.topics.events(self.store_id), payload):
                    return
                self.sent_upto = batch[-1][0]

    # -- messages from the hub -------------------------------------------------------------

    def _handle(self, topic: str, payload: bytes) -> None:
        t = self.topics
        try:
            if topic == t.acks(self.store_id):
                self._ack(protocol.decode(payload, Ack))
            elif topic == t.commands(self.store_id):
                self._command(protocol.decode(payload, Command))
            elif topic in (t.catalog_changes, t.store_catalog(self.store_id)):
                started = time.perf_counter()
                if self._catalogue(protocol.decode(payload, CatalogueMessage)):
                    self.last_catalogue_apply_s = time.perf_counter() - started
            elif topic == t.nearby(self.store_id):
                self._nearby(protocol.decode(payload, NearbyStock))
            elif topic == t.catalog_keys:
                self._store_keys(protocol.decode(payload, StoreKeys))
            else:
                raise ProtocolError(f"unexpected topic {topic}")
        except (ProtocolError, DomainError) as exc:
            reason = exc.detail if isinstance(exc, DomainError) else str(exc)
            self._dead_letter(topic, reason, payload)
        except Exception as exc:
            # A bug in a handler: nothing was applied (its transaction rolled back) and nothing
            # acknowledged, so the hub sends it again; keep a record and carry on.
            log.exception("applying a message on %s failed", topic)
            self._dead_letter(topic, f"internal error: {exc!r}", payload)

    def _dead_letter(self, topic: str, reason: str, payload: bytes) -> None:
        log.warning("refused a message on %s: %s", topic, reason)
        self.rejected[reason.split(":")[0][:40]] += 1
        with self.ctx.db.transaction() as conn:
            edge_store.dead_letter(conn, self.ctx.clock().isoformat(), topic, reason, payload)

    def _ack(self, ack: Ack) -> None:
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

    def _command(self, cmd: Command) -> None:
        if cmd.store_id != self.store_id:
            raise ProtocolError(f"command addressed to store {cmd.store_id}")
        cmd.check(self.hub_key)
        now = self.ctx.clock().isoformat()
        with self.ctx.db.transaction() as conn:
            row = conn.execute("SELECT ack FROM sync_commands WHERE id = ?", [cmd.id]).fetchone()
            if row is not None:
                ack_payload = row[0].encode()  # a redelivery: answer as the first time
            else:
                status, reason = self._apply_command(conn, cmd)
                ack = CommandAck(
                    id=cmd.id,
                    seq=cmd.seq,
                    store_id=self.store_id,
                    status=status,
                    reason=reason,
                    at=now,
                )
                ack_payload = protocol.encode(ack)
                conn.execute(
                    "INSERT INTO sync_commands (id, seq, type, status, reason, ack, applied_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [cmd.id, cmd.seq, cmd.type, status, reason, ack_payload.decode(), now],
                )
        self.ctx.hooks.outbox_written()
        self.link.publish(self.topics.command_acks(self.store_id), ack_payload)

    def _apply_command(self, conn, cmd: Command) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        handler = self.handlers.get(cmd.type)
        if handler is None:
            return "rejected", f"unknown command type {cmd.type}"
        # A savepoint: a refused command leaves no trace but its ack.
        conn.execute("SAVEPOINT command")
        try:
            handler(conn, self.ctx, cmd.data)
        except DomainError as exc:
            conn.execute("ROLLBACK TO command")
            conn.execute("RELEASE command")
            return "rejected", exc.detail
        conn.execute("RELEASE command")
        return "applied", ""

    def _catalogue(self, msg: CatalogueMessage) -> bool:
        """Applies a catalogue message; False when it was not needed (old, or past a gap)."""
        msg.check(self.hub_key)
        with self.ctx.db.read() as conn:
            current = edge_store.catalogue_version(conn)
        if msg.kind == "delta" and msg.version <= current:
            return False  # already have it
        if msg.kind == "delta" and msg.version > current + 1:
            self._request_snapshot(current)
            return False
        if msg.kind == "snapshot" and msg.version < current:
            return False
        products = products_from(msg.products)  # validated whole before anything changes
        promotions = promotions_from(msg.promotions) if msg.promotions is not None else None
        now = self.ctx.clock()
        with self.ctx.db.transaction() as conn:
            if msg.kind == "snapshot":
                edge_store.replace_catalogue(conn, products, now)
                if promotions is not None:  # None: a hub that does not send promotions
                    catalogue_repo.replace_promotions(conn, promotions)
            else:
                catalogue_repo.upsert(conn, products, now)
                catalogue_repo.upsert_promotions(conn, promotions or [])
                catalogue_repo.delete_promotions(conn, msg.ended_promotions or [])
            edge_store.trust_keys(conn, msg.store_keys)
            if msg.stores:
                edge_store.save_nearby(conn, self.store_id, [], msg.stores)
            edge_store.set_state(conn, "catalogue_version", msg.version)
        log.info(
            "catalogue %s v%d applied (%d products, %d promotions, %d ended)",
            msg.kind,
            msg.version,
            len(products),
            len(promotions or []),
            len(msg.ended_promotions or []),
        )
        self.last_status = 0.0  # tell the hub our new version soon
        return True

    def _request_snapshot(self, have: int) -> None:
        now = time.monotonic()
        if now - self.last_snapshot_request < 2.0:
            return  # one request covers a burst of deltas past the gap
        self.last_snapshot_request = now
        log.info("catalogue gap after v%d: asking for a snapshot", have)
        req = CatalogueRequest(store_id=self.store_id, have=have)
        self.link.publish(self.topics.catalog_requests(self.store_id), protocol.encode(req))

    def _store_keys(self, msg: StoreKeys) -> None:
        msg.check(self.hub_key)
        with self.ctx.db.transaction() as conn:
            edge_store.trust_keys(conn, msg.keys)

    def _nearby(self, msg: NearbyStock) -> None:
        with self.ctx.db.transaction() as conn:
            edge_store.save_nearby(conn, self.store_id, msg.levels, msg.stores)

    def _status(self, *, online: bool) -> bytes:
        with self.ctx.db.read() as conn:
            version = edge_store.catalogue_version(conn)
            depth, _ = outbox.depth(conn)
        return protocol.encode(
            StoreStatus(
                store_id=self.store_id,
                online=online,
                at=datetime.now(UTC).isoformat(),
                catalogue_version=version,
                outbox_depth=depth,
                public_key=self._public_key(),
            )
        )

    def _public_key(self) -> str | None:
        path = self.ctx.settings.data_dir / "store.pub"
        try:
            return path.read_text() if path.is_file() else None
        except OSError:
            return None


def _size(event: tuple[int, str]) -> int:
    return len(event[1])


def component(ctx: Context) -> SyncAgent | None:
    """The plugin's component factory: no broker configured, nothing to run (the outbox
    simply grows until one is)."""
    if not ctx.settings.broker.url:
        return None
    return SyncAgent(ctx)
