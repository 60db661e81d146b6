from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.domain.money import Money, div_half_up, round_half_up, total


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 10), 1),
        (Fraction(15, 10), 2),
        (Fraction(25, 10), 3),
        (Fraction(-5, 10), -1),
        (Fraction(149, 100), 1),
        (Fraction(1, 3), 0),
        (Fraction(2, 3), 1),
        (7, 7),
    ],
)
def test_rounds_half_up_away_from_zero(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


def test_money_is_integer_minor_units_with_a_currency() -> None:
    assert Money(1999, "PLN") + Money(1, "PLN") == Money(2000, "PLN")
    assert str(Money(123456, "PLN")) == "1234,56 PLN"
    assert Money(-5).format() == "-0,05"
    with pytest.raises((TypeError, ValueError)):
        Money(1.5, "PLN")  # type: ignore[arg-type]


def test_money_refuses_to_mix_currencies() -> None:
    with pytest.raises(ValueError):
        Money(100, "PLN") + Money(100, "EUR")


def test_total_of_amounts() -> None:
    assert total([Money(100), Money(250), Money(-50)]) == Money(300)
    assert total([]) == Money.zero()


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**6))
def test_integer_division_rounds_like_the_fraction(numerator: int, denominator: int) -> None:
    assert div_half_up(numerator, denominator) == round_half_up(Fraction(numerator, denominator))
    assert div_half_up(-numerator, denominator) == -div_half_up(numerator, denominator)
