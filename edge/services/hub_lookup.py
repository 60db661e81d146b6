"""Looking up another store's receipt or an online order at the hub (contract §4). Unreachable,
slow or unconfigured all mean "offline": the caller falls back to the signed QR."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

from edge.domain.errors import NotFound, Unavailable
from edge.services.context import Context

log = logging.getLogger(__name__)


class HubUnavailable(Unavailable):
    """The hub is configured but cannot answer now (a temporary outage)."""

    code = "hub-unavailable"


class NoHub(NotFound):
    """This node has no hub: a purchase not known locally is simply not found."""


QR = "scan the receipt's QR code"


def _get(
    ctx: Context, path: str, params: dict[str, str] | None = None, fallback: str = QR
) -> dict[str, Any] | None:
    base = ctx.settings.hub.url
    if not base:
        if fallback != QR:
            raise NoHub(f"no hub to ask; {fallback}")
        raise NoHub("not a purchase of this store (no hub to ask); scan the receipt's QR code")
    url = base.rstrip("/") + "/api/v1" + path
    try:
        r = httpx.get(url, params=params, timeout=ctx.settings.hub.timeout_s)
    except httpx.HTTPError as exc:
        log.warning("hub lookup %s failed: %s", url, exc)
        raise HubUnavailable(f"the hub cannot be reached; {fallback}") from None
    if r.status_code == 404:
        return None
    if r.status_code != 200:
        raise HubUnavailable(f"the hub answered {r.status_code}; {fallback}")
    try:
        body = r.json()
    except ValueError:
        raise HubUnavailable("the hub's answer was not JSON") from None
    return body if isinstance(body, dict) else None


def receipt(ctx: Context, receipt_no: str) -> dict[str, Any] | None:
    return _get(ctx, f"/receipts/{quote(receipt_no, safe='')}")


def order(ctx: Context, order_id: str) -> dict[str, Any] | None:
    return _get(ctx, f"/orders/{quote(order_id, safe='')}")


def customer(ctx: Context, *, card: str | None, phone: str | None) -> dict[str, Any] | None:
    """The CRM's customer by card or phone (with their points), None when nobody holds it."""
    params = {"card": card} if card else {"phone": phone or ""}
    return _get(ctx, "/customers/lookup", params, "only customers seen at this store are known")


def customer_history(ctx: Context, customer_id: str, limit: int) -> dict[str, Any] | None:
    return _get(
        ctx,
        f"/customers/{quote(customer_id, safe='')}/history",
        {"limit": str(limit)},
        "only customers seen at this store are known",
    )
