"""The hub service: its database, its signing key, its broker connection and the use cases the
HTTP API and the MQTT messages drive. A worker thread applies what arrives over MQTT; HTTP
handlers call the same functions. Messages are published only after their transaction commits,
and everything a store must get (acks, commands, catalogue) is sent again on its next contact."""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from edge.catalogue_files import Contents, PromotionRow, detect_format, read
from edge.demo.catalogue import CATEGORIES, demo_products, demo_promotions
from edge.domain import ordering
from edge.domain.catalogue import Product, Promotion
from edge.domain.errors import DomainError, InvalidInput
from edge.signing import generate_key_pair
from edge.store import catalogue_repo
from edge.store.db import Database
from edge.store.migrations import migrate
from edge.store.schema import edge_migrations
from sync import protocol
from sync.catalogue import product_record, promotion_record
from sync.hub import orders, queries
from sync.hub.apply import Applied, apply_batch, ensure_store
from sync.hub.config import HubSettings
from sync.hub.schema import hub_migrations
from sync.mqtt import MqttLink
from sync.protocol import (
    Ack,
    CatalogueMessage,
    CatalogueRequest,
    CommandAck,
    EventBatch,
    NearbyStock,
    ProtocolError,
    StoreKeys,
    StoreStatus,
    Topics,
)

log = logging.getLogger(__name__)
MAX_DELTAS = 20  # a store further behind gets a snapshot
SNAPSHOT_EVERY_S = 60.0
SNAPSHOT_REQUEST_EVERY_S = 5.0


def _now() -> datetime:
    return datetime.now(UTC)


class Hub:
    def __init__(self, settings: HubSettings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = Database(settings.db_path, synchronous="FULL")
        migrate(self.db, [edge_migrations, hub_migrations])
        self.key = generate_key_pair(settings.data_dir / "hub.key", settings.data_dir / "hub.pub")
        self.topics = Topics(settings.broker.topic_prefix)
        self.rejected: Counter[str] = Counter()
        self.received: Counter[str] = Counter()  # messages by topic leaf
        self.inbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.link: MqttLink | None = None
        self._snapshots_sent: dict[str, tuple[int, float]] = {}
        self._greeted: set[str] = set()
        if settings.demo:
            self.seed_demo()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        b = self.settings.broker
        if b.url:
            t = self.topics
            share = f"$share/{b.shared_group}/" if b.shared_group else ""
            self.link = MqttLink(
                b.url,
                b.client_id,
                subscriptions=[
                    share + t.all_stores("events"),
                    share + t.all_stores("status"),
                    share + t.all_stores("command-acks"),
                    share + t.all_stores("catalog-requests"),
                ],
                on_message=self._received,
                on_connect=self.wake.set,
                username=b.username,
                password=b.password,
                ca_file=b.ca_file,
                session_expiry_s=b.session_expiry_s,
                max_inflight=1000,
            )
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-worker", daemon=True)
        self._thread.start()
        if self.link:
            self.link.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join(timeout=30)
        if self.link:
            self.link.stop()
        if self._thread and self._thread.is_alive():
            log.warning("the hub worker is still busy; leaving its database open")
            return
        self.db.close()

    def _received(self, topic: str, payload: bytes) -> None:
        self.inbox.put((topic, payload))
        self.wake.set()

    def _run(self) -> None:
        last_resend = time.monotonic()
        while not self._stop.is_set():
            self.wake.wait(1.0)
            self.wake.clear()
            while True:
                try:
                    topic, payload = self.inbox.get_nowait()
                except queue.Empty:
                    break
                try:
                    self.handle(topic, payload)
                except Exception:  # never let one message stop the hub
                    log.exception("handling %s failed", topic)
            if time.monotonic() - last_resend >= self.settings.command_resend_s / 2:
                last_resend = time.monotonic()
                try:
                    self.resend_commands(older_than_s=self.settings.command_resend_s)
                except Exception:
                    log.exception("resending commands failed")

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> bool:
        return bool(self.link and self.link.publish(topic, payload, retain=retain))

    # -- messages from stores ----------------------------------------------------------------

    def handle(self, topic: str, payload: bytes) -> None:
        where = self.topics.store_of(topic)
        try:
            if where is None:
                raise ProtocolError(f"unexpected topic {topic}")
            store_id, leaf = where
            self.received[leaf] += 1
            if leaf == "events":
                self.on_events(store_id, protocol.decode(payload, EventBatch))
            elif leaf == "status":
                if payload:  # an empty retained message clears a status
                    self.on_status(store_id, protocol.decode(payload, StoreStatus))
            elif leaf == "command-acks":
                self.on_command_ack(store_id, protocol.decode(payload, CommandAck))
            elif leaf == "catalog-requests":
                self.on_catalog_request(store_id, protocol.decode(payload, CatalogueRequest))
            else:
                raise ProtocolError(f"unexpected topic {topic}")
        except (ProtocolError, DomainError) as exc:
            reason = exc.detail if isinstance(exc, DomainError) else str(exc)
            log.warning("refused a message on %s: %s", topic, reason)
            self.rejected[reason.split(":")[0][:40]] += 1
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO hub_dead_letters (at, topic, reason, payload) VALUES (?,?,?,?)",
                    [
                        _now().isoformat(),
                        topic,
                        reason[:500],
                        payload[:65536].decode("utf-8", "replace"),
                    ],
                )

    def on_events(self, store_id: str, batch: EventBatch) -> Applied:
        if batch.store_id != store_id:
            raise ProtocolError(f"batch for {batch.store_id} on {store_id}'s topic")
        now = _now()
        with self.db.transaction() as conn:
            done = apply_batch(conn, store_id, batch.events, now.isoformat(), batch.outbox_depth)
            commands = [
                self._order_from_request(conn, store_id, r, now) for r in done.requested_orders
            ]
        ack = Ack(
            store_id=store_id,
            acked_seq=done.acked_seq,
            resend_from=done.acked_seq + 1 if done.gap else None,
        )
        self.publish(self.topics.acks(store_id), protocol.encode(ack))
        for cmd in commands:
            if cmd is not None:
                self._send_command(cmd)
        if done.stock:
            self.push_nearby(store_id, done.stock)
        return done

    def _order_from_request(
        self, conn: sqlite3.Connection, store_id: str, req: dict[str, Any], now: datetime
    ) -> protocol.Command | None:
        """A kiosk order is a request: the store comes from the topic it arrived on (never from
        the payload), the hub prices it and makes its pickup code, and it is never prepaid.
        Answered with `order.create` once per request_id (a replayed event changes nothing), or
        `order.refused` with the reason the shared order rules give (a store applies a
        refusal of the same request twice as once)."""
        request_id = str(req["request_id"])
        if conn.execute("SELECT 1 FROM hub_orders WHERE request_id = ?", [request_id]).fetchone():
            return None
        conn.execute("SAVEPOINT req")
        try:
            order = orders.OrderIn.model_validate(
                {
                    "store_id": store_id,
                    "lines": [{"sku": ln["sku"], "qty": ln["qty"]} for ln in req["lines"]],
                    "customer": req.get("customer") or {},
                }
            )
            _, _, cmd = orders.create_order(
                conn,
                self.key,
                order,
                now,
                currency=self.settings.currency,
                expires_in=timedelta(hours=self.settings.kiosk_order_expiry_hours),
                request_id=request_id,
            )
        except (ValueError, KeyError, TypeError, DomainError) as exc:
            conn.execute("ROLLBACK TO req")
            conn.execute("RELEASE req")
            detail = exc.detail if isinstance(exc, DomainError) else str(exc)[:300]
            reason = ordering.reason_of(exc) if isinstance(exc, DomainError) else "other"
            log.warning("kiosk order request %s from %s refused: %s", request_id, store_id, detail)
            data = {"request_id": request_id, "reason": reason, "detail": detail}
            return orders.next_command(conn, self.key, store_id, "order.refused", data, now)
        conn.execute("RELEASE req")
        return cmd

    def on_status(self, store_id: str, status: StoreStatus) -> None:
        if status.store_id != store_id:
            raise ProtocolError(f"status for {status.store_id} on {store_id}'s topic")
        with self.db.transaction() as conn:
            before = ensure_store(conn, store_id)
            was_online = bool(before["online"])
            new_key = bool(status.public_key) and status.public_key != before["public_key"]
            conn.execute(
                "UPDATE hub_stores SET online = ?, last_seen = ?, catalogue_version = ?,"
                " reported_depth = ?, public_key = coalesce(?, public_key) WHERE store_id = ?",
                [
                    int(status.online),
                    status.at,
                    status.catalogue_version,
                    status.outbox_depth,
                    status.public_key,
                    store_id,
                ],
            )
            current = self._catalogue_version(conn)
            applied = conn.execute(
                "SELECT applied_seq FROM hub_stores WHERE store_id = ?", [store_id]
            ).fetchone()[0]
        if new_key:
            self.publish_store_keys()
        if not status.online:
            self._greeted.discard(store_id)
            return
        # Whatever the store may have missed while away: our ack, its catalogue, its commands.
        self.publish(
            self.topics.acks(store_id), protocol.encode(Ack(store_id=store_id, acked_seq=applied))
        )
        if status.catalogue_version < current:
            self.catch_up_catalogue(store_id, status.catalogue_version)
        self.resend_commands(store_id=store_id)
        if not was_online or store_id not in self._greeted:
            # Back from an absence (its or ours): the whole picture, not just the news.
            self._greeted.add(store_id)
            self.push_nearby_full(store_id)

    def publish_store_keys(self) -> None:
        """Every store's public key, signed, retained under catalog/: a store that comes
        online later gets the latest set from the broker."""
        with self.db.read() as conn:
            keys = {
                r[0]: r[1]
                for r in conn.execute(
                    "SELECT store_id, public_key FROM hub_stores WHERE public_key IS NOT NULL"
                )
            }
        msg = StoreKeys(keys=keys, at=_now().isoformat()).signed(self.key)
        self.publish(self.topics.catalog_keys, protocol.encode(msg), retain=True)

    def on_command_ack(self, store_id: str, ack: CommandAck) -> None:
        if ack.store_id != store_id:
            raise ProtocolError(f"command ack for {ack.store_id} on {store_id}'s topic")
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT type, envelope, status FROM hub_commands WHERE id = ? AND store_id = ?",
                [ack.id, store_id],
            ).fetchone()
            if row is None:
                raise ProtocolError(f"ack for unknown command {ack.id}")
            if row["status"] != "pending":
                return
            conn.execute(
                "UPDATE hub_commands SET status = ?, reason = ?, acked_at = ? WHERE id = ?",
                [ack.status, ack.reason, _now().isoformat(), ack.id],
            )
            if ack.status == "rejected" and row["type"] == "order.create":
                order_id = json.loads(row["envelope"])["data"]["order_id"]
                conn.execute(
                    "UPDATE hub_orders SET status = 'rejected', reason = ?, updated_at = ?"
                    " WHERE order_id = ?",
                    [ack.reason, _now().isoformat(), order_id],
                )

    def on_catalog_request(self, store_id: str, req: CatalogueRequest) -> None:
        if req.store_id != store_id:
            raise ProtocolError(f"catalogue request for {req.store_id} on {store_id}'s topic")
        self.send_snapshot(store_id, requested=True)

    # -- commands ---------------------------------------------------------------------------

    def _send_command(self, cmd: protocol.Command) -> None:
        if self.publish(self.topics.commands(cmd.store_id), protocol.encode(cmd)):
            with self.db.transaction() as conn:
                conn.execute(
                    "UPDATE hub_commands SET sent_at = ? WHERE id = ?", [_now().isoformat(), cmd.id]
                )

    def resend_commands(self, store_id: str | None = None, older_than_s: float = 0.0) -> int:
        cutoff = datetime.fromtimestamp(time.time() - older_than_s, UTC).isoformat()
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT envelope FROM hub_commands WHERE status = 'pending'"
                " AND (? IS NULL OR store_id = ?) AND coalesce(sent_at, '') <= ?"
                " ORDER BY store_id, seq",
                [store_id, store_id, cutoff],
            ).fetchall()
        for row in rows:
            self._send_command(protocol.Command.model_validate_json(row[0]))
        return len(rows)

    def create_order(self, order: orders.OrderIn) -> dict[str, Any]:
        with self.db.transaction() as conn:
            out, code, cmd = orders.create_order(
                conn,
                self.key,
                order,
                _now(),
                currency=self.settings.currency,
                expires_in=timedelta(days=self.settings.order_expiry_days),
            )
        self._send_command(cmd)
        return {**out, "pickup_code": code}

    def cancel_order(self, order_id: str, reason: str) -> dict[str, Any]:
        with self.db.transaction() as conn:
            order = orders.get_order(conn, order_id)
            cmd = orders.next_command(
                conn,
                self.key,
                order["store_id"],
                "order.cancel",
                {"order_id": order_id, "reason": reason},
                _now(),
            )
        self._send_command(cmd)
        return order

    # -- catalogue --------------------------------------------------------------------------

    def _catalogue_version(self, conn) -> int:  # type: ignore[no-untyped-def]
        return conn.execute(
            "SELECT coalesce(max(version), 0) FROM hub_catalog_versions"
        ).fetchone()[0]

    def seed_demo(self) -> None:
        with self.db.read() as conn:
            if catalogue_repo.count(conn):
                return
        with self.db.transaction() as conn:
            catalogue_repo.upsert_categories(conn, CATEGORIES)
        promos = [PromotionRow(0, p.id, p) for p in demo_promotions()]
        self.import_products(demo_products(), promos)
        log.info("hub seeded with the demo catalogue and promotions")

    def import_products(
        self, products: list[Product], promotions: list[PromotionRow] | None = None
    ) -> int:
        """Stores the products and promotion changes as the next catalogue version and
        publishes it as a delta. A promotion must be on a product of this file or of the
        catalogue (InvalidInput names its line; nothing is stored then)."""
        promotions = promotions or []
        now = _now()
        with self.db.transaction() as conn:
            catalogue_repo.upsert(conn, products, now)
            live = [r.promotion for r in promotions if r.promotion is not None]
            for row in promotions:
                if row.promotion and catalogue_repo.get(conn, row.promotion.sku) is None:
                    raise InvalidInput(
                        f"line {row.line}: promotion {row.id}: sku {row.promotion.sku}"
                        " is not in the catalogue"
                    )
            catalogue_repo.upsert_promotions(conn, live)
            ended = [r.id for r in promotions if r.promotion is None]
            catalogue_repo.delete_promotions(conn, ended)
            version = self._catalogue_version(conn) + 1
            conn.execute(
                "INSERT INTO hub_catalog_versions (version, skus, at, promotions)"
                " VALUES (?, ?, ?, ?)",
                [
                    version,
                    json.dumps([p.sku for p in products]),
                    now.isoformat(),
                    json.dumps([r.id for r in promotions]),
                ],
            )
        msg = self._delta(version, products, live, ended)
        self.publish(self.topics.catalog_changes, protocol.encode(msg))
        return version

    def _delta(
        self, version: int, products: list[Product], live: list[Promotion], ended: list[str]
    ) -> CatalogueMessage:
        # Promotion fields only when the version changed promotions: a products-only delta
        # stays byte-for-byte what stores without promotion support verify.
        touched = bool(live or ended)
        return CatalogueMessage(
            kind="delta",
            version=version,
            products=[product_record(p) for p in products],
            promotions=[promotion_record(p) for p in live] if touched else None,
            ended_promotions=ended if touched else None,
        ).signed(self.key)

    def import_catalogue(self, data: bytes, filename: str = "") -> dict[str, int]:
        contents: Contents = read(data, detect_format(filename, data[:64]))
        if not contents.products and not contents.promotions:
            raise InvalidInput("the catalogue file holds no products or promotions")
        version = self.import_products(contents.products, contents.promotions)
        ended = sum(1 for r in contents.promotions if r.promotion is None)
        return {
            "imported": len(contents.products),
            "version": version,
            "promotions": len(contents.promotions) - ended,
            "ended_promotions": ended,
        }

    def catch_up_catalogue(self, store_id: str, have: int) -> None:
        with self.db.read() as conn:
            current = self._catalogue_version(conn)
            if have <= 0 or current - have > MAX_DELTAS:
                deltas = None
            else:
                deltas = conn.execute(
                    "SELECT version, skus, promotions FROM hub_catalog_versions"
                    " WHERE version > ? ORDER BY version",
                    [have],
                ).fetchall()
        if deltas is None:
            self.send_snapshot(store_id)
            return
        for row in deltas:
            ids = json.loads(row["promotions"])
            with self.db.read() as conn:
                products = [
                    p for sku in json.loads(row["skus"]) if (p := catalogue_repo.get(conn, sku))
                ]
                # Current records: a promotion the hub no longer has was ended since.
                current_promos = catalogue_repo.promotions_by_id(conn, ids)
            live = [current_promos[i] for i in ids if i in current_promos]
            ended = [i for i in ids if i not in current_promos]
            msg = self._delta(row["version"], products, live, ended)
            self.publish(self.topics.store_catalog(store_id), protocol.encode(msg))

    def snapshot(self) -> CatalogueMessage:
        with self.db.read() as conn:
            version = self._catalogue_version(conn)
            products = queries.all_product_records(conn)
            promotions = [promotion_record(p) for p in catalogue_repo.all_promotions(conn)]
            stores = conn.execute(
                "SELECT store_id, name, public_key FROM hub_stores ORDER BY store_id"
            ).fetchall()
        return CatalogueMessage(
            kind="snapshot",
            version=max(version, 1),
            products=products,
            promotions=promotions,
            ended_promotions=[],
            store_keys={r["store_id"]: r["public_key"] for r in stores if r["public_key"]},
            stores=[{"store_id": r["store_id"], "name": self._store_name(r)} for r in stores],
        ).signed(self.key)

    def _store_name(self, row) -> str:  # type: ignore[no-untyped-def]
        entry = self.settings.stores.get(row["store_id"])
        return (entry.name if entry else "") or row["name"] or row["store_id"]

    def send_snapshot(self, store_id: str, *, requested: bool = False) -> None:
        """Sends the catalogue to one store, at most once per SNAPSHOT_EVERY_S unless the store
        asked (then at most every few seconds): statuses keep coming while a store is still
        applying the last one, and a 100 000-product snapshot is tens of MB."""
        now = time.monotonic()
        with self.db.read() as conn:
            version = self._catalogue_version(conn)
        last = self._snapshots_sent.get(store_id)
        if last and last[0] == version:
            wait = SNAPSHOT_REQUEST_EVERY_S if requested else SNAPSHOT_EVERY_S
            if now - last[1] < wait:
                return
        self._snapshots_sent[store_id] = (version, now)
        self.publish(self.topics.store_catalog(store_id), protocol.encode(self.snapshot()))

    # -- nearby availability ---------------------------------------------------------------

    def neighbours_of(self, store_id: str) -> list[str]:
        """Stores that should hear about `store_id`'s stock: configured, else every other."""
        configured = {s: e.neighbours for s, e in self.settings.stores.items() if e.neighbours}
        if configured:
            return sorted(s for s, ns in configured.items() if store_id in ns)
        with self.db.read() as conn:
            return [
                r[0]
                for r in conn.execute(
                    "SELECT store_id FROM hub_stores WHERE store_id != ? ORDER BY store_id",
                    [store_id],
                )
            ]

    def hears_about(self, store_id: str) -> list[str]:
        """The stores whose availability `store_id` is told: configured, else every other."""
        entry = self.settings.stores.get(store_id)
        if entry and entry.neighbours:
            return [s for s in entry.neighbours if s != store_id]
        if any(e.neighbours for e in self.settings.stores.values()):
            return []
        with self.db.read() as conn:
            return [
                r[0]
                for r in conn.execute(
                    "SELECT store_id FROM hub_stores WHERE store_id != ? ORDER BY store_id",
                    [store_id],
                )
            ]

    def push_nearby_full(self, store_id: str, chunk: int = 5000) -> None:
        """Everything `store_id` should know about its neighbours (when it comes online)."""
        others = self.hears_about(store_id)
        if not others:
            return
        marks = ",".join("?" * len(others))
        with self.db.read() as conn:
            rows = conn.execute(
                "SELECT store_id, sku, on_hand, reserved, as_of FROM hub_stock"
                f" WHERE store_id IN ({marks}) ORDER BY store_id, sku",
                others,
            ).fetchall()
        stores = [{"store_id": s, "name": self._name_of(s)} for s in others]
        for i in range(0, max(len(rows), 1), chunk):
            msg = NearbyStock(levels=[dict(r) for r in rows[i : i + chunk]], stores=stores)
            self.publish(self.topics.nearby(store_id), protocol.encode(msg))

    def push_nearby(self, store_id: str, levels: list[dict[str, Any]]) -> None:
        latest = {lv["sku"]: lv for lv in levels}  # a batch may change a SKU many times
        msg = protocol.encode(
            NearbyStock(
                levels=list(latest.values()),
                stores=[{"store_id": store_id, "name": self._name_of(store_id)}],
            )
        )
        for other in self.neighbours_of(store_id):
            self.publish(self.topics.nearby(other), msg)

    def _name_of(self, store_id: str) -> str:
        entry = self.settings.stores.get(store_id)
        return (entry.name if entry else "") or store_id

    # -- queries (sync/hub/queries.py) ------------------------------------------------------

    def availability(self, sku: str) -> dict[str, Any]:
        with self.db.read() as conn:
            return queries.availability(conn, sku)

    def stores(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return queries.stores(conn, self._store_name)

    def order(self, order_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            return orders.get_order(conn, order_id)

    def receipt(self, receipt_no: str) -> dict[str, Any]:
        with self.db.read() as conn:
            return queries.receipt(conn, receipt_no)

    def returns(self, flagged: bool | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return queries.returns(conn, flagged)
