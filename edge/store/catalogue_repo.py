"""Products, barcodes, promotions, and the search index's rows (the search itself:
edge/store/product_search.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from edge.domain.catalogue import Product, Promotion
from edge.domain.text import UNDECOMPOSED, fold
from edge.domain.vat import VatRate

COLUMNS = (
    "id, sku, name_pl, name_en, desc_pl, desc_en, category, price, currency, vat, unit, "
    "image, active"
)


def _product(row: sqlite3.Row, barcodes: tuple[str, ...]) -> Product:
    names = {"pl": row["name_pl"]}
    if row["name_en"]:
        names["en"] = row["name_en"]
    descriptions = {k: v for k, v in (("pl", row["desc_pl"]), ("en", row["desc_en"])) if v}
    return Product(
        sku=row["sku"],
        names=names,
        price=row["price"],
        vat=VatRate[row["vat"]],
        currency=row["currency"],
        unit=row["unit"],
        category=row["category"],
        barcodes=barcodes,
        descriptions=descriptions,
        image=row["image"],
        active=bool(row["active"]),
    )


def _barcodes(conn: sqlite3.Connection, skus: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {s: [] for s in skus}
    if skus:
        marks = ",".join("?" * len(skus))
        for code, sku in conn.execute(
            f"SELECT code, sku FROM barcodes WHERE sku IN ({marks}) ORDER BY code", skus
        ):
            out[sku].append(code)
    return {k: tuple(v) for k, v in out.items()}


def products_of(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Product]:
    codes = _barcodes(conn, [r["sku"] for r in rows])
    return [_product(r, codes[r["sku"]]) for r in rows]


def get(conn: sqlite3.Connection, sku: str) -> Product | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM products WHERE sku = ?", [sku]).fetchone()
    return products_of(conn, [row])[0] if row else None


def by_code(conn: sqlite3.Connection, code: str) -> Product | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM products WHERE sku = (SELECT sku FROM barcodes WHERE code = ?)",
        [code],
    ).fetchone()
    return products_of(conn, [row])[0] if row else None


def sql_fold(expr: str) -> str:
    """`expr` with the letters the tokenizer cannot fold (edge.domain.text.UNDECOMPOSED) taken to
    their base: the tokenizer's remove_diacritics folds the rest, in the index and the query."""
    for letter, base in UNDECOMPOSED.items():
        expr = f"replace({expr}, '{letter}', '{base}')"
    return expr


def count(conn: sqlite3.Connection) -> int:
    n: int = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    return n


_PRODUCT_COLUMNS = (
    "sku", "name_pl", "name_en", "desc_pl", "desc_en", "category", "price", "currency", "vat",
    "unit", "image", "active", "updated_at", "name_key",
)  # fmt: skip
_UPSERT_PRODUCT = (
    f"INSERT INTO products ({', '.join(_PRODUCT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(_PRODUCT_COLUMNS))}) ON CONFLICT (sku) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _PRODUCT_COLUMNS[1:])
)
# The products a bulk write touched, for the steps that follow it in the same transaction.
_WRITTEN = "temp.catalogue_written"


def upsert(conn: sqlite3.Connection, products: Iterable[Product], at: datetime) -> int:
    """Inserts or updates products with their barcodes and search entries; returns how many.
    Set-wise, whatever the number of products (an import of 100 000 is one call)."""
    written = _last_of_each(products)
    _write(conn, written, at)
    conn.execute(
        "DELETE FROM products_fts WHERE rowid IN"
        f" (SELECT p.id FROM products p JOIN {_WRITTEN} w USING (sku))"
    )
    _index(conn, f"JOIN {_WRITTEN} w USING (sku)")
    return len(written)


def replace_all(conn: sqlite3.Connection, products: list[Product], at: datetime) -> None:
    """Exactly these products for sale (a snapshot from the hub): the same rows `upsert` writes;
    products missing from it are deactivated, never deleted (sales refer to them); the search
    index is rebuilt whole."""
    _write(conn, _last_of_each(products), at)
    conn.execute(
        "UPDATE products SET active = 0"
        f" WHERE active = 1 AND sku NOT IN (SELECT sku FROM {_WRITTEN})"
    )
    conn.execute("DELETE FROM products_fts")
    _index(conn, "")


def _last_of_each(products: Iterable[Product]) -> list[Product]:
    """A SKU listed twice is written as its last listing, as one-by-one writes would leave it."""
    return list({p.sku: p for p in products}.values())


def _write(conn: sqlite3.Connection, products: list[Product], at: datetime) -> None:
    """Product rows and their barcodes, set-wise, inside the caller's transaction; the SKUs
    written are left in _WRITTEN. Plain executemany, not sqlite-utils' upsert_all: the same
    rows through upsert_all took 1.2-2.5 times as long (100 000 products: 7.1-8.6 s against
    3.5-5.9 s on a loaded 2-core box), its per-value Python work weighing on the
    import and snapshot figures of bench/."""
    stamp = at.isoformat()
    conn.execute(f"CREATE TABLE IF NOT EXISTS {_WRITTEN} (sku TEXT PRIMARY KEY)")
    conn.execute(f"DELETE FROM {_WRITTEN}")
    conn.executemany(
        f"INSERT OR IGNORE INTO {_WRITTEN} (sku) VALUES (?)", [(p.sku,) for p in products]
    )
    conn.executemany(
        _UPSERT_PRODUCT,
        [
            (
                p.sku, p.name("pl"), p.names.get("en", ""), p.descriptions.get("pl", ""),
                p.descriptions.get("en", ""), p.category, p.price, p.currency, p.vat.letter,
                p.unit, p.image, int(p.active), stamp, fold(p.name("pl")),
            )
            for p in products
        ],
    )  # fmt: skip
    conn.execute(f"DELETE FROM barcodes WHERE sku IN (SELECT sku FROM {_WRITTEN})")
    conn.executemany(
        "INSERT OR REPLACE INTO barcodes (code, sku) VALUES (?, ?)",
        [(code, p.sku) for p in products for code in p.barcodes],
    )


def index_rows(join: str) -> str:
    """The search entries for the products `join` selects (all with an empty join): names,
    descriptions, barcodes and the category's names, each language's words in one column,
    folded as edge.domain.text.fold folds a query (migration 20 rebuilds the index with it)."""
    names = sql_fold("trim(p.sku || ' ' || p.name_pl || ' ' || p.name_en)")
    descriptions = sql_fold("trim(p.desc_pl || ' ' || p.desc_en)")
    category = sql_fold(
        "coalesce((SELECT c.name_pl || ' ' || c.name_en FROM categories c"
        " WHERE c.id = p.category), p.category)"
    )
    codes = "coalesce((SELECT group_concat(code, ' ') FROM barcodes b WHERE b.sku = p.sku), '')"
    return (
        "INSERT INTO products_fts (rowid, names, descriptions, codes, category)"
        f" SELECT p.id, {names}, {descriptions}, {codes}, {category} FROM products p {join}"
    )


def _index(conn: sqlite3.Connection, join: str) -> None:
    conn.execute(index_rows(join))


def categories(conn: sqlite3.Connection) -> list[dict[str, str]]:
    rows = conn.execute(
        "SELECT category, count(*) AS n FROM products WHERE active = 1 AND category != ''"
        " GROUP BY category ORDER BY category"
    ).fetchall()
    named = {r["id"]: r for r in conn.execute("SELECT id, name_pl, name_en FROM categories")}
    out = []
    for r in rows:
        c = named.get(r["category"])
        out.append(
            {
                "id": r["category"],
                "name_pl": c["name_pl"] if c else r["category"],
                "name_en": c["name_en"] if c else r["category"],
                "count": r["n"],
            }
        )
    return out


def upsert_categories(conn: sqlite3.Connection, cats: Iterable[tuple[str, str, str]]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO categories (id, name_pl, name_en) VALUES (?, ?, ?)", list(cats)
    )


def _promotion(row: sqlite3.Row) -> Promotion:
    labels = {k: v for k, v in (("pl", row["label_pl"]), ("en", row["label_en"])) if v}
    return Promotion(
        id=row["id"],
        sku=row["sku"],
        kind=row["kind"],
        value=row["value"],
        buy=row["buy"],
        pay=row["pay"],
        starts=datetime.fromisoformat(row["starts"]) if row["starts"] else None,
        ends=datetime.fromisoformat(row["ends"]) if row["ends"] else None,
        labels=labels,
    )


def promotions_for(conn: sqlite3.Connection, skus: Iterable[str]) -> dict[str, list[Promotion]]:
    wanted = sorted(set(skus))
    out: dict[str, list[Promotion]] = {}
    if not wanted:
        return out
    marks = ",".join("?" * len(wanted))
    for row in conn.execute(f"SELECT * FROM promotions WHERE sku IN ({marks})", wanted):
        out.setdefault(row["sku"], []).append(_promotion(row))
    return out


def upsert_promotions(conn: sqlite3.Connection, promos: Iterable[Promotion]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO promotions (id, sku, kind, value, buy, pay, starts, ends,"
        " label_pl, label_en) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                p.id,
                p.sku,
                p.kind,
                p.value,
                p.buy,
                p.pay,
                p.starts.isoformat() if p.starts else None,
                p.ends.isoformat() if p.ends else None,
                p.labels.get("pl", ""),
                p.labels.get("en", ""),
            )
            for p in promos
        ],
    )


def all_promotions(conn: sqlite3.Connection) -> list[Promotion]:
    return [_promotion(r) for r in conn.execute("SELECT * FROM promotions ORDER BY id")]


def promotions_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, Promotion]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(f"SELECT * FROM promotions WHERE id IN ({marks})", wanted)
    return {r["id"]: _promotion(r) for r in rows}


def delete_promotions(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    """Ends promotions: they stop applying to baskets priced after the transaction."""
    conn.executemany("DELETE FROM promotions WHERE id = ?", [(i,) for i in ids])


def replace_promotions(conn: sqlite3.Connection, promos: list[Promotion]) -> None:
    """Exactly these promotions, no others (a snapshot from the hub)."""
    conn.execute("DELETE FROM promotions")
    upsert_promotions(conn, promos)
