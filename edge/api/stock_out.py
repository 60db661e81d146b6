"""Response models of the shop floor's stock documents and of the node's sync state."""

from __future__ import annotations

from pydantic import Field

from edge.api.out_base import Out


class DocLine(Out):
    sku: str
    qty: int = Field(description="pieces, or grams of weighed goods")
    expected: int | None = Field(
        None, description="book or announced quantity; left out while a count is open (blind)"
    )


class StockDoc(Out):
    """A write-off, count, delivery or transfer as stored."""

    id: str
    kind: str
    status: str
    reference: str
    other_store: str | None
    reason: str | None
    scope: str | None
    staff: str
    approved_by: str | None
    created_at: str
    closed_at: str | None
    lines: list[DocLine]


class Difference(Out):
    sku: str
    announced: int
    received: int
    difference: int


class DeliveryReceived(StockDoc):
    receipt_id: str
    differences: list[Difference] = Field(description="against the announcement so far")


class Scanned(Out):
    sku: str
    counted: int = Field(description="the SKU's count so far")


class SyncStatus(Out):
    connected: bool
    configured: bool
    outbox_depth: int
    oldest_unacked_age_s: float | None
    last_ack_at: str | None
    catalogue_version: int
    dead_letters: int
