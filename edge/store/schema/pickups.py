"""Edge migrations of click & collect and returns: pickup orders and their lines, kiosk order
requests, returns and the keys receipts are checked against (numbers 6, 7, 11, 12)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

migrations = MigrationSet("edge")


@migrations(6, "pickups")
def _pickups(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        request_id TEXT,
        store_id TEXT NOT NULL,
        status TEXT NOT NULL,
        currency TEXT NOT NULL,
        customer TEXT NOT NULL,
        customer_name TEXT NOT NULL DEFAULT '',
        customer_phone TEXT NOT NULL DEFAULT '',
        prepaid INTEGER NOT NULL,
        pickup_code_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        shelf TEXT,
        code_attempts INTEGER NOT NULL DEFAULT 0,
        locked INTEGER NOT NULL DEFAULT 0,
        receipt_no TEXT,
        extra TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL
    );
    CREATE INDEX orders_status ON orders (status, expires_at);
    CREATE INDEX orders_name ON orders (customer_name);
    CREATE TABLE order_lines (
        order_id TEXT NOT NULL REFERENCES orders (order_id),
        line_no INTEGER NOT NULL,
        sku TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0),
        unit_price INTEGER NOT NULL,
        reserved INTEGER NOT NULL,
        collected INTEGER NOT NULL DEFAULT 0,
        short INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (order_id, line_no)
    );
    -- Endless-aisle orders taken at the kiosk, queued to the hub as `order.requested` events.
    CREATE TABLE order_requests (
        request_id TEXT PRIMARY KEY,
        lines TEXT NOT NULL,
        customer TEXT NOT NULL,
        pickup_code_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """)


@migrations(7, "returns")
def _returns(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE returns (
        return_id TEXT PRIMARY KEY,
        original_kind TEXT NOT NULL CHECK (original_kind IN ('sale', 'order', 'none')),
        original_ref TEXT,
        original_store TEXT,
        offline INTEGER NOT NULL DEFAULT 0,
        currency TEXT NOT NULL,
        refund_total INTEGER NOT NULL,
        tenders TEXT NOT NULL,
        exchange_receipt_no TEXT,
        register TEXT NOT NULL,
        cashier TEXT NOT NULL,
        approved_by TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX returns_original ON returns (original_kind, original_ref);
    CREATE TABLE return_lines (
        return_id TEXT NOT NULL REFERENCES returns (return_id),
        line_no INTEGER NOT NULL,
        sku TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0),
        unit_price INTEGER NOT NULL,
        refund INTEGER NOT NULL,
        reason TEXT NOT NULL,
        disposition TEXT NOT NULL CHECK (disposition IN ('restock', 'damaged', 'inspection')),
        PRIMARY KEY (return_id, line_no)
    );
    -- Public keys whose signatures on receipts and order confirmations this store trusts
    -- ("hub" or a store id); the sync part writes them from the hub's catalogue messages.
    CREATE TABLE trusted_keys (
        key_id TEXT PRIMARY KEY,
        pem TEXT NOT NULL
    );
    """)


@migrations(11, "order_terms")
def _order_terms(db: sqlite_utils.Database) -> None:
    # An order line's unit (grams of weighed goods) and the promotion it was priced with: what
    # is due for part of it is priced by the same rule (edge/domain/pricing.py).
    db.executescript("""
    ALTER TABLE order_lines ADD COLUMN unit TEXT NOT NULL DEFAULT 'pcs';
    ALTER TABLE order_lines ADD COLUMN promotion TEXT;
    """)


@migrations(12, "kiosk_requests")
def _kiosk_requests(db: sqlite_utils.Database) -> None:
    # A kiosk order request's fate (waiting, confirmed as an order, refused by the hub with a
    # reason) and what the rate limits count: the kiosk it came from and the shopper's contact.
    # The hub's pickup code is kept only until the order ends, for the shopper to read at the
    # kiosk's order status.
    db.executescript("""
    ALTER TABLE order_requests ADD COLUMN kiosk TEXT NOT NULL DEFAULT '';
    ALTER TABLE order_requests ADD COLUMN contact TEXT NOT NULL DEFAULT '';
    ALTER TABLE order_requests ADD COLUMN status TEXT NOT NULL DEFAULT 'requested';
    ALTER TABLE order_requests ADD COLUMN reason TEXT;
    ALTER TABLE order_requests ADD COLUMN detail TEXT;
    ALTER TABLE order_requests ADD COLUMN order_id TEXT;
    ALTER TABLE order_requests ADD COLUMN pickup_code TEXT;
    CREATE INDEX order_requests_kiosk ON order_requests (kiosk, created_at);
    CREATE INDEX order_requests_contact ON order_requests (contact, created_at);
    """)
