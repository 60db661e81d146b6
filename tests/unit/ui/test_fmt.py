"""What the kiosk and the till print for people: money, amounts typed, unit prices, ages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from edge.domain.catalogue import Product
from edge.domain.errors import InvalidInput
from edge.domain.vat import VatRate
from kiosk_ui import fmt
from kiosk_ui.i18n import TEXTS, t


def product(name: str, unit: str = "pcs") -> Product:
    return Product("X-1", {"pl": name}, 999, VatRate.A, unit=unit)  # type: ignore[arg-type]


def test_money_is_shown_with_a_comma_and_the_currency_sign() -> None:
    assert fmt.money(12345) == "123,45 zł"
    assert fmt.money(-5) == "-0,05 zł"
    assert fmt.money(100, "EUR") == "1,00 €"


@pytest.mark.parametrize(
    ("typed", "minor"), [("50", 5000), ("50,5", 5050), ("0.99", 99), (" 1 000,00 ", 100000)]
)
def test_amounts_typed_at_the_till(typed: str, minor: int) -> None:
    assert fmt.parse_amount(typed) == minor


@pytest.mark.parametrize("typed", ["", "abc", "1,005", "-1", "nan", "inf", "1e3x"])
def test_bad_amounts_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        fmt.parse_amount(typed)


@pytest.mark.parametrize(
    ("name", "unit", "price", "expected"),
    [
        ("Chleb żytni 500 g", "pcs", 549, (1098, "kg")),
        ("Mleko 2% 1 l", "pcs", 389, (389, "l")),
        ("Woda 1,5 l", "pcs", 300, (200, "l")),
        ("Sok 330 ml", "pcs", 399, (1209, "l")),  # 12,0909 rounds half up to 12,09
        ("Jabłka", "kg", 399, (399, "kg")),
        ("Bułka kajzerka", "pcs", 79, None),
    ],
)
def test_unit_price_as_a_shelf_label_shows_it(
    name: str, unit: str, price: int, expected: tuple[int, str] | None
) -> None:
    assert fmt.unit_price(product(name, unit), price) == expected


def test_age_of_a_figure() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert fmt.age(now - timedelta(seconds=30), now) == (30, "s")
    assert fmt.age(now - timedelta(minutes=7, seconds=5), now) == (7, "min")
    assert fmt.age(now - timedelta(hours=3), now) == (3, "h")
    assert fmt.age(now + timedelta(seconds=5), now) == (0, "s")  # a clock a little ahead


def test_every_kiosk_text_exists_in_polish_and_english() -> None:
    assert all(set(v) == {"pl", "en"} for v in TEXTS.values())
    assert t("in_stock", "en", n=3) == "available: 3"
    assert t("no-such-key", "pl") == "no-such-key"
