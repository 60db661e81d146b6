"""Deliveries the ERP announces (`POST /api/v1/deliveries`): recorded at the hub and sent to the
store as a signed `delivery.announce` command in the same transaction; the store's receipts
(`delivery.received` events, sync/hub/stock_docs.py) fill in what arrived and the
differences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from edge.api.schemas import PlainText
from edge.domain import stock_documents
from edge.domain.errors import NotFound, UnknownProduct
from sync.hub import commands
from sync.hub.context import HubContext
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import stock_docs as repo
from sync.hub.store.port import Tx, utc_iso
from sync.protocol import Command

ANNOUNCE = "delivery.announce"


class DeliveryLineIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=10_000_000)


class DeliveryIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    store_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    reference: str = Field("", max_length=64)
    lines: list[DeliveryLineIn] = Field(min_length=1, max_length=500)


def announce(
    ctx: HubContext, tx: Tx, body: DeliveryIn, now: datetime
) -> tuple[dict[str, Any], Command]:
    lines = stock_documents.lines_of((ln.sku, ln.qty) for ln in body.lines)
    for ln in lines:
        if catalogue_repo.price_of(tx, ln.sku) is None:
            raise UnknownProduct(f"no product with SKU {ln.sku}")
    delivery_id = str(uuid.uuid4())
    pairs = [(ln.sku, ln.qty) for ln in lines]
    repo.announce(tx, delivery_id, body.store_id, body.reference, pairs, utc_iso(now))
    data = {"delivery_id": delivery_id, "reference": body.reference,
            "lines": stock_documents.lines_data(lines)}  # fmt: skip
    cmd = commands.issue(ctx, tx, body.store_id, ANNOUNCE, data, now)
    return get(tx, delivery_id), cmd


def get(tx: Tx, delivery_id: str) -> dict[str, Any]:
    found = repo.delivery(tx, delivery_id)
    if found is None:
        raise NotFound(f"no delivery {delivery_id}")
    return found


def listing(
    tx: Tx, *, store_id: str | None = None, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    ids = repo.delivery_ids(tx, store_id=store_id, status=status, limit=limit)
    return [get(tx, i) for i in ids]
