"""The hub's customer routes, on one router so that one guard covers them all: import (scope
`crm`) and reads (`read`/`store`) under /api/v1/customers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from sync.hub import customers
from sync.hub.service import Hub

customers_router = APIRouter(prefix="/customers", tags=["customers"])


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


HubDep = Annotated[Hub, Depends(_hub)]


@customers_router.post("/import")
async def import_customers(request: Request, hub: HubDep) -> dict[str, int]:
    """CSV or JSON Lines (by Content-Type or the `filename` query), all or nothing: rows
    {customer_id, card, phone, name, email, consents: {marketing, history}}."""
    data = await request.body()  # the app's body limit caps it
    ctype = request.headers.get("content-type", "")
    name = request.query_params.get("filename", "")
    if not name:
        name = "upload.jsonl" if "json" in ctype else ("upload.csv" if "csv" in ctype else "")
    return customers.import_customers(hub.ctx, data, name)


@customers_router.get("/lookup")
def lookup(
    hub: HubDep,
    card: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
) -> dict[str, Any]:
    with hub.storage.read() as tx:
        return customers.lookup(tx, card=card, phone=phone, prefix=hub.settings.loyalty.card_prefix)


@customers_router.get("/{customer_id}")
def customer(customer_id: str, hub: HubDep) -> dict[str, Any]:
    with hub.storage.read() as tx:
        return customers.customer(tx, customer_id)


@customers_router.get("/{customer_id}/history")
def history(
    customer_id: str,
    hub: HubDep,
    limit: Annotated[int, Query(ge=1, le=customers.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Sales at any store, online orders, returns and points, newest first."""
    with hub.storage.read() as tx:
        return customers.history(tx, customer_id, limit=limit, offset=offset)


@customers_router.get("/{customer_id}/orders")
def orders(customer_id: str, hub: HubDep) -> list[dict[str, Any]]:
    with hub.storage.read() as tx:
        return customers.orders(tx, customer_id)
