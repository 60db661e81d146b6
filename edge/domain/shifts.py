"""A register's shift and day in figures: what was sold per payment type and VAT rate, what was
paid back, and how much cash the drawer should hold; the difference a blind count finds. The
X and Z reports and the shift close are built from these, and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SoldFigures:
    """One sale as the summaries need it."""

    total: int
    discount: int
    change: int
    vat: tuple[tuple[str, int, int], ...]  # (rate letter, gross, tax)
    tenders: tuple[tuple[str, int], ...]  # (type, amount handed over)


@dataclass(frozen=True, slots=True)
class RefundFigures:
    total: int
    tenders: tuple[tuple[str, int], ...]  # (type, amount paid back)


@dataclass(frozen=True, slots=True)
class Summary:
    sales: int
    total: int
    discount: int
    vat: dict[str, tuple[int, int]]  # rate -> (gross, tax)
    tenders: dict[str, int]  # type -> kept (cash: handed over minus change)
    returns: int
    refunded: int
    refund_tenders: dict[str, int]
    cash_in: int
    cash_out: int
    float: int = 0

    @property
    def cash(self) -> int:
        """The cash the drawer should hold: the float, cash kept from sales, minus cash paid
        back, plus cash put in, minus cash taken out."""
        return (
            self.float
            + self.tenders.get("cash", 0)
            - self.refund_tenders.get("cash", 0)
            + self.cash_in
            - self.cash_out
        )


def summarise(
    sales: Iterable[SoldFigures],
    refunds: Iterable[RefundFigures],
    cash_in: int = 0,
    cash_out: int = 0,
    float_: int = 0,
) -> Summary:
    count = total = discount = 0
    vat: dict[str, tuple[int, int]] = {}
    tenders: dict[str, int] = {}
    for s in sales:
        count, total, discount = count + 1, total + s.total, discount + s.discount
        for rate, gross, tax in s.vat:
            before = vat.get(rate, (0, 0))
            vat[rate] = (before[0] + gross, before[1] + tax)
        for kind, amount in s.tenders:
            tenders[kind] = tenders.get(kind, 0) + amount
        if s.change:  # the change left the drawer: the report shows what stayed in it
            tenders["cash"] = tenders.get("cash", 0) - s.change
    returns = refunded = 0
    paid_back: dict[str, int] = {}
    for r in refunds:
        returns, refunded = returns + 1, refunded + r.total
        for kind, amount in r.tenders:
            paid_back[kind] = paid_back.get(kind, 0) + amount
    return Summary(count, total, discount, dict(sorted(vat.items())), tenders, returns,
                   refunded, paid_back, cash_in, cash_out, float_)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Shift:
    id: int
    register: str
    opened_by: str
    opened_at: datetime
    float: int
    closed_by: str | None = None
    closed_at: datetime | None = None
    expected: int | None = None
    counted: int | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    @property
    def difference(self) -> int | None:
        """Counted minus expected: positive is a surplus, negative a shortage."""
        if self.expected is None or self.counted is None:
            return None
        return self.counted - self.expected
