"""The hub's tables, as numbered migrations (see migrations.py). Written with PostgreSQL's types;
the SQLite adapter spells them TEXT/INTEGER.

Numbering: 1–2 are the hub's replication and catalogue tables; 3–9 belong to hub trust (tokens,
limits), 10–14 to orders and money, 40–49 to customers and loyalty; later parts take the next
free numbers."""

from __future__ import annotations

from sync.hub.store.migrations import migration, run_ddl
from sync.hub.store.port import Storage, Tx

# Partitioned by month on PostgreSQL (applied events by the hub's clock, sales and their lines by
# the sale's time). A partitioned table's key must hold the partition column, so these keys
# carry it; exactly-once rests on hub_stores.applied_seq, taken under the store's row lock.
_REPLICATION = """
CREATE TABLE hub_stores (
    store_id text PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    online integer NOT NULL DEFAULT 0,
    last_seen timestamptz,
    applied_seq bigint NOT NULL DEFAULT 0,
    reported_depth bigint NOT NULL DEFAULT 0,
    catalogue_version bigint NOT NULL DEFAULT 0,
    public_key text,
    last_event_at timestamptz,
    last_applied_at timestamptz,
    command_seq bigint NOT NULL DEFAULT 0,
    snapshot_version bigint NOT NULL DEFAULT 0,
    snapshot_sent_at timestamptz,
    greeted_at timestamptz,
    nearby_told_at timestamptz,
    gap_since timestamptz,
    gap_asked_at timestamptz,
    resend_requests bigint NOT NULL DEFAULT 0,
    duplicates bigint NOT NULL DEFAULT 0
);
CREATE TABLE hub_events (
    store_id text NOT NULL,
    seq bigint NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    at timestamptz NOT NULL,
    applied_at timestamptz NOT NULL,
    error text,
    PRIMARY KEY (store_id, seq, applied_at)
) PARTITION BY RANGE (applied_at);
CREATE INDEX hub_events_applied_at ON hub_events (applied_at);
CREATE TABLE hub_pending (
    store_id text NOT NULL,
    seq bigint NOT NULL,
    body text NOT NULL,  -- the event's JSON as text: jsonb refuses an escaped NUL
    received_at timestamptz NOT NULL,
    PRIMARY KEY (store_id, seq)
);
CREATE TABLE hub_stock (
    store_id text NOT NULL,
    sku text NOT NULL,
    on_hand bigint NOT NULL,
    reserved bigint NOT NULL,
    as_of timestamptz NOT NULL,
    PRIMARY KEY (store_id, sku)
);
CREATE INDEX hub_stock_sku ON hub_stock (sku);
CREATE TABLE hub_nearby_changes (
    store_id text NOT NULL,
    sku text NOT NULL,
    PRIMARY KEY (store_id, sku)
);
CREATE TABLE hub_sales (
    receipt_no text NOT NULL,
    store_id text NOT NULL,
    at timestamptz NOT NULL,
    currency text NOT NULL,
    total bigint NOT NULL,
    tenders jsonb NOT NULL,
    PRIMARY KEY (receipt_no, at)
) PARTITION BY RANGE (at);
CREATE INDEX hub_sales_at ON hub_sales (at);
CREATE TABLE hub_sale_lines (
    receipt_no text NOT NULL,
    line_no integer NOT NULL,
    at timestamptz NOT NULL,
    sku text NOT NULL,
    qty bigint NOT NULL,
    unit_price bigint NOT NULL,
    total bigint NOT NULL,
    vat text NOT NULL,
    returned bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (receipt_no, line_no, at)
) PARTITION BY RANGE (at);
CREATE INDEX hub_sale_lines_at ON hub_sale_lines (at);
CREATE TABLE hub_returns (
    return_id text PRIMARY KEY,
    store_id text NOT NULL,
    at timestamptz NOT NULL,
    original_kind text NOT NULL,
    original_ref text,
    offline integer NOT NULL DEFAULT 0,
    flagged integer NOT NULL DEFAULT 0,
    flag_reason text NOT NULL DEFAULT '',
    body jsonb NOT NULL
);
CREATE TABLE hub_orders (
    order_id text PRIMARY KEY,
    request_id text UNIQUE,
    store_id text NOT NULL,
    status text NOT NULL,
    currency text NOT NULL,
    total bigint NOT NULL,
    prepaid integer NOT NULL,
    customer jsonb NOT NULL,
    shelf text,
    receipt_no text,
    reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE hub_order_lines (
    order_id text NOT NULL,
    sku text NOT NULL,
    qty bigint NOT NULL,
    unit_price bigint NOT NULL,
    reserved bigint NOT NULL DEFAULT 0,
    collected bigint NOT NULL DEFAULT 0,
    short bigint NOT NULL DEFAULT 0,
    returned bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, sku)
);
CREATE TABLE hub_commands (
    id text PRIMARY KEY,
    store_id text NOT NULL,
    seq bigint NOT NULL,
    type text NOT NULL,
    envelope jsonb NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    reason text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    sent_at timestamptz,
    acked_at timestamptz,
    UNIQUE (store_id, seq)
);
CREATE INDEX hub_commands_pending ON hub_commands (status, store_id);
CREATE TABLE hub_dead_letters (
    id IDENTITY,
    at timestamptz NOT NULL,
    topic text NOT NULL,
    reason text NOT NULL,
    payload text NOT NULL
);
CREATE TABLE hub_counters (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
CREATE TABLE hub_maintenance (
    task text PRIMARY KEY,
    done_at timestamptz
)
"""

_CATALOGUE = """
CREATE TABLE hub_products (
    sku text PRIMARY KEY,
    name_pl text NOT NULL,
    name_en text NOT NULL DEFAULT '',
    desc_pl text NOT NULL DEFAULT '',
    desc_en text NOT NULL DEFAULT '',
    category text NOT NULL DEFAULT '',
    price bigint NOT NULL,
    currency text NOT NULL,
    vat text NOT NULL,
    unit text NOT NULL,
    image text,
    active integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL
);
CREATE TABLE hub_barcodes (
    code text PRIMARY KEY,
    sku text NOT NULL
);
CREATE INDEX hub_barcodes_sku ON hub_barcodes (sku);
CREATE TABLE hub_categories (
    id text PRIMARY KEY,
    name_pl text NOT NULL,
    name_en text NOT NULL
);
CREATE TABLE hub_promotions (
    id text PRIMARY KEY,
    sku text NOT NULL,
    kind text NOT NULL,
    value bigint NOT NULL,
    buy integer,
    pay integer,
    starts timestamptz,
    ends timestamptz,
    label_pl text NOT NULL DEFAULT '',
    label_en text NOT NULL DEFAULT ''
);
CREATE INDEX hub_promotions_sku ON hub_promotions (sku);
-- Which SKUs and promotion ids each catalogue version changed: a delta carries their current
-- records (or a promotion's id as ended when the hub no longer has it).
CREATE TABLE hub_catalog_versions (
    version bigint PRIMARY KEY,
    skus jsonb NOT NULL,
    promotions jsonb NOT NULL,
    at timestamptz NOT NULL
)
"""


@migration(1, "replication")
def _replication(tx: Tx, storage: Storage) -> None:
    run_ddl(tx, storage, _REPLICATION)
    if tx.dialect == "postgresql":
        for table in ("hub_events", "hub_sales", "hub_sale_lines"):
            # Rows outside every monthly partition (created by maintenance) land here.
            tx.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    tx.execute("INSERT INTO hub_counters (name, value) VALUES ('catalogue_version', 0)")


@migration(2, "catalogue")
def _catalogue(tx: Tx, storage: Storage) -> None:
    run_ddl(tx, storage, _CATALOGUE)


@migration(5, "dead_letter_retention")
def _dead_letter_retention(tx: Tx, storage: Storage) -> None:
    # Retention deletes dead letters by age ([dead_letters] keep_days).
    run_ddl(tx, storage, "CREATE INDEX hub_dead_letters_at ON hub_dead_letters (at)")


@migration(10, "order_terms")
def _order_terms(tx: Tx, storage: Storage) -> None:
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


@migration(3, "api_tokens")
def _api_tokens(tx: Tx, storage: Storage) -> None:
    # Who may call the hub's HTTP API: only a hash of each token is kept (the token is shown
    # once, at creation); a store's token is bound to its store id.
    run_ddl(
        tx,
        storage,
        """
        CREATE TABLE hub_api_tokens (
            name text PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            scopes jsonb NOT NULL,
            store_id text,
            created_at timestamptz NOT NULL,
            last_used_at timestamptz
        )
        """,
    )


@migration(30, "fiscal_numbers")
def _fiscal_numbers(tx: Tx, storage: Storage) -> None:
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


@migration(40, "loyalty_rules")
def _loyalty_rules(tx: Tx, storage: Storage) -> None:
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


@migration(41, "customers")
def _customers(tx: Tx, storage: Storage) -> None:
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


@migration(42, "customer_stores")
def _customer_stores(tx: Tx, storage: Storage) -> None:
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


@migration(43, "loyalty_overdrafts")
def _loyalty_overdrafts(tx: Tx, storage: Storage) -> None:
    # An offline redemption that took the balance below zero (two stores spending the same
    # points): recorded, never refused, and flagged with how far it overdrew.
    run_ddl(
        tx,
        storage,
        "ALTER TABLE hub_loyalty_entries ADD COLUMN overdraft bigint NOT NULL DEFAULT 0",
    )


@migration(44, "member_prices")
def _member_prices(tx: Tx, storage: Storage) -> None:
    # A members-only promotion (a member price) applies only to a basket with a loyalty card.
    run_ddl(
        tx,
        storage,
        "ALTER TABLE hub_promotions ADD COLUMN members_only integer NOT NULL DEFAULT 0",
    )


# --- stock documents and the ERP's feed (issue 16): hub migrations 20-29 -----------------------


@migration(20, "stock_documents")
def _stock_documents(tx: Tx, storage: Storage) -> None:
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


@migration(21, "feed")
def _feed(tx: Tx, storage: Storage) -> None:
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


@migration(22, "webhooks")
def _webhooks(tx: Tx, storage: Storage) -> None:
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


@migration(45, "order_changes")
def _order_changes(tx: Tx, storage: Storage) -> None:
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
