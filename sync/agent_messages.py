"""What the hub sends a store, applied at the store: signed commands (exactly once, in one
transaction with their acknowledgement), catalogue deltas and snapshots, other stores' public
keys and nearby stock. A message that cannot be applied is logged, counted and dead-lettered.
The sync agent (sync/agent.py) routes messages here from its worker thread."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from edge.domain.errors import DomainError
from edge.plugins import CommandHandler
from edge.services.context import Context
from edge.store import catalogue_repo
from sync import edge_store, protocol
from sync.catalogue import products_from, promotions_from
from sync.protocol import (
    CatalogueMessage,
    CatalogueRequest,
    Command,
    CommandAck,
    NearbyStock,
    ProtocolError,
    StoreKeys,
    Topics,
)

log = logging.getLogger(__name__)
Outcome = Literal["applied", "rejected"]


class HubMessages:
    def __init__(
        self,
        ctx: Context,
        hub_key: Ed25519PublicKey,
        topics: Topics,
        publish: Callable[[str, bytes], bool],
        catalogue_changed: Callable[[], None],
    ) -> None:
        self.ctx = ctx
        self.store_id = ctx.store_id
        self.hub_key = hub_key
        self.topics = topics
        self.publish = publish
        self.catalogue_changed = catalogue_changed
        self.handlers: dict[str, CommandHandler] = {}
        self.rejected: Counter[str] = Counter()
        self.last_snapshot_request = 0.0
        self.last_catalogue_apply_s: float | None = None

    def handle(self, topic: str, payload: bytes) -> None:
        """Applies a message from the hub (not an ack: the drain owns those)."""
        t = self.topics
        try:
            if topic == t.commands(self.store_id):
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
            self.dead_letter(topic, reason, payload)
        except Exception as exc:
            # A bug in a handler: nothing was applied (its transaction rolled back) and nothing
            # acknowledged, so the hub sends it again; keep a record and carry on.
            log.exception("applying a message on %s failed", topic)
            self.dead_letter(topic, f"internal error: {exc!r}", payload)

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
        self.publish(self.topics.command_acks(self.store_id), ack_payload)

    def _apply_command(self, conn: sqlite3.Connection, cmd: Command) -> tuple[Outcome, str]:
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
        self.catalogue_changed()  # tell the hub our new version soon
        return True

    def _request_snapshot(self, have: int) -> None:
        now = time.monotonic()
        if now - self.last_snapshot_request < 2.0:
            return  # one request covers a burst of deltas past the gap
        self.last_snapshot_request = now
        log.info("catalogue gap after v%d: asking for a snapshot", have)
        req = CatalogueRequest(store_id=self.store_id, have=have)
        self.publish(self.topics.catalog_requests(self.store_id), protocol.encode(req))

    def _store_keys(self, msg: StoreKeys) -> None:
        msg.check(self.hub_key)
        with self.ctx.db.transaction() as conn:
            edge_store.trust_keys(conn, msg.keys)

    def _nearby(self, msg: NearbyStock) -> None:
        msg.check(self.hub_key)
        with self.ctx.db.transaction() as conn:
            edge_store.save_nearby(conn, self.store_id, msg.levels, msg.stores)

    def dead_letter(self, topic: str, reason: str, payload: bytes) -> None:
        log.warning("refused a message on %s: %s", topic, reason)
        self.rejected[reason.split(":")[0][:40]] += 1
        with self.ctx.db.transaction() as conn:
            edge_store.dead_letter(conn, self.ctx.clock().isoformat(), topic, reason, payload)
