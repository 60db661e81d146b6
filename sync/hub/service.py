"""The hub: built from its settings (storage, signing key, topics, neighbour map, worker) and the
use cases the HTTP API, the CLI and the tests call. Each use case lives in its own module
(replication, inbound, orders, commands, catalogue, nearby, queries); this class only wires
them to one context. Messages are published only after their transaction commits, and
everything a store must get (acks, commands, catalogue) is sent again on its next contact."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.catalogue_files import PromotionRow
from edge.domain.catalogue import Product
from edge.private_files import make_private_dir
from sync.hub import (
    catalogue,
    commands,
    deliveries,
    inbound,
    nearby,
    orders,
    queries,
    replication,
    stock_docs,
)
from sync.hub.applied import Applied
from sync.hub.config import HubSettings
from sync.hub.context import HubContext
from sync.hub.keys import signing_key
from sync.hub.nearby import Neighbours
from sync.hub.stats import HubStats
from sync.hub.store import Storage, open_storage
from sync.hub.store import feed as feed_repo
from sync.hub.webhooks import WebhookSender
from sync.hub.worker import Worker
from sync.protocol import CatalogueMessage, EventBatch, Topics

log = logging.getLogger(__name__)


class Hub:
    def __init__(self, settings: HubSettings) -> None:
        make_private_dir(settings.data_dir)
        key = signing_key(settings)  # before the database: a refused start changes nothing
        storage = open_storage(settings.database.url, settings.data_dir)
        self.settings = settings
        self.ctx = HubContext(
            settings=settings, storage=storage, key=key, topics=Topics(settings.broker.topic_prefix)
        )
        self.neighbours = Neighbours(settings)
        self.worker = Worker(self.ctx, self.neighbours)
        hooks = settings.webhooks
        self.webhooks = WebhookSender(storage, hooks) if hooks.url else None
        if settings.demo:
            catalogue.seed_demo(self.ctx)

    # -- what the context holds, by the names callers know ------------------------------------

    @property
    def db(self) -> Storage:
        return self.ctx.storage

    @property
    def storage(self) -> Storage:
        return self.ctx.storage

    @property
    def key(self) -> Ed25519PrivateKey:
        return self.ctx.key

    @property
    def topics(self) -> Topics:
        return self.ctx.topics

    @property
    def stats(self) -> HubStats:
        return self.ctx.stats

    @property
    def received(self) -> Any:
        return self.ctx.stats.received

    @property
    def rejected(self) -> Any:
        return self.ctx.stats.rejected

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        self.worker.start()
        if self.webhooks:
            self.webhooks.start()

    def stop(self) -> None:
        if self.webhooks:
            self.webhooks.stop()
        if not self.worker.stop():
            log.warning("the hub worker is still busy; leaving its database open")
            return
        self.close()

    def close(self) -> None:
        self.ctx.storage.close()

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> bool:
        return self.ctx.publish(topic, payload, retain=retain)

    # -- messages from stores -------------------------------------------------------------------

    def handle(self, topic: str, payload: bytes) -> None:
        inbound.handle(self.ctx, self.neighbours, [(topic, payload)])

    def on_events(self, store_id: str, batch: EventBatch) -> Applied:
        return replication.on_events(self.ctx, [(store_id, batch)])[0]

    def push_nearby_changes(self) -> int:
        return nearby.push_changes(self.ctx, self.neighbours)

    def resend_commands(self, store_id: str | None = None, older_than_s: float = 0.0) -> int:
        return commands.resend(self.ctx, store_id=store_id, older_than_s=older_than_s)

    # -- orders ---------------------------------------------------------------------------------

    def create_order(self, order: orders.OrderIn) -> dict[str, Any]:
        with self.ctx.storage.transaction() as tx:
            out, code, cmd = orders.create_order(self.ctx, tx, order, datetime.now(UTC))
        commands.send(self.ctx, cmd)
        return {**out, "pickup_code": code}

    def cancel_order(self, order_id: str, reason: str) -> dict[str, Any]:
        with self.ctx.storage.transaction() as tx:
            order = orders.get_order(tx, order_id)
            cmd = commands.issue(
                self.ctx,
                tx,
                order["store_id"],
                "order.cancel",
                {"order_id": order_id, "reason": reason},
                datetime.now(UTC),
            )
        commands.send(self.ctx, cmd)
        return order

    def order(self, order_id: str) -> dict[str, Any]:
        with self.ctx.storage.read() as tx:
            return orders.get_order(tx, order_id)

    # -- catalogue ------------------------------------------------------------------------------

    def import_products(
        self, products: list[Product], promotions: list[PromotionRow] | None = None
    ) -> int:
        return catalogue.import_products(self.ctx, products, promotions)

    def import_catalogue(self, data: bytes | IO[bytes], filename: str = "") -> dict[str, int]:
        return catalogue.import_catalogue(self.ctx, data, filename)

    def snapshot(self) -> CatalogueMessage:
        return catalogue.snapshot(self.ctx)

    def send_snapshot(self, store_id: str, *, requested: bool = False) -> bool:
        return catalogue.send_snapshot(self.ctx, store_id, requested=requested)

    # -- nearby ---------------------------------------------------------------------------------

    def hears_about(self, store_id: str) -> list[str]:
        """The stores whose availability `store_id` is told."""
        with self.ctx.storage.read() as tx:
            return self.neighbours.hears_about(store_id, queries.store_ids(tx))

    def neighbours_of(self, store_id: str) -> list[str]:
        """The stores told about `store_id`'s availability."""
        with self.ctx.storage.read() as tx:
            return self.neighbours.told_about(store_id, queries.store_ids(tx))

    # -- queries --------------------------------------------------------------------------------

    def availability(self, sku: str) -> dict[str, Any]:
        with self.ctx.storage.read() as tx:
            return queries.availability(tx, sku)

    def stores(self) -> list[dict[str, Any]]:
        with self.ctx.storage.read() as tx:
            return queries.stores(tx, self.ctx.store_name)

    def receipt(self, receipt_no: str) -> dict[str, Any]:
        with self.ctx.storage.read() as tx:
            return queries.receipt(tx, receipt_no)

    def returns(self, flagged: bool | None = None) -> list[dict[str, Any]]:
        with self.ctx.storage.read() as tx:
            return queries.returns(tx, flagged)

    def announce_delivery(self, body: deliveries.DeliveryIn) -> dict[str, Any]:
        with self.ctx.storage.transaction() as tx:
            out, cmd = deliveries.announce(self.ctx, tx, body, datetime.now(UTC))
        commands.send(self.ctx, cmd)
        return out

    def deliveries(
        self, *, store_id: str | None = None, status: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        with self.ctx.storage.read() as tx:
            return deliveries.listing(tx, store_id=store_id, status=status, limit=limit)

    def delivery(self, delivery_id: str) -> dict[str, Any]:
        with self.ctx.storage.read() as tx:
            return deliveries.get(tx, delivery_id)

    def feed(self, after: int, limit: int) -> list[Any]:
        """Applied documents after position `after`, oldest first (the ERP's feed)."""
        with self.ctx.storage.read() as tx:
            return feed_repo.after(tx, after, limit)

    def transfers(
        self, *, flagged: bool | None = None, status: str | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        with self.ctx.storage.read() as tx:
            return stock_docs.transfers(
                tx, datetime.now(UTC), self.settings.transfer_overdue_days, flagged=flagged,
                status=status, limit=limit,
            )  # fmt: skip

    def backup(self, dest: Path) -> Path:
        return self.ctx.storage.backup(dest)
