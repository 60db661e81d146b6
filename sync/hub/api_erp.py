"""The ERP at the hub: what it (and any system downstream of the shops) reads — the feed of
every applied document, transfers between stores, deliveries — on `read_router` (scope
`read`), and what it tells the stores — announced deliveries — on `erp_router` (scope `erp`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from edge.api.contract import raises
from sync.hub.api_auth import require_scope
from sync.hub.api_models import Feed, HubDelivery, HubTransfer
from sync.hub.deliveries import DeliveryIn
from sync.hub.service import Hub
from sync.hub.store import feed as feed_repo
from sync.hub.tokens import Scope

read_router = APIRouter(tags=["erp"], dependencies=[require_scope(Scope.READ)])
erp_router = APIRouter(tags=["erp"], dependencies=[require_scope(Scope.ERP)])
MAX_FEED_PAGE = 1000


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


HubDep = Annotated[Hub, Depends(_hub)]


# Served as the stores wrote it (bytes, not re-serialised): the model documents it.
@read_router.get("/feed", response_model=Feed)
def feed(
    hub: HubDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_FEED_PAGE)] = 100,
) -> Response:
    """Every document the hub applied (sales, returns, order status changes, deliveries,
    transfers, counts, write-offs) after position `after`, each once, in the order applied.
    Read on with `after` = the answer's `next` (the last item's `cursor`; unchanged when there
    was nothing new). The documents' data is sent as the stores wrote it, without parsing it
    again."""
    body = feed_repo.page_json(hub.feed(after, limit), after)
    return Response(body, media_type="application/json")


@read_router.get("/transfers", response_model=list[HubTransfer])
def transfers(
    hub: HubDep,
    flagged: bool | None = None,
    status: Literal["in_transit", "received", "arrived_unsent"] | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict[str, Any]]:
    """The newest transfers between stores (at most `limit`) with what is in transit per line,
    and their flags (received twice, at another store than the one it was sent to, not
    received in time, received but never sent)."""
    return hub.transfers(flagged=flagged, status=status, limit=limit)


@read_router.get("/deliveries", response_model=list[HubDelivery])
def deliveries(
    hub: HubDep,
    store_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,32}$")] = None,
    status: Literal["announced", "partial", "received", "rejected"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The newest deliveries (announced or received unannounced), of one store and/or in one
    status, each with what arrived per line and the differences."""
    return hub.deliveries(store_id=store_id, status=status, limit=limit)


@read_router.get("/deliveries/{delivery_id}", response_model=HubDelivery)
def delivery(hub: HubDep, delivery_id: str) -> dict[str, Any]:
    """An announced (or received) delivery: per line what was announced, what the store
    received so far and the difference."""
    return hub.delivery(delivery_id)


# A SKU the catalogue does not hold refuses the announcement (404).
@erp_router.post("/deliveries", status_code=201, response_model=HubDelivery, responses=raises(404))
def announce_delivery(hub: HubDep, body: DeliveryIn) -> dict[str, Any]:
    """A delivery on its way to a store: the store gets it as a signed command and receives it
    by scanning (partial receipts allowed)."""
    return hub.announce_delivery(body)
