"""Node settings: embedded defaults, a TOML file, then `STORE_EDGE_*` environment variables
(nested keys with `__`, e.g. `STORE_EDGE_HTTP__PORT=8081`), then CLI flags."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    create_model,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from edge.domain.barcodes import VariableMeasureRule

SectionT = TypeVar("SectionT", bound=BaseModel)
SettingsT = TypeVar("SettingsT", bound=BaseSettings)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreInfo(_Section):
    id: str = Field("S001", pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = "Store Edge Demo — Kraków Rynek"
    address: str = "Rynek Główny 1, 31-042 Kraków"
    tax_id: str = "NIP 676-000-00-00"
    register_id: str = Field("01", pattern=r"^[A-Za-z0-9]{1,8}$")
    currency: str = Field("PLN", pattern=r"^[A-Z]{3}$")
    language: Literal["pl", "en"] = "pl"
    # Times shown to people (till, reports) are in the store's zone; stored times stay UTC.
    timezone: str = "Europe/Warsaw"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Warsaw)") from None
        return value


class HttpConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # A second listener (same host) for the kiosk screen's browser: it serves only the kiosk
    # pages, their assets and the kiosk API (edge/api/kiosk_guard.py). None: no such port.
    kiosk_port: int | None = Field(None, ge=1, le=65535)
    # problems: 4xx/5xx and slow requests; all: every request; off: none (see edge/api/access.py)
    access_log: Literal["problems", "all", "off"] = "problems"
    slow_request_ms: int = Field(250, ge=1)


class DatabaseConfig(_Section):
    # FULL: a store box loses power; NORMAL in WAL mode can lose the last commits then.
    synchronous: Literal["FULL", "NORMAL"] = "FULL"


class BrokerConfig(_Section):
    url: str | None = None  # mqtt://host:1883 or mqtts://user:pass@host:8883
    username: str | None = None
    password: str | None = None
    topic_prefix: str = "retail/v1"
    hub_key: Path | None = None  # the hub's Ed25519 public key (PEM); required with a broker
    ca_file: Path | None = None


class SellingConfig(_Section):
    session_minutes: int = Field(12 * 60, ge=1)
    cashier_max_discount_percent: int = Field(10, ge=0, le=100)
    # Wrong PINs from one client address (any account) before it is blocked for a while.
    address_max_failures: int = Field(20, ge=1)
    address_block_minutes: int = Field(15, ge=1)
    variable_measure: list[VariableMeasureRule] | None = None

    @field_validator("variable_measure", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> Any:
        if value is None:
            return None
        return [VariableMeasureRule(**v) if isinstance(v, dict) else v for v in value]


class HubConfig(_Section):
    """The hub's HTTP API, for looking up other stores' receipts and online orders at a return.
    None = no hub: returns of foreign purchases need the signed QR."""

    url: str | None = Field(None, pattern=r"^https?://[^\s]+$")  # e.g. https://hub:8090
    timeout_s: float = Field(2.0, gt=0, le=30)
    # This store's token at the hub (`store-edge hub token create NAME --scope store --store
    # ID`), sent with every lookup; a secret, never logged.
    token: SecretStr | None = None
    # The CA that signed an https:// hub's certificate (a private CA); empty: the system's.
    ca_file: Path | None = None
    # A signed lookup answer older (or further ahead) than this is refused: no stale replays.
    answer_max_age_s: float = Field(300.0, gt=0, le=3600)


class PickupsConfig(_Section):
    expiry_days: int = Field(7, ge=1, le=90)  # when the hub's order carries no expires_at
    max_code_attempts: int = Field(5, ge=1, le=20)
    expiry_check_s: float = Field(60.0, gt=0)  # how often uncollected orders are expired
    # A kiosk order holds stock at most this long, whatever the hub's order says.
    kiosk_hold_hours: int = Field(48, ge=1, le=14 * 24)
    # Kiosk orders per kiosk (its client address) per hour, and per shopper (e-mail or phone)
    # per day: beyond them the kiosk answers "try later" (429) and nothing is reserved.
    kiosk_orders_per_hour: int = Field(10, ge=1)
    kiosk_orders_per_contact_per_day: int = Field(3, ge=1)


class ReturnsConfig(_Section):
    # Refunds above this (minor units) need a supervisor.
    approval_above: int = Field(20_000, ge=0)
    # An online order returned while the hub is unreachable: above this a supervisor approves.
    offline_online_limit: int = Field(10_000, ge=0)
    # Purchases older than this many days come back only with a supervisor (0: no window).
    window_days: int = Field(30, ge=0)
    reason_codes: list[str] = Field(
        default_factory=lambda: ["changed_mind", "defective", "wrong_item", "damaged", "other"],
        min_length=1,
    )


class LoyaltyConfig(_Section):
    # Loyalty cards are EAN-13 codes under this prefix (GS1's in-store range 20–29: never a
    # product's barcode); the hub's [loyalty] card_prefix must be the same.
    card_prefix: str = Field("29", pattern=r"^[0-9]{1,6}$")
    # A customer seen at this store is kept (for lookups while the hub is unreachable) this
    # long after they were last seen here; no store holds the whole customer base.
    cache_days: int = Field(30, ge=1, le=400)
    # Points a card may redeem per day at this store while the hub cannot authorise.
    offline_redeem_daily_limit: int = Field(500, ge=0)
    # The reward: every `redeem_points` points take `redeem_value` (minor units) off a basket.
    redeem_points: int = Field(100, ge=1)
    redeem_value: int = Field(500, ge=1)


class StockConfig(_Section):
    # Write-offs worth more than this (minor units, at shelf prices) need a supervisor.
    write_off_approval_above: int = Field(10_000, ge=0)


class TomlSettings(BaseSettings):
    """Command-line flags (init) beat the environment, which beats the TOML file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


class Settings(TomlSettings):
    model_config = SettingsConfigDict(
        env_prefix="STORE_EDGE_", env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Path("var")
    demo: bool = True  # seed the demo catalogue and demo staff into an empty database
    store: StoreInfo = StoreInfo()
    http: HttpConfig = HttpConfig()
    database: DatabaseConfig = DatabaseConfig()
    broker: BrokerConfig = BrokerConfig()
    selling: SellingConfig = SellingConfig()
    hub: HubConfig = HubConfig()
    pickups: PickupsConfig = PickupsConfig()
    returns: ReturnsConfig = ReturnsConfig()
    stock: StockConfig = StockConfig()
    loyalty: LoyaltyConfig = LoyaltyConfig()
    log_format: Literal["json", "console"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "store.db"

    def section(self, name: str, model: type[SectionT]) -> SectionT:
        """A part's own section (`[devices]`, `[sync]`, …): the parts declare theirs and the
        composition root adds them to the node's settings (`with_sections`), so the core's
        settings never import a part."""
        value = getattr(self, name, None)
        if not isinstance(value, model):
            raise TypeError(f"these settings have no [{name}] section of {model.__name__}")
        return value


def with_sections(
    base: type[Settings], sections: Mapping[str, type[BaseModel]], name: str = "NodeSettings"
) -> type[Settings]:
    """`base` with one more section per part, each defaulting to its model's defaults."""
    clash = sorted(set(sections) & set(base.model_fields))
    if clash:
        raise ValueError(f"a part's settings section would replace the core's: {clash}")
    fields: dict[str, Any] = {
        key: (model, Field(default_factory=model)) for key, model in sections.items()
    }
    return create_model(name, __base__=base, **fields)


class ConfigError(Exception):
    """A config file or variable is wrong; the message names the key."""


def describe(exc: ValidationError, source: str) -> str:
    lines = [f"invalid configuration in {source}:"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        lines.append(f"  {key}: {err['msg']}")
    return "\n".join(lines)


def load_settings(
    config_file: Path | None,
    overrides: dict[str, Any] | None,
    settings_cls: type[SettingsT],
) -> SettingsT:
    """Reads the embedded defaults, the TOML file, the environment and the CLI overrides into
    `settings_cls` (the node's: edge.node.load_settings; the hub's: HubSettings). Raises
    ConfigError naming the offending key."""
    cls = settings_cls
    source = "the environment"
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        source = f"{path} or the environment"
        cls = type(
            settings_cls.__name__,
            (settings_cls,),
            {"model_config": {**settings_cls.model_config, "toml_file": path}},
        )
    try:
        return cls(**(overrides or {}))
    except ValidationError as exc:
        raise ConfigError(describe(exc, source)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {config_file} is not valid TOML: {exc}") from None


def nested(flags: dict[str, Any]) -> dict[str, Any]:
    """CLI flags by dotted name (`database.url`) as the nested overrides load_settings takes;
    a flag that was not given (None) is left out."""
    result: dict[str, Any] = {}
    for dotted, value in flags.items():
        if value is None:
            continue
        *parents, leaf = dotted.split(".")
        cursor = result
        for part in parents:
            cursor = cursor.setdefault(part, {})
        cursor[leaf] = value
    return result
