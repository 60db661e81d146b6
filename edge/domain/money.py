"""Money: an integer number of minor units with a currency code. Never a float."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

DEFAULT_CURRENCY = "PLN"


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero (the retail
    and tax convention). Integer arithmetic only: it runs several times per priced line."""
    if denominator == 0:
        raise ZeroDivisionError("division by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    whole, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return whole if numerator >= 0 else -whole


def round_half_up(value: Fraction | int) -> int:
    """Rounds to the nearest integer, halves away from zero."""
    value = Fraction(value)
    return div_half_up(value.numerator, value.denominator)


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units (grosze for PLN)
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"Money amount must be an int of minor units, got {self.amount!r}")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, factor: Fraction | int) -> Money:
        """Multiplies by an exact factor (a quantity, a weight in kg) rounding half up."""
        return Money(round_half_up(Fraction(self.amount) * Fraction(factor)), self.currency)

    def format(self, decimal_sep: str = ",") -> str:
        """`12,34` — the minor units shown with two decimals, as on a Polish receipt."""
        sign = "-" if self.amount < 0 else ""
        whole, cents = divmod(abs(self.amount), 100)
        return f"{sign}{whole}{decimal_sep}{cents:02d}"

    def __str__(self) -> str:
        return f"{self.format()} {self.currency}"


def total(amounts: list[Money] | tuple[Money, ...], currency: str = DEFAULT_CURRENCY) -> Money:
    result = Money.zero(currency)
    for m in amounts:
        result = result + m
    return result
