"""VAT on gross prices, computed per rate on the totals of that rate (as a Polish fiscal receipt
prints it: one line per rate), rounding half up to the minor unit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from edge.domain.money import Money, div_half_up


class VatRate(Enum):
    """Polish PTU rates with the letters the receipt prints."""

    A = 23
    B = 8
    C = 5
    D = 0

    @property
    def letter(self) -> str:
        return self.name

    @property
    def percent(self) -> int:
        return self.value

    @classmethod
    def parse(cls, value: str | int) -> VatRate:
        """Accepts a letter ('A'), a percentage (23, '23', '23%')."""
        text = str(value).strip().upper().rstrip("%")
        if text in cls.__members__:
            return cls[text]
        try:
            pct = int(text)
        except ValueError:
            raise ValueError(f"unknown VAT rate {value!r} (use A/B/C/D or 23/8/5/0)") from None
        for rate in cls:
            if rate.value == pct:
                return rate
        raise ValueError(f"unknown VAT rate {value!r} (use A/B/C/D or 23/8/5/0)")


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: VatRate
    gross: Money
    vat: Money

    @property
    def net(self) -> Money:
        return self.gross - self.vat


def vat_of_gross(gross: Money, rate: VatRate) -> Money:
    return Money(div_half_up(gross.amount * rate.percent, 100 + rate.percent), gross.currency)


def breakdown(items: Iterable[tuple[VatRate, Money]], currency: str) -> list[VatLine]:
    """Groups gross amounts by rate and computes VAT once per rate total, in A..D order."""
    totals: dict[VatRate, int] = {}
    for rate, gross in items:
        totals[rate] = totals.get(rate, 0) + gross.amount
    lines = []
    for rate in VatRate:
        if rate in totals:
            gross = Money(totals[rate], currency)
            lines.append(VatLine(rate, gross, vat_of_gross(gross, rate)))
    return lines
