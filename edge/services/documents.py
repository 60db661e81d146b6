"""Printing a document (return receipt, pickup slip) through the part that prints, when the
node has one (the devices part sets `ctx.hooks.print_document`): the print job is written in the
caller's transaction, so it commits with the change."""

from __future__ import annotations

import sqlite3
from typing import Any

from edge.services.context import Context


def enqueue(conn: sqlite3.Connection, ctx: Context, kind: str, payload: dict[str, Any]) -> bool:
    """True when a print job was queued; False when this node prints no documents or no
    printer here serves documents of this kind."""
    printer = ctx.hooks.print_document
    return printer is not None and printer(conn, kind, payload)
