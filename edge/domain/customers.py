"""Customers as every channel identifies them: a loyalty card (EAN-13 under the retailer's
prefix, on plastic or as a QR in the app) or a phone number, and what they consented to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from edge.domain.errors import InvalidInput
from edge.domain.loyalty import card_ok

COUNTRY_CODE = "48"  # a nine-digit number is a Polish one
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,24}$")


def phone_key(phone: str) -> str:
    """One spelling per number (`+48600100200`), whatever spaces, dashes or 0048 it came with:
    the till's typed number finds the CRM's."""
    if not _PHONE.match(phone.strip()):
        raise InvalidInput(f"{phone!r} is not a phone number")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        pass
    elif digits.startswith("00"):
        digits = digits[2:]
    elif len(digits) == 9:
        digits = COUNTRY_CODE + digits
    if not 8 <= len(digits) <= 15:
        raise InvalidInput(f"{phone!r} is not a phone number")
    return "+" + digits


def card_key(card: str, prefix: str) -> str:
    card = card.strip()
    if not card_ok(card, prefix):
        raise InvalidInput(
            f"{card!r} is not a loyalty card (an EAN-13 starting {prefix} with its check digit)"
        )
    return card


@dataclass(frozen=True, slots=True)
class Consents:
    marketing: bool = False
    history: bool = False  # staff may see what the customer bought

    def as_dict(self) -> dict[str, bool]:
        return {"marketing": self.marketing, "history": self.history}
