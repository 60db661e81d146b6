"""Loyalty as a ledger, never a balance: the ONE loyalty rule of every channel.

A customer's points are the sum of entries, each keyed by the source it comes from (a sale, a
return, an order, a redemption). Applying an entry whose key is already there changes nothing,
so a resent sale, a duplicated batch or a retried order never earns twice, and entries may
arrive in any order: the balance is the same. (Odoo applies client-computed deltas on sync and
so doubles the points of a retried offline order; a keyed entry cannot be counted twice.)

Earning is computed from the sale's lines by rules that arrive in catalogue files as versioned
rows (like promotions), so the till, the kiosk, the web shop and the hub compute the same:
- a base rule (no `sku`, no `category`) gives `points_per_zl` points per złoty paid;
- a multiplier rule on a SKU or a category multiplies a matching line's points (the largest
  active multiplier applies, one per line, never two);
- points are whole: a line earns floor(total × points_per_zl × multiplier / 100).

A return takes back the points of what is returned, in proportion to the quantity returned of
each line; several partial returns of a line together take back exactly what the line earned
once all of it is back. A redemption is a negative entry; the ledger does not refuse the past:
an offline redemption that overdraws the balance is recorded and the overdraft flagged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from edge.domain.barcodes import all_digits, has_valid_check_digit
from edge.domain.errors import Conflict, InvalidInput

# "release": a redemption's points given back (its basket was cancelled), keyed by its id.
EntryKind = Literal["sale", "return", "order", "redemption", "release"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("sale", "return", "order", "redemption", "release")
GROSZ_PER_ZL = 100


class LedgerConflict(Conflict):
    """The same source arrived with different points: a source's entry is fixed once made."""

    code = "loyalty-ledger-conflict"


@dataclass(frozen=True, slots=True)
class Entry:
    """Points earned (positive) or taken back / redeemed (negative) by one source."""

    customer_id: str
    kind: EntryKind
    ref: str  # the sale's receipt number, the return's id, the order's id, the redemption's id
    points: int

    @property
    def key(self) -> tuple[EntryKind, str]:
        return (self.kind, self.ref)


class Ledger:
    """One customer's entries by source key."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[tuple[EntryKind, str], Entry] = {}
        for entry in entries:
            self.apply(entry)

    def apply(self, entry: Entry) -> bool:
        """Records `entry`; False when its source was already recorded (nothing changes).
        LedgerConflict when that source was recorded with other points or for another
        customer: the first record stands and the disagreement is never silently summed."""
        known = self._entries.get(entry.key)
        if known is not None:
            if known != entry:
                raise LedgerConflict(
                    f"{entry.kind} {entry.ref} is already recorded with {known.points} points",
                    recorded=known.points,
                    offered=entry.points,
                )
            return False
        self._entries[entry.key] = entry
        return True

    @property
    def balance(self) -> int:
        return sum(e.points for e in self._entries.values())

    @property
    def overdraft(self) -> int:
        """Points redeemed beyond what was earned (offline redemptions of two stores)."""
        return max(0, -self.balance)

    def __len__(self) -> int:
        return len(self._entries)


def balance(entries: Iterable[Entry]) -> int:
    return Ledger(entries).balance


@dataclass(frozen=True, slots=True)
class EarningRule:
    """A versioned earning rule row. Base: `points_per_zl` for every line (no sku/category);
    multiplier: `multiplier` × the points of lines of `sku` or `category`."""

    id: str
    points_per_zl: int = 0
    multiplier: int = 1
    sku: str | None = None
    category: str | None = None
    starts: datetime | None = None
    ends: datetime | None = None

    @property
    def is_base(self) -> bool:
        return self.sku is None and self.category is None

    def active_at(self, moment: datetime) -> bool:
        return (self.starts is None or self.starts <= moment) and (
            self.ends is None or moment < self.ends
        )

    def matches(self, sku: str, category: str) -> bool:
        return (self.sku is not None and self.sku == sku) or (
            self.category is not None and bool(category) and self.category == category
        )


@dataclass(frozen=True, slots=True)
class PaidLine:
    """What a sale or order line earns from: its SKU, category, quantity and what was paid."""

    sku: str
    category: str
    qty: int
    total: int  # minor units, after the line's promotion


def line_points(line: PaidLine, rules: Sequence[EarningRule], now: datetime) -> int:
    active = [r for r in rules if r.active_at(now)]
    rate = max((r.points_per_zl for r in active if r.is_base), default=0)
    multiplier = max(
        (r.multiplier for r in active if r.matches(line.sku, line.category)), default=1
    )
    return max(0, line.total) * rate * multiplier // GROSZ_PER_ZL


def points_for(lines: Sequence[PaidLine], rules: Sequence[EarningRule], now: datetime) -> list[int]:
    """The points each line earns (in the lines' order); their sum is the sale's entry."""
    return [line_points(ln, rules, now) for ln in lines]


def taken_back(earned: int, sold: int, returned_before: int, returning: int) -> int:
    """The points a return of `returning` of a line's `sold` takes back, `returned_before`
    having been returned already: cumulative, so any split of a full return takes back
    exactly `earned` (never more, even if more is returned than was sold)."""
    if sold <= 0 or earned <= 0:
        return 0
    before = min(sold, max(0, returned_before))
    after = min(sold, before + max(0, returning))
    return earned * after // sold - earned * before // sold


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    """A returned quantity of a sale's line, with what that line earned and had returned."""

    earned: int
    sold: int
    returned_before: int
    returning: int


def return_entry(customer_id: str, return_id: str, lines: Iterable[ReturnedLine]) -> Entry:
    """The return's (negative) entry: the points of what is returned, line by line."""
    back = sum(taken_back(ln.earned, ln.sold, ln.returned_before, ln.returning) for ln in lines)
    return Entry(customer_id, "return", return_id, -back)


@dataclass(frozen=True, slots=True)
class OfflineAllowance:
    """What a store may let a card redeem without the hub: `daily_limit` points a day."""

    daily_limit: int
    redeemed_today: int

    def allows(self, points: int) -> bool:
        return points > 0 and self.redeemed_today + points <= self.daily_limit


def check_redemption(points: int, balance_now: int) -> None:
    """Online, the hub refuses a redemption over the balance (InvalidInput: nothing changes)."""
    if points <= 0:
        raise InvalidInput("a redemption is a positive number of points")
    if points > balance_now:
        raise Conflict(f"only {balance_now} points to redeem", balance=balance_now)


def card_ok(card: str, prefix: str) -> bool:
    """A loyalty card number: an EAN-13 under the retailer's prefix, with its check digit."""
    return (
        len(card) == 13
        and all_digits(card)
        and card.startswith(prefix)
        and has_valid_check_digit(card)
    )
