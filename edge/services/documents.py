"""Printing a document (return receipt, pickup slip) through the devices part when it is
installed: the print job is written in the caller's transaction, so it commits with the change."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from edge.services.context import Context

log = logging.getLogger(__name__)


def enqueue(conn: sqlite3.Connection, ctx: Context, kind: str, payload: dict[str, Any]) -> bool:
    """True when a print job was queued; False when this node has no devices part or no
    printer here serves documents of this kind."""
    try:
        from devices import service
    except ImportError:
        return False
    fn = getattr(service, "enqueue_document", None)
    if fn is None:
        return False
    return fn(conn, ctx, kind, payload) is not None
