"""The tables the hub started with: replication (stores, events, stock, sales, orders, commands,
dead letters, counters), the catalogue, and who may call the API (migrations 1–9)."""

from __future__ import annotations

from sync.hub.store.migrations import run_ddl
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


def create_replication(tx: Tx, storage: Storage) -> None:
    run_ddl(tx, storage, _REPLICATION)
    if tx.dialect == "postgresql":
        for table in ("hub_events", "hub_sales", "hub_sale_lines"):
            # Rows outside every monthly partition (created by maintenance) land here.
            tx.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    tx.execute("INSERT INTO hub_counters (name, value) VALUES ('catalogue_version', 0)")


def create_catalogue(tx: Tx, storage: Storage) -> None:
    run_ddl(tx, storage, _CATALOGUE)


def create_api_tokens(tx: Tx, storage: Storage) -> None:
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


def index_dead_letters_by_age(tx: Tx, storage: Storage) -> None:
    # Retention deletes dead letters by age ([dead_letters] keep_days).
    run_ddl(tx, storage, "CREATE INDEX hub_dead_letters_at ON hub_dead_letters (at)")
