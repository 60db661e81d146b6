"""`GET /api/v1/sync/status` on the edge node."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from edge.api.deps import CtxDep
from edge.api.stock_out import SyncStatus
from sync.status import sync_status

router = APIRouter(tags=["sync"])


@router.get("/sync/status", response_model=SyncStatus)
def get_sync_status(ctx: CtxDep) -> dict[str, Any]:
    """Connected to the broker, events not yet acknowledged by the hub (and the oldest one's
    age in seconds), the last ack, the catalogue version."""
    return sync_status(ctx)
