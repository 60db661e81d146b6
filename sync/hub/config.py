"""Hub settings: embedded defaults, a TOML file (`--config`), `STORE_EDGE_HUB_*` variables,
then CLI flags."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import SettingsConfigDict

from edge.config import TomlSettings


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HubHttp(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8090, ge=1, le=65535)


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
    session_expiry_s: int = Field(7 * 24 * 3600, ge=0)


class StoreEntry(_Section):
    name: str = ""
    # Stores whose availability this store is told about; empty = every other store.
    neighbours: list[str] = []


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
    # Commands not acknowledged by their store after this long are sent again.
    command_resend_s: float = Field(10.0, gt=0)
    order_expiry_days: int = Field(7, ge=1)
    # A kiosk order's reservation at its store (the store also caps it: pickups.kiosk_hold_hours).
    kiosk_order_expiry_hours: int = Field(48, ge=1, le=14 * 24)
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "hub.db"
