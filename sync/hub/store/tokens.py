"""The hub's API tokens (`hub_api_tokens`): a name, the SHA-256 of the token, its scopes (JSON
list) and, for a store's token, the store it speaks for."""

from __future__ import annotations

import json
from typing import Any

from sync.hub.store.port import Tx


def add(
    tx: Tx, *, name: str, token_hash: str, scopes: list[str], store_id: str | None, at: str
) -> bool:
    """False when a token of that name exists (nothing is changed)."""
    row = tx.one(
        "INSERT INTO hub_api_tokens (name, token_hash, scopes, store_id, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name",
        [name, token_hash, json.dumps(scopes), store_id, at],
    )
    return row is not None


def _decoded(row: Any) -> dict[str, Any]:
    scopes = row["scopes"]
    return {**dict(row), "scopes": json.loads(scopes) if isinstance(scopes, str) else scopes}


def by_hash(tx: Tx, token_hash: str) -> dict[str, Any] | None:
    row = tx.one("SELECT * FROM hub_api_tokens WHERE token_hash = ?", [token_hash])
    return None if row is None else _decoded(row)


def listing(tx: Tx) -> list[dict[str, Any]]:
    """Every token without its hash, by name."""
    rows = tx.all(
        "SELECT name, scopes, store_id, created_at, last_used_at FROM hub_api_tokens ORDER BY name"
    )
    return [_decoded(r) for r in rows]


def touch(tx: Tx, name: str, at: str) -> None:
    tx.execute("UPDATE hub_api_tokens SET last_used_at = ? WHERE name = ?", [at, name])


def revoke(tx: Tx, name: str) -> bool:
    return tx.execute("DELETE FROM hub_api_tokens WHERE name = ?", [name]).rowcount > 0
