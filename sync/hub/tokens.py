"""Who may call the hub's HTTP API: named bearer tokens with scopes. A token is shown once, when
it is made; the hub keeps only its SHA-256 (a 32-byte random secret needs no slow hash), so a
copy of the database lets no one call the API. A store's token speaks for one store."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from edge.domain.errors import Conflict, InvalidInput, NotFound
from sync.hub.store import Storage
from sync.hub.store import tokens as tokens_repo
from sync.hub.store.port import utc_iso

PREFIX = "seh_"  # recognisable in a config file or a leak scanner
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_STORE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# last_used is a write: at most once a minute per token, so lookups stay reads.
_TOUCH_EVERY = timedelta(minutes=1)


class Scope(StrEnum):
    """What a token may do (docs/hub-api.md lists the routes of each)."""

    ORDERS = "orders"  # the web shop: create, cancel and read orders
    CATALOG = "catalog"  # the PIM/ERP: catalogue imports
    READ = "read"  # availability, stores, receipts, returns, metrics
    STORE = "store"  # a store node's lookups (receipts and orders at a return), bound to it
    CRM = "crm"  # customer routes (reserved)
    ERP = "erp"  # ERP routes: deliveries, the feed (reserved)


_KNOWN = {s.value for s in Scope}


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    scopes: frozenset[Scope]
    store_id: str | None = None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(storage: Storage, name: str, scopes: list[Scope], store_id: str | None = None) -> str:
    """A new token (returned once, never stored). A `store` token names its store; only it."""
    if not _NAME.match(name):
        raise InvalidInput("a token's name is 1-64 letters, digits, '.', '_' or '-'")
    if not scopes:
        raise InvalidInput("give at least one --scope")
    if (Scope.STORE in scopes) != (store_id is not None):
        raise InvalidInput("the store scope needs --store ID, and --store needs the store scope")
    if store_id is not None and not _STORE.match(store_id):
        raise InvalidInput(f"store id {store_id!r}: 1-32 letters, digits, '_' or '-'")
    token = PREFIX + secrets.token_urlsafe(32)
    with storage.transaction() as tx:
        made = tokens_repo.add(
            tx, name=name, token_hash=digest(token), scopes=sorted(set(scopes)),
            store_id=store_id, at=utc_iso(datetime.now(UTC)),
        )  # fmt: skip
    if not made:
        raise Conflict(f"a token named {name} exists: revoke it first or choose another name")
    return token


def authenticate(storage: Storage, presented: str) -> Caller | None:
    """The caller a presented token belongs to, or None (unknown or revoked)."""
    wanted = digest(presented)
    with storage.read() as tx:
        row = tokens_repo.by_hash(tx, wanted)
    if row is None or not hmac.compare_digest(row["token_hash"], wanted):
        return None
    now = datetime.now(UTC)
    last = row["last_used_at"]
    if last is None or now - datetime.fromisoformat(last) >= _TOUCH_EVERY:
        with storage.transaction() as tx:
            tokens_repo.touch(tx, row["name"], utc_iso(now))
    # A scope a newer hub wrote and this one does not know grants nothing here.
    scopes = frozenset(Scope(s) for s in row["scopes"] if s in _KNOWN)
    return Caller(row["name"], scopes, row["store_id"])


def listing(storage: Storage) -> list[dict[str, Any]]:
    with storage.read() as tx:
        return tokens_repo.listing(tx)


def revoke(storage: Storage, name: str) -> None:
    with storage.transaction() as tx:
        if not tokens_repo.revoke(tx, name):
            raise NotFound(f"no token named {name}")
