"""The embedded default's demo data: catalogue, promotions, opening stock and staff."""

from __future__ import annotations

import logging

from edge.demo.catalogue import CATEGORIES, demo_products, demo_promotions, demo_stock
from edge.domain import events
from edge.domain.stock import Movement, MovementKind
from edge.services.context import Context
from edge.services.staff import seed_demo_staff
from edge.store import catalogue_repo, outbox, stock_repo

log = logging.getLogger(__name__)


def seed_demo_catalogue(ctx: Context) -> bool:
    """Fills an empty catalogue with the demo products and their opening stock (as goods-receipt
    movements in the ledger, told to the hub like any other change)."""
    with ctx.db.read() as conn:
        if catalogue_repo.count(conn):
            return False
    now = ctx.clock()
    products = demo_products()
    with ctx.db.transaction() as conn:
        catalogue_repo.upsert_categories(conn, CATEGORIES)
        catalogue_repo.upsert(conn, products, now)
        catalogue_repo.upsert_promotions(conn, demo_promotions())
        movements = [
            Movement(p.sku, MovementKind.RECEIPT, demo_stock(p)) for p in products if demo_stock(p)
        ]
        levels = stock_repo.record(conn, movements, ref="opening-stock", at=now)
        outbox.append(conn, events.stock_adjusted("opening-stock", levels), now)
    ctx.hooks.outbox_written()
    return True


def seed_demo(ctx: Context) -> None:
    if seed_demo_catalogue(ctx):
        log.info("seeded the demo catalogue")
    if seed_demo_staff(ctx):
        log.info("added demo staff: cashier (PIN 1234), supervisor (PIN 4321)")
