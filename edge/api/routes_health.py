"""Liveness, readiness and metrics for systemd, load balancers and Prometheus."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from edge.api.contract import raises
from edge.api.deps import CtxDep
from edge.api.out_base import Status
from edge.api.problems import problem
from edge.store.migrations import pending

router = APIRouter(tags=["health"])


class Ready(Status):
    store_id: str


@router.get("/healthz", response_model=Status)
def healthz() -> dict[str, Any]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Ready, responses=raises(503))
def readyz(ctx: CtxDep, request: Request) -> dict[str, Any] | Response:
    """The database answers and every migration is applied. Read only: an anonymous probe
    neither waits for the till's writes nor holds the writer (a write would show nothing more:
    a store box's disk that cannot be written fails the next sale loudly anyway). Every part
    must be ready too: with its fiscal device down a till may not sell."""
    try:
        with ctx.db.read() as conn:
            conn.execute("SELECT count(*) FROM schema_migrations").fetchone()
        todo = pending(ctx.db, request.app.state.migration_sets)
    except (sqlite3.Error, RuntimeError) as exc:
        return problem(503, "not-ready", f"database unavailable: {exc}", request.url.path)
    if todo:
        return problem(503, "not-ready", f"{len(todo)} migrations pending", request.url.path)
    for check in ctx.hooks.readiness:  # e.g. the fiscal device: down, no sale may be made
        reason = check()
        if reason:
            return problem(503, "not-ready", reason, request.url.path)
    return {"status": "ready", "store_id": ctx.store_id}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
