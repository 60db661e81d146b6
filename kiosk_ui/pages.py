"""Mounts the kiosk (/kiosk) and the till (/pos) on the node's FastAPI app with NiceGUI."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from nicegui import core, ui

from edge.services.context import Context
from kiosk_ui import runtime

log = logging.getLogger(__name__)


def _register_pages() -> None:
    """NiceGUI keeps pages on its one global app; register them once per reset of it."""
    if any(getattr(r, "path", None) == "/pos" for r in core.app.routes):
        return
    from kiosk_ui.kiosk import kiosk_page
    from kiosk_ui.pos import pos_page

    ui.page("/pos", title="Till")(pos_page)
    ui.page("/kiosk", title="Kiosk")(kiosk_page)


def mount_pages(app: FastAPI, ctx: Context, parts: runtime.UiParts) -> None:
    app.state.ui = runtime.attach(ctx, parts)
    _register_pages()

    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(
            f"<h1>Store Edge — {ctx.settings.store.name}</h1>"
            "<p><a href='/pos'>Till (POS)</a> · <a href='/kiosk'>Kiosk</a> · "
            "<a href='/docs'>API</a></p>"
        )

    ui.run_with(
        app,
        title="Store Edge",
        favicon="🛒",
        show_welcome_message=False,
        reconnect_timeout=30.0,  # a till on flaky Wi-Fi keeps its basket across short drops
    )
