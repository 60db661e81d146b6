"""Edge migrations of stock (numbers 2 and 40): the movement ledger with the levels it keeps,
other stores' availability, and the stock documents (write-offs, counts, deliveries,
transfers)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

migrations = MigrationSet("edge")


@migrations(2, "stock_ledger")
def _stock(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE stock_movements (
        id INTEGER PRIMARY KEY,
        sku TEXT NOT NULL,
        kind TEXT NOT NULL,
        qty INTEGER NOT NULL,
        d_on_hand INTEGER NOT NULL,
        d_reserved INTEGER NOT NULL,
        ref TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL
    );
    CREATE INDEX stock_movements_sku ON stock_movements (sku);
    -- Materialised from the ledger in the same transaction as each movement.
    CREATE TABLE stock_levels (
        sku TEXT PRIMARY KEY,
        on_hand INTEGER NOT NULL DEFAULT 0,
        reserved INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE nearby_stores (
        store_id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        distance_km REAL
    );
    -- Other stores' availability as last heard from the hub, with its age.
    CREATE TABLE nearby_stock (
        store_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        on_hand INTEGER NOT NULL,
        reserved INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        PRIMARY KEY (store_id, sku)
    );
    CREATE INDEX nearby_stock_sku ON nearby_stock (sku);
    """)


@migrations(40, "stock_documents")
def _stock_documents(db: sqlite_utils.Database) -> None:
    # Write-offs, stock counts, deliveries and transfers (edge/domain/stock_documents.py). A line's
    # `expected` is what the document was measured against (announced, book stock as of a count's
    # start, sent); `qty` what was written off, counted, received or sent. A count remembers the
    # last ledger row at its start (`ledger_mark`): the book stock as of then is the level less
    # every movement after it. A delivery's `reason` says who announced it: 'announced' (the
    # ERP, through the hub) or 'unannounced' (a direct supplier); a write-off's is why.
    db.executescript("""
    CREATE TABLE stock_docs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        reference TEXT NOT NULL DEFAULT '',
        other_store TEXT,
        reason TEXT,
        scope TEXT,
        ledger_mark INTEGER,
        staff TEXT NOT NULL,
        approved_by TEXT,
        created_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE INDEX stock_docs_kind ON stock_docs (kind, status, created_at);
    CREATE TABLE stock_doc_lines (
        doc_id TEXT NOT NULL REFERENCES stock_docs (id),
        sku TEXT NOT NULL,
        expected INTEGER NOT NULL DEFAULT 0,
        qty INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (doc_id, sku)
    );
    """)
