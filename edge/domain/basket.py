"""The basket aggregate: lines, quantities, discounts, and how a basket is priced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from edge.domain import pricing
from edge.domain.approvals import BASKET, Approval
from edge.domain.barcodes import Scan
from edge.domain.catalogue import Product, Promotion, Unit
from edge.domain.errors import BasketClosed, EmptyBasket, InvalidInput, NotFound
from edge.domain.money import Money, div_half_up
from edge.domain.vat import VatLine, VatRate, breakdown

BasketStatus = Literal["open", "checked_out", "cancelled"]
MAX_PIECES_PER_LINE = 9999
MAX_GRAMS_PER_LINE = 999_999
MAX_AMOUNT = 100_000_000  # minor units: no till line or discount comes near a million zł


@dataclass(frozen=True, slots=True)
class BasketLine:
    line_id: int
    sku: str
    name: str
    unit: Unit
    vat: VatRate
    unit_price: int  # catalogue gross price at scan time, per piece or per kg
    qty: int  # pieces, or grams for weighed goods
    code: str = ""
    fixed_total: int | None = None  # a price-embedded label fixes the line's amount
    price_override: int | None = None  # manual unit price (needs a supervisor)
    discount_percent: int = 0
    discount_amount: int = 0
    approval: Approval | None = None  # what a supervisor (or an order's terms) approved
    batch: str | None = None
    expiry: date | None = None

    @property
    def approved_by(self) -> str | None:
        return self.approval.by if self.approval else None

    @property
    def mergeable(self) -> bool:
        """A plain piece line: scanning the same product again adds to it."""
        return (
            self.unit == "pcs"
            and self.fixed_total is None
            and self.price_override is None
            and not self.discount_percent
            and not self.discount_amount
            and self.batch is None
        )

    def gross(self) -> int:
        if self.fixed_total is not None:
            return self.fixed_total
        price = self.price_override if self.price_override is not None else self.unit_price
        return pricing.amount(self.unit, price, self.qty)


def _check_qty(unit: Unit, qty: int) -> None:
    limit = MAX_GRAMS_PER_LINE if unit == "kg" else MAX_PIECES_PER_LINE
    if not 0 < qty <= limit:
        what = "grams" if unit == "kg" else "pieces"
        raise InvalidInput(f"quantity must be between 1 and {limit} {what}, got {qty}")


@dataclass
class Basket:
    id: str
    register: str
    currency: str = "PLN"
    status: BasketStatus = "open"
    lines: list[BasketLine] = field(default_factory=list)
    discount_percent: int = 0
    discount_amount: int = 0
    approval: Approval | None = None  # of the basket discount
    created_by: str | None = None
    created_at: datetime | None = None

    def ensure_open(self) -> None:
        """Raises BasketClosed unless lines may still change and the basket may be paid."""
        if self.status == "checked_out":
            raise BasketClosed(f"basket {self.id} is already paid", basket_id=self.id)
        if self.status != "open":
            raise BasketClosed(f"basket {self.id} is {self.status.replace('_', ' ')}")

    def check_out(self) -> None:
        """The basket was paid: it can change no more."""
        self.ensure_open()
        if not self.lines:
            raise EmptyBasket("the basket is empty")
        self.status = "checked_out"

    def cancel(self) -> None:
        self.ensure_open()
        self.status = "cancelled"

    def _next_line_id(self) -> int:
        return max((line.line_id for line in self.lines), default=0) + 1

    def line(self, line_id: int) -> BasketLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise NotFound(f"basket {self.id} has no line {line_id}")

    def add(self, product: Product, qty: int = 1, scan: Scan | None = None) -> BasketLine:
        """Adds a product as scanned. A weighed label brings its own weight or price; a plain
        piece scanned again adds to the existing line."""
        self.ensure_open()
        if not product.active:
            raise InvalidInput(f"{product.sku} is withdrawn from sale")
        fixed_total = None
        if product.weighed:
            if scan is not None and scan.weight_g is not None:
                qty = scan.weight_g
            elif scan is not None and scan.price is not None:
                fixed_total = scan.price
                qty = max(1, div_half_up(scan.price * 1000, max(product.price, 1)))
        elif scan is not None and scan.price is not None:
            fixed_total = scan.price * qty
        _check_qty(product.unit, qty)
        candidate = BasketLine(
            line_id=self._next_line_id(),
            sku=product.sku,
            name=product.name("pl"),
            unit=product.unit,
            vat=product.vat,
            unit_price=product.price,
            qty=qty,
            code=scan.raw.strip() if scan else "",
            fixed_total=fixed_total,
            batch=scan.batch if scan else None,
            expiry=scan.expiry if scan else None,
        )
        if candidate.mergeable:
            for i, line in enumerate(self.lines):
                if line.sku == product.sku and line.mergeable:
                    merged = replace(line, qty=line.qty + qty)
                    _check_qty(merged.unit, merged.qty)
                    self.lines[i] = merged
                    return merged
        self.lines.append(candidate)
        return candidate

    def _replace(self, line_id: int, **changes: Any) -> BasketLine:
        self.ensure_open()
        old = self.line(line_id)
        new = replace(old, **changes)
        self.lines[self.lines.index(old)] = new
        return new

    def set_qty(self, line_id: int, qty: int) -> BasketLine:
        line = self.line(line_id)
        if line.fixed_total is not None:
            raise InvalidInput("the quantity of a price-embedded label cannot be changed")
        _check_qty(line.unit, qty)
        return self._replace(line_id, qty=qty)

    def remove(self, line_id: int) -> None:
        self.ensure_open()
        self.lines.remove(self.line(line_id))

    def discount_line(self, line_id: int, percent: int = 0, amount: int = 0) -> BasketLine:
        _check_discount(percent, amount)
        return self._replace(line_id, discount_percent=percent, discount_amount=amount)

    def override_price(self, line_id: int, unit_price: int) -> BasketLine:
        if not 0 <= unit_price <= MAX_AMOUNT:
            raise InvalidInput(f"a price is between 0 and {MAX_AMOUNT} minor units")
        return self._replace(line_id, price_override=unit_price)

    def discount_basket(self, percent: int = 0, amount: int = 0) -> None:
        self.ensure_open()
        _check_discount(percent, amount)
        self.discount_percent, self.discount_amount = percent, amount

    def approve(self, target: int, approval: Approval) -> None:
        """Records an approval of a line's reduction (its line id) or of the basket's (BASKET)."""
        self.ensure_open()
        if target == BASKET:
            self.approval = approval
        else:
            self._replace(target, approval=approval)


def _check_discount(percent: int, amount: int) -> None:
    if not 0 <= percent <= 100:
        raise InvalidInput("a discount percentage must be between 0 and 100")
    if not 0 <= amount <= MAX_AMOUNT:
        raise InvalidInput(f"a discount amount is between 0 and {MAX_AMOUNT} minor units")
    if percent and amount:
        raise InvalidInput("give a discount as a percentage or as an amount, not both")


@dataclass(frozen=True, slots=True)
class PricedLine:
    line: BasketLine
    gross: int
    promo_discount: int
    manual_discount: int
    basket_discount: int
    promotion: Promotion | None = None
    reference: int = 0  # what the line costs by the catalogue and its promotions alone

    @property
    def total(self) -> int:
        return self.gross - self.promo_discount - self.manual_discount - self.basket_discount

    @property
    def discount(self) -> int:
        return self.promo_discount + self.manual_discount + self.basket_discount


@dataclass(frozen=True, slots=True)
class PricedBasket:
    currency: str
    lines: tuple[PricedLine, ...]
    vat: tuple[VatLine, ...]

    @property
    def subtotal(self) -> int:
        return sum(p.gross for p in self.lines)

    @property
    def discount(self) -> int:
        return sum(p.discount for p in self.lines)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.lines)


def apportion(amount: int, weights: Sequence[int]) -> list[int]:
    """Splits `amount` over `weights` proportionally; the shares sum to `amount` exactly
    (largest remainder), so per-rate VAT totals stay consistent with the basket total."""
    base = sum(weights)
    if base <= 0 or amount <= 0:
        return [0] * len(weights)
    parts = [divmod(amount * w, base) for w in weights]
    shares = [q for q, _ in parts]
    rest = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: parts[i][1], reverse=True)
    for i in order[:rest]:
        shares[i] += 1
    return shares


def price(
    basket: Basket,
    promotions: Mapping[str, Sequence[Promotion]],
    now: datetime,
    member: bool = False,
) -> PricedBasket:
    """Prices a basket: catalogue price or label, best active promotion (edge/domain/pricing;
    member prices for a `member`'s basket),
    manual line discount, basket discount apportioned over lines, then VAT per rate on the rate
    totals. A label's price or a manual price takes no promotion on top."""
    staged: list[tuple[BasketLine, int, int, int, Promotion | None, int]] = []
    for line in basket.lines:
        gross = line.gross()
        offers = promotions.get(line.sku, ())
        catalogue = pricing.best(line.unit, line.unit_price, line.qty, offers, now, member)
        if line.fixed_total is not None:
            promo, reference = pricing.LinePrice(gross, 0, None), gross
        elif line.price_override is not None:
            promo, reference = pricing.LinePrice(gross, 0, None), catalogue.total
        else:
            promo, reference = catalogue, catalogue.total
        after_promo = gross - promo.discount
        manual = div_half_up(after_promo * line.discount_percent, 100)
        manual = min(after_promo, manual + line.discount_amount)
        staged.append((line, gross, promo.discount, manual, promo.promotion, reference))
    net_totals = [g - p - m for _, g, p, m, _, _ in staged]
    subtotal = sum(net_totals)
    basket_off = div_half_up(subtotal * basket.discount_percent, 100)
    basket_off = min(subtotal, basket_off + basket.discount_amount)
    shares = apportion(basket_off, net_totals)
    priced = tuple(
        PricedLine(line, gross, promo_d, manual, share, promo, reference)
        for (line, gross, promo_d, manual, promo, reference), share in zip(
            staged, shares, strict=True
        )
    )
    vat = breakdown(
        ((p.line.vat, Money(p.total, basket.currency)) for p in priced), basket.currency
    )
    return PricedBasket(basket.currency, priced, tuple(vat))
