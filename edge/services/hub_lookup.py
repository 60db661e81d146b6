"""Looking up another store's receipt or an online order at the hub (contract §4). Unreachable,
slow or unconfigured all mean "offline": the caller falls back to the signed QR.

An answer sets a refund, so it is used only when the hub signed it (sync/hub/lookups.py) for
the very receipt or order asked about, for this store, recently; anything else is refused,
logged and counted (`store_edge_hub_answers_refused`)."""

from __future__ import annotations

import ipaddress
import logging
import ssl
import time
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import certifi
import httpx

from edge import signing
from edge.config import Settings
from edge.domain.errors import Conflict, NotFound, Unavailable
from edge.services import signed_qr
from edge.services.context import Context

log = logging.getLogger(__name__)
Kind = Literal["receipt", "order", "customer", "customer-history", "redemption"]
QR = "scan the receipt's QR code"
SEEN_HERE = "only customers seen at this store are known"
QUIET_S = 30.0  # customer calls skip an unreachable hub this long (then try it again)


class HubUnavailable(Unavailable):
    """The hub is configured but cannot answer now (a temporary outage)."""

    code = "hub-unavailable"


class UntrustedAnswer(HubUnavailable):
    """The hub's answer failed its check (altered on the way, replayed, not signed)."""

    code = "hub-answer-refused"


class NoHub(NotFound):
    """This node has no hub: a purchase not known locally is simply not found."""


def warn_about_config(settings: Settings) -> None:
    """At start: a hub that will refuse every lookup, or a token and receipts sent in clear
    text to another machine, deserve a word."""
    url = settings.hub.url
    if url and settings.hub.token is None:
        log.warning(
            "[hub] url is set without [hub] token: the hub refuses every lookup (make one with"
            " `store-edge hub token create %s --scope store --store %s`)",
            settings.store.id,
            settings.store.id,
        )
    if not url or not url.startswith("http://"):
        return
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        log.warning(
            "[hub] url %s is plain http to another machine: its token and the receipts it"
            " answers cross the network unencrypted; use https:// (with [hub] ca_file for a"
            " private CA)",
            url,
        )


def _verify(settings: Settings) -> ssl.SSLContext:
    ca = settings.hub.ca_file
    return _tls(str(ca) if ca else None)


@lru_cache(maxsize=8)
def _tls(cafile: str | None) -> ssl.SSLContext:
    """Made once: building a context (loading the CA bundle) costs tens of ms, and a card
    lookup at the till must not pay it on every scan (bench/bench_loyalty.py)."""
    # Without a private CA: httpx's own default bundle.
    return ssl.create_default_context(cafile=cafile or certifi.where())


def _get(ctx: Context, kind: Kind, ref: str) -> dict[str, Any] | None:
    if not ctx.settings.hub.url:
        raise NoHub("not a purchase of this store (no hub to ask); scan the receipt's QR code")
    return _fetch(ctx, kind, ref, f"/{kind}s/{quote(ref, safe='')}")


def _fetch(
    ctx: Context,
    kind: Kind,
    ref: str,
    path: str,
    params: dict[str, str] | None = None,
    fallback: str = QR,
    post: dict[str, Any] | None = None,
    quiet_s: float = 0.0,
) -> dict[str, Any] | None:
    """GET (or POST `post`) /api/v1`path` with this store's token; the signed answer about
    `kind` `ref`, None when the hub knows nothing of it; Conflict when it refuses."""
    body = _request(ctx, path, params, fallback, post, quiet_s)
    return None if body is None else _trusted(ctx, kind, ref, body)


def _request(
    ctx: Context,
    path: str,
    params: dict[str, str] | None,
    fallback: str,
    post: dict[str, Any] | None = None,
    quiet_s: float = 0.0,
) -> Any:
    """The hub's JSON answer as it came (None for 404), not yet checked."""
    hub = ctx.settings.hub
    if not hub.url:
        raise NoHub(f"no hub to ask; {fallback}")
    if quiet_s and time.monotonic() < ctx.hub_quiet_until:
        raise HubUnavailable(f"the hub did not answer a moment ago; {fallback}")
    url = f"{hub.url.rstrip('/')}/api/v1{path}"
    headers = {"Authorization": f"Bearer {hub.token.get_secret_value()}"} if hub.token else {}
    try:
        r = httpx.request(
            "POST" if post is not None else "GET", url, params=params, json=post,
            timeout=hub.timeout_s, headers=headers, verify=_verify(ctx.settings),
        )  # fmt: skip
    except (httpx.HTTPError, OSError) as exc:
        log.warning("hub lookup %s failed: %s", url, exc)
        if quiet_s:
            ctx.hub_quiet_until = time.monotonic() + quiet_s
        raise HubUnavailable(f"the hub cannot be reached; {fallback}") from None
    if r.status_code == 404:
        return None
    if r.status_code in (401, 403):
        log.warning("the hub refused this store's token (%s): check [hub] token", r.status_code)
    if r.status_code == 409:
        raise Conflict(f"the hub refused: {_detail(r)}")
    if r.status_code not in (200, 201):
        raise HubUnavailable(f"the hub answered {r.status_code}; {fallback}")
    try:
        return r.json()
    except ValueError:
        raise HubUnavailable("the hub's answer was not JSON") from None


def _detail(r: httpx.Response) -> str:
    try:
        return str(r.json().get("detail", ""))
    except (ValueError, AttributeError):
        return r.text[:200]


def _why_untrusted(ctx: Context, kind: Kind, ref: str, body: Any) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("signature"), str):
        return "unsigned"
    key = signed_qr.hub_public_key(ctx)
    if key is None:
        return "no-hub-key"
    signed = {k: v for k, v in body.items() if k != "signature"}
    if not signing.verify(key, signed, body["signature"]):
        return "bad-signature"
    about = body.get("signed_for")
    if not isinstance(about, dict) or (about.get("kind"), about.get("ref")) != (kind, ref):
        return "other-purchase"
    if about.get("store_id") != ctx.store_id:
        return "other-store"
    try:
        at = datetime.fromisoformat(str(about.get("at")))
        age = abs((ctx.clock() - at).total_seconds())
    except (TypeError, ValueError):
        return "stale"
    return "stale" if age > ctx.settings.hub.answer_max_age_s else None


def _trusted(ctx: Context, kind: Kind, ref: str, body: Any) -> dict[str, Any]:
    reason = _why_untrusted(ctx, kind, ref, body)
    if reason is not None:
        ctx.refused_hub_answers[reason] += 1
        log.warning("refused the hub's answer about %s %s: %s", kind, ref, reason)
        raise UntrustedAnswer(
            f"the hub's answer about {kind} {ref} failed its check ({reason}) and was not"
            " used; scan the receipt's QR code or call the office",
            reason=reason,
        )
    return {k: v for k, v in body.items() if k not in ("signed_for", "signature")}


def receipt(ctx: Context, receipt_no: str) -> dict[str, Any] | None:
    return _get(ctx, "receipt", receipt_no)


def order(ctx: Context, order_id: str) -> dict[str, Any] | None:
    return _get(ctx, "order", order_id)


def customer(ctx: Context, *, card: str | None, phone: str | None) -> dict[str, Any] | None:
    """The CRM's customer by card or phone (with their points), None when nobody holds it."""
    params = {"card": card} if card else {"phone": phone or ""}
    ref = card or phone or ""
    return _fetch(ctx, "customer", ref, "/customers/lookup", params, SEEN_HERE, quiet_s=QUIET_S)


def customer_history(ctx: Context, customer_id: str, limit: int) -> dict[str, Any] | None:
    path = f"/customers/{quote(customer_id, safe='')}/history"
    return _fetch(
        ctx, "customer-history", customer_id, path, {"limit": str(limit)}, SEEN_HERE,
        quiet_s=QUIET_S,
    )  # fmt: skip


def redeem(
    ctx: Context, customer_id: str, redemption_id: str, points: int
) -> dict[str, Any] | None:
    """The hub's authorisation of a redemption (Conflict over the balance)."""
    body = {"redemption_id": redemption_id, "points": points}
    path = f"/customers/{quote(customer_id, safe='')}/redemptions"
    return _fetch(ctx, "redemption", redemption_id, path, None, SEEN_HERE, body, QUIET_S)


def customer_orders(ctx: Context, customer_id: str) -> list[dict[str, Any]]:
    """The customer's click & collect orders with their status, for the shopper's own eyes at
    the kiosk. Unsigned on purpose: it is shown and sets no money at the store (what does is
    signed); an answer of another shape is the hub not answering."""
    path = f"/customers/{quote(customer_id, safe='')}/orders"
    body = _request(ctx, path, None, SEEN_HERE, quiet_s=QUIET_S)
    if not isinstance(body, list) or not all(isinstance(o, dict) for o in body):
        raise HubUnavailable("the hub's answer about the customer's orders was not a list")
    return body
