"""Edge migrations of loyalty: earning rules, cached customers and the customer a basket
carries, points earned and redeemed, member prices (numbers 50-53)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

migrations = MigrationSet("edge")


@migrations(50, "loyalty_rules")
def _loyalty_rules(db: sqlite_utils.Database) -> None:
    # Earning rules from the catalogue (edge/loyalty_files.py): the till earns as the hub does.
    db.executescript("""
    CREATE TABLE loyalty_rules (
        id TEXT PRIMARY KEY,
        points_per_zl INTEGER NOT NULL,
        multiplier INTEGER NOT NULL,
        sku TEXT,
        category TEXT,
        starts TEXT,
        ends TEXT
    );
    """)


@migrations(51, "customers")
def _customers(db: sqlite_utils.Database) -> None:
    # Customers seen at this store (cached for [loyalty] cache_days, for lookups while the
    # hub is unreachable), the customer a basket carries, and what each member's sale earned.
    db.executescript("""
    CREATE TABLE customers_cache (
        customer_id TEXT PRIMARY KEY,
        card TEXT,
        phone TEXT,
        name TEXT NOT NULL DEFAULT '',
        points INTEGER NOT NULL DEFAULT 0,
        consents TEXT NOT NULL DEFAULT '{}',
        history TEXT NOT NULL DEFAULT '[]',  -- the hub's last page, shown with its age offline
        fetched_at TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE INDEX customers_cache_card ON customers_cache (card);
    CREATE INDEX customers_cache_phone ON customers_cache (phone);
    CREATE TABLE basket_customers (
        basket_id TEXT PRIMARY KEY,
        customer_id TEXT,
        card TEXT,
        attached_at TEXT NOT NULL
    );
    CREATE TABLE sale_loyalty (
        receipt_no TEXT PRIMARY KEY,
        customer_id TEXT,
        card TEXT,
        points INTEGER NOT NULL,
        balance INTEGER,
        balance_as_of TEXT
    );
    """)


@migrations(52, "redemptions")
def _redemptions(db: sqlite_utils.Database) -> None:
    # Points redeemed on a basket (N points = X zł off, as a basket discount the redemption
    # approves): authorised by the hub, or offline within the card's daily limit here.
    db.executescript("""
    CREATE TABLE basket_redemptions (
        basket_id TEXT PRIMARY KEY,
        redemption_id TEXT NOT NULL UNIQUE,
        customer_id TEXT,
        card TEXT,
        points INTEGER NOT NULL,
        value INTEGER NOT NULL,
        offline INTEGER NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX basket_redemptions_card ON basket_redemptions (card, at);
    ALTER TABLE sale_loyalty ADD COLUMN redeemed INTEGER NOT NULL DEFAULT 0;
    """)


@migrations(53, "member_prices")
def _member_prices(db: sqlite_utils.Database) -> None:
    # A members-only promotion (a member price): only for a basket carrying a loyalty card.
    db.executescript("""
    ALTER TABLE promotions ADD COLUMN members_only INTEGER NOT NULL DEFAULT 0;
    """)
