"""Hub settings: embedded defaults, a TOML file (`--config`), `STORE_EDGE_HUB_*` variables,
then CLI flags."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import SettingsConfigDict

from edge.config import TomlSettings


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HubHttp(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8090, ge=1, le=65535)
    # Request bodies: every JSON route at most this (413 before more is read; an order with
    # a few hundred lines is ~50 KiB) ...
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    # ... and the catalogue import its own cap, streamed to a temporary file meanwhile.
    max_import_bytes: int = Field(256 * 1024 * 1024, ge=1024, le=512 * 1024 * 1024)


class HubBroker(_Section):
    url: str | None = None
    username: str | None = None
    password: str | None = None
    topic_prefix: str = "retail/v1"
    ca_file: Path | None = None
    client_id: str = "hub"
    # Several hub workers share the stores' streams through an MQTT 5 shared subscription
    # (`$share/<group>/...`): give each worker its own client_id and the same group.
    shared_group: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,32}$")
    # How long the broker keeps this worker's session (subscriptions and queued messages)
    # while it is away. Default: 7 days for a single hub (a restart finds what arrived
    # meanwhile); 0 in a shared group, where the broker would otherwise keep routing the
    # group's messages to a dead worker's session (they are resent to the live ones anyway).
    session_expiry_s: int | None = Field(None, ge=0)

    @property
    def session_expiry(self) -> int:
        if self.session_expiry_s is not None:
            return self.session_expiry_s
        return 0 if self.shared_group else 7 * 24 * 3600


class StoreEntry(_Section):
    name: str = ""
    # Stores whose availability this store is told about. Empty: the nearest stores by
    # coordinates (lat/lon), else (no store has coordinates or neighbours) any stores; at most
    # [nearby] max_neighbours either way.
    neighbours: list[str] = []
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class HubDatabase(_Section):
    # postgresql://USER:PASSWORD@HOST:PORT/DB for several workers; empty = SQLite file
    # <data_dir>/hub.db (sqlite:///PATH names another file).
    url: str | None = Field(None, pattern=r"^(postgresql|postgres|sqlite)://")


class HubSigning(_Section):
    # The hub's Ed25519 private key (PEM; `store-edge hub keygen --out FILE`). Every worker of
    # a shared group must sign with the same key; a single hub may leave it empty and gets
    # <data_dir>/hub.key made on first start.
    key_file: Path | None = None


class HubNearby(_Section):
    # Each store hears about at most this many other stores' stock.
    max_neighbours: int = Field(10, ge=0, le=100)
    # Stock changes are coalesced and told to neighbours once per interval.
    interval_s: float = Field(2.0, gt=0, le=60)


class HubRetention(_Section):
    # Applied events, sales and sale lines older than this are deleted (whole months dropped on
    # PostgreSQL). Orders, returns and stock are kept.
    days: int = Field(400, ge=1)


class HubWebhooks(_Section):
    """Every item of the feed (GET /api/v1/feed) POSTed to `url` in pages, in order, signed
    with HMAC-SHA256 of the body under `secret` (header X-Store-Edge-Signature: sha256=<hex>);
    a page that is not answered 2xx is sent again after a back-off doubling from `retry_min_s`
    to `retry_max_s`. Delivery is at least once: a hub killed between a 2xx and its record
    sends that page again, and each item's `cursor` lets the receiver drop what it has."""

    url: str | None = Field(None, pattern=r"^https?://[^\s]+$")
    secret: str | None = Field(None, min_length=16)
    batch: int = Field(100, ge=1, le=1000)
    timeout_s: float = Field(10.0, gt=0)
    retry_min_s: float = Field(1.0, gt=0)
    retry_max_s: float = Field(300.0, gt=0)
    poll_s: float = Field(1.0, gt=0)

    @model_validator(mode="after")
    def _signed(self) -> HubWebhooks:
        if self.url and not self.secret:
            raise ValueError("[webhooks] url needs a secret (16 characters or more) to sign with")
        return self


class HubDeadLetters(_Section):
    # Messages the hub refuses are kept (reason, topic, the payload's first keep_bytes) for
    # keep_days, at most per_store_per_minute per store; beyond that only counted (/metrics).
    per_store_per_minute: int = Field(60, ge=0)
    keep_bytes: int = Field(4096, ge=0, le=1024 * 1024)
    keep_days: int = Field(30, ge=1)


class HubLoyalty(_Section):
    # Loyalty card numbers are EAN-13 codes starting with this prefix (GS1's in-store range
    # 20–29 by default, so no product's barcode is ever taken for a card).
    card_prefix: str = Field("29", pattern=r"^[0-9]{1,6}$")


class HubSettings(TomlSettings):
    model_config = SettingsConfigDict(
        env_prefix="STORE_EDGE_HUB_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Path("var/hub")
    demo: bool = True  # seed the demo catalogue into an empty hub
    currency: str = Field("PLN", pattern=r"^[A-Z]{3}$")
    http: HubHttp = HubHttp()
    broker: HubBroker = HubBroker()
    stores: dict[str, StoreEntry] = Field(default_factory=dict)
    database: HubDatabase = HubDatabase()
    signing: HubSigning = HubSigning()
    nearby: HubNearby = HubNearby()
    retention: HubRetention = HubRetention()
    webhooks: HubWebhooks = HubWebhooks()
    dead_letters: HubDeadLetters = HubDeadLetters()
    loyalty: HubLoyalty = HubLoyalty()
    # Commands not acknowledged by their store after this long are sent again.
    command_resend_s: float = Field(10.0, gt=0)
    # A store's batches past a gap wait this long for the missing one before the hub asks the
    # store to resend: with several workers the missing batch is usually being applied by
    # another worker at that moment, and asking at once would make the store send its whole
    # window again.
    gap_grace_s: float = Field(2.0, ge=0)
    order_expiry_days: int = Field(7, ge=1)
    # A transfer sent this long ago and not received is flagged (GET /api/v1/transfers).
    transfer_overdue_days: int = Field(3, ge=1)
    # A kiosk order's reservation at its store (the store also caps it: pickups.kiosk_hold_hours).
    kiosk_order_expiry_hours: int = Field(48, ge=1, le=14 * 24)
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "hub.db"
