"""What applying a group of store batches produces (sync/hub/apply.py): per batch, what it did
(`Applied`, for the ack and the messages sent after the commit); per group, the rows written
once instead of once per event (`Writes`); and the shape of an event type's handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync.hub import returns_count
from sync.hub.store import feed as feed_repo
from sync.hub.store import sales as sales_repo
from sync.hub.store import stock as stock_repo
from sync.hub.store.port import Tx
from sync.protocol import EventRecord


@dataclass
class Applied:
    """What one batch did, for the ack and the messages sent after the commit."""

    store_id: str = ""
    acked_seq: int = 0
    gap: bool = False
    resend_from: int | None = None  # ask the store to resend: the gap outlasted the grace
    duplicates: int = 0
    applied: int = 0
    requested_orders: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Writes:
    """Rows written once per group instead of once per event (fast path only)."""

    deferred: bool
    events: list[tuple[str, int, str, str, str, str, str | None]] = field(default_factory=list)
    levels: dict[tuple[str, str], stock_repo.Level] = field(default_factory=dict)
    sales: list[dict[str, Any]] = field(default_factory=list)
    held: list[tuple[str, int, str, str]] = field(default_factory=list)
    feed: list[feed_repo.Item] = field(default_factory=list)

    def flush_sales(self, tx: Tx) -> None:
        """Writes the sales deferred so far: what a later event of the group reads must be in."""
        for sale in self.sales:
            sales_repo.add_sale(tx, **sale)
        returns_count.count_early(tx, [sale["receipt_no"] for sale in self.sales])
        self.sales.clear()


Handler = Callable[[Tx, str, EventRecord, Applied, Writes], None]
