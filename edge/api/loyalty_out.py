"""Response models of customers at the till (edge/services/customers.py, redemptions.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from edge.api.out_base import Out

Minor = int  # an amount in minor units (grosze)


class AttachedCustomer(Out):
    id: str | None = Field(description="none: a card not seen yet (it still earns points)")
    card: str | None
    name: str
    points_balance: int | None
    source: str
    as_of: str | None


class Attached(Out):
    basket_id: str
    customer: AttachedCustomer


class BasketMember(Out):
    id: str | None
    card: str | None
    name: str
    points_balance: int | None
    balance_as_of: str | None


class BasketCustomer(Out):
    basket_id: str
    customer: BasketMember | None
    points_to_earn: int


class CustomerFound(Out):
    customer: dict[str, Any] = Field(description="the hub's record, or the one cached here")
    history: list[dict[str, Any]]
    source: str = Field(description="hub, or cache when the hub cannot answer")
    as_of: str
    age_s: float


class Redemption(Out):
    id: str
    points: int
    value: Minor
    offline: bool


class Redeemed(Out):
    basket_id: str
    redemption: Redemption
    total: Minor = Field(description="the basket's total after it")
