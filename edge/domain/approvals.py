"""Who may take money off a sale: approval rules evaluated on the basket as it will be paid.

A basket has reductions: on a line, what a manual price or a manual discount takes off the
line's reference (its catalogue price with the best promotion); on the basket, its basket
discount. A cashier may take off up to the configured share of a line's or the basket's
reference by discount; anything more, and any manual price below the reference, needs an
approval. An approval names what it approved: the action, the amount taken off and the
reference it was taken from; it covers a reduction no larger in amount and no larger as a
share. So every change of a line (quantity, price, discount) is checked again: 10 % off ten
pieces approved does not cover the same amount off one piece, which would make it free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from edge.domain.money import div_half_up

if TYPE_CHECKING:
    from edge.domain.basket import Basket, PricedBasket

Action = Literal["line_discount", "price_override", "basket_discount", "order_terms"]
BASKET = 0  # the target id of the basket's own discount (line ids start at 1)


@dataclass(frozen=True, slots=True)
class Approval:
    by: str  # a supervisor's username, or "order:<id>" for an order's agreed prices
    action: str
    amount: int  # minor units taken off
    base: int  # the reference they were taken from

    def covers(self, reduction: int, reference: int) -> bool:
        """No more money off, and no larger a share (to the grosz), than was approved."""
        if reduction > self.amount:
            return False
        share = div_half_up(self.amount * reference, self.base) if self.base > 0 else 0
        return reduction <= share


@dataclass(frozen=True, slots=True)
class Reduction:
    target: int  # a line id, or BASKET
    action: Action
    amount: int
    reference: int
    approval: Approval | None

    def within(self, cashier_max_percent: int) -> bool:
        """A discount a cashier may give alone (a manual price never is one when it is lower)."""
        if self.amount <= 0:
            return True
        if self.action in ("line_discount", "basket_discount"):
            # Rounded as a percentage discount is: 10 % of 12,98 zł is 1,30 zł.
            return self.amount <= div_half_up(cashier_max_percent * self.reference, 100)
        return False

    def covered(self, cashier_max_percent: int) -> bool:
        if self.within(cashier_max_percent):
            return True
        return self.approval is not None and self.approval.covers(self.amount, self.reference)

    def describe(self) -> str:
        what = "the basket discount" if self.target == BASKET else f"line {self.target}"
        share = 100 * self.amount / self.reference if self.reference else 100.0
        return f"{what} takes {self.amount} off {self.reference} ({share:.0f} %)"


def reductions(basket: Basket, priced: PricedBasket) -> list[Reduction]:
    out: list[Reduction] = []
    subtotal = 0
    approved = {ln.line_id: ln.approval for ln in basket.lines}  # as of now, not as priced
    for p in priced.lines:
        before_basket = p.gross - p.promo_discount - p.manual_discount
        subtotal += before_basket
        approval = approved.get(p.line.line_id)
        action: Action = "price_override" if p.line.price_override is not None else "line_discount"
        if approval is not None and approval.action == "order_terms":
            action = "order_terms"
        reduction = max(0, p.reference - before_basket)
        out.append(Reduction(p.line.line_id, action, reduction, p.reference, approval))
    basket_off = sum(p.basket_discount for p in priced.lines)
    out.append(Reduction(BASKET, "basket_discount", basket_off, subtotal, basket.approval))
    return out


def uncovered(basket: Basket, priced: PricedBasket, cashier_max_percent: int) -> list[Reduction]:
    """The reductions of the basket that its approvals do not cover."""
    if not _manual(basket):
        return []  # the common basket: catalogue prices and promotions only, nothing to approve
    return [r for r in reductions(basket, priced) if not r.covered(cashier_max_percent)]


def _manual(basket: Basket) -> bool:
    """Whether anyone took money off by hand (a manual price or a discount)."""
    if basket.discount_percent or basket.discount_amount:
        return True
    return any(
        ln.price_override is not None or ln.discount_percent or ln.discount_amount
        for ln in basket.lines
    )


def grant(reduction: Reduction, by: str, action: Action | None = None) -> Approval:
    """`by` approves the reduction as it stands now."""
    return Approval(by, action or reduction.action, reduction.amount, reduction.reference)


def above_limit(what: str, value: int, limit: int) -> str | None:
    """Why a document worth `value` needs a supervisor (worth more than `limit`), or None."""
    return f"{what} worth {value} (above {limit})" if value > limit else None
