"""Customers and loyalty (migrations 40–49): earning rules, the CRM's customers and their
ledger, the stores holding each customer, overdrafts and member prices."""

from __future__ import annotations

from sync.hub.store.migrations import run_ddl
from sync.hub.store.port import Storage, Tx


def create_loyalty_rules(tx: Tx, storage: Storage) -> None:
    # Earning rules arrive in catalogue files like promotions (edge/loyalty_files.py); a
    # version records which rule ids it changed, so a delta carries their current rows.
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_loyalty_rules (
            id text PRIMARY KEY,
            points_per_zl integer NOT NULL,
            multiplier integer NOT NULL,
            sku text,
            category text,
            starts timestamptz,
            ends timestamptz
        );
        ALTER TABLE hub_catalog_versions ADD COLUMN loyalty_rules jsonb
        """,
    )


def create_customers(tx: Tx, storage: Storage) -> None:
    # The CRM's copy of its customers and their loyalty ledger: one entry per source
    # (edge/domain/loyalty.py), so a resent sale or a duplicated batch never earns twice.
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_customers (
            customer_id text PRIMARY KEY,
            card text UNIQUE,
            phone text UNIQUE,
            name text NOT NULL DEFAULT '',
            email text NOT NULL DEFAULT '',
            marketing integer NOT NULL DEFAULT 0,
            history integer NOT NULL DEFAULT 0,
            erased_at timestamptz,
            updated_at timestamptz NOT NULL
        );
        CREATE TABLE hub_loyalty_entries (
            kind text NOT NULL,
            ref text NOT NULL,
            customer_id text NOT NULL,
            points bigint NOT NULL,
            store_id text,
            at timestamptz NOT NULL,
            offline integer NOT NULL DEFAULT 0,
            lines jsonb,
            PRIMARY KEY (kind, ref)
        );
        CREATE INDEX hub_loyalty_entries_customer ON hub_loyalty_entries (customer_id, at);
        ALTER TABLE hub_sales ADD COLUMN customer_id text;
        ALTER TABLE hub_orders ADD COLUMN customer_id text;
        ALTER TABLE hub_returns ADD COLUMN customer_id text
        """,
    )
    tx.execute("CREATE INDEX hub_sales_customer ON hub_sales (customer_id, at)")
    tx.execute("CREATE INDEX hub_orders_customer ON hub_orders (customer_id, created_at)")


def create_customer_stores(tx: Tx, storage: Storage) -> None:
    # The stores that hold a customer (looked them up, sold to them): an erasure is sent to
    # each of them, and to no other.
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_customer_stores (
            customer_id text NOT NULL,
            store_id text NOT NULL,
            PRIMARY KEY (customer_id, store_id)
        )
        """,
    )


def add_loyalty_overdrafts(tx: Tx, storage: Storage) -> None:
    # An offline redemption that took the balance below zero (two stores spending the same
    # points): recorded, never refused, and flagged with how far it overdrew.
    run_ddl(
        tx,
        storage,
        "ALTER TABLE hub_loyalty_entries ADD COLUMN overdraft bigint NOT NULL DEFAULT 0",
    )


def add_member_prices(tx: Tx, storage: Storage) -> None:
    # A members-only promotion (a member price) applies only to a basket with a loyalty card.
    run_ddl(
        tx,
        storage,
        "ALTER TABLE hub_promotions ADD COLUMN members_only integer NOT NULL DEFAULT 0",
    )
