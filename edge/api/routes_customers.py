"""Customers at the till: attach one to a basket by card or phone, and look one up (the hub's
answer, or the customers seen at this store with the age of what is shown)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import ConfigDict, Field

from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.loyalty_out import Attached, BasketCustomer, CustomerFound, Redeemed
from edge.api.schemas import PlainText
from edge.services import customers, redemptions

router = APIRouter(tags=["customers"])


class CustomerIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    card: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=32)


@router.post("/baskets/{basket_id}/customer", response_model=Attached, responses=raises(409, 503))
def attach_customer(
    ctx: CtxDep, _actor: ActorDep, basket_id: str, body: CustomerIn
) -> dict[str, Any]:
    """`{"card": …}` (scanned: plastic or the app's QR) or `{"phone": …}`: the sale earns the
    customer's points. A card works offline; a phone only for a customer seen here."""
    return customers.attach(ctx, basket_id, body.card, body.phone)


@router.get("/baskets/{basket_id}/customer", response_model=BasketCustomer)
def basket_customer(ctx: CtxDep, _actor: ActorDep, basket_id: str) -> dict[str, Any]:
    """The basket's customer (balance as of when the till last saw it) and the points the
    basket earns if paid now."""
    return customers.of_basket(ctx, basket_id)


@router.get("/customers/lookup", response_model=CustomerFound, responses=raises(404, 503))
def lookup(
    ctx: CtxDep,
    _actor: ActorDep,
    card: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    """{customer, history, source: "hub" or "cache", as_of, age_s}."""
    return customers.lookup(ctx, card, phone)


class RedeemIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    points: int = Field(ge=1, le=100_000_000)


@router.post("/baskets/{basket_id}/redeem", response_model=Redeemed, responses=raises(409, 503))
def redeem(ctx: CtxDep, _actor: ActorDep, basket_id: str, body: RedeemIn) -> dict[str, Any]:
    """Points off the basket ([loyalty] redeem_points → redeem_value): authorised by the hub,
    or offline within the card's daily limit here (409 beyond it)."""
    return redemptions.redeem(ctx, basket_id, body.points)
