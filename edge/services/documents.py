"""Printing a document (return receipt, pickup slip) through the devices part when it is
installed: the print job is written in the caller's transaction, so it commits with the change."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from edge.services.context import Context

log = logging.getLogger(__name__)


def enqueue(conn: sqlite3.Connection, ctx: Context, kind: str, payload: dict[str, Any]) -> bool:
    """True when a print job was queued; False when this node has no devices part."""
    try:
        from devices import service  # type: ignore[attr-defined]
    except ImportError:
        return False
    fn = getattr(service, "enqueue_document", None)
    if fn is None:
        return False
    fn(conn, ctx, kind, payload)
    return True


def open_drawer(ctx: Context, actor: Any) -> None:
    """Pulses the register's cash drawer for a cash refund, if this node drives one. Called
    after the commit; a drawer problem never undoes the refund."""
    try:
        from devices import service  # type: ignore[attr-defined]

        fn = service.open_drawer
    except (ImportError, AttributeError):
        return
    try:
        fn(ctx, actor.register, actor)
    except Exception:
        log.warning("could not open the cash drawer for a refund", exc_info=True)
