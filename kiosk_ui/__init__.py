"""NiceGUI faces of the node: the shopper kiosk and the cashier POS."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from edge.services.context import Context
    from kiosk_ui.runtime import UiParts


def mount(app: FastAPI, ctx: Context, parts: UiParts) -> None:
    """Mounts /kiosk and /pos on the node's app (built in kiosk_ui.pages), with the functions
    of the node's optional parts the pages use."""
    from kiosk_ui.pages import mount_pages

    mount_pages(app, ctx, parts)
