"""The hub's HTTP API under /api/v1 (problem+json errors, like the node's)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from pydantic import BaseModel, Field, TypeAdapter

from edge import __version__
from edge.api import problems
from edge.api.body_limit import BodyLimitMiddleware
from edge.api.schemas import PlainText
from edge.domain.errors import InvalidInput
from sync.hub import api_erp, lookups
from sync.hub.api_auth import TokenRequired, require_scope
from sync.hub.customers_api import customers_router
from sync.hub.metrics import HubCollector
from sync.hub.orders import OrderIn
from sync.hub.orders_api import orders_router
from sync.hub.service import Hub
from sync.hub.tokens import Caller, Scope

router = APIRouter()


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]
IMPORT_PATH = "/catalog/import"
SPOOL_IN_MEMORY_BYTES = 1024 * 1024  # beyond this an import body goes to a temporary file
# Who may call each route (docs/hub-api.md); only /healthz is open.
OPEN_PATHS = frozenset({"/api/v1/healthz"})
CATALOG = [require_scope(Scope.CATALOG)]
ORDERS = [require_scope(Scope.ORDERS)]
READ = [require_scope(Scope.READ)]
# A store's lookups: the answer is signed for the store its token speaks for.
OrderLookup = Annotated[Caller, require_scope(Scope.ORDERS, Scope.STORE)]
ReceiptLookup = Annotated[Caller, require_scope(Scope.READ, Scope.STORE)]


@router.get("/healthz", tags=["health"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.post(IMPORT_PATH, tags=["catalogue"], dependencies=CATALOG)
async def catalog_import(request: Request, hub: HubDep) -> dict[str, int]:
    """CSV or JSON Lines (by Content-Type or the `filename` query), all or nothing; published
    to every store as the next catalogue version. At most `[http] max_import_bytes`."""
    ctype = request.headers.get("content-type", "")
    name = request.query_params.get("filename", "")
    if not name:
        name = "upload.jsonl" if "json" in ctype else ("upload.csv" if "csv" in ctype else "")
    with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY_BYTES) as spool:
        # Chunk by chunk (the body limit counts them), then parsed line by line from the
        # spool: the file is never in memory whole, as bytes or as text.
        async for chunk in request.stream():
            spool.write(chunk)
        if not spool.tell():
            raise InvalidInput("empty body: send the CSV or JSON Lines file")
        spool.seek(0)
        return await run_in_threadpool(hub.import_catalogue, spool, name)


@router.post("/orders", status_code=201, tags=["orders"], dependencies=ORDERS)
def create_order(order: OrderIn, hub: HubDep) -> dict[str, Any]:
    """A click & collect order for a store. The pickup code is in this reply only."""
    return hub.create_order(order)


@router.get("/orders/{order_id}", tags=["orders"])
def get_order(order_id: str, hub: HubDep, caller: OrderLookup) -> dict[str, Any]:
    return lookups.signed(hub.key, "order", order_id, hub.order(order_id), caller)


class CancelIn(PlainText):
    reason: str = Field("cancelled by the shopper", max_length=200)


@router.post("/orders/{order_id}/cancel", tags=["orders"], dependencies=ORDERS)
def cancel_order(order_id: str, body: CancelIn, hub: HubDep) -> dict[str, Any]:
    return hub.cancel_order(order_id, body.reason)


@router.get("/availability/{sku}", tags=["stock"], dependencies=READ)
def availability(sku: str, hub: HubDep) -> dict[str, Any]:
    return hub.availability(sku)


class StoreView(BaseModel):
    store_id: str
    name: str
    online: bool
    last_seen: str | None
    applied_seq: int
    lag_s: float | None = Field(description="how far behind the hub's picture of the store is")
    lag_events: int = Field(description="events the store reported as not yet acknowledged")
    outbox_depth: int
    catalogue_version: int
    pending_commands: int
    resend_requests: int = Field(description="acks that asked the store to resend (gaps)")
    duplicates: int = Field(description="events the store sent again that were skipped")


@router.get("/stores", tags=["stores"], response_model=list[StoreView], dependencies=READ)
def stores(hub: HubDep) -> Response:
    """Every store: online, last seen, applied seq, lag, reported outbox depth, catalogue
    version, pending commands. Serialised in one pass (1 000 stores answer in a few ms)."""
    rows = _STORES.validate_python(hub.stores())
    return Response(_STORES.dump_json(rows), media_type="application/json")


_STORES = TypeAdapter(list[StoreView])


@router.get("/receipts/{receipt_no}", tags=["sales"])
def receipt(receipt_no: str, hub: HubDep, caller: ReceiptLookup) -> dict[str, Any]:
    return lookups.signed(hub.key, "receipt", receipt_no, hub.receipt(receipt_no), caller)


@router.get("/returns", tags=["sales"], dependencies=READ)
def returns(hub: HubDep, flagged: Annotated[bool | None, Query()] = None) -> list[dict[str, Any]]:
    return hub.returns(flagged)


class _Own:
    """The worker's own counters and histograms (their registry is the hub's)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def collect(self) -> Iterator[Metric]:
        yield from self.hub.stats.registry.collect()


def create_hub_app(hub: Hub, *, run: bool = True) -> FastAPI:
    """The hub's web app; with `run` its lifespan starts and stops the hub's worker."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run:
            hub.start()
        try:
            yield
        finally:
            if run:
                hub.stop()

    app = FastAPI(title="Store Edge hub", version=__version__, lifespan=lifespan, redoc_url=None)
    app.state.hub = hub
    registry = CollectorRegistry()
    registry.register(HubCollector(hub.ctx))
    registry.register(_Own(hub))
    problems.install(app)
    limits = hub.ctx.settings.http
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=limits.max_body_bytes,
        paths={f"/api/v1{IMPORT_PATH}": limits.max_import_bytes},
    )
    app.add_middleware(TokenRequired, open_paths=OPEN_PATHS)  # outermost: before any body
    app.include_router(router, prefix="/api/v1")
    app.include_router(customers_router, prefix="/api/v1")
    app.include_router(orders_router, prefix="/api/v1")
    app.include_router(api_erp.read_router, prefix="/api/v1")
    app.include_router(api_erp.erp_router, prefix="/api/v1")

    # Per-store lag and online state name the network's stores: a `read` token scrapes it
    # (Prometheus: `authorization: {credentials_file: ...}`).
    @app.get("/metrics", include_in_schema=False, dependencies=READ)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app
