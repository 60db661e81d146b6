"""The hub's customer routes under /api/v1/customers: import (scope `crm`), reads (`read`, a
store's `store` token, the CRM's `crm`; a customer's orders also the web shop's `orders`).
What a store looks up is signed for that store (sync/hub/lookups.py), like receipts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from edge.api.contract import raises
from sync.hub import customers, lookups
from sync.hub.api_auth import require_scope
from sync.hub.api_models import (
    CustomerHistory,
    CustomerOrder,
    CustomerOut,
    Erased,
    Imported,
    Redeemed,
    SignedCustomer,
)
from sync.hub.service import Hub
from sync.hub.store import customers as customers_repo
from sync.hub.tokens import Caller, Scope

customers_router = APIRouter(prefix="/customers", tags=["customers"])
CRM = [require_scope(Scope.CRM)]
Reader = Annotated[Caller, require_scope(Scope.READ, Scope.STORE, Scope.CRM)]
Redeemer = Annotated[Caller, require_scope(Scope.STORE, Scope.ORDERS, Scope.CRM)]
OrdersReader = Annotated[Caller, require_scope(Scope.READ, Scope.STORE, Scope.CRM, Scope.ORDERS)]


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


HubDep = Annotated[Hub, Depends(_hub)]


@customers_router.post(
    "/import", dependencies=CRM, response_model=Imported, responses=raises(413, 422)
)
async def import_customers(request: Request, hub: HubDep) -> dict[str, int]:
    """CSV or JSON Lines (by Content-Type or the `filename` query), all or nothing: rows
    {customer_id, card, phone, name, email, consents: {marketing, history}}."""
    data = await request.body()  # the app's body limit caps it
    ctype = request.headers.get("content-type", "")
    name = request.query_params.get("filename", "")
    if not name:
        name = "upload.jsonl" if "json" in ctype else ("upload.csv" if "csv" in ctype else "")
    return customers.import_customers(hub.ctx, data, name)


@customers_router.get("/lookup", response_model=SignedCustomer, responses=raises(404))
def lookup(
    hub: HubDep,
    caller: Reader,
    card: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    """A customer by card or phone, with points; signed for the store that asks."""
    with hub.storage.transaction() as tx:  # remembers the store, for an erasure
        found = customers.lookup(
            tx, card=card, phone=phone, prefix=hub.settings.loyalty.card_prefix
        )
        if caller.store_id:
            customers_repo.seen_at(tx, found["customer_id"], caller.store_id)
    return lookups.signed(hub.key, "customer", card or phone or "", found, caller)


@customers_router.get("/{customer_id}", response_model=CustomerOut)
def customer(customer_id: str, hub: HubDep, _caller: Reader) -> dict[str, Any]:
    with hub.storage.read() as tx:
        return customers.customer(tx, customer_id)


@customers_router.get("/{customer_id}/history", response_model=CustomerHistory)
def history(
    customer_id: str,
    hub: HubDep,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=customers.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Sales at any store, online orders, returns and points, newest first."""
    with hub.storage.read() as tx:
        page = customers.history(tx, customer_id, limit=limit, offset=offset)
    return lookups.signed(hub.key, "customer-history", customer_id, page, caller)


@customers_router.get("/{customer_id}/orders", response_model=list[CustomerOrder])
def orders(customer_id: str, hub: HubDep, _caller: OrdersReader) -> list[dict[str, Any]]:
    with hub.storage.read() as tx:
        return customers.orders(tx, customer_id)


@customers_router.post("/{customer_id}/erase", dependencies=CRM, response_model=Erased)
def erase(customer_id: str, hub: HubDep) -> dict[str, Any]:
    """GDPR erasure: personal data removed at the hub and at every store that holds the
    customer (a signed command); their sales stay, anonymous."""
    return customers.erase(hub.ctx, customer_id)


class RedemptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    redemption_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    points: int = Field(ge=1, le=100_000_000)


@customers_router.post(
    "/{customer_id}/redemptions", status_code=201, response_model=Redeemed, responses=raises(409)
)
def redeem(customer_id: str, body: RedemptionIn, hub: HubDep, caller: Redeemer) -> dict[str, Any]:
    """Authorises spending points (a till, the web shop): 409 over the balance. Signed for
    the store that asks, as the money it takes off depends on it."""
    done = customers.redeem(hub.ctx, customer_id, body.redemption_id, body.points, caller.store_id)
    return lookups.signed(hub.key, "redemption", body.redemption_id, done, caller)
