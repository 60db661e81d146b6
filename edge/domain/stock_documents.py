"""Stock documents of the shop floor: write-offs, stock counts, deliveries received and transfers
between stores. Each is a list of (SKU, quantity) lines that becomes stock movements and one
event for the hub; the rules here decide the movements, the counted adjustments and the
differences against an announcement. Plain Python: the services load and store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from edge.domain.catalogue import Product
from edge.domain.errors import InvalidInput
from edge.domain.pricing import amount
from edge.domain.stock import Movement, MovementKind

WriteOffReason = Literal["damaged", "expired", "theft"]
WRITE_OFF_REASONS: tuple[WriteOffReason, ...] = ("damaged", "expired", "theft")

WRITE_OFF = "write_off.completed"
COUNT = "count.completed"
DELIVERY = "delivery.received"
TRANSFER_SENT = "transfer.sent"
TRANSFER_RECEIVED = "transfer.received"


@dataclass(frozen=True, slots=True)
class Line:
    sku: str
    qty: int  # pieces, or grams of weighed goods


def lines_of(raw: Iterable[tuple[str, int]], *, allow_zero: bool = False) -> list[Line]:
    """Lines with each SKU once (repeated scans of one SKU add up) and positive quantities."""
    out: dict[str, int] = {}
    for sku, qty in raw:
        if qty < 0 or (qty == 0 and not allow_zero):
            raise InvalidInput(f"{sku}: a quantity must be positive, got {qty}")
        out[sku] = out.get(sku, 0) + qty
    if not out:
        raise InvalidInput("a document needs at least one line")
    return [Line(sku, qty) for sku, qty in out.items()]


def value(lines: Sequence[Line], products: Mapping[str, Product]) -> int:
    """What the goods are worth at their shelf price (minor units), priced as a sale prices."""
    return sum(amount(products[ln.sku].unit, products[ln.sku].price, ln.qty) for ln in lines)


def write_off_reason(reason: str) -> WriteOffReason:
    for known in WRITE_OFF_REASONS:
        if reason == known:
            return known
    raise InvalidInput(f"a write-off reason is one of {', '.join(WRITE_OFF_REASONS)}")


def movements(lines: Sequence[Line], kind: MovementKind) -> list[Movement]:
    return [Movement(ln.sku, kind, ln.qty) for ln in lines if ln.qty]


# --- stock counts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountedLine:
    sku: str
    book: int  # the book stock as of the count's start
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.book


def settle_count(
    counted: Mapping[str, int], book_at_start: Mapping[str, int], in_scope: Iterable[str]
) -> list[CountedLine]:
    """Every SKU counted, and every SKU of the count's scope with book stock that nobody found
    (counted as zero: the shelf was counted and it was not there)."""
    skus = sorted(set(counted) | {s for s in in_scope if book_at_start.get(s, 0) != 0})
    return [CountedLine(s, book_at_start.get(s, 0), counted.get(s, 0)) for s in skus]


def count_movements(lines: Sequence[CountedLine]) -> list[Movement]:
    """One adjustment per difference: what is on the shelf now is what was counted plus what
    moved since the count started (a sale during the count is not counted twice)."""
    return [
        Movement(ln.sku, MovementKind.ADJUSTMENT, ln.difference) for ln in lines if ln.difference
    ]


def count_scope(scope: str) -> str:
    """'full' (every SKU with stock), 'category:<id>' (every SKU of it), or 'shelf:<name>' (only
    what was scanned there: a shelf holds goods of many categories the books cannot place)."""
    kind, _, name = scope.partition(":")
    if scope == "full" or (kind in ("category", "shelf") and name):
        return scope
    raise InvalidInput("a count's scope is 'full', 'category:<id>' or 'shelf:<name>'")


# --- deliveries ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    sku: str
    announced: int  # 0 for goods that were not announced
    received: int  # in every receipt so far

    @property
    def difference(self) -> int:
        """Received minus announced: negative is short, positive is over."""
        return self.received - self.announced

    def data(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "announced": self.announced,
            "received": self.received,
            "difference": self.difference,
        }


def receive(
    announced: Mapping[str, int], received_before: Mapping[str, int], now: Sequence[Line]
) -> list[DeliveryLine]:
    """The delivery's lines after this receipt (partial receipts add up)."""
    got = dict(received_before)
    for ln in now:
        got[ln.sku] = got.get(ln.sku, 0) + ln.qty
    skus = list(dict.fromkeys([*announced, *got]))
    return [DeliveryLine(s, announced.get(s, 0), got.get(s, 0)) for s in skus]


def delivery_complete(lines: Sequence[DeliveryLine], final: bool) -> bool:
    """Everything announced has come (or staff closed it short)."""
    return final or all(ln.received >= ln.announced for ln in lines)


def lines_data(lines: Sequence[Line]) -> list[dict[str, Any]]:
    return [{"sku": ln.sku, "qty": ln.qty} for ln in lines]
