"""What the hub's HTTP API reads: network availability, stores (with their lag), receipts and
returns."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from edge.domain.errors import NotFound
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import sales as sales_repo
from sync.hub.store import stock as stock_repo
from sync.hub.store import stores as stores_repo
from sync.hub.store.port import Tx


def availability(tx: Tx, sku: str) -> dict[str, Any]:
    if catalogue_repo.price_of(tx, sku) is None:
        raise NotFound(f"no product with SKU {sku}")
    rows = stock_repo.by_sku(tx, sku)
    return {
        "sku": sku,
        "stores": [
            {
                "store_id": r["store_id"],
                "on_hand": r["on_hand"],
                "reserved": r["reserved"],
                "as_of": r["as_of"],
                "available": max(0, r["on_hand"] - r["reserved"]),
            }
            for r in rows
        ],
    }


def lag(row: Any, now: datetime) -> tuple[int, float | None]:
    """(events, seconds) the hub's picture of a store is behind. Events: what the store last
    reported as not yet acknowledged. Seconds: with events outstanding, the age of the newest
    applied one (everything after it is still on its way); otherwise how long that event took
    from the till to the hub."""
    events = int(row["reported_depth"])
    if not row["last_event_at"]:
        return events, None
    at = datetime.fromisoformat(row["last_event_at"])
    if events > 0:
        return events, max(0.0, (now - at).total_seconds())
    if row["last_applied_at"]:
        took = datetime.fromisoformat(row["last_applied_at"]) - at
        return events, max(0.0, took.total_seconds())
    return events, None


def stores(tx: Tx, name_of: Callable[[str, str], str]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    out = []
    for r in stores_repo.listing(tx):
        lag_events, lag_s = lag(r, now)
        out.append(
            {
                "store_id": r["store_id"],
                "name": name_of(r["store_id"], r["name"]),
                "online": bool(r["online"]),
                "last_seen": r["last_seen"],
                "applied_seq": r["applied_seq"],
                "lag_s": round(lag_s, 3) if lag_s is not None else None,
                "lag_events": lag_events,
                "outbox_depth": r["reported_depth"],
                "catalogue_version": r["catalogue_version"],
                "pending_commands": r["pending_commands"],
                "resend_requests": r["resend_requests"],
                "duplicates": r["duplicates"],
            }
        )
    return out


def receipt(tx: Tx, receipt_no: str) -> dict[str, Any]:
    found = sales_repo.receipt(tx, receipt_no)
    if found is None:
        raise NotFound(f"no receipt {receipt_no}")
    sale, lines = found
    return {
        "receipt_no": receipt_no,
        "store_id": sale["store_id"],
        "at": sale["at"],
        "currency": sale["currency"],
        "total": sale["total"],
        "lines": [dict(ln) for ln in lines],
        "tenders": json.loads(sale["tenders"]),
    }


def returns(tx: Tx, flagged: bool | None = None) -> list[dict[str, Any]]:
    return [
        {**dict(r), "offline": bool(r["offline"]), "flagged": bool(r["flagged"])}
        for r in sales_repo.returns(tx, flagged)
    ]


def store_ids(tx: Tx) -> list[str]:
    return stores_repo.ids(tx)
