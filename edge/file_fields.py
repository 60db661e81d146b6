"""Field rules shared by every kind of catalogue file row (products, promotions, loyalty
earning rules): plain text only, and moments as aware date-times."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from edge.domain import text
from edge.domain.errors import InvalidInput

MULTILINE = frozenset({"desc_pl", "desc_en"})  # descriptions may hold line breaks


def plain(value: Any, field: str) -> Any:
    """Catalogue text from any source refuses control characters (edge/domain/text.py): a
    product's name ends up on receipts, where ESC and GS bytes are printer commands."""
    if isinstance(value, str):
        try:
            return text.check_plain(value, field, multiline=field in MULTILINE)
        except InvalidInput as exc:
            raise ValueError(exc.detail) from None
    return value


def moment(value: Any) -> Any:
    """ISO date or date-time; a naive one is taken as UTC (a promotion's clock must be aware)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            try:
                when = datetime.combine(date.fromisoformat(value), datetime.min.time())
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO date or date-time") from None
    else:
        raise ValueError(f"{value!r} is not an ISO date or date-time")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class PlainRecord(BaseModel):
    """A file row: surrounding spaces trimmed, unknown columns ignored, no control characters
    in any field."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        return plain(value, info.field_name or "text")


def error_text(exc: ValidationError, default: str = "row") -> str:
    """`field: what is wrong` of the first error, as a refusal names it."""
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or default
    msg = str(first.get("ctx", {}).get("error", "")) or first["msg"]
    return f"{key}: {msg}"
