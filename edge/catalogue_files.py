"""Reading catalogue files (CSV or JSON Lines) from an ERP export into products and promotions.

A row is validated whole; one bad row rejects the file with its line number, so an import is
all or nothing. Shared by the edge node (`store-edge catalog import`) and the hub.

A promotion row is a JSON object with `"type": "promotion"` (or a `promotion_id`), or a CSV row
whose `promotion_id` column is filled; `"active": false` ends (removes) the promotion."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from edge.domain import text
from edge.domain.barcodes import has_valid_check_digit, normalize_gtin
from edge.domain.catalogue import Product, Promotion, Unit
from edge.domain.errors import InvalidInput
from edge.domain.vat import VatRate

MAX_FILE_BYTES = 512 * 1024 * 1024
MULTILINE = frozenset({"desc_pl", "desc_en"})  # descriptions may hold line breaks


def _plain(value: Any, field: str) -> Any:
    """Catalogue text from any source refuses control characters (edge/domain/text.py): a
    product's name ends up on receipts, where ESC and GS bytes are printer commands."""
    if isinstance(value, str):
        try:
            return text.check_plain(value, field, multiline=field in MULTILINE)
        except InvalidInput as exc:
            raise ValueError(exc.detail) from None
    return value


_UNITS: dict[str, Unit] = {"szt": "pcs", "szt.": "pcs", "pcs": "pcs", "kg": "kg"}


class ProductRecord(BaseModel):
    """One catalogue row. `price` is the gross price as a decimal ('12.99' or '12,99');
    `price_minor` the same in minor units; one of them is required."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    sku: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    name_pl: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    desc_pl: str = Field("", max_length=4000)
    desc_en: str = Field("", max_length=4000)
    category: str = Field("", max_length=64)
    price: str | None = None
    price_minor: int | None = Field(None, ge=0)
    currency: str = Field("PLN", pattern=r"^[A-Z]{3}$")
    vat: str
    unit: Unit = "pcs"
    barcodes: list[str] = []
    image: str = Field("", max_length=500)
    active: bool = True

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        return _plain(value, info.field_name or "text")

    @field_validator("price", "vat", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # JSON exports carry 12.99 and 23 as numbers; both mean what the text would.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("barcodes", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v for v in value.replace("|", " ").replace(";", " ").split() if v]
        return value

    @field_validator("barcodes")
    @classmethod
    def _check(cls, codes: list[str]) -> list[str]:
        out = []
        for code in codes:
            if len(code) not in (8, 12, 13, 14) or not has_valid_check_digit(code):
                raise ValueError(f"barcode {code!r} is not a valid EAN/UPC/GTIN")
            out.append(normalize_gtin(code))
        return out

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: str) -> Unit:
        unit = _UNITS.get(value.lower())
        if unit is None:
            raise ValueError("unit must be pcs or kg")
        return unit

    def to_product(self) -> Product:
        try:
            vat = VatRate.parse(self.vat)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        if self.price_minor is not None:
            minor = self.price_minor
        elif self.price is not None:
            minor = _minor(self.price)
        else:
            raise ValueError("price (or price_minor) is required")
        names = {"pl": self.name_pl, **({"en": self.name_en} if self.name_en else {})}
        descriptions = {k: v for k, v in (("pl", self.desc_pl), ("en", self.desc_en)) if v}
        return Product(
            sku=self.sku,
            names=names,
            price=minor,
            vat=vat,
            currency=self.currency,
            unit=self.unit,
            category=self.category,
            barcodes=tuple(self.barcodes),
            descriptions=descriptions,
            image=self.image,
            active=self.active,
        )


def _moment(value: Any) -> Any:
    """ISO date or date-time; a naive one is taken as UTC (a promotion's clock must be aware)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = datetime.combine(date.fromisoformat(value), datetime.min.time())
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO date or date-time") from None
    else:
        raise ValueError(f"{value!r} is not an ISO date or date-time")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class PromotionRecord(BaseModel):
    """One promotion row. percent: `value` % off (1–99); price: the unit price becomes `value`
    (minor units, or `price` as a decimal); multibuy: `buy` pieces cost as `pay` pieces.
    `active: false` ends the promotion: only `id` is needed then."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    sku: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    kind: str | None = None
    value: int = Field(0, ge=0)
    price: str | None = None
    buy: int = Field(0, ge=0)
    pay: int = Field(0, ge=0)
    starts: datetime | None = None
    ends: datetime | None = None
    label_pl: str = Field("", max_length=100)
    label_en: str = Field("", max_length=100)
    active: bool = True

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        return _plain(value, info.field_name or "text")

    @field_validator("starts", "ends", mode="before")
    @classmethod
    def _when(cls, value: Any) -> Any:
        return _moment(value)

    @field_validator("price", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    def to_promotion(self) -> Promotion | None:
        """The promotion, or None for a row that ends one."""
        if not self.active:
            return None
        if self.sku is None:
            raise ValueError("sku is required")
        value = self.value
        if self.kind == "percent":
            if not 1 <= value <= 99:
                raise ValueError("a percent promotion needs a value from 1 to 99")
        elif self.kind == "price":
            value = _minor(self.price) if self.price is not None else value
            if self.price is None and "value" not in self.model_fields_set:
                raise ValueError("a price promotion needs its value (or price)")
        elif self.kind == "multibuy":
            if not (self.buy >= 2 and 1 <= self.pay < self.buy):
                raise ValueError("a multibuy promotion needs buy ≥ 2 and 1 ≤ pay < buy")
        else:
            raise ValueError("kind must be percent, price or multibuy")
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValueError("ends must be after starts")
        labels = {k: v for k, v in (("pl", self.label_pl), ("en", self.label_en)) if v}
        return Promotion(
            id=self.id,
            sku=self.sku,
            kind=self.kind,  # type: ignore[arg-type]
            value=value,
            buy=self.buy if self.kind == "multibuy" else 0,
            pay=self.pay if self.kind == "multibuy" else 0,
            starts=self.starts,
            ends=self.ends,
            labels=labels,
        )


def _minor(price: str) -> int:
    try:
        amount = Decimal(price.replace(",", ".").replace(" ", "")) * 100
    except InvalidOperation:
        raise ValueError(f"price {price!r} is not a number") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"price {price!r} must be ≥ 0 with at most 2 decimals")
    return int(amount)


@dataclass(frozen=True, slots=True)
class PromotionRow:
    """A promotion as read from a file: `promotion` is None when the row ends `id`."""

    line: int
    id: str
    promotion: Promotion | None


@dataclass(slots=True)
class Contents:
    products: list[Product] = field(default_factory=list)
    promotions: list[PromotionRow] = field(default_factory=list)


def is_promotion(raw: dict[str, Any]) -> bool:
    return raw.get("type") == "promotion" or bool(raw.get("promotion_id"))


def promotion_of(raw: dict[str, Any], where: str) -> Promotion | None:
    """Validates one promotion row; InvalidInput names `where` and the field."""
    if raw.get("promotion_id") and "id" not in raw:
        raw = {**raw, "id": raw["promotion_id"]}
    try:
        return PromotionRecord.model_validate(raw).to_promotion()
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "row"
        msg = str(first.get("ctx", {}).get("error", "")) or first["msg"]
        raise InvalidInput(f"{where}: promotion {key}: {msg}") from None
    except ValueError as exc:
        raise InvalidInput(f"{where}: promotion: {exc}") from None


def _record(raw: dict[str, Any], where: str) -> Product:
    if isinstance(raw.get("names"), dict):
        raw = {**raw, "name_pl": raw["names"].get("pl", ""), "name_en": raw["names"].get("en", "")}
    if isinstance(raw.get("descriptions"), dict):
        raw = {
            **raw,
            "desc_pl": raw["descriptions"].get("pl", ""),
            "desc_en": raw["descriptions"].get("en", ""),
        }
    try:
        return ProductRecord.model_validate(raw).to_product()
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "row"
        msg = str(first.get("ctx", {}).get("error", "")) or first["msg"]
        raise InvalidInput(f"{where}: {key}: {msg}") from None
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}") from None


def detect_format(name: str, head: bytes) -> str:
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return "jsonl" if head.lstrip()[:1] == b"{" else "csv"


def parse(data: bytes, fmt: str) -> Iterator[Product]:
    """Yields products; raises InvalidInput naming the line of the first bad row."""
    yield from read(data, fmt).products


def read(data: bytes | IO[bytes], fmt: str) -> Contents:
    """Products and promotion rows of a file (its bytes, or a seekable binary file read line by
    line, e.g. an upload spooled to disk), all validated; InvalidInput names the line of the
    first bad row (nothing is returned then)."""
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    if file.seek(0, io.SEEK_END) > MAX_FILE_BYTES:
        raise InvalidInput("catalogue file is too large")
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        return _contents(text, fmt)
    except UnicodeDecodeError:
        raise InvalidInput("catalogue file is not UTF-8") from None
    finally:
        text.detach()  # the caller's file stays open


def _contents(text: io.TextIOWrapper, fmt: str) -> Contents:
    if fmt == "jsonl":
        rows: Iterator[tuple[int, dict[str, Any]]] = _jsonl_rows(text)
    elif fmt == "csv":
        rows = _csv_rows(text)
    else:
        raise InvalidInput(f"unknown catalogue format {fmt!r} (csv or jsonl)")
    out = Contents()
    seen: set[str] = set()
    seen_promos: set[str] = set()
    for line_no, raw in rows:
        where = f"line {line_no}"
        if is_promotion(raw):
            promo = promotion_of(raw, where)
            pid = promo.id if promo else str(raw.get("id") or raw.get("promotion_id"))
            if pid in seen_promos:
                raise InvalidInput(f"{where}: promotion {pid} appears twice")
            seen_promos.add(pid)
            out.promotions.append(PromotionRow(line_no, pid, promo))
            continue
        product = _record(raw, where)
        if product.sku in seen:
            raise InvalidInput(f"{where}: sku {product.sku} appears twice")
        seen.add(product.sku)
        out.products.append(product)
    return out


def _jsonl_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {n}: not valid JSON ({exc.msg})") from None
        except RecursionError:  # a hostile line of [[[[…: refused, not a crash
            raise InvalidInput(f"line {n}: JSON nested too deeply") from None
        if not isinstance(raw, dict):
            raise InvalidInput(f"line {n}: expected a JSON object")
        yield n, raw


def _csv_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
    line = 1
    try:
        for line, raw in _csv_dict_rows(text):
            yield line, raw
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise InvalidInput(f"after line {line}: unreadable CSV ({exc})") from None


def _csv_dict_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text, dialect=dialect)
    names = set(reader.fieldnames or ())
    if "sku" not in names and "promotion_id" not in names:  # an "end these promotions" file
        raise InvalidInput("line 1: CSV header must name the columns (sku, name_pl, price, vat…)")
    for raw in reader:
        if None in raw:
            raise InvalidInput(f"line {reader.line_num}: more fields than the header names")
        row = {k: v for k, v in raw.items() if v not in (None, "")}
        if not row:
            continue  # a blank line
        yield reader.line_num, row
