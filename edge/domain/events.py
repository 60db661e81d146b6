"""Events a store tells the hub about. Their `type` and `data` shapes are part of the
replication contract (see docs/asyncapi.yaml); add fields, never rename them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edge.domain.sale import Sale
from edge.domain.stock import Level

SALE_COMPLETED = "sale.completed"
STOCK_ADJUSTED = "stock.adjusted"


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    data: dict[str, Any]


def levels_data(levels: list[Level]) -> list[dict[str, Any]]:
    """Stock levels after the change: the hub sets them (events apply in seq order)."""
    return [{"sku": lv.sku, "on_hand": lv.on_hand, "reserved": lv.reserved} for lv in levels]


def sale_completed(sale: Sale, levels: list[Level]) -> Event:
    return Event(
        SALE_COMPLETED,
        {
            "receipt_no": sale.receipt_no,
            "store_id": sale.store_id,
            "register": sale.register,
            "cashier": sale.cashier,
            "at": sale.at.isoformat(),
            "currency": sale.currency,
            "total": sale.total,
            "change": sale.change,
            "lines": [
                {
                    "line_no": ln.line_no,
                    "sku": ln.sku,
                    "qty": ln.qty,
                    "unit": ln.unit,
                    "unit_price": ln.unit_price,
                    "discount": ln.discount,
                    "total": ln.total,
                    "vat": ln.vat.letter,
                }
                for ln in sale.lines
            ],
            "tenders": [
                {"type": t.type, "amount": t.amount, "reference": t.reference} for t in sale.tenders
            ],
            "vat": [
                {
                    "rate": v.rate.letter,
                    "percent": v.rate.percent,
                    "gross": v.gross.amount,
                    "vat": v.vat.amount,
                }
                for v in sale.vat
            ],
            "stock": levels_data(levels),
        },
    )


def stock_adjusted(reason: str, levels: list[Level]) -> Event:
    return Event(STOCK_ADJUSTED, {"reason": reason, "stock": levels_data(levels)})
