"""Scans from serial scanners: validated (check digits, GS1) and handed to whoever listens for
the register or the kiosk the scanner belongs to. A bad scan is a message and a beep, never an
exception."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from devices.runtime import ScanCallback, runtime
from edge.barcodes import decode
from edge.domain.errors import InvalidBarcode
from edge.services.context import Context
from edge.store import catalogue_repo

log = logging.getLogger(__name__)


def subscribe(ctx: Context, target: str, callback: ScanCallback) -> Callable[[], None]:
    """Calls `callback(result)` for each scan meant for `target` (a register id or "kiosk"),
    from the scanner's reader thread. Returns the function that unsubscribes."""
    rt = runtime(ctx)
    with rt.lock:
        rt.subscribers.setdefault(target, []).append(callback)

    def unsubscribe() -> None:
        with rt.lock:
            listeners = rt.subscribers.get(target, [])
            if callback in listeners:
                listeners.remove(callback)

    return unsubscribe


def validate(ctx: Context, raw: str) -> dict[str, Any]:
    """{"ok", "code", "message", "beep", "sku"?, "name"?, "scan"?} for what a scanner sent."""
    code = raw.strip()
    try:
        scan = decode(code, ctx.variable_rules)
    except InvalidBarcode as exc:
        return {"ok": False, "code": code, "message": exc.detail, "beep": True}
    with ctx.db.read() as conn:
        product = catalogue_repo.by_code(conn, scan.gtin)
    details = {"kind": scan.kind, "gtin": scan.gtin, "weight_g": scan.weight_g,
               "price": scan.price, "batch": scan.batch}  # fmt: skip
    if product is None:
        return {"ok": False, "code": code, "message": f"no product with barcode {scan.gtin}",
                "beep": True, "scan": details}  # fmt: skip
    name = product.name(ctx.settings.store.language)
    return {"ok": True, "code": code, "message": name, "beep": False,
            "sku": product.sku, "name": name, "scan": details}  # fmt: skip


def deliver(ctx: Context, target: str, raw: str) -> dict[str, Any]:
    try:
        result = validate(ctx, raw)
    except Exception as exc:  # e.g. the database is closing: still a message, not a crash
        log.exception("scan %r could not be checked", raw)
        result = {"ok": False, "code": raw.strip(), "message": f"scan not checked: {exc}",
                  "beep": True}  # fmt: skip
    rt = runtime(ctx)
    with rt.lock:
        listeners = list(rt.subscribers.get(target, []))
    for callback in listeners:
        try:
            callback(result)
        except Exception:
            log.exception("a scan listener for %s failed", target)
    if not listeners:
        log.info("scan for %s with nobody listening: %s", target, result["message"])
    return result
