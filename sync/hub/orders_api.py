"""Order status everywhere: `GET /api/v1/orders?changed_after=CURSOR&limit=N` (scope `orders`),
every status an order took (sent to its store, received, ready, collected, rejected…) once, in
the order the hub recorded them, for the web shop to follow its orders without polling each."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from sync.hub.api_auth import require_scope
from sync.hub.service import Hub
from sync.hub.store import orders as orders_repo
from sync.hub.tokens import Scope

orders_router = APIRouter(tags=["orders"], dependencies=[require_scope(Scope.ORDERS)])
MAX_PAGE = 1000


def _hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


@orders_router.get("/orders")
def order_changes(
    hub: Annotated[Hub, Depends(_hub)],
    changed_after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> dict[str, Any]:
    """Status changes after cursor `changed_after`, oldest first: `items` ({cursor, order_id,
    store_id, status, at, customer_id}) and `next`, the cursor to read on from (unchanged when
    there was nothing new)."""
    with hub.storage.read() as tx:
        rows = orders_repo.changes_after(tx, changed_after, limit)
    items = [
        {"cursor": int(r[0]), "order_id": r[1], "store_id": r[2], "status": r[3],
         "at": str(r[4]), "customer_id": r[5]}
        for r in rows
    ]  # fmt: skip
    return {"items": items, "next": items[-1]["cursor"] if items else changed_after}
