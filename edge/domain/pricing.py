"""What goods cost: the ONE pricing rule of every channel.

The till (a basket line), the kiosk (the offer of one unit), the node's order code (an order's
lines, what is due at pickup) and the hub (pricing an order) all call these functions; nothing
else multiplies a price by a quantity.

Conventions:
- a quantity is a number of pieces, or of grams for goods sold by the kilogram (`unit` "kg"),
  whose price is per kg: the amount is grams × price / 1000, rounded half up to the grosz;
- a promotion takes its discount off that amount: `percent` rounds its share half up, `price`
  is the cheaper unit price applied to the same quantity, `multibuy` makes every `buy` pieces
  cost `pay` pieces (pieces only);
- of several active promotions the one that takes most off applies (one per line, never two);
- a members-only promotion (a member price) applies only when the customer is a member (a
  basket carrying a loyalty card); everywhere else it is as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from edge.domain.catalogue import Product, Promotion, Unit
from edge.domain.money import div_half_up

GRAMS_PER_KG = 1000


def amount(unit: Unit, unit_price: int, qty: int) -> int:
    """`qty` pieces at `unit_price`, or `qty` grams at `unit_price` per kg (half up)."""
    if unit == "kg":
        return div_half_up(unit_price * qty, GRAMS_PER_KG)
    return unit_price * qty


def one_unit(unit: Unit) -> int:
    """The quantity a shelf price is for: one piece, or one kilogram."""
    return GRAMS_PER_KG if unit == "kg" else 1


def promotion_discount(unit: Unit, unit_price: int, qty: int, promo: Promotion) -> int:
    """What `promo` takes off `qty` at `unit_price` (never below zero)."""
    if promo.kind == "percent":
        return div_half_up(amount(unit, unit_price, qty) * promo.value, 100)
    if promo.kind == "price":
        return amount(unit, max(0, unit_price - promo.value), qty)
    if promo.kind == "multibuy" and unit == "pcs" and promo.buy > promo.pay >= 0:
        return (qty // promo.buy) * (promo.buy - promo.pay) * unit_price
    return 0


@dataclass(frozen=True, slots=True)
class LinePrice:
    gross: int  # the quantity at the unit price
    discount: int  # what the promotion takes off
    promotion: Promotion | None

    @property
    def total(self) -> int:
        return self.gross - self.discount


def under(unit: Unit, unit_price: int, qty: int, promotion: Promotion | None) -> LinePrice:
    """The line priced under one given promotion (or none): an order's terms, fixed when the
    order was priced, price any part of it the same way later."""
    gross = amount(unit, unit_price, qty)
    off = promotion_discount(unit, unit_price, qty, promotion) if promotion else 0
    return LinePrice(gross, off, promotion if off else None)


def best(
    unit: Unit,
    unit_price: int,
    qty: int,
    promotions: Iterable[Promotion],
    now: datetime,
    member: bool = False,
) -> LinePrice:
    """The line priced with the active promotion that takes most off (first listed on a tie);
    members-only promotions count only for a `member`."""
    gross = amount(unit, unit_price, qty)
    off, chosen = 0, None
    for promo in promotions:
        if promo.active_at(now) and (member or not promo.members_only):
            d = promotion_discount(unit, unit_price, qty, promo)
            if d > off:
                off, chosen = d, promo
    return LinePrice(gross, off, chosen)


@dataclass(frozen=True, slots=True)
class Offer:
    """What the kiosk shows: the amount charged now for one unit (per kg for weighed goods)
    and the promotion that makes it, if any."""

    unit_price: int
    promotion_id: str | None


def offer(
    product: Product, promotions: Iterable[Promotion], now: datetime, member: bool = False
) -> Offer:
    """One unit of `product` priced as the till prices a line of one unit (for a `member`,
    as it prices a basket carrying a loyalty card)."""
    line = best(product.unit, product.price, one_unit(product.unit), promotions, now, member)
    return Offer(line.total, line.promotion.id if line.promotion else None)


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A priced line of an order: the unit price and promotion it was priced with are its
    terms, so what is due for part of it is priced by `under` the same way."""

    sku: str
    qty: int
    unit: Unit
    unit_price: int
    promotion: Promotion | None
    total: int

    def amount_for(self, qty: int) -> int:
        return under(self.unit, self.unit_price, qty, self.promotion).total


def price_order(
    lines: Sequence[tuple[Product, int]],
    promotions: Mapping[str, Sequence[Promotion]],
    now: datetime,
) -> list[OrderLine]:
    """Prices an order's lines (product, pieces or grams) as the till would price them."""
    out = []
    for product, qty in lines:
        line = best(product.unit, product.price, qty, promotions.get(product.sku, ()), now)
        out.append(
            OrderLine(product.sku, qty, product.unit, product.price, line.promotion, line.total)
        )
    return out


def terms(promotion: Promotion | None) -> dict[str, object] | None:
    """An order line's promotion as it travels with the order (what prices it, nothing more)."""
    if promotion is None:
        return None
    return {
        "id": promotion.id,
        "kind": promotion.kind,
        "value": promotion.value,
        "buy": promotion.buy,
        "pay": promotion.pay,
    }


def from_terms(sku: str, raw: object) -> Promotion | None:
    """The promotion of an order line from `terms`; ValueError when it is not one."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError("a line's promotion is an object {id, kind, value, buy, pay}")
    pid, kind = raw.get("id"), raw.get("kind")
    numbers = [raw.get(k, 0) for k in ("value", "buy", "pay")]
    if not isinstance(pid, str) or kind not in ("percent", "price", "multibuy"):
        raise ValueError("a line's promotion needs its id and kind")
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in numbers):
        raise ValueError("a line's promotion has non-negative whole numbers")
    value, buy, pay = numbers
    if kind == "percent" and value > 100:
        raise ValueError("a percent promotion takes at most 100 %")
    return Promotion(pid, sku, kind, value=value, buy=buy, pay=pay)
