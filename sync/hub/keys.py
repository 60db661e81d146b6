"""The hub's Ed25519 signing key. Every worker of a shared group signs with the same key (a store
trusts one `hub.pub`), so such a hub needs `[signing] key_file`, made once with
`store-edge hub keygen --out FILE` and given to every worker; a single hub without one makes
`<data_dir>/hub.key` on its first start."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.signing import generate_key_pair, load_private_key, public_pem
from sync.hub.config import HubSettings


class SigningKeyError(ValueError):
    """The signing key cannot be used as configured (the message says what to do)."""


def signing_key(settings: HubSettings) -> Ed25519PrivateKey:
    """Loads (or, for a single hub, makes) the key; writes `<data_dir>/hub.pub` for nodes."""
    key_file = settings.signing.key_file
    public = settings.data_dir / "hub.pub"
    if key_file is None:
        if settings.broker.shared_group:
            raise SigningKeyError(
                "a hub in a shared group ([broker] shared_group) needs [signing] key_file,"
                " the same for every worker: make it once with"
                " `store-edge hub keygen --out FILE` and set it in each worker's config"
            )
        return generate_key_pair(settings.data_dir / "hub.key", public)
    try:
        key = load_private_key(key_file)
    except (OSError, ValueError) as exc:
        raise SigningKeyError(
            f"[signing] key_file {key_file}: not a readable Ed25519 key ({exc})"
        ) from None
    pem = public_pem(key.public_key())
    if not public.exists() or public.read_bytes() != pem:
        public.parent.mkdir(parents=True, exist_ok=True)
        public.write_bytes(pem)
    return key


def keygen(out: Path) -> Path:
    """Writes a new private key to `out` (mode 0600) and its public key to `out`.pub; never
    overwrites a key (workers signing with a lost key would be refused by every store)."""
    public = out.with_name(out.name + ".pub")
    for path in (out, public):
        if path.exists():
            raise SigningKeyError(f"{path} exists: a hub key is never overwritten")
    generate_key_pair(out, public)  # 0600, never over an existing file
    return public
