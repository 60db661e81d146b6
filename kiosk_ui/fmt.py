"""Formatting and parsing for people: money with a comma, weights, ages, unit prices."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from zoneinfo import ZoneInfo

from edge.domain.catalogue import Product
from edge.domain.errors import InvalidInput
from edge.domain.money import Money, round_half_up

_SYMBOL = {"PLN": "zł", "EUR": "€"}


def money(amount: int, currency: str = "PLN") -> str:
    return f"{Money(amount, currency).format()} {_SYMBOL.get(currency, currency)}"


def parse_amount(text: str) -> int:
    """'50', '50,5', '50.50' -> minor units. Raises InvalidInput for anything else."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"'{text}' is not an amount") from None
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"'{text}' is not an amount with at most two decimals")
    return int(value * 100)


def weight(grams: int) -> str:
    return f"{grams / 1000:.3f}".replace(".", ",") + " kg"


def qty_text(qty: int, unit: str) -> str:
    return weight(qty) if unit == "kg" else f"{qty} szt."


_SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(kg|g|ml|l)\b", re.IGNORECASE)


def unit_price(product: Product, price: int) -> tuple[int, str] | None:
    """VAT-inclusive price per kg or per litre, as a shelf label must show it. Weighed goods are
    priced per kg already; packs carry their size in the name ('500 g', '1,5 l')."""
    if product.weighed:
        return price, "kg"
    match = _SIZE.search(product.name("pl"))
    if not match:
        return None
    size = Fraction(match.group(1).replace(",", "."))
    unit = match.group(2).lower()
    base = {"g": (Fraction(1, 1000), "kg"), "kg": (1, "kg"), "ml": (Fraction(1, 1000), "l")}
    factor, label = base.get(unit, (1, "l"))
    amount = size * factor
    if amount <= 0:
        return None
    return round_half_up(Fraction(price) / amount), label


def age(moment: datetime, now: datetime) -> tuple[int, str]:
    """How old a figure is, as (number, unit) with unit one of s, min, h, d."""
    seconds = max(0, int((now - moment).total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return seconds // size, unit
    return seconds, "s"


def local_time(moment: datetime | str, zone: str, with_date: bool = True) -> str:
    """A stored (UTC) time as people in the store read it: '29.11.2026 08:15' in its zone."""
    if isinstance(moment, str):
        if not moment:
            return ""
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(ZoneInfo(zone))
    return local.strftime("%d.%m.%Y %H:%M" if with_date else "%H:%M")
