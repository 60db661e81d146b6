"""Composition of a node: HTTP API + UI + background components (sync agent, device workers)
on one FastAPI app, started and stopped by its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from edge import __version__
from edge.api import (
    problems,
    routes_baskets,
    routes_cash,
    routes_catalogue,
    routes_health,
    routes_sales,
    routes_sessions,
    routes_shifts,
)
from edge.api.access import AccessMiddleware
from edge.api.body_limit import EDGE_MAX_BODY_BYTES, BodyLimitMiddleware
from edge.api.kiosk_guard import KioskGuard
from edge.api.request_id import RequestIdMiddleware
from edge.bootstrap import bootstrap, plugin_migrations
from edge.config import Settings
from edge.metrics import Metrics
from edge.node import PLUGINS
from edge.plugins import Component, ComponentFactory
from edge.services.context import Context
from edge.store.migrations import MigrationSet
from edge.store.schema import edge_migrations

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def migration_sets() -> list[MigrationSet]:
    """Every component's migrations, in the order they apply."""
    return [edge_migrations, *plugin_migrations()]


def component_factories(settings: Settings) -> list[ComponentFactory]:
    return [factory for p in PLUGINS for factory in p.components]


def create_app(
    settings: Settings,
    *,
    ctx: Context | None = None,
    ui: bool = True,
    components: Sequence[ComponentFactory] | None = None,
) -> FastAPI:
    sets = migration_sets()
    ctx = ctx or bootstrap(settings)
    factories = list(components) if components is not None else component_factories(settings)
    running: list[Component] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        for factory in factories:
            component = factory(ctx)
            if component is None:
                continue
            await component.start()
            running.append(component)
        log.info("store edge node ready", extra={"store_id": ctx.store_id})
        try:
            yield {}
        finally:
            for component in reversed(running):
                try:
                    await component.stop()
                except Exception:
                    log.exception("stopping %s failed", type(component).__name__)
            running.clear()
            ctx.db.close()

    app = FastAPI(
        title="Store Edge node",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.settings = settings
    app.state.migration_sets = sets
    app.state.metrics = Metrics(ctx)
    app.state.components = running
    problems.install(app)
    for router in (
        routes_health.router,
        routes_catalogue.router,
        routes_sessions.router,
        routes_baskets.router,
        routes_sales.router,
        routes_cash.router,
        routes_shifts.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    for plugin in PLUGINS:
        for router in plugin.routers:
            app.include_router(router, prefix=API_PREFIX)
        for collector in plugin.metrics:
            app.state.metrics.add_collector(collector(ctx))
    problems.api_fallback(app, "/api")  # after every API route, before the UI's mount
    app.include_router(routes_health.router)  # /healthz etc. also at the root, for systemd/LBs
    app.add_middleware(BodyLimitMiddleware, max_bytes=EDGE_MAX_BODY_BYTES)
    app.add_middleware(
        AccessMiddleware,
        metrics=app.state.metrics,
        api_prefix=API_PREFIX,
        mode=settings.http.access_log,
        slow_s=settings.http.slow_request_ms / 1000,
    )
    # Outermost, so the timing and every log line of the request carry its id.
    app.add_middleware(RequestIdMiddleware)
    if settings.http.kiosk_port is not None:
        app.add_middleware(KioskGuard, kiosk_port=settings.http.kiosk_port)
    if ui:
        from edge.node import ui_parts
        from kiosk_ui import mount

        mount(app, ctx, ui_parts())
    return app
