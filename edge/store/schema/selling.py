"""Edge migrations of selling at the till: baskets, sales and their approvals, the outbox to
the hub, staff and their sign-in, cash movements, shifts and Z reports (numbers 3, 4, 5, 9, 10,
13, 25, 26)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

migrations = MigrationSet("edge")


@migrations(3, "selling")
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


@migrations(4, "outbox")
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


@migrations(5, "staff")
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


@migrations(9, "cash_movements")
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


@migrations(10, "approvals")
def _approvals(db: sqlite_utils.Database) -> None:
    # What a supervisor approved ({by, action, amount, base} as JSON): the basket is checked
    # against it after every change and at checkout (edge/domain/approvals.py).
    db.executescript("""
    ALTER TABLE basket_lines ADD COLUMN approval TEXT;
    ALTER TABLE baskets ADD COLUMN approval TEXT;
    """)


@migrations(13, "login_throttle")
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


@migrations(25, "shifts")
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


@migrations(26, "z_reports_in_core")
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
