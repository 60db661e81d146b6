"""Ordering for pickup: what an order holds and what it may ask for, defined ONCE for the kiosk,
the node's API and the hub (the hub refuses exactly what the kiosk would).

Each refusal is a DomainError whose `extra["reason"]` is a stable code (REASONS): the hub sends it
back to the store with a refused kiosk order, and the kiosk words it in the shopper's language.
Quantities are pieces, or grams for goods sold by the kilogram.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from edge.domain.catalogue import Product, Unit
from edge.domain.errors import InvalidInput

NAME_MAX = 100
EMAIL_MAX = 200
PHONE_MAX = 32
SKU_MAX = 64
MAX_LINES = 20
MAX_LINE_PIECES = 99
MAX_LINE_GRAMS = 25_000
MAX_ORDER_PIECES = 200
MAX_ORDER_GRAMS = 50_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")

REASONS = (
    "contact",  # no usable name, e-mail or phone
    "consent",  # the shopper did not agree to be contacted
    "empty",  # no lines
    "too_many_lines",
    "quantity",  # a line over its cap
    "order_too_large",  # the whole order over its cap
    "unknown_product",
    "withdrawn",  # the product is no longer sold
    "other",
)


class OrderRefused(InvalidInput):
    code = "order-refused"


def refused(reason: str, detail: str, **extra: object) -> OrderRefused:
    return OrderRefused(detail, reason=reason, **extra)


def reason_of(exc: Exception) -> str:
    """The refusal code of an error raised by these rules ("other" for anything else)."""
    extra = getattr(exc, "extra", {})
    reason = extra.get("reason") if isinstance(extra, dict) else None
    return reason if reason in REASONS else "other"


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"name": self.name}
        if self.email:
            out["email"] = self.email
        if self.phone:
            out["phone"] = self.phone
        return out

    @property
    def key(self) -> str:
        """One key per person for rate limits: the e-mail (case-folded) or the phone's digits."""
        if self.email:
            return "e:" + self.email.casefold()
        return "p:" + "".join(ch for ch in self.phone or "" if ch.isdigit())


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise refused("contact", f"customer.{key} must be text")
    return value.strip() or None


def contact(raw: Mapping[str, Any] | None) -> Contact:
    """A shopper's contact: a name and an e-mail address or a phone number to reach them."""
    if not isinstance(raw, Mapping):
        raise refused("contact", "the customer's name and an e-mail or phone are needed")
    name, email, phone = _text(raw, "name"), _text(raw, "email"), _text(raw, "phone")
    if not name or len(name) > NAME_MAX:
        raise refused("contact", f"a name of 1 to {NAME_MAX} characters is needed for the pickup")
    if email is not None and (len(email) > EMAIL_MAX or not _EMAIL.match(email)):
        raise refused("contact", f"{email!r} is not an e-mail address")
    if phone is not None:
        digits = sum(ch.isdigit() for ch in phone)
        if len(phone) > PHONE_MAX or not _PHONE.match(phone) or not 6 <= digits <= 15:
            raise refused("contact", f"{phone!r} is not a phone number")
    if not email and not phone:
        raise refused("contact", "an e-mail address or a phone number is needed")
    return Contact(name, email, phone)


def check_consent(consent: object) -> None:
    if consent is not True:
        raise refused("consent", "the shopper must consent to the use of their contact details")


def line_cap(unit: Unit) -> int:
    return MAX_LINE_GRAMS if unit == "kg" else MAX_LINE_PIECES


def check_quantity(sku: str, unit: Unit, qty: object) -> int:
    """A line's quantity: a whole number of pieces, or grams, within the line's cap."""
    cap = line_cap(unit)
    if not isinstance(qty, int) or isinstance(qty, bool) or not 0 < qty <= cap:
        what = "grams" if unit == "kg" else "pieces"
        raise refused("quantity", f"{sku}: order 1 to {cap} {what}, not {qty}", sku=sku)
    return qty


def merge(lines: Sequence[tuple[str, int]]) -> dict[str, int]:
    """One line per SKU, in the order first seen; a SKU listed twice adds up."""
    if not lines:
        raise refused("empty", "an order needs at least one line")
    merged: dict[str, int] = {}
    for sku, qty in lines:
        if not isinstance(sku, str) or not sku or len(sku) > SKU_MAX:
            raise refused("unknown_product", f"{sku!r} is not a SKU")
        if not isinstance(qty, int) or isinstance(qty, bool):
            raise refused("quantity", f"{sku}: the quantity must be a whole number", sku=sku)
        merged[sku] = merged.get(sku, 0) + qty
    if len(merged) > MAX_LINES:
        raise refused("too_many_lines", f"an order has at most {MAX_LINES} different products")
    return merged


def check_lines(
    lines: Sequence[tuple[str, int]], products: Mapping[str, Product | None]
) -> list[tuple[Product, int]]:
    """The order's lines against the catalogue (`products` by SKU, None when unknown): every
    product sold here now, every quantity within its cap, the whole order within its caps."""
    out: list[tuple[Product, int]] = []
    pieces = grams = 0
    for sku, qty in merge(lines).items():
        product = products.get(sku)
        if product is None:
            raise refused("unknown_product", f"no product with SKU {sku}", sku=sku)
        if not product.active:
            raise refused("withdrawn", f"{sku} is no longer sold", sku=sku)
        check_quantity(sku, product.unit, qty)
        if product.weighed:
            grams += qty
        else:
            pieces += qty
        out.append((product, qty))
    if pieces > MAX_ORDER_PIECES or grams > MAX_ORDER_GRAMS:
        raise refused(
            "order_too_large",
            f"an order holds at most {MAX_ORDER_PIECES} pieces and "
            f"{MAX_ORDER_GRAMS // 1000} kg of weighed goods",
        )
    return out


def retry_after(
    recent: Sequence[datetime], limit: int, window: timedelta, now: datetime
) -> float | None:
    """Rate limits: None when one more fits (fewer than `limit` within `window` before `now`);
    else the seconds until the oldest of those leaves the window."""
    inside = sorted(t for t in recent if now - t < window)
    if len(inside) < limit:
        return None
    return max(1.0, (inside[-limit] + window - now).total_seconds())
