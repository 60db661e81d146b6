"""Stock here and in nearby stores (the latter as last heard from the hub, with its age)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from edge.domain.errors import UnknownProduct
from edge.domain.stock import Level
from edge.services.context import Context
from edge.store import catalogue_repo, stock_repo


@dataclass(frozen=True, slots=True)
class NearbyLevel:
    store_id: str
    name: str
    distance_km: float | None
    level: Level
    as_of: datetime


@dataclass(frozen=True, slots=True)
class Availability:
    sku: str
    here: Level
    nearby: tuple[NearbyLevel, ...]


def availability(ctx: Context, sku: str) -> Availability:
    with ctx.db.read() as conn:
        if catalogue_repo.get(conn, sku) is None:
            raise UnknownProduct(f"no product with SKU {sku}")
        return _availability(conn, sku)


def _availability(conn: sqlite3.Connection, sku: str) -> Availability:
    nearby = tuple(
        NearbyLevel(
            r["store_id"],
            r["name"],
            r["distance_km"],
            Level(sku, r["on_hand"], r["reserved"]),
            datetime.fromisoformat(r["as_of"]),
        )
        for r in stock_repo.nearby(conn, sku)
    )
    return Availability(sku, stock_repo.level(conn, sku), nearby)
