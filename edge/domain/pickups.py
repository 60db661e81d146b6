"""Click & collect orders at the store: reservation, lifecycle, the pickup-code lock and what a
collection hands over. Pure rules; the service writes the results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from edge.domain import ordering, pricing
from edge.domain.catalogue import Promotion, Unit
from edge.domain.errors import AccountLocked, Conflict, InvalidInput
from edge.domain.events import Event, levels_data
from edge.domain.stock import Level, Movement, MovementKind

ORDER_STATUS = "order.status"
ORDER_REQUESTED = "order.requested"

Status = Literal[
    "received",
    "picking",
    "ready",
    "collected",
    "partially_collected",
    "refused",
    "expired",
    "cancelled",
]
OPEN: frozenset[str] = frozenset({"received", "picking", "ready"})
FINAL: frozenset[str] = frozenset(
    {"collected", "partially_collected", "refused", "expired", "cancelled"}
)
# Where the store may move an order by hand; collection, expiry and cancellation end it.
_MANUAL: dict[str, frozenset[str]] = {
    "received": frozenset({"picking", "ready"}),
    "picking": frozenset({"ready"}),
    "ready": frozenset({"ready"}),  # a new shelf location
}
MAX_CODE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    qty: int  # pieces, or grams of weighed goods
    unit_price: int  # per piece or per kg, as the hub priced the order
    reserved: int = 0
    collected: int = 0
    short: int = 0  # what the store could not reserve: the hub reroutes it
    unit: Unit = "pcs"
    promotion: Promotion | None = None  # the promotion the order was priced with

    def amount(self, qty: int) -> int:
        """What `qty` of this line costs on the order's terms (edge/domain/pricing)."""
        return pricing.under(self.unit, self.unit_price, qty, self.promotion).total


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    store_id: str
    status: str
    lines: tuple[OrderLine, ...]
    currency: str
    customer: Mapping[str, Any]
    prepaid: bool
    pickup_code_hash: str
    created_at: datetime
    expires_at: datetime
    request_id: str | None = None
    shelf: str | None = None
    code_attempts: int = 0
    locked: bool = False
    receipt_no: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(ln.amount(ln.qty) for ln in self.lines)

    @property
    def amount_due(self) -> int:
        """What the shopper still pays at the counter: nothing for a prepaid or paid order,
        else the goods reserved for them and not yet handed over."""
        if self.prepaid or self.receipt_no or not self.open:
            return 0
        return sum(ln.amount(ln.reserved - ln.collected) for ln in self.lines)

    @property
    def open(self) -> bool:
        return self.status in OPEN

    def line(self, sku: str) -> OrderLine | None:
        return next((ln for ln in self.lines if ln.sku == sku), None)


def reserve(
    lines: list[OrderLine], levels: Mapping[str, Level], known: set[str]
) -> tuple[tuple[OrderLine, ...], list[Movement]]:
    """Reserves what the store has available, line by line; an unknown SKU or missing stock is
    reported as short. Lines of the same SKU share the available stock."""
    available = {sku: max(0, lv.available) for sku, lv in levels.items()}
    out: list[OrderLine] = []
    movements: list[Movement] = []
    for line in lines:
        sku, qty = line.sku, line.qty
        can = min(qty, available.get(sku, 0)) if sku in known else 0
        available[sku] = available.get(sku, 0) - can
        out.append(replace(line, reserved=can, short=qty - can))
        if can:
            movements.append(Movement(sku, MovementKind.RESERVATION, can))
    return tuple(out), movements


def check_lines(raw: Any, units: Mapping[str, Unit]) -> list[OrderLine]:
    """Validates the lines of an `order.create` command: [{sku, qty, unit_price, unit?,
    promotion?}], with the quantity caps every channel shares (edge/domain/ordering). A line
    without its unit takes the store's (`units`), else pieces."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("an order needs at least one line")
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidInput("an order line is an object {sku, qty, unit_price}")
        sku, qty, price = item.get("sku"), item.get("qty"), item.get("unit_price", 0)
        if not isinstance(sku, str) or not sku or len(sku) > ordering.SKU_MAX:
            raise InvalidInput("an order line needs a sku")
        unit = item.get("unit", units.get(sku, "pcs"))
        if unit not in ("pcs", "kg"):
            raise InvalidInput(f"unit of {sku} must be pcs or kg")
        ordering.check_quantity(sku, unit, qty)
        if not isinstance(price, int) or isinstance(price, bool) or price < 0:
            raise InvalidInput(f"unit_price of {sku} must be a non-negative integer")
        try:
            promotion = pricing.from_terms(sku, item.get("promotion"))
        except ValueError as exc:
            raise InvalidInput(f"{sku}: {exc}") from None
        assert isinstance(qty, int)
        out.append(OrderLine(sku, qty, price, unit=unit, promotion=promotion))
    return out


def move(order: Order, to: str, shelf: str | None = None) -> Order:
    """A manual step of the lifecycle (picking, ready on a shelf)."""
    if to not in _MANUAL.get(order.status, frozenset()):
        raise Conflict(
            f"order {order.order_id} is {order.status}; it cannot become {to}",
            status_now=order.status,
        )
    if to == "ready" and not (shelf and shelf.strip()):
        raise InvalidInput("a ready order needs its shelf location")
    return replace(order, status=to, shelf=shelf.strip() if shelf else order.shelf)


def ensure_collectable(order: Order) -> None:
    if order.locked:
        raise AccountLocked(
            f"order {order.order_id} is locked after too many wrong pickup codes; "
            "a supervisor must unlock it",
            order_id=order.order_id,
        )
    if order.status != "ready":
        raise Conflict(
            f"order {order.order_id} is {order.status}, not ready for collection",
            status_now=order.status,
        )


def after_wrong_code(order: Order, max_attempts: int = MAX_CODE_ATTEMPTS) -> Order:
    attempts = order.code_attempts + 1
    return replace(order, code_attempts=attempts, locked=attempts >= max_attempts)


def collection(
    order: Order, wanted: Mapping[str, int] | None
) -> tuple[Order, list[Movement], list[Movement]]:
    """What a collection hands over: `wanted` (sku → qty) or everything reserved. Returns the
    order after it, the movements of the goods handed over (PICKUP) and of the goods released
    (declined by the shopper). Nothing handed over at all means the order was refused."""
    if wanted is not None:
        for sku, qty in wanted.items():
            line = order.line(sku)
            if line is None:
                raise InvalidInput(f"order {order.order_id} has no line {sku}")
            if qty < 0 or qty > line.reserved - line.collected:
                raise InvalidInput(
                    f"{sku}: can hand over 0..{line.reserved - line.collected}, asked {qty}"
                )
    lines: list[OrderLine] = []
    handed: list[Movement] = []
    released: list[Movement] = []
    declined = False
    for ln in order.lines:
        left = ln.reserved - ln.collected
        take = left if wanted is None else wanted.get(ln.sku, 0)
        if take:
            handed.append(Movement(ln.sku, MovementKind.PICKUP, take))
        if left - take:
            declined = True
            released.append(Movement(ln.sku, MovementKind.RELEASE, left - take))
        lines.append(replace(ln, collected=ln.collected + take))
    collected = sum(ln.collected for ln in lines)
    if collected == 0:
        status = "refused"
    elif declined or any(ln.collected < ln.qty for ln in lines):
        status = "partially_collected"
    else:
        status = "collected"
    return replace(order, lines=tuple(lines), status=status), handed, released


def release_all(order: Order, status: str) -> tuple[Order, list[Movement]]:
    """Expiry or cancellation: every reservation not handed over goes back to stock."""
    if not order.open:
        raise Conflict(f"order {order.order_id} is already {order.status}", status_now=order.status)
    movements = [
        Movement(ln.sku, MovementKind.RELEASE, ln.reserved - ln.collected)
        for ln in order.lines
        if ln.reserved - ln.collected
    ]
    return replace(order, status=status), movements


def expired(order: Order, now: datetime) -> bool:
    return order.open and order.expires_at <= now


def status_event(order: Order, levels: list[Level]) -> Event:
    data: dict[str, Any] = {
        "order_id": order.order_id,
        "store_id": order.store_id,
        "status": order.status,
        "lines": [
            {
                "sku": ln.sku,
                "qty": ln.qty,
                "reserved": ln.reserved,
                "collected": ln.collected,
                "short": ln.short,
            }
            for ln in order.lines
        ],
        "stock": levels_data(levels),
    }
    if order.shelf:
        data["shelf"] = order.shelf
    if order.receipt_no:
        data["receipt_no"] = order.receipt_no
    if order.request_id:
        data["request_id"] = order.request_id
    return Event(ORDER_STATUS, data)
