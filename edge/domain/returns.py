"""Returns: what may come back (never more than was sold minus what already came back), what it
refunds (the price actually paid, discounts included), where the goods go (disposition) and who
must approve it: by the total refunded against the whole purchase (so splitting a refund in
small returns changes nothing), past the return window, without a receipt. An order's signed
QR proves a purchase only once the order was paid or collected. Pure rules; the service finds
the original purchase and writes the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Literal

from edge.domain.errors import Conflict, InvalidInput
from edge.domain.events import Event, levels_data
from edge.domain.money import round_half_up
from edge.domain.stock import Level, Movement, MovementKind
from edge.domain.tenders import Tender

RETURN_COMPLETED = "return.completed"
OriginalKind = Literal["sale", "order", "none"]
Disposition = Literal["restock", "damaged", "inspection"]
DISPOSITIONS: tuple[str, ...] = ("restock", "damaged", "inspection")


class OverReturn(Conflict):
    code = "over-return"


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One SKU of the original purchase: how many were sold, what they cost in total (after
    discounts) and how many already came back."""

    sku: str
    qty: int
    total: int
    returned: int = 0

    @property
    def returnable(self) -> int:
        return max(0, self.qty - self.returned)

    @property
    def refunded(self) -> int:
        """What the items already returned were refunded (their share of the line's total)."""
        return round_half_up(Fraction(self.total * self.returned, self.qty)) if self.qty else 0

    def refund_for(self, qty: int) -> int:
        """The paid price of `qty` more items. Computed as a difference of cumulative shares so
        that returning everything in several goes refunds exactly the line total."""
        before = round_half_up(Fraction(self.total * self.returned, self.qty))
        after = round_half_up(Fraction(self.total * (self.returned + qty), self.qty))
        return after - before


@dataclass(frozen=True, slots=True)
class Original:
    kind: OriginalKind
    ref: str | None
    store_id: str | None
    currency: str
    lines: tuple[SoldLine, ...]
    tenders: tuple[Tender, ...] = ()
    offline: bool = False  # known only from a signed QR, not from the hub or this store
    at: datetime | None = None  # when it was bought (or collected): the return window's start

    def line(self, sku: str) -> SoldLine | None:
        return next((ln for ln in self.lines if ln.sku == sku), None)

    @property
    def refunded(self) -> int:
        """Refunded so far against this purchase, by every return this store knows of (its
        own and, through the hub, other stores')."""
        return sum(ln.refunded for ln in self.lines)


PROOF_STATES = ("paid", "collected")


def check_proof(payload: dict[str, Any]) -> None:
    """A signed order confirmation proves a purchase only when it says the order was paid (the
    hub signs a web order paid online) or collected (the store that handed it over signs)."""
    if payload.get("kind") == "order" and payload.get("state") not in PROOF_STATES:
        raise InvalidInput(
            "this order's QR is not a proof of purchase: an order can be refunded only once it"
            " was paid or collected (look it up at the hub, or ask for the collection slip)"
        )


@dataclass(frozen=True, slots=True)
class Requested:
    sku: str
    qty: int
    reason: str
    disposition: str


@dataclass(frozen=True, slots=True)
class ReturnLine:
    sku: str
    qty: int
    unit_price: int
    refund: int
    reason: str
    disposition: str


def sold_lines(items: Sequence[tuple[str, int, int, int]]) -> tuple[SoldLine, ...]:
    """(sku, qty, total, returned) rows → one SoldLine per SKU (a receipt may list a SKU twice)."""
    merged: dict[str, list[int]] = {}
    for sku, qty, total, returned in items:
        acc = merged.setdefault(sku, [0, 0, 0])
        acc[0] += qty
        acc[1] += total
        acc[2] += returned
    return tuple(SoldLine(sku, q, t, r) for sku, (q, t, r) in merged.items())


def plan(
    original: Original, requested: Sequence[Requested], reason_codes: Sequence[str]
) -> list[ReturnLine]:
    """Checks every requested line against the original and prices it. Raises OverReturn when
    any line asks for more than is returnable (nothing is returned then)."""
    if not requested:
        raise InvalidInput("a return needs at least one line")
    wanted: dict[str, Requested] = {}
    for r in requested:
        if r.reason not in reason_codes:
            raise InvalidInput(f"unknown reason {r.reason!r}; use one of {', '.join(reason_codes)}")
        if r.disposition not in DISPOSITIONS:
            raise InvalidInput(f"disposition must be one of {', '.join(DISPOSITIONS)}")
        if r.qty <= 0:
            raise InvalidInput(f"{r.sku}: a returned quantity must be positive")
        if r.sku in wanted:
            raise InvalidInput(f"{r.sku} is listed twice; give one line per SKU")
        wanted[r.sku] = r
    over = []
    out = []
    for r in requested:
        sold = original.line(r.sku)
        if sold is None:
            raise InvalidInput(f"{r.sku} is not on the original purchase")
        if r.qty > sold.returnable:
            over.append({"sku": r.sku, "asked": r.qty, "returnable": sold.returnable})
            continue
        refund = sold.refund_for(r.qty)
        unit = round_half_up(Fraction(sold.total, sold.qty)) if sold.qty else 0
        out.append(ReturnLine(r.sku, r.qty, unit, refund, r.reason, r.disposition))
    if over:
        desc = ", ".join(
            f"{o['sku']} (asked {o['asked']}, at most {o['returnable']})" for o in over
        )
        raise OverReturn(f"more than was sold minus already returned: {desc}", lines=over)
    return out


def movements(lines: Sequence[ReturnLine]) -> list[Movement]:
    """Back to stock: a return movement. Damaged: it comes back and is written off, so the
    ledger shows both. Inspection: it stays out of sellable stock until someone decides."""
    out: list[Movement] = []
    for ln in lines:
        if ln.disposition == "restock":
            out.append(Movement(ln.sku, MovementKind.RETURN, ln.qty))
        elif ln.disposition == "damaged":
            out.append(Movement(ln.sku, MovementKind.RETURN, ln.qty))
            out.append(Movement(ln.sku, MovementKind.WRITE_OFF, ln.qty))
    return out


def refund_tenders(
    amount: int,
    original: Original,
    card_refunded_before: int = 0,
    card_reference: str | None = None,
) -> list[Tender]:
    """Back to the original tender: card first (up to what the card paid and was not refunded
    yet, with the terminal's reference), the rest in cash from the drawer. An online order paid
    online is refunded online."""
    if amount <= 0:
        return []
    out: list[Tender] = []
    left = amount
    online = [t for t in original.tenders if t.type == "online"]
    if online:
        return [Tender("online", amount, online[0].reference)]
    card_paid = sum(t.amount for t in original.tenders if t.type == "card")
    card_room = max(0, card_paid - card_refunded_before)
    if card_room:
        ref = card_reference or next(
            (t.reference for t in original.tenders if t.type == "card"), None
        )
        take = min(left, card_room)
        out.append(Tender("card", take, ref))
        left -= take
    if left:
        out.append(Tender("cash", left))
    return out


@dataclass(frozen=True, slots=True)
class Limits:
    approval_above: int
    offline_online_limit: int
    window_days: int = 0  # 0: no return window


def approval_reasons(
    original: Original, refund: int, limits: Limits, now: datetime | None = None
) -> list[str]:
    """Why a supervisor must approve this return (empty: a cashier may do it). Amounts count
    everything refunded against the purchase, this return included."""
    reasons = []
    total = original.refunded + refund
    if original.kind == "none":
        reasons.append("a return without a receipt")
    if total > limits.approval_above:
        reasons.append(f"refunds above {limits.approval_above} against one purchase")
    if original.offline and original.kind == "order" and total > limits.offline_online_limit:
        reasons.append(f"an offline return of an online order above {limits.offline_online_limit}")
    window = timedelta(days=limits.window_days)
    if limits.window_days and original.at and now and now - original.at > window:
        reasons.append(f"a purchase older than {limits.window_days} days")
    return reasons


def completed_event(
    return_id: str,
    store_id: str,
    at: datetime,
    original: Original,
    lines: Sequence[ReturnLine],
    tenders: Sequence[Tender],
    levels: list[Level],
    exchange_receipt_no: str | None = None,
) -> Event:
    data: dict[str, Any] = {
        "return_id": return_id,
        "store_id": store_id,
        "at": at.isoformat(),
        "original": {"kind": original.kind, "ref": original.ref, "store_id": original.store_id},
        "offline": original.offline,
        "currency": original.currency,
        "lines": [
            {
                "sku": ln.sku,
                "qty": ln.qty,
                "unit_price": ln.unit_price,
                "refund": ln.refund,
                "reason": ln.reason,
                "disposition": ln.disposition,
            }
            for ln in lines
        ],
        "refund": {
            "total": sum(ln.refund for ln in lines),
            "tenders": [
                {"type": t.type, "amount": t.amount, "reference": t.reference} for t in tenders
            ],
        },
        "stock": levels_data(levels),
    }
    if exchange_receipt_no:
        data["exchange_receipt_no"] = exchange_receipt_no
    return Event(RETURN_COMPLETED, data)
