"""Edge migrations of the catalogue and its search: products, barcodes, categories, promotions
and the full-text index the kiosk searches (numbers 1, 8, 20, 21)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

migrations = MigrationSet("edge")


@migrations(1, "catalogue")
def _catalogue(db: sqlite_utils.Database) -> None:
    db.executescript("""
    -- An explicit integer id: it is the FTS rowid, and VACUUM may renumber implicit rowids.
    CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        sku TEXT NOT NULL UNIQUE,
        name_pl TEXT NOT NULL,
        name_en TEXT NOT NULL DEFAULT '',
        desc_pl TEXT NOT NULL DEFAULT '',
        desc_en TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL DEFAULT '',
        price INTEGER NOT NULL CHECK (price >= 0),
        currency TEXT NOT NULL DEFAULT 'PLN',
        vat TEXT NOT NULL CHECK (vat IN ('A', 'B', 'C', 'D')),
        unit TEXT NOT NULL DEFAULT 'pcs' CHECK (unit IN ('pcs', 'kg')),
        image TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX products_category ON products (category);
    CREATE TABLE barcodes (
        code TEXT PRIMARY KEY,
        sku TEXT NOT NULL REFERENCES products (sku) ON DELETE CASCADE
    );
    CREATE INDEX barcodes_sku ON barcodes (sku);
    CREATE TABLE categories (
        id TEXT PRIMARY KEY,
        parent TEXT,
        name_pl TEXT NOT NULL,
        name_en TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE promotions (
        id TEXT PRIMARY KEY,
        sku TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('percent', 'price', 'multibuy')),
        value INTEGER NOT NULL DEFAULT 0,
        buy INTEGER NOT NULL DEFAULT 0,
        pay INTEGER NOT NULL DEFAULT 0,
        starts TEXT,
        ends TEXT,
        label_pl TEXT NOT NULL DEFAULT '',
        label_en TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX promotions_sku ON promotions (sku);
    -- Diacritics folded so that a kiosk search for "zolty" finds "żółty".
    CREATE VIRTUAL TABLE products_fts USING fts5 (
        names, descriptions, codes,
        tokenize = "unicode61 remove_diacritics 2"
    );
    """)


@migrations(8, "search_prefix_index")
def _search_prefix(db: sqlite_utils.Database) -> None:
    # Prefix indexes make the one-to-three-letter prefixes a kiosk sends while the shopper
    # types as cheap as whole words (measured: "m*" over 100 000 products 8 ms -> 0.1 ms).
    db.executescript("""
    CREATE VIRTUAL TABLE products_fts_new USING fts5 (
        names, descriptions, codes,
        tokenize = "unicode61 remove_diacritics 2",
        prefix = '1 2 3'
    );
    INSERT INTO products_fts_new (rowid, names, descriptions, codes)
        SELECT rowid, names, descriptions, codes FROM products_fts;
    DROP TABLE products_fts;
    ALTER TABLE products_fts_new RENAME TO products_fts;
    """)


@migrations(20, "search_folds_every_letter")
def _search_folds_every_letter(db: sqlite_utils.Database) -> None:
    # "ł" has no Unicode decomposition, so remove_diacritics kept it: "maslo" did not find
    # "Masło". The index is rebuilt with every letter folded (the query is folded the same way)
    # and with the category's names, so "nabial" finds the dairy. bm25 weights: a word of the
    # name counts most, one of the category least.
    from edge.store.catalogue_repo import index_rows

    db.executescript("""
    DROP TABLE products_fts;
    CREATE VIRTUAL TABLE products_fts USING fts5 (
        names, descriptions, codes, category,
        tokenize = "unicode61 remove_diacritics 2",
        prefix = '1 2 3'
    );
    INSERT INTO products_fts (products_fts, rank) VALUES ('rank', 'bm25(10.0, 2.0, 5.0, 1.0)');
    """)
    db.execute(index_rows(""))


@migrations(21, "product_name_key")
def _product_name_key(db: sqlite_utils.Database) -> None:
    # The Polish name folded (edge.domain.text.fold) and indexed: a search with thousands of
    # matches finds the product named exactly as typed, and those whose name starts with it,
    # by one index range instead of ranking every match.
    from edge.domain.text import fold

    db.execute("ALTER TABLE products ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT id, name_pl FROM products").fetchall()
    db.conn.executemany(
        "UPDATE products SET name_key = ? WHERE id = ?", [(fold(n or ""), i) for i, n in rows]
    )
    db.execute("CREATE INDEX products_name_key ON products (name_key)")
