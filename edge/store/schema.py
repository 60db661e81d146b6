"""The edge node's own tables (component `edge`)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

edge_migrations = MigrationSet("edge")


@edge_migrations(1, "catalogue")
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


@edge_migrations(2, "stock_ledger")
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


@edge_migrations(3, "selling")
def _selling(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE registers (
        register TEXT PRIMARY KEY,
        last_receipt INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE baskets (
        id TEXT PRIMARY KEY,
        register TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        currency TEXT NOT NULL,
        discount_percent INTEGER NOT NULL DEFAULT 0,
        discount_amount INTEGER NOT NULL DEFAULT 0,
        created_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        receipt_no TEXT
    );
    CREATE INDEX baskets_status ON baskets (status);
    CREATE TABLE basket_lines (
        basket_id TEXT NOT NULL REFERENCES baskets (id) ON DELETE CASCADE,
        line_id INTEGER NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        vat TEXT NOT NULL,
        unit_price INTEGER NOT NULL,
        qty INTEGER NOT NULL,
        code TEXT NOT NULL DEFAULT '',
        fixed_total INTEGER,
        price_override INTEGER,
        discount_percent INTEGER NOT NULL DEFAULT 0,
        discount_amount INTEGER NOT NULL DEFAULT 0,
        approved_by TEXT,
        batch TEXT,
        expiry TEXT,
        PRIMARY KEY (basket_id, line_id)
    );
    CREATE TABLE sales (
        receipt_no TEXT PRIMARY KEY,
        store_id TEXT NOT NULL,
        register TEXT NOT NULL,
        basket_id TEXT UNIQUE,
        cashier TEXT NOT NULL,
        at TEXT NOT NULL,
        currency TEXT NOT NULL,
        subtotal INTEGER NOT NULL,
        discount INTEGER NOT NULL,
        total INTEGER NOT NULL,
        change INTEGER NOT NULL,
        vat TEXT NOT NULL
    );
    CREATE INDEX sales_at ON sales (at);
    CREATE TABLE sale_lines (
        receipt_no TEXT NOT NULL REFERENCES sales (receipt_no),
        line_no INTEGER NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        unit TEXT NOT NULL,
        vat TEXT NOT NULL,
        qty INTEGER NOT NULL,
        unit_price INTEGER NOT NULL,
        gross INTEGER NOT NULL,
        discount INTEGER NOT NULL,
        total INTEGER NOT NULL,
        promotion TEXT,
        PRIMARY KEY (receipt_no, line_no)
    );
    CREATE TABLE sale_tenders (
        receipt_no TEXT NOT NULL REFERENCES sales (receipt_no),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        amount INTEGER NOT NULL,
        reference TEXT,
        PRIMARY KEY (receipt_no, seq)
    );
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """)


@edge_migrations(4, "outbox")
def _outbox(db: sqlite_utils.Database) -> None:
    # AUTOINCREMENT: seq never reuses a number, even after acknowledged rows are compacted away,
    # and a rolled-back transaction does not consume one, so seqs are gapless.
    db.executescript("""
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO sync_state (key, value) VALUES ('acked_seq', '0');
    """)


@edge_migrations(5, "staff")
def _staff(db: sqlite_utils.Database) -> None:
    db.executescript("""
    CREATE TABLE users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'admin')),
        pin_hash TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        disabled INTEGER NOT NULL DEFAULT 0,
        demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users (username),
        register TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """)


@edge_migrations(6, "pickups")
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


@edge_migrations(7, "returns")
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


@edge_migrations(8, "search_prefix_index")
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


@edge_migrations(9, "cash_movements")
def _cash_movements(db: sqlite_utils.Database) -> None:
    # Cash put into or taken out of a drawer outside a sale (float, bank drop, petty cash): the
    # X/Z report's drawer figure needs them to match what a supervisor counts.
    db.executescript("""
    CREATE TABLE cash_movements (
        id INTEGER PRIMARY KEY,
        register TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
        amount INTEGER NOT NULL CHECK (amount > 0),
        currency TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        by_user TEXT NOT NULL,
        approved_by TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX cash_movements_register_at ON cash_movements (register, at);
    """)


# --- money rules (issue 12): edge migrations 10-19 ----------------------------------------------


@edge_migrations(10, "approvals")
def _approvals(db: sqlite_utils.Database) -> None:
    # What a supervisor approved ({by, action, amount, base} as JSON): the basket is checked
    # against it after every change and at checkout (edge/domain/approvals.py).
    db.executescript("""
    ALTER TABLE basket_lines ADD COLUMN approval TEXT;
    ALTER TABLE baskets ADD COLUMN approval TEXT;
    """)


@edge_migrations(11, "order_terms")
def _order_terms(db: sqlite_utils.Database) -> None:
    # An order line's unit (grams of weighed goods) and the promotion it was priced with: what
    # is due for part of it is priced by the same rule (edge/domain/pricing.py).
    db.executescript("""
    ALTER TABLE order_lines ADD COLUMN unit TEXT NOT NULL DEFAULT 'pcs';
    ALTER TABLE order_lines ADD COLUMN promotion TEXT;
    """)


@edge_migrations(12, "kiosk_requests")
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


@edge_migrations(13, "login_throttle")
def _login_throttle(db: sqlite_utils.Database) -> None:
    # Wrong PINs per client address (a user's own count is on `users`): one address may not
    # try PINs across every account.
    db.executescript("""
    CREATE TABLE login_addresses (
        address TEXT PRIMARY KEY,
        failures INTEGER NOT NULL DEFAULT 0,
        window_start TEXT NOT NULL,
        blocked_until TEXT
    );
    """)


@edge_migrations(20, "search_folds_every_letter")
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


@edge_migrations(21, "product_name_key")
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


# --- till shifts (issue 18, pos): edge migrations 25-29 ----------------------------------------


@edge_migrations(25, "shifts")
def _shifts(db: sqlite_utils.Database) -> None:
    # A cashier's shift at a register: opened with a float, closed with a blind count; the
    # drawer figure expected at close and the difference found are kept as they were then.
    db.executescript("""
    CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        register TEXT NOT NULL,
        opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        float INTEGER NOT NULL CHECK (float >= 0),
        closed_by TEXT,
        closed_at TEXT,
        expected INTEGER,
        counted INTEGER CHECK (counted >= 0),
        difference INTEGER,
        summary TEXT
    );
    CREATE UNIQUE INDEX shifts_one_open ON shifts (register) WHERE closed_at IS NULL;
    CREATE INDEX shifts_register_opened ON shifts (register, opened_at);
    """)


@edge_migrations(26, "z_reports_in_core")
def _z_reports_in_core(db: sqlite_utils.Database) -> None:
    # The Z report's numbering is the core's (edge.services.shifts), no longer the devices
    # part's; a node that ran the devices part keeps its table and numbers.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS z_reports (
        register TEXT NOT NULL,
        number INTEGER NOT NULL,
        at TEXT NOT NULL,
        totals TEXT NOT NULL,
        PRIMARY KEY (register, number)
    );
    """)


@edge_migrations(50, "loyalty_rules")
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


@edge_migrations(51, "customers")
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


@edge_migrations(52, "redemptions")
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


@edge_migrations(53, "member_prices")
def _member_prices(db: sqlite_utils.Database) -> None:
    # A members-only promotion (a member price): only for a basket carrying a loyalty card.
    db.executescript("""
    ALTER TABLE promotions ADD COLUMN members_only INTEGER NOT NULL DEFAULT 0;
    """)


# --- stock documents (issue 16): edge migrations 40-49 -------------------------------------------


@edge_migrations(40, "stock_documents")
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
