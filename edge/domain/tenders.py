"""Tenders: how a sale is paid. Only cash gives change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from edge.domain.errors import TenderMismatch

# A till takes cash and card; "online" is how a web-shop order was paid, so a refund of it goes
# back online rather than out of the drawer; "exchange" is the credit of goods returned and
# exchanged, paying for the goods taken instead.
TenderType = Literal["cash", "card", "online", "exchange"]


@dataclass(frozen=True, slots=True)
class Tender:
    type: TenderType
    amount: int  # minor units handed over (cash) or charged (card)
    reference: str | None = None  # the card terminal's authorisation / transaction reference


@dataclass(frozen=True, slots=True)
class Settlement:
    tenders: tuple[Tender, ...]
    change: int

    @property
    def cash_kept(self) -> int:
        """Cash that stays in the drawer (handed over minus change)."""
        return sum(t.amount for t in self.tenders if t.type == "cash") - self.change


def settle(total: int, tenders: list[Tender]) -> Settlement:
    """Checks that the tenders pay `total` exactly, cash may exceed it by the change."""
    for t in tenders:
        if t.amount <= 0:
            raise TenderMismatch(f"a {t.type} tender must be a positive amount")
    non_cash = sum(t.amount for t in tenders if t.type != "cash")
    cash = sum(t.amount for t in tenders if t.type == "cash")
    if non_cash > total:
        raise TenderMismatch(
            f"card payments ({non_cash}) exceed the total ({total}); card gives no change",
            total=total,
        )
    paid = non_cash + cash
    if paid < total:
        raise TenderMismatch(
            f"tenders ({paid}) do not cover the total ({total})", total=total, missing=total - paid
        )
    if total == 0 and tenders:
        raise TenderMismatch("nothing to pay; remove the tenders")
    return Settlement(tuple(tenders), paid - total)
