"""Stock documents and what the ERP reads (issue 16, migrations 20–29): every store document,
deliveries and transfers line by line, the feed, and where each webhook target is in it."""

from __future__ import annotations

from sync.hub.store.migrations import run_ddl
from sync.hub.store.port import Storage, Tx


def create_stock_documents(tx: Tx, storage: Storage) -> None:
    # Every store document as its event said it (`hub_stock_docs`: write-offs, counts, delivery
    # receipts, transfers); deliveries with what was announced and received per line; transfers
    # with what was sent and received per line, and each receipt of them (where and when).
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_stock_docs (
            store_id text NOT NULL,
            kind text NOT NULL,
            doc_id text NOT NULL,
            at timestamptz NOT NULL,
            body text NOT NULL,
            PRIMARY KEY (store_id, kind, doc_id)
        );
        CREATE TABLE hub_deliveries (
            delivery_id text PRIMARY KEY,
            store_id text NOT NULL,
            reference text NOT NULL DEFAULT '',
            announced integer NOT NULL,
            status text NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE TABLE hub_delivery_lines (
            delivery_id text NOT NULL,
            sku text NOT NULL,
            announced bigint NOT NULL DEFAULT 0,
            received bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (delivery_id, sku)
        );
        CREATE TABLE hub_transfers (
            transfer_id text PRIMARY KEY,
            from_store text NOT NULL,
            to_store text,
            sent_at timestamptz
        );
        CREATE TABLE hub_transfer_receipts (
            transfer_id text NOT NULL,
            store_id text NOT NULL,
            at timestamptz NOT NULL,
            PRIMARY KEY (transfer_id, store_id, at)
        );
        CREATE TABLE hub_transfer_lines (
            transfer_id text NOT NULL,
            sku text NOT NULL,
            sent bigint NOT NULL DEFAULT 0,
            received bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (transfer_id, sku)
        )
        """,
    )


def create_feed(tx: Tx, storage: Storage) -> None:
    # What the ERP reads (GET /api/v1/feed): every applied document in the order applied. The
    # position is taken from a counter row in the applying transaction: the row's lock makes
    # transactions commit in position order, so a reader never sees a later position before
    # an earlier one. The event's data is kept as JSON text (jsonb refuses an escaped NUL).
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_feed (
            position bigint PRIMARY KEY,
            store_id text NOT NULL,
            seq bigint NOT NULL,
            type text NOT NULL,
            at timestamptz NOT NULL,
            applied_at timestamptz NOT NULL,
            data text NOT NULL
        );
        CREATE INDEX hub_feed_applied_at ON hub_feed (applied_at)
        """,
    )
    tx.execute("INSERT INTO hub_counters (name, value) VALUES ('feed_position', 0)")


def create_webhooks(tx: Tx, storage: Storage) -> None:
    # Where each webhook target is in the feed: the last position it acknowledged, its failures
    # in a row (the back-off), a lease so that of several hub workers one sends at a time, and
    # the figures /metrics shows. Keyed by URL: a new URL starts from the feed's beginning.
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_webhooks (
            url text PRIMARY KEY,
            delivered bigint NOT NULL DEFAULT 0,
            failures bigint NOT NULL DEFAULT 0,
            attempts bigint NOT NULL DEFAULT 0,
            items bigint NOT NULL DEFAULT 0,
            next_attempt_at timestamptz,
            lease_until timestamptz,
            last_status text NOT NULL DEFAULT '',
            last_success_at timestamptz
        )
        """,
    )
