"""Looking up another store's receipt or an online order at the hub (contract §4). Unreachable,
slow or unconfigured all mean "offline": the caller falls back to the signed QR.

An answer sets a refund, so it is used only when the hub signed it (sync/hub/lookups.py) for
the very receipt or order asked about, for this store, recently; anything else is refused,
logged and counted (`store_edge_hub_answers_refused`)."""

from __future__ import annotations

import ipaddress
import logging
import ssl
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import httpx

from edge import signing
from edge.config import Settings
from edge.domain.errors import NotFound, Unavailable
from edge.services import signed_qr
from edge.services.context import Context

log = logging.getLogger(__name__)
Kind = Literal["receipt", "order"]


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


def _verify(settings: Settings) -> ssl.SSLContext | bool:
    ca = settings.hub.ca_file
    return ssl.create_default_context(cafile=str(ca)) if ca else True


def _get(ctx: Context, kind: Kind, ref: str) -> dict[str, Any] | None:
    hub = ctx.settings.hub
    if not hub.url:
        raise NoHub("not a purchase of this store (no hub to ask); scan the receipt's QR code")
    url = f"{hub.url.rstrip('/')}/api/v1/{kind}s/{quote(ref, safe='')}"
    headers = {"Authorization": f"Bearer {hub.token.get_secret_value()}"} if hub.token else {}
    try:
        r = httpx.get(url, timeout=hub.timeout_s, headers=headers, verify=_verify(ctx.settings))
    except (httpx.HTTPError, OSError) as exc:
        log.warning("hub lookup %s failed: %s", url, exc)
        raise HubUnavailable("the hub cannot be reached; scan the receipt's QR code") from None
    if r.status_code == 404:
        return None
    if r.status_code in (401, 403):
        log.warning("the hub refused this store's token (%s): check [hub] token", r.status_code)
    if r.status_code != 200:
        raise HubUnavailable(f"the hub answered {r.status_code}; scan the receipt's QR code")
    try:
        body = r.json()
    except ValueError:
        raise HubUnavailable("the hub's answer was not JSON") from None
    return _trusted(ctx, kind, ref, body)


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
