"""The hub's catalogue: products with their barcodes, categories, promotions, and which SKUs and
promotions each catalogue version changed. Its own tables (the hub has no search index and no
stock ledger: it is not a store)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from edge.domain.catalogue import Product, Promotion
from edge.domain.vat import VatRate
from sync.hub.store.port import Tx, utc_iso

_PRODUCT = (
    "sku, name_pl, name_en, desc_pl, desc_en, category, price, currency, vat, unit, image, active"
)


def _product(row: Any, barcodes: Sequence[str]) -> Product:
    names = {"pl": row["name_pl"]}
    if row["name_en"]:
        names["en"] = row["name_en"]
    descriptions = {k: v for k, v in (("pl", row["desc_pl"]), ("en", row["desc_en"])) if v}
    return Product(
        sku=row["sku"],
        names=names,
        price=int(row["price"]),
        vat=VatRate[row["vat"]],
        currency=row["currency"],
        unit=row["unit"],
        category=row["category"],
        barcodes=tuple(barcodes),
        descriptions=descriptions,
        image=row["image"],
        active=bool(row["active"]),
    )


def _barcodes(tx: Tx, skus: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {s: [] for s in skus}
    for i in range(0, len(skus), 500):
        part = list(skus[i : i + 500])
        for r in tx.all(
            f"SELECT code, sku FROM hub_barcodes WHERE sku IN ({tx.marks(len(part))})"
            " ORDER BY code",
            part,
        ):
            out[r[1]].append(r[0])
    return out


def count(tx: Tx) -> int:
    return int(tx.scalar("SELECT count(*) FROM hub_products"))


def get(tx: Tx, sku: str) -> Product | None:
    row = tx.one(f"SELECT {_PRODUCT} FROM hub_products WHERE sku = ?", [sku])
    return _product(row, _barcodes(tx, [sku])[sku]) if row else None


def many(tx: Tx, skus: Sequence[str]) -> list[Product]:
    """The products of these SKUs that exist, in the order asked."""
    found: dict[str, Any] = {}
    for i in range(0, len(skus), 500):
        part = list(skus[i : i + 500])
        for r in tx.all(
            f"SELECT {_PRODUCT} FROM hub_products WHERE sku IN ({tx.marks(len(part))})", part
        ):
            found[r["sku"]] = r
    codes = _barcodes(tx, list(found))
    return [_product(found[s], codes[s]) for s in skus if s in found]


def price_of(tx: Tx, sku: str) -> tuple[int, bool] | None:
    """(unit price, active) of a product, for orders priced at the hub."""
    row = tx.one("SELECT price, active FROM hub_products WHERE sku = ?", [sku])
    return None if row is None else (int(row[0]), bool(row[1]))


def upsert(tx: Tx, products: Iterable[Product], at: datetime) -> int:
    """Inserts or replaces whole product records with their barcodes; returns how many."""
    stamp = utc_iso(at)
    rows = [
        (p.sku, p.name("pl"), p.names.get("en", ""), p.descriptions.get("pl", ""),
         p.descriptions.get("en", ""), p.category, p.price, p.currency, p.vat.letter, p.unit,
         p.image, int(p.active), stamp)
        for p in products
    ]  # fmt: skip
    tx.executemany(
        "INSERT INTO hub_products (sku, name_pl, name_en, desc_pl, desc_en, category, price,"
        " currency, vat, unit, image, active, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (sku) DO UPDATE SET name_pl = excluded.name_pl,"
        " name_en = excluded.name_en, desc_pl = excluded.desc_pl, desc_en = excluded.desc_en,"
        " category = excluded.category, price = excluded.price, currency = excluded.currency,"
        " vat = excluded.vat, unit = excluded.unit, image = excluded.image,"
        " active = excluded.active, updated_at = excluded.updated_at",
        rows,
    )
    skus = [r[0] for r in rows]
    tx.executemany("DELETE FROM hub_barcodes WHERE sku = ?", [(s,) for s in skus])
    tx.executemany(
        "INSERT INTO hub_barcodes (code, sku) VALUES (?, ?)"
        " ON CONFLICT (code) DO UPDATE SET sku = excluded.sku",
        [(c, p.sku) for p in products for c in p.barcodes],
    )
    return len(rows)


def all_records(tx: Tx) -> list[tuple[Any, list[str]]]:
    """Every product row with its barcodes, in two passes (a snapshot of 100 000 products
    must not take 200 000 queries)."""
    codes: dict[str, list[str]] = {}
    for r in tx.all("SELECT code, sku FROM hub_barcodes ORDER BY code"):
        codes.setdefault(r[1], []).append(r[0])
    rows = tx.all(f"SELECT {_PRODUCT} FROM hub_products ORDER BY sku")
    return [(r, codes.get(r["sku"], [])) for r in rows]


def upsert_categories(tx: Tx, cats: Iterable[tuple[str, str, str]]) -> None:
    tx.executemany(
        "INSERT INTO hub_categories (id, name_pl, name_en) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name_pl = excluded.name_pl, name_en = excluded.name_en",
        list(cats),
    )


def _promotion(row: Any) -> Promotion:
    labels = {k: v for k, v in (("pl", row["label_pl"]), ("en", row["label_en"])) if v}
    return Promotion(
        id=row["id"],
        sku=row["sku"],
        kind=row["kind"],
        value=int(row["value"]),
        buy=row["buy"],
        pay=row["pay"],
        starts=datetime.fromisoformat(row["starts"]) if row["starts"] else None,
        ends=datetime.fromisoformat(row["ends"]) if row["ends"] else None,
        labels=labels,
        members_only=bool(row["members_only"]),
    )


def upsert_promotions(tx: Tx, promos: Iterable[Promotion]) -> None:
    tx.executemany(
        "INSERT INTO hub_promotions (id, sku, kind, value, buy, pay, starts, ends, label_pl,"
        " label_en, members_only) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
        " sku = excluded.sku, kind = excluded.kind, value = excluded.value, buy = excluded.buy,"
        " pay = excluded.pay, starts = excluded.starts, ends = excluded.ends,"
        " label_pl = excluded.label_pl, label_en = excluded.label_en,"
        " members_only = excluded.members_only",
        [
            (p.id, p.sku, p.kind, p.value, p.buy, p.pay,
             utc_iso(p.starts) if p.starts else None, utc_iso(p.ends) if p.ends else None,
             p.labels.get("pl", ""), p.labels.get("en", ""), int(p.members_only))
            for p in promos
        ],
    )  # fmt: skip


def delete_promotions(tx: Tx, ids: Iterable[str]) -> None:
    tx.executemany("DELETE FROM hub_promotions WHERE id = ?", [(i,) for i in ids])


def all_promotions(tx: Tx) -> list[Promotion]:
    return [_promotion(r) for r in tx.all("SELECT * FROM hub_promotions ORDER BY id")]


def promotions_for(tx: Tx, skus: Iterable[str]) -> dict[str, list[Promotion]]:
    """The promotions of each SKU (active or not: the pricing rule checks the dates)."""
    wanted = sorted(set(skus))
    out: dict[str, list[Promotion]] = {}
    if not wanted:
        return out
    rows = tx.all(
        f"SELECT * FROM hub_promotions WHERE sku IN ({tx.marks(len(wanted))}) ORDER BY id", wanted
    )
    for r in rows:
        out.setdefault(r["sku"], []).append(_promotion(r))
    return out


def promotions_by_id(tx: Tx, ids: Iterable[str]) -> dict[str, Promotion]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = tx.all(f"SELECT * FROM hub_promotions WHERE id IN ({tx.marks(len(wanted))})", wanted)
    return {r["id"]: _promotion(r) for r in rows}


def add_version(
    tx: Tx, version: int, skus: Sequence[str], promotion_ids: Sequence[str], at: datetime
) -> None:
    tx.execute(
        "INSERT INTO hub_catalog_versions (version, skus, promotions, at) VALUES (?, ?, ?, ?)",
        [version, json.dumps(list(skus)), json.dumps(list(promotion_ids)), utc_iso(at)],
    )


def versions_after(tx: Tx, have: int) -> list[tuple[int, list[str], list[str]]]:
    """(version, skus, promotion ids) of every version after `have`, oldest first."""
    return [
        (int(r[0]), json.loads(r[1]), json.loads(r[2]))
        for r in tx.all(
            "SELECT version, skus, promotions FROM hub_catalog_versions WHERE version > ?"
            " ORDER BY version",
            [have],
        )
    ]
