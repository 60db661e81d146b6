"""Ed25519 signatures over canonical JSON, and salted slow hashes of pickup codes.

Shared by the hub (signs commands and order confirmations), the edge (verifies them, also
offline) and the stores' own receipts. Canonical JSON: UTF-8, sorted keys, no spaces, so the
signer and the verifier hash the same bytes whatever the dict order."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# scrypt parameters for pickup codes: short codes need a slow hash (an attacker holding the
# edge database must not enumerate 10^6 codes in a blink); lockout after 5 tries does the rest.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
PICKUP_CODE_DIGITS = 6


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(key: Ed25519PrivateKey, obj: Any) -> str:
    """Base64url signature of the canonical JSON of `obj`."""
    return base64.urlsafe_b64encode(key.sign(canonical_json(obj))).decode().rstrip("=")


def verify(key: Ed25519PublicKey, obj: Any, signature: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        key.verify(raw, canonical_json(obj))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def generate_key_pair(private_path: Path, public_path: Path) -> Ed25519PrivateKey:
    """Creates a key pair on first start; later starts load the existing private key."""
    if private_path.exists():
        return load_private_key(private_path)
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(public_pem(key.public_key()))
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Raises ValueError with the path in the message for a missing or wrong key file."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable PEM public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def new_pickup_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PICKUP_CODE_DIGITS))


def hash_pickup_code(code: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        code.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def check_pickup_code(code: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            code.strip().encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)
