"""Signed QR confirmations: the store's own key pair, the QR text printed on its receipts, and
verifying a receipt or order confirmation offline with the keys this store trusts.

QR text: `SE1.` + base64url(canonical_json({"p": payload, "s": signature, "k": key_id})), with
payload = {kind: "sale"|"order", ref, store_id, at, currency, lines: [{sku, qty, unit_price,
total}]} and, for an order, `state`: the hub signs a web order "paid" when it is paid online
("ordered" otherwise: not a proof of purchase), and the store that hands an order over signs
what it handed over as "collected" with its own key."""

from __future__ import annotations

import base64
import binascii
import json
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from edge import signing
from edge.domain.errors import InvalidInput, NotFound
from edge.domain.pickups import Order
from edge.services.context import Context
from edge.store import returns_repo, sales_repo

PREFIX = "SE1."
MAX_QR_CHARS = 4000
_keys: dict[Path, Ed25519PrivateKey] = {}
_keys_lock = threading.Lock()


class ForgedQr(InvalidInput):
    code = "invalid-signature"


def key_paths(ctx: Context) -> tuple[Path, Path]:
    return ctx.settings.data_dir / "store.key", ctx.settings.data_dir / "store.pub"


def store_key(ctx: Context) -> Ed25519PrivateKey:
    """The store's Ed25519 key, created on first use (`<data_dir>/store.key` + `store.pub`)."""
    private, public = key_paths(ctx)
    with _keys_lock:
        key = _keys.get(private.resolve())
        if key is None:
            key = signing.generate_key_pair(private, public)
            _keys[private.resolve()] = key
        return key


def store_public_pem(ctx: Context) -> str:
    return signing.public_pem(store_key(ctx).public_key()).decode()


def encode(payload: dict[str, Any], signature: str, key_id: str) -> str:
    blob = signing.canonical_json({"p": payload, "s": signature, "k": key_id})
    return PREFIX + base64.urlsafe_b64encode(blob).decode().rstrip("=")


def decode(text: str) -> tuple[dict[str, Any], str, str]:
    """Splits a QR text into (payload, signature, key_id); InvalidInput when it is not one."""
    text = text.strip()
    if not text.startswith(PREFIX) or len(text) > MAX_QR_CHARS:
        raise InvalidInput("not a Store Edge QR code (it starts with SE1.)")
    body = text[len(PREFIX) :]
    try:
        obj = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("the QR code is damaged (cannot be read)") from None
    if not isinstance(obj, dict):
        raise InvalidInput("the QR code is damaged (cannot be read)")
    payload, sig, key_id = obj.get("p"), obj.get("s"), obj.get("k")
    if not isinstance(payload, dict) or not isinstance(sig, str) or not isinstance(key_id, str):
        raise InvalidInput("the QR code is incomplete")
    return payload, sig, key_id


def confirmation_qr(confirmation: dict[str, Any], key_id: str = "hub") -> str:
    """The QR text of a hub-signed order confirmation (`order.create`'s `confirmation`
    {payload, signature}), as the shopper's phone or the pickup slip shows it."""
    payload, sig = confirmation.get("payload"), confirmation.get("signature")
    if not isinstance(payload, dict) or not isinstance(sig, str):
        raise InvalidInput("an order confirmation is {payload, signature}")
    return encode(payload, sig, key_id)


def sign_payload(ctx: Context, payload: dict[str, Any]) -> str:
    return encode(payload, signing.sign(store_key(ctx), payload), ctx.store_id)


def receipt_payload(ctx: Context, conn: Any, receipt_no: str) -> dict[str, Any]:
    sale = sales_repo.get(conn, receipt_no)
    if sale is None:
        raise NotFound(f"no sale with receipt number {receipt_no}")
    return {
        "kind": "sale",
        "ref": sale.receipt_no,
        "store_id": sale.store_id,
        "at": sale.at.isoformat(),
        "currency": sale.currency,
        # `total` (paid after discounts) extends the contract's {sku, qty, unit_price}.
        "lines": [
            {"sku": ln.sku, "qty": ln.qty, "unit_price": ln.unit_price, "total": ln.total}
            for ln in sale.lines
        ],
    }


def collection_qr(ctx: Context, order: Order) -> str:
    """What this store handed over of a paid order, signed with its key: the shopper's proof
    of purchase for a return at any store, online or not (on the collection slip)."""
    payload = {
        "kind": "order",
        "state": "collected",
        "ref": order.order_id,
        "store_id": ctx.store_id,
        "at": ctx.clock().isoformat(),
        "currency": order.currency,
        "prepaid": order.prepaid,
        "lines": [
            {"sku": ln.sku, "qty": ln.collected, "unit": ln.unit, "unit_price": ln.unit_price,
             "total": ln.amount(ln.collected)}
            for ln in order.lines
            if ln.collected
        ],
    }  # fmt: skip
    return sign_payload(ctx, payload)


def signed_receipt_qr(ctx: Context, receipt_no: str) -> str:
    """The QR text printed on a sale receipt: lets any store verify the sale offline."""
    with ctx.db.read() as conn:
        payload = receipt_payload(ctx, conn, receipt_no)
    return sign_payload(ctx, payload)


def _public_key(ctx: Context, conn: Any, key_id: str) -> Ed25519PublicKey | None:
    if key_id == ctx.store_id:
        return store_key(ctx).public_key()
    pem = returns_repo.trusted_key(conn, key_id)
    if pem is None and key_id == "hub" and ctx.settings.broker.hub_key is not None:
        try:
            return signing.load_public_key(ctx.settings.broker.hub_key)
        except ValueError:
            return None
    if pem is None:
        return None
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def hub_public_key(ctx: Context) -> Ed25519PublicKey | None:
    """The hub's key as this node trusts it (told by the hub, or [broker] hub_key)."""
    with ctx.db.read() as conn:
        return _public_key(ctx, conn, "hub")


def verify(ctx: Context, conn: Any, text: str) -> tuple[dict[str, Any], str]:
    """The verified payload and who signed it. Refuses a forged, altered or unknown-signer QR,
    and a store key vouching for anything but that store's own sales."""
    payload, sig, key_id = decode(text)
    key = _public_key(ctx, conn, key_id)
    if key is None:
        raise ForgedQr(f"the QR is signed by {key_id!r}, a key this store does not trust")
    if not signing.verify(key, payload, sig):
        raise ForgedQr("the QR's signature does not match its content (forged or altered)")
    own = payload.get("store_id") == key_id and (
        payload.get("kind") == "sale"
        or (payload.get("kind") == "order" and payload.get("state") == "collected")
    )
    if key_id != "hub" and not own:
        raise ForgedQr(f"key {key_id!r} may only vouch for its own store's sales and collections")
    if payload.get("kind") not in ("sale", "order") or not isinstance(payload.get("lines"), list):
        raise InvalidInput("the QR does not describe a sale or an order")
    return payload, key_id
