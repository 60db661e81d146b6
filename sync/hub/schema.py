"""The hub's tables (component `hub`). The catalogue tables are the edge's own (same products,
barcodes and search), so the hub migrates `edge_migrations` first and reuses catalogue_repo."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

hub_migrations = MigrationSet("hub")


@hub_migrations(1, "replication")
def _replication(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE hub_stores (
        store_id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        online INTEGER NOT NULL DEFAULT 0,
        last_seen TEXT,
        applied_seq INTEGER NOT NULL DEFAULT 0,   -- highest contiguous seq applied
        reported_depth INTEGER NOT NULL DEFAULT 0,
        catalogue_version INTEGER NOT NULL DEFAULT 0,
        public_key TEXT,
        last_event_at TEXT,
        last_applied_at TEXT
    );
    -- Every applied event, once: (store, seq) is the exactly-once key.
    CREATE TABLE hub_events (
        store_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        error TEXT,
        PRIMARY KEY (store_id, seq)
    );
    -- Events that arrived past a gap; applied when the gap is filled.
    CREATE TABLE hub_pending (
        store_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (store_id, seq)
    );
    CREATE TABLE hub_stock (
        store_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        on_hand INTEGER NOT NULL,
        reserved INTEGER NOT NULL,
        as_of TEXT NOT NULL,
        PRIMARY KEY (store_id, sku)
    );
    CREATE INDEX hub_stock_sku ON hub_stock (sku);
    CREATE TABLE hub_sales (
        receipt_no TEXT PRIMARY KEY,
        store_id TEXT NOT NULL,
        at TEXT NOT NULL,
        currency TEXT NOT NULL,
        total INTEGER NOT NULL,
        tenders TEXT NOT NULL
    );
    CREATE TABLE hub_sale_lines (
        receipt_no TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        sku TEXT NOT NULL,
        qty INTEGER NOT NULL,
        unit_price INTEGER NOT NULL,
        total INTEGER NOT NULL,
        vat TEXT NOT NULL,
        returned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (receipt_no, line_no)
    );
    CREATE TABLE hub_returns (
        return_id TEXT PRIMARY KEY,
        store_id TEXT NOT NULL,
        at TEXT NOT NULL,
        original_kind TEXT NOT NULL,
        original_ref TEXT,
        offline INTEGER NOT NULL DEFAULT 0,
        flagged INTEGER NOT NULL DEFAULT 0,
        flag_reason TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL
    );
    CREATE TABLE hub_orders (
        order_id TEXT PRIMARY KEY,
        request_id TEXT UNIQUE,
        store_id TEXT NOT NULL,
        status TEXT NOT NULL,
        currency TEXT NOT NULL,
        total INTEGER NOT NULL,
        prepaid INTEGER NOT NULL,
        customer TEXT NOT NULL,
        shelf TEXT,
        receipt_no TEXT,
        reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE hub_order_lines (
        order_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        qty INTEGER NOT NULL,
        unit_price INTEGER NOT NULL,
        reserved INTEGER NOT NULL DEFAULT 0,
        collected INTEGER NOT NULL DEFAULT 0,
        short INTEGER NOT NULL DEFAULT 0,
        returned INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (order_id, sku)
    );
    CREATE TABLE hub_commands (
        id TEXT PRIMARY KEY,
        store_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        envelope TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        sent_at TEXT,
        acked_at TEXT,
        UNIQUE (store_id, seq)
    );
    CREATE INDEX hub_commands_pending ON hub_commands (status, store_id);
    -- Which SKUs each catalogue version changed; a delta carries their current records.
    CREATE TABLE hub_catalog_versions (
        version INTEGER PRIMARY KEY,
        skus TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE hub_dead_letters (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        topic TEXT NOT NULL,
        reason TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    """)


@hub_migrations(2, "catalogue_promotions")
def _promotions(db: sqlite_utils.Database) -> None:
    # Which promotion ids each version added, changed or ended (a delta carries the current
    # record of each, or its id as ended when the hub no longer has it).
    db.execute("ALTER TABLE hub_catalog_versions ADD COLUMN promotions TEXT NOT NULL DEFAULT '[]'")


@hub_migrations(10, "order_terms")
def _order_terms(db: sqlite_utils.Database) -> None:
    # How each order line was priced (edge/domain/pricing.py): its unit (grams of weighed
    # goods), the promotion applied and the line's total; a store prices any part of it alike.
    db.executescript("""
    ALTER TABLE hub_order_lines ADD COLUMN unit TEXT NOT NULL DEFAULT 'pcs';
    ALTER TABLE hub_order_lines ADD COLUMN promotion TEXT;
    ALTER TABLE hub_order_lines ADD COLUMN total INTEGER;
    """)
