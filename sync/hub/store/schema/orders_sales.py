"""Later columns, tables and indexes of orders and sales: how an order line was priced, returns
by what they return, a sale's fiscal number, and the order changes the web shop follows."""

from __future__ import annotations

from sync.hub.store.migrations import run_ddl
from sync.hub.store.port import Storage, Tx


def add_order_terms(tx: Tx, storage: Storage) -> None:
    # How each order line was priced (edge/domain/pricing.py): its unit (grams of weighed
    # goods), the promotion's terms and the line's total; a store prices any part of it alike.
    run_ddl(
        tx,
        storage,
        """
        ALTER TABLE hub_order_lines ADD COLUMN unit text NOT NULL DEFAULT 'pcs';
        ALTER TABLE hub_order_lines ADD COLUMN promotion jsonb;
        ALTER TABLE hub_order_lines ADD COLUMN total bigint
        """,
    )


def add_fiscal_numbers(tx: Tx, storage: Storage) -> None:
    # The fiscal device's document number of each sale (`sale.fiscalised`): what ties the
    # hub's copy to the receipt the customer holds.
    run_ddl(
        tx,
        storage,
        """
        ALTER TABLE hub_sales ADD COLUMN fiscal_number bigint;
        ALTER TABLE hub_sales ADD COLUMN fiscalised_at timestamptz
        """,
    )


def create_order_changes(tx: Tx, storage: Storage) -> None:
    # Every status an order takes, once, for the web shop to follow (GET /api/v1/orders?
    # changed_after=): numbered from a counter row taken in the changing transaction, so
    # positions commit in order, as the feed's do.
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_order_changes (
            position bigint PRIMARY KEY,
            order_id text NOT NULL,
            store_id text NOT NULL,
            status text NOT NULL,
            at timestamptz NOT NULL
        )
        """,
    )
    tx.execute("INSERT INTO hub_counters (name, value) VALUES ('order_change_position', 0)")


def index_returns_by_original(tx: Tx, storage: Storage) -> None:
    # A sale written looks up the returns of it that reached the hub first (another store's
    # return, its own sale's events still on their way): one indexed lookup per group of sales.
    tx.execute("CREATE INDEX hub_returns_original ON hub_returns (original_ref)")
