"""The catalogue at the hub: imports (each one the next version, numbered by a counter no two
workers share), signed deltas to every store, catch-up deltas or a snapshot for a store that
is behind, and every store's public key, retained for offline return checks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from edge.catalogue_files import Contents, PromotionRow, detect_format, read
from edge.demo.catalogue import CATEGORIES, demo_products, demo_promotions
from edge.domain.catalogue import Product, Promotion
from edge.domain.errors import InvalidInput
from sync import protocol
from sync.catalogue import product_record, promotion_record
from sync.hub.context import HubContext
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import counters
from sync.hub.store import stores as stores_repo
from sync.protocol import CatalogueMessage, StoreKeys

log = logging.getLogger(__name__)
MAX_DELTAS = 20  # a store further behind gets a snapshot
SNAPSHOT_EVERY_S = 60.0
SNAPSHOT_REQUEST_EVERY_S = 5.0


def version(ctx: HubContext) -> int:
    with ctx.storage.read() as tx:
        return counters.current(tx, counters.CATALOGUE_VERSION)


def seed_demo(ctx: HubContext) -> None:
    with ctx.storage.read() as tx:
        if catalogue_repo.count(tx):
            return
    with ctx.storage.transaction() as tx:
        catalogue_repo.upsert_categories(tx, CATEGORIES)
        if catalogue_repo.count(tx):
            return  # another worker seeded it meanwhile
        promos = [PromotionRow(0, p.id, p) for p in demo_promotions()]
        import_products(ctx, demo_products(), promos)
    log.info("hub seeded with the demo catalogue and promotions")


def import_products(
    ctx: HubContext, products: list[Product], promotions: list[PromotionRow] | None = None
) -> int:
    """Stores the products and promotion changes as the next catalogue version and publishes
    it as a delta. A promotion must be on a product of this file or of the catalogue
    (InvalidInput names its line; nothing is stored then)."""
    promotions = promotions or []
    now = datetime.now(UTC)
    with ctx.storage.transaction() as tx:
        # The version first: its row lock makes a concurrent import on another worker wait,
        # so versions and their contents are in the same order everywhere.
        number = counters.take_next(tx, counters.CATALOGUE_VERSION)
        catalogue_repo.upsert(tx, products, now)
        live = [r.promotion for r in promotions if r.promotion is not None]
        for row in promotions:
            if row.promotion and catalogue_repo.get(tx, row.promotion.sku) is None:
                raise InvalidInput(
                    f"line {row.line}: promotion {row.id}: sku {row.promotion.sku}"
                    " is not in the catalogue"
                )
        catalogue_repo.upsert_promotions(tx, live)
        ended = [r.id for r in promotions if r.promotion is None]
        catalogue_repo.delete_promotions(tx, ended)
        catalogue_repo.add_version(
            tx, number, [p.sku for p in products], [r.id for r in promotions], now
        )
    msg = delta(ctx, number, products, live, ended)
    ctx.publish(ctx.topics.catalog_changes, protocol.encode(msg))
    return number


def delta(
    ctx: HubContext, number: int, products: list[Product], live: list[Promotion], ended: list[str]
) -> CatalogueMessage:
    # Promotion fields only when the version changed promotions: a products-only delta
    # stays byte-for-byte what stores without promotion support verify.
    touched = bool(live or ended)
    msg: CatalogueMessage = CatalogueMessage(
        kind="delta",
        version=number,
        products=[product_record(p) for p in products],
        promotions=[promotion_record(p) for p in live] if touched else None,
        ended_promotions=ended if touched else None,
    ).signed(ctx.key)
    return msg


def import_catalogue(
    ctx: HubContext, data: bytes | IO[bytes], filename: str = ""
) -> dict[str, int]:
    """Imports a file's bytes, or a seekable binary file read line by line (an upload spooled
    to disk is never held whole as bytes and text besides)."""
    if isinstance(data, bytes):
        head = data[:64]
    else:
        head = data.read(64)
        data.seek(0)
    contents: Contents = read(data, detect_format(filename, head))
    if not contents.products and not contents.promotions:
        raise InvalidInput("the catalogue file holds no products or promotions")
    number = import_products(ctx, contents.products, contents.promotions)
    ended = sum(1 for r in contents.promotions if r.promotion is None)
    return {
        "imported": len(contents.products),
        "version": number,
        "promotions": len(contents.promotions) - ended,
        "ended_promotions": ended,
    }


def catch_up(ctx: HubContext, store_id: str, have: int) -> None:
    """The deltas a store missed (at most MAX_DELTAS), else a snapshot."""
    with ctx.storage.read() as tx:
        current = counters.current(tx, counters.CATALOGUE_VERSION)
        versions = None
        if have > 0 and current - have <= MAX_DELTAS:
            versions = catalogue_repo.versions_after(tx, have)
    if versions is None:
        send_snapshot(ctx, store_id)
        return
    for number, skus, ids in versions:
        with ctx.storage.read() as tx:
            products = catalogue_repo.many(tx, skus)
            # Current records: a promotion the hub no longer has was ended since.
            current_promos = catalogue_repo.promotions_by_id(tx, ids)
        live = [current_promos[i] for i in ids if i in current_promos]
        ended = [i for i in ids if i not in current_promos]
        msg = delta(ctx, number, products, live, ended)
        ctx.publish(ctx.topics.store_catalog(store_id), protocol.encode(msg))


def snapshot(ctx: HubContext) -> CatalogueMessage:
    with ctx.storage.read() as tx:
        number = counters.current(tx, counters.CATALOGUE_VERSION)
        records = catalogue_repo.all_records(tx)
        promotions = [promotion_record(p) for p in catalogue_repo.all_promotions(tx)]
        rows = stores_repo.listing(tx)
    msg: CatalogueMessage = CatalogueMessage(
        kind="snapshot",
        version=max(number, 1),
        products=[_wire(r, codes) for r, codes in records],
        promotions=promotions,
        ended_promotions=[],
        store_keys={r["store_id"]: r["public_key"] for r in rows if r["public_key"]},
        stores=[
            {"store_id": r["store_id"], "name": ctx.store_name(r["store_id"], r["name"])}
            for r in rows
        ],
    ).signed(ctx.key)
    return msg


def _wire(row: Any, codes: list[str]) -> dict[str, Any]:
    return {
        "sku": row["sku"],
        "name_pl": row["name_pl"],
        "name_en": row["name_en"],
        "desc_pl": row["desc_pl"],
        "desc_en": row["desc_en"],
        "category": row["category"],
        "price_minor": row["price"],
        "currency": row["currency"],
        "vat": row["vat"],
        "unit": row["unit"],
        "barcodes": sorted(codes),
        "image": row["image"],
        "active": bool(row["active"]),
    }


def send_snapshot(ctx: HubContext, store_id: str, *, requested: bool = False) -> bool:
    """Sends the catalogue to one store, at most once per SNAPSHOT_EVERY_S at one version
    unless the store asked (then at most every few seconds): statuses keep coming while a store
    is still applying the last one, and a 100 000-product snapshot is tens of MB. The mark is
    claimed in the database, so of several workers one sends it."""
    if ctx.link is None or not ctx.link.connected:
        return False  # claimed now, it could not go out before the mark expires
    now = datetime.now(UTC)
    wait = SNAPSHOT_REQUEST_EVERY_S if requested else SNAPSHOT_EVERY_S
    with ctx.storage.transaction() as tx:
        number = counters.current(tx, counters.CATALOGUE_VERSION)
        claimed = stores_repo.claim_snapshot(
            tx,
            store_id,
            version=number,
            now=now.isoformat(),
            since=(now - timedelta(seconds=wait)).isoformat(),
        )
    if claimed:
        ctx.publish(ctx.topics.store_catalog(store_id), protocol.encode(snapshot(ctx)))
    return claimed


def publish_store_keys(ctx: HubContext) -> None:
    """Every store's public key, signed, retained under catalog/: a store that comes online
    later gets the latest set from the broker."""
    with ctx.storage.read() as tx:
        keys = stores_repo.public_keys(tx)
    msg = StoreKeys(keys=keys, at=datetime.now(UTC).isoformat()).signed(ctx.key)
    ctx.publish(ctx.topics.catalog_keys, protocol.encode(msg), retain=True)
