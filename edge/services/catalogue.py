"""Finding products: search, by SKU, by scanned code; importing a catalogue file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from edge import catalogue_files, file_rows
from edge.barcodes import decode
from edge.domain import pricing
from edge.domain.barcodes import Scan
from edge.domain.catalogue import Product, Promotion
from edge.domain.errors import InvalidBarcode, UnknownProduct
from edge.services.availability import Availability, _availability
from edge.services.context import Context
from edge.store import catalogue_repo, loyalty_repo, product_search

MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class ProductView:
    product: Product
    promotions: tuple[Promotion, ...]
    offer: pricing.Offer  # what one unit costs now: the till's price, shown by the kiosk
    member_offer: pricing.Offer | None = None  # with a loyalty card, when that is cheaper


@dataclass(frozen=True, slots=True)
class Lookup:
    scan: Scan | None
    product: Product
    promotions: tuple[Promotion, ...]
    availability: Availability
    offer: pricing.Offer


def _view(
    ctx: Context, product: Product, promos: list[Promotion], member: bool = False
) -> ProductView:
    """The offer as the till prices it for this shopper: a `member` (a loyalty card shown)
    gets the member prices; anyone else the member price beside, as what a card would give."""
    now = ctx.clock()
    active = tuple(p for p in promos if p.active_at(now))
    offer = pricing.offer(product, promos, now, member)
    with_card = pricing.offer(product, promos, now, member=True)
    cheaper = with_card if with_card.unit_price < offer.unit_price else None
    return ProductView(product, active, offer, cheaper)


def search(
    ctx: Context,
    text: str = "",
    limit: int = 20,
    offset: int = 0,
    category: str | None = None,
    member: bool = False,
) -> list[ProductView]:
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.db.read() as conn:
        products = product_search.search(conn, text, limit, max(0, offset), category)
        promos = catalogue_repo.promotions_for(conn, (p.sku for p in products))
    return [_view(ctx, p, promos.get(p.sku, []), member) for p in products]


def promoted(ctx: Context) -> list[ProductView]:
    """Every product with a promotion active now, by name: what the kiosk's attract screen
    advertises."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        by_sku: dict[str, list[Promotion]] = {}
        for promo in catalogue_repo.all_promotions(conn):
            if promo.active_at(now):
                by_sku.setdefault(promo.sku, []).append(promo)
        products = [catalogue_repo.get(conn, sku) for sku in by_sku]
    views = [_view(ctx, p, by_sku[p.sku]) for p in products if p is not None and p.active]
    return sorted(views, key=lambda v: v.product.name("pl"))


def get_product(ctx: Context, sku: str, member: bool = False) -> ProductView:
    with ctx.db.read() as conn:
        product = catalogue_repo.get(conn, sku)
        if product is None:
            raise UnknownProduct(f"no product with SKU {sku}")
        promos = catalogue_repo.promotions_for(conn, [sku]).get(sku, [])
    return _view(ctx, product, promos, member)


def find(ctx: Context, conn: sqlite3.Connection, code: str) -> tuple[Product, Scan | None]:
    """Resolves what a scanner or a cashier gave: a barcode or GS1 string, else a SKU typed in."""
    try:
        scan = decode(code, ctx.variable_rules)
    except InvalidBarcode:
        product = catalogue_repo.get(conn, code.strip())
        if product is not None:
            return product, None
        raise
    product = catalogue_repo.by_code(conn, scan.gtin)
    if product is None:
        raise UnknownProduct(f"no product with barcode {scan.gtin}", barcode=scan.gtin)
    return product, scan


def lookup(ctx: Context, code: str) -> Lookup:
    """A price check: product, price, promotions, stock here and nearby."""
    with ctx.db.read() as conn:
        product, scan = find(ctx, conn, code)
        promos = catalogue_repo.promotions_for(conn, [product.sku]).get(product.sku, [])
        avail = _availability(conn, product.sku)
    view = _view(ctx, product, promos)
    return Lookup(scan, product, view.promotions, avail, view.offer)


def categories(ctx: Context) -> list[dict[str, str]]:
    with ctx.db.read() as conn:
        return catalogue_repo.categories(conn)


def import_catalogue(ctx: Context, data: bytes, fmt: str) -> int:
    """Imports a CSV or JSON Lines file (products and promotion rows), all or nothing; returns
    the number of products."""
    contents = catalogue_files.read(data, fmt)
    with ctx.db.transaction() as conn:
        n = catalogue_repo.upsert(conn, contents.products, ctx.clock())
        catalogue_repo.upsert_promotions(
            conn, [r.promotion for r in contents.promotions if r.promotion]
        )
        catalogue_repo.delete_promotions(
            conn, [r.id for r in contents.promotions if r.promotion is None]
        )
        loyalty_repo.upsert_rules(conn, [r.rule for r in contents.loyalty_rules if r.rule])
        loyalty_repo.delete_rules(conn, [r.id for r in contents.loyalty_rules if r.rule is None])
        return n


def import_file(ctx: Context, path: Path) -> int:
    data = path.read_bytes()
    return import_catalogue(ctx, data, file_rows.detect_format(path.name, data[:64]))
