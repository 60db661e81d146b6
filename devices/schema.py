"""The devices part's own tables (its own migration numbering)."""

from __future__ import annotations

import sqlite_utils

from edge.store.migrations import MigrationSet

devices_migrations = MigrationSet("devices")


@devices_migrations(1, "print_jobs")
def _print_jobs(db: sqlite_utils.Database) -> None:
    # state: queued -> sending -> done; a job found in `sending` (crash or broken link) goes back
    # to queued with copy = 1, so it is printed again marked "DUPLIKAT / COPY", never twice plain.
    db.execute(
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            printer TEXT NOT NULL,
            kind TEXT NOT NULL,
            ref TEXT,
            payload TEXT NOT NULL,
            copy INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sending', 'done', 'expired', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at TEXT NOT NULL,
            expires_at TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            done_at TEXT
        )"""
    )
    db.execute("CREATE INDEX print_jobs_due ON print_jobs (printer, state, id)")
    db.execute("CREATE INDEX print_jobs_ref ON print_jobs (kind, ref)")


@devices_migrations(2, "z_reports")
def _z_reports(db: sqlite_utils.Database) -> None:
    # Since edge migration 26 the core creates this table first on a new node.
    db.execute(
        """CREATE TABLE IF NOT EXISTS z_reports (
            register TEXT NOT NULL,
            number INTEGER NOT NULL,
            at TEXT NOT NULL,
            totals TEXT NOT NULL,
            PRIMARY KEY (register, number)
        )"""
    )


@devices_migrations(3, "fiscal_jobs")
def _fiscal_jobs(db: sqlite_utils.Database) -> None:
    # One row per sale that must be registered on the fiscal device, written in the sale's own
    # transaction. pending: nothing sent yet; sending: `before` (the device's last document
    # number, read and committed BEFORE the first byte of the receipt left) tells recovery
    # whether a later document is this sale's; done: `number` is the device's document number.
    db.execute(
        """CREATE TABLE fiscal_jobs (
            receipt_no TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'done')),
            total INTEGER NOT NULL,
            before INTEGER,
            number INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            created_at TEXT NOT NULL,
            done_at TEXT
        )"""
    )
    db.execute("CREATE INDEX fiscal_jobs_open ON fiscal_jobs (created_at) WHERE state != 'done'")
    db.execute(
        """CREATE TABLE fiscal_reports (
            number INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            receipts INTEGER NOT NULL,
            totals TEXT NOT NULL
        )"""
    )


@devices_migrations(4, "fiscal_jobs_before_total")
def _fiscal_jobs_before_total(db: sqlite_utils.Database) -> None:
    # The device's receipts' totalizers (their sum since its last daily report) read with
    # `before`: a receipt numbered above `before` is this sale's only if the sum grew by exactly
    # its total (a cancelled attempt may take a number; it adds nothing). NULL on jobs written
    # before this column: the number alone decides for them, as it did.
    db.table("fiscal_jobs").add_column("before_total", int)
