"""Network-wide counters (`hub_counters`) taken by a row update, so two workers never get the
same value: the catalogue version."""

from __future__ import annotations

from sync.hub.store.port import Tx

CATALOGUE_VERSION = "catalogue_version"


def current(tx: Tx, name: str) -> int:
    value = tx.scalar("SELECT value FROM hub_counters WHERE name = ?", [name])
    return int(value or 0)


def take_next(tx: Tx, name: str) -> int:
    """The next value; the row stays locked (PostgreSQL) until the transaction ends."""
    return int(
        tx.scalar(
            "UPDATE hub_counters SET value = value + 1 WHERE name = ? RETURNING value", [name]
        )
    )
