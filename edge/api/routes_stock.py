"""Stock documents of the shop floor: write-offs, stock counts, deliveries and transfers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response
from pydantic import Field

from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import Credentials, _In
from edge.api.stock_out import DeliveryReceived, Scanned, StockDoc
from edge.domain.errors import NotFound
from edge.services import stock_counts
from edge.services import stock_documents as docs

# A code that names no product refuses the document (404), one in another state the step (409);
# a write-off past a cashier's limit needs a supervisor (403).
router = APIRouter(tags=["stock"], responses=raises(403, 404, 409))
MAX_LINES = 500
# A blind count's lines have no `expected`: keys the answer lacks stay out (not null).
AS_SERVED: dict[str, Any] = {"response_model_exclude_unset": True}
STORE = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")


class LineIn(_In):
    # Typed or scanned: a SKU, a barcode, or a weighed item's GS1 label (each counts its weight).
    sku: str = Field(min_length=1, max_length=200)
    qty: int = Field(ge=1, le=10_000_000)  # pieces, or grams of weighed goods


class LinesIn(_In):
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)

    def pairs(self) -> list[tuple[str, int]]:
        return [(ln.sku, ln.qty) for ln in self.lines]


class WriteOffIn(LinesIn):
    reason: str = Field(pattern=r"^(damaged|expired|theft)$")
    approval: Credentials | None = None


class CountIn(_In):
    scope: str = Field("full", pattern=r"^(full|category:[^\s]{1,64}|shelf:[^\s]{1,64})$")


class ScanIn(_In):
    code: str = Field(min_length=1, max_length=200)
    qty: int = Field(1, ge=-999_999, le=999_999)


class ReceiveIn(LinesIn):
    final: bool = False  # close the delivery even if short


class UnannouncedIn(LinesIn):
    reference: str = Field("", max_length=64)


class TransferIn(LinesIn):
    to_store: str = STORE


class TransferReceiveIn(LinesIn):
    from_store: str = STORE


IdempotencyKey = Annotated[str | None, Header(max_length=128)]


def _answer(result: dict[str, Any], response: Response) -> dict[str, Any]:
    if result.pop("replayed", False):
        response.headers["Idempotent-Replayed"] = "true"
    return result


@router.post("/write-offs", status_code=201, response_model=StockDoc, **AS_SERVED)
def write_off(
    ctx: CtxDep, actor: ActorDep, body: WriteOffIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:  # fmt: skip
    approver = (body.approval.username, body.approval.pin) if body.approval else None
    result = docs.write_off(ctx, actor, body.pairs(), body.reason, approver, idempotency_key)
    return _answer(result, response)


@router.get("/write-offs/{doc_id}", response_model=StockDoc, **AS_SERVED)
def get_write_off(ctx: CtxDep, _actor: ActorDep, doc_id: str) -> dict[str, Any]:
    return docs.get(ctx, doc_id, "write_off")


@router.post("/counts", status_code=201, response_model=StockDoc, **AS_SERVED)
def start_count(ctx: CtxDep, actor: ActorDep, body: CountIn) -> dict[str, Any]:
    return stock_counts.start_count(ctx, actor, body.scope)


@router.post("/counts/{count_id}/scans", response_model=Scanned)
def scan(ctx: CtxDep, actor: ActorDep, count_id: str, body: ScanIn) -> dict[str, Any]:
    return stock_counts.scan(ctx, actor, count_id, body.code, body.qty)


@router.post("/counts/{count_id}/finish", response_model=StockDoc, **AS_SERVED)
def finish_count(ctx: CtxDep, actor: ActorDep, count_id: str) -> dict[str, Any]:
    return stock_counts.finish_count(ctx, actor, count_id)


@router.get("/counts/{count_id}", response_model=StockDoc, **AS_SERVED)
def get_count(ctx: CtxDep, _actor: ActorDep, count_id: str) -> dict[str, Any]:
    """While the count is open it is blind: counted quantities only, never the book stock."""
    return stock_counts.get_count(ctx, count_id)


@router.get("/deliveries", response_model=list[StockDoc], **AS_SERVED)
def deliveries(ctx: CtxDep, _actor: ActorDep, all: bool = False) -> list[dict[str, Any]]:
    """Deliveries announced by the ERP and not yet received in full (`all`: every one)."""
    return docs.deliveries(ctx, open_only=not all)


@router.post(
    "/deliveries/unannounced", status_code=201, response_model=DeliveryReceived, **AS_SERVED
)
def receive_unannounced(
    ctx: CtxDep, actor: ActorDep, body: UnannouncedIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:  # fmt: skip
    """Goods from a supplier nobody announced, received as counted."""
    result = docs.receive_delivery(ctx, actor, None, body.pairs(), reference=body.reference,
                                   idempotency_key=idempotency_key)  # fmt: skip
    return _answer(result, response)


@router.post("/deliveries/{delivery_id}/receive", response_model=DeliveryReceived, **AS_SERVED)
def receive_delivery(
    ctx: CtxDep, actor: ActorDep, delivery_id: str, body: ReceiveIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:  # fmt: skip
    """Counted lines of an announced delivery (partial receipts add up)."""
    result = docs.receive_delivery(ctx, actor, delivery_id, body.pairs(), final=body.final,
                                   idempotency_key=idempotency_key)  # fmt: skip
    return _answer(result, response)


@router.post("/transfers", status_code=201, response_model=StockDoc, **AS_SERVED)
def send_transfer(
    ctx: CtxDep, actor: ActorDep, body: TransferIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:  # fmt: skip
    result = docs.send_transfer(ctx, actor, body.to_store, body.pairs(), idempotency_key)
    return _answer(result, response)


@router.post(
    "/transfers/{transfer_id}/receive", status_code=201, response_model=StockDoc, **AS_SERVED
)
def receive_transfer(
    ctx: CtxDep, actor: ActorDep, transfer_id: str, body: TransferReceiveIn
) -> dict[str, Any]:
    return docs.receive_transfer(ctx, actor, transfer_id, body.from_store, body.pairs())


@router.get("/transfers/{transfer_id}", response_model=StockDoc, **AS_SERVED)
def get_transfer(ctx: CtxDep, _actor: ActorDep, transfer_id: str) -> dict[str, Any]:
    try:
        return docs.get(ctx, transfer_id, "transfer_out")
    except NotFound:
        return docs.get(ctx, transfer_id, "transfer_in")
