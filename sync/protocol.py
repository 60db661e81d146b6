"""The replication protocol: topics, message schemas (JSON with a schema version), size-bounded
event batches and signed hub messages. Documented in docs/asyncapi.yaml and docs/sync.md.

Every payload is one JSON object with `v` (schema version). A receiver rejects an unknown major
version, an oversized payload or a malformed body (logged, dead-lettered, never applied)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge.signing import sign, verify

SCHEMA_VERSION = 1
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024  # a 100 000-product snapshot fits; anything bigger is abuse
DEFAULT_BATCH_EVENTS = 500
DEFAULT_BATCH_BYTES = 256 * 1024


class ProtocolError(ValueError):
    """A message that must not be applied: malformed, oversized, wrong version or signature."""


class Topics:
    """Every topic of the protocol under one prefix (default `retail/v1`)."""

    def __init__(self, prefix: str = "retail/v1") -> None:
        self.prefix = prefix.strip("/")

    def store(self, store_id: str, leaf: str) -> str:
        return f"{self.prefix}/stores/{store_id}/{leaf}"

    def events(self, store_id: str) -> str:
        return self.store(store_id, "events")

    def acks(self, store_id: str) -> str:
        return self.store(store_id, "acks")

    def commands(self, store_id: str) -> str:
        return self.store(store_id, "commands")

    def command_acks(self, store_id: str) -> str:
        return self.store(store_id, "command-acks")

    def status(self, store_id: str) -> str:
        return self.store(store_id, "status")

    def catalog_requests(self, store_id: str) -> str:
        return self.store(store_id, "catalog-requests")

    def store_catalog(self, store_id: str) -> str:
        """Snapshots go to the one store that asked, not to every store."""
        return self.store(store_id, "catalog")

    def nearby(self, store_id: str) -> str:
        return self.store(store_id, "nearby")

    @property
    def catalog_changes(self) -> str:
        return f"{self.prefix}/catalog/changes"

    @property
    def catalog_keys(self) -> str:
        """Retained: every store's receipt-signing public key, for offline return checks."""
        return f"{self.prefix}/catalog/keys"

    def all_stores(self, leaf: str) -> str:
        return f"{self.prefix}/stores/+/{leaf}"

    def store_of(self, topic: str) -> tuple[str, str] | None:
        """(store_id, leaf) of a per-store topic, or None."""
        head = f"{self.prefix}/stores/"
        if not topic.startswith(head):
            return None
        parts = topic[len(head) :].split("/")
        if len(parts) != 2 or not parts[0]:
            return None
        return parts[0], parts[1]


class _Msg(BaseModel):
    model_config = ConfigDict(extra="ignore")
    v: int = SCHEMA_VERSION


class Signed(_Msg):
    """A hub message signed with the hub's Ed25519 key over every field but `signature`.

    Fields added later are optional with a None default and left out of the signed body when
    None, so a message from an older hub (without them) still verifies; unknown fields from a
    newer hub are kept (extra="allow") so that they are verified too, then ignored."""

    model_config = ConfigDict(extra="allow")
    signature: str = ""

    def body(self) -> dict[str, Any]:
        body = self.model_dump(mode="json", exclude={"signature"})
        return {k: v for k, v in body.items() if v is not None}

    def signed(self, key: Ed25519PrivateKey) -> Any:
        return self.model_copy(update={"signature": sign(key, self.body())})

    def check(self, key: Ed25519PublicKey) -> None:
        if not self.signature:
            raise ProtocolError("unsigned message")
        if not verify(key, self.body(), self.signature):
            raise ProtocolError("bad signature")


class EventRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    seq: int = Field(ge=1)
    id: str = Field(min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=64)
    at: str
    data: dict[str, Any]


class EventBatch(_Msg):
    store_id: str
    events: list[EventRecord] = Field(min_length=1)
    # What the store reports about itself, for the hub's /stores view.
    outbox_depth: int = 0
    sent_at: str | None = None


class Ack(Signed):
    """Hub → store: every event up to `acked_seq` is applied. `resend_from` asks for a resend
    (the hub saw a gap). Signed: an ack makes the store forget events."""

    store_id: str
    acked_seq: int = Field(ge=0)
    resend_from: int | None = None


class StoreStatus(_Msg):
    store_id: str
    online: bool
    at: str
    catalogue_version: int = 0
    outbox_depth: int = 0
    public_key: str | None = None  # the store's receipt-signing key (PEM), if it has one


class Command(Signed):
    id: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)
    store_id: str
    type: str = Field(min_length=1, max_length=64)
    issued_at: str
    data: dict[str, Any]


class CommandAck(_Msg):
    id: str
    seq: int
    store_id: str
    status: Literal["applied", "rejected"]
    reason: str = ""
    at: str


class CatalogueMessage(Signed):
    """A versioned catalogue change (`delta`: changes since version-1) or a full `snapshot`.
    Products use the catalogue file record shape (edge/catalogue_records.ProductRecord),
    promotions the promotion record shape (PromotionRecord, `type: "promotion"`)."""

    kind: Literal["delta", "snapshot"]
    version: int = Field(ge=1)
    products: list[dict[str, Any]] = []
    store_keys: dict[str, str] = {}  # store id -> PEM public key (offline-return QR checks)
    stores: list[dict[str, Any]] = []  # [{store_id, name}] for nearby availability labels
    # Added in schema 1 (optional, so older hubs' messages still verify). A delta: promotions
    # added or changed, and ids of promotions ended. A snapshot: every live promotion (the
    # store replaces its own); None = the hub does not distribute promotions, keep yours.
    promotions: list[dict[str, Any]] | None = None
    ended_promotions: list[str] | None = None
    # Loyalty earning rules (edge/loyalty_files.py), as promotions: changed and ended ids in a
    # delta, every live rule in a snapshot; None = not distributed by this hub.
    loyalty_rules: list[dict[str, Any]] | None = None
    ended_loyalty_rules: list[str] | None = None


class StoreKeys(Signed):
    keys: dict[str, str]  # store id -> PEM public key
    at: str


class CatalogueRequest(_Msg):
    store_id: str
    have: int = 0
    reason: str = "gap"


class NearbyStock(Signed):
    """Hub → store: other stores' levels (a full picture or just what changed). Signed: the
    till and the kiosk show them to shoppers."""

    levels: list[dict[str, Any]]  # [{store_id, sku, on_hand, reserved, as_of}]
    stores: list[dict[str, Any]] = []


def encode(msg: BaseModel) -> bytes:
    return json.dumps(
        msg.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False
    ).encode()


def decode(payload: bytes, model: type[M]) -> M:
    """Parses and validates a payload; ProtocolError says why it was refused."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ProtocolError(f"payload of {len(payload)} bytes is over the limit")
    try:
        # pydantic-core parses and validates in one pass (the hub decodes every batch).
        msg = model.model_validate_json(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise ProtocolError(f"not JSON: {first['msg']}") from None
        if first["type"] == "model_type":
            raise ProtocolError("payload is not a JSON object") from None
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ProtocolError(f"{where}: {first['msg']}") from None
    if getattr(msg, "v", SCHEMA_VERSION) != SCHEMA_VERSION:
        raise ProtocolError(f"unsupported schema version {getattr(msg, 'v', None)!r}")
    return msg


def event_json(seq: int, id: str, type: str, at: str, data_json: str) -> str:
    """One event's JSON, splicing in `data` as the outbox already holds it (compact JSON
    written by edge/store/outbox.py): the drain never parses and re-serialises event data."""
    return (
        f'{{"seq":{int(seq)},"id":{json.dumps(id)},"type":{json.dumps(type)},'
        f'"at":{json.dumps(at)},"data":{data_json}}}'
    )


def encode_batch(store_id: str, events: list[str], outbox_depth: int, sent_at: str) -> bytes:
    """An EventBatch from pre-encoded events (see event_json); decodes as EventBatch."""
    head = json.dumps(
        {"v": SCHEMA_VERSION, "store_id": store_id, "outbox_depth": outbox_depth,
         "sent_at": sent_at},
        separators=(",", ":"),
        ensure_ascii=False,
    )  # fmt: skip
    return (head[:-1] + ',"events":[' + ",".join(events) + "]}").encode()


def batches(
    rows: Sequence[T],
    max_events: int = DEFAULT_BATCH_EVENTS,
    max_bytes: int = DEFAULT_BATCH_BYTES,
    size: Callable[[T], int] = lambda row: len(row) if isinstance(row, str) else 0,
) -> list[list[T]]:
    """Splits events (in seq order) into batches of at most max_events and about max_bytes
    of JSON; an event bigger than max_bytes travels alone."""
    out: list[list[T]] = []
    current: list[T] = []
    total = 0
    for row in rows:
        n = size(row) + 1
        if current and (len(current) >= max_events or total + n > max_bytes):
            out.append(current)
            current, total = [], 0
        current.append(row)
        total += n
    if current:
        out.append(current)
    return out
