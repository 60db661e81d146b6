"""NiceGUI faces of the node: the shopper kiosk and the cashier POS."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from edge.services.context import Context


def mount(app: FastAPI, ctx: Context) -> None:
    """Mounts /kiosk and /pos on the node's app (built in kiosk_ui.pages)."""
    from kiosk_ui.pages import mount_pages

    mount_pages(app, ctx)
