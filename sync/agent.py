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

from edge.plugins import CommandHandler, CommandHandlers
from edge.services.context import Context
from edge.signing import load_public_key, public_pem
from edge.store import outbox
from sync import edge_store, protocol
from sync.agent_messages import HubMessages
from sync.config import sync_config
from sync.mqtt import MqttLink
from sync.outbox_drain import Drain
from sync.protocol import (
    Ack,
    ProtocolError,
    StoreStatus,
    Topics,
)

log = logging.getLogger(__name__)


def agent_for(ctx: Context) -> SyncAgent | None:
    """The node's running agent (None: no broker, or not started)."""
    return ctx.parts.get(SyncAgent)


class SyncAgent:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        broker = ctx.settings.broker
        self.cfg = sync_config(ctx.settings)
        if not broker.url:
            raise ValueError("the sync agent needs broker.url")
        if not broker.hub_key:
            raise ValueError("the sync agent needs broker.hub_key (the hub's public key)")
        self.hub_key = load_public_key(broker.hub_key)
        self.store_id = ctx.store_id
        self.topics = Topics(broker.topic_prefix)
        self.inbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._fresh_connection = False
        self.last_status = 0.0
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
        self.drain = Drain(ctx, self.topics, self._publish)
        self.messages = HubMessages(
            ctx, self.hub_key, self.topics, self._publish, catalogue_changed=self._status_soon
        )

    # -- what the rest of the node and the tests read -------------------------------------------

    @property
    def handlers(self) -> dict[str, CommandHandler]:
        return self.messages.handlers

    @property
    def rejected(self) -> Counter[str]:
        return self.messages.rejected

    @property
    def last_catalogue_apply_s(self) -> float | None:
        return self.messages.last_catalogue_apply_s

    def _publish(self, topic: str, payload: bytes) -> bool:
        return self.link.publish(topic, payload)

    def _status_soon(self) -> None:
        self.last_status = 0.0

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self.start_sync()

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_sync)

    def start_sync(self) -> None:
        # The parts' handlers, put there by the bootstrap (edge/node.py lists the parts).
        self.messages.handlers.update(self.ctx.parts.get(CommandHandlers) or {})
        with self.ctx.db.transaction() as conn:
            # Offline returns check the hub's order confirmations against this row.
            edge_store.trust_keys(conn, {"hub": public_pem(self.hub_key).decode()})
        self.ctx.parts.put(self)
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
        self.ctx.parts.remove(self)

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
                    ack = self._ack(payload)
                except ProtocolError as exc:
                    self.messages.dead_letter(topic, str(exc), payload)
                    continue
                if ack.resend_from is not None or ack.store_id != self.store_id:
                    self._handle(topic, payload)  # a resend request acts at once
                elif best is None or ack.acked_seq > best.acked_seq:
                    best = ack
                continue
            self._handle(topic, payload)
        if best is not None:
            self.drain.ack(best)
        if not self.link.connected:
            return
        now = time.monotonic()
        if self._fresh_connection:
            # Everything not acknowledged is sent again: paho's in-memory queue died with the
            # old connection (or the old process), the outbox did not.
            self._fresh_connection = False
            self.drain.reconnected()
            self.last_status = 0.0
        if now - self.last_status >= self.cfg.status_every_s:
            self.last_status = now
            self.link.publish(
                self.topics.status(self.store_id), self._status(online=True), retain=True
            )
        self.drain.send()

    # -- messages from the hub -------------------------------------------------------------

    def _handle(self, topic: str, payload: bytes) -> None:
        if topic != self.topics.acks(self.store_id):
            self.messages.handle(topic, payload)
            return
        try:
            self.drain.ack(self._ack(payload))
        except ProtocolError as exc:
            self.messages.dead_letter(topic, str(exc), payload)

    def _ack(self, payload: bytes) -> Ack:
        """An ack makes the outbox forget events: only the hub's own, signed, counts."""
        ack = protocol.decode(payload, Ack)
        ack.check(self.hub_key)
        return ack

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


def component(ctx: Context) -> SyncAgent | None:
    """The plugin's component factory: no broker configured, nothing to run (the outbox
    simply grows until one is)."""
    if not ctx.settings.broker.url:
        return None
    return SyncAgent(ctx)
