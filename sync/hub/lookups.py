"""The answers that set money at a store (a receipt or an order looked up at a return or a
pickup), signed with the hub's key for the store that asked: the node checks the signature, that
the answer is for the receipt or order it asked about and for itself, and that it is fresh, so
neither a proxy on the way nor a replay for another store can change a refund."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge import signing
from sync.hub.tokens import Caller

Kind = Literal["receipt", "order"]


def signed(
    key: Ed25519PrivateKey, kind: Kind, ref: str, body: dict[str, Any], caller: Caller
) -> dict[str, Any]:
    """`body` with `signed_for` (what, for whom, when) and a signature over both."""
    out = {
        **body,
        "signed_for": {
            "kind": kind,
            "ref": ref,
            "store_id": caller.store_id,
            "at": datetime.now(UTC).isoformat(),
        },
    }
    return {**out, "signature": signing.sign(key, out)}
