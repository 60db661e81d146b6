"""A large synthetic catalogue (100 000+ products) built from the demo catalogue's vocabulary,
so the figures at scale use realistic Polish/English names, valid EAN-13s and all VAT rates."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from edge.bootstrap import open_database, plugin_migrations
from edge.demo.catalogue import demo_products
from edge.domain.barcodes import with_check_digit
from edge.domain.catalogue import Product
from edge.node import load_settings
from edge.services.context import utc_now
from edge.store import catalogue_repo

_SIZES = ["250 g", "500 g", "1 kg", "0,5 l", "1 l", "1,5 l", "6 x 0,5 l", "XL", "duże", "małe"]
_LINES = ["Classic", "Premium", "Bio", "Light", "Family", "Gold", "Natura", "Max", "Mini", "Eko"]


def products(n: int, seed: int = 1) -> Iterator[Product]:
    rng = random.Random(seed)
    base = demo_products()
    for i in range(n):
        p = base[i % len(base)]
        extra = f"{rng.choice(_LINES)} {rng.choice(_SIZES)} {i // len(base)}"
        yield Product(
            sku=f"GEN-{i:07d}",
            names={"pl": f"{p.names['pl']} {extra}", "en": f"{p.names['en']} {extra}"},
            price=max(9, p.price + rng.randint(-50, 500)),
            vat=p.vat,
            unit=p.unit,
            category=p.category,
            barcodes=(with_check_digit(f"590{9_000_000 + i:09d}"),),
            descriptions=p.descriptions,
        )


def build(data_dir: Path, n: int) -> Path:
    """A node data dir whose catalogue has `n` generated products (no demo data)."""
    settings = load_settings(None, {"data_dir": data_dir, "demo": False})
    db = open_database(settings, plugin_migrations())
    batch: list[Product] = []
    for product in products(n):
        batch.append(product)
        if len(batch) == 5000:
            with db.transaction() as conn:
                catalogue_repo.upsert(conn, batch, utc_now())
            batch.clear()
    if batch:
        with db.transaction() as conn:
            catalogue_repo.upsert(conn, batch, utc_now())
    db.close()
    return settings.db_path
