"""Placeholder until the UI lands: the kiosk and POS pages are issue 7."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from edge.services.context import Context


def mount_pages(app: FastAPI, ctx: Context) -> None:
    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(
            f"<h1>Store Edge — {ctx.settings.store.name}</h1><p><a href='/docs'>API</a></p>"
        )
