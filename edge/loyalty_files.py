"""Loyalty earning rules as catalogue file rows, and on the wire in the same shape.

A rule row is a JSON object with `"type": "loyalty_rule"` (or a `rule_id`), or a CSV row whose
`rule_id` column is filled. Base rule: `points_per_zl`; multiplier rule: `multiplier` with a
`sku` or a `category`; `starts`/`ends` as promotions; `"active": false` ends the rule. Rows are
versioned with the catalogue (each import is the next version) and reach every store in the
catalogue's deltas and snapshots, so the till, the kiosk and the hub earn alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError, field_validator

from edge.domain.errors import InvalidInput
from edge.domain.loyalty import EarningRule
from edge.file_fields import PlainRecord, error_text, moment

_ID = r"^[A-Za-z0-9._/-]+$"
MAX_POINTS_PER_ZL = 1000
MAX_MULTIPLIER = 100


class LoyaltyRuleRecord(PlainRecord):
    id: str = Field(min_length=1, max_length=64, pattern=_ID)
    points_per_zl: int = Field(0, ge=0, le=MAX_POINTS_PER_ZL)
    multiplier: int = Field(1, ge=1, le=MAX_MULTIPLIER)
    sku: str | None = Field(None, min_length=1, max_length=64, pattern=_ID)
    category: str | None = Field(None, min_length=1, max_length=64)
    starts: datetime | None = None
    ends: datetime | None = None
    active: bool = True

    @field_validator("starts", "ends", mode="before")
    @classmethod
    def _when(cls, value: Any) -> Any:
        return moment(value)

    def to_rule(self) -> EarningRule | None:
        """The rule, or None for a row that ends one."""
        if not self.active:
            return None
        targeted = self.sku is not None or self.category is not None
        if self.sku is not None and self.category is not None:
            raise ValueError("a rule multiplies a sku or a category, not both")
        if targeted and self.points_per_zl:
            raise ValueError("points_per_zl is the base rule's (no sku, no category)")
        if targeted and self.multiplier < 2:
            raise ValueError("a sku or category rule needs a multiplier ≥ 2")
        if not targeted and not self.points_per_zl:
            raise ValueError("a base rule needs points_per_zl ≥ 1 (or a sku/category)")
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValueError("ends must be after starts")
        return EarningRule(
            id=self.id,
            points_per_zl=self.points_per_zl,
            multiplier=self.multiplier if targeted else 1,
            sku=self.sku,
            category=self.category,
            starts=self.starts,
            ends=self.ends,
        )


@dataclass(frozen=True, slots=True)
class RuleRow:
    """A rule as read from a file: `rule` is None when the row ends `id`."""

    line: int
    id: str
    rule: EarningRule | None


def is_loyalty_rule(raw: dict[str, Any]) -> bool:
    return raw.get("type") == "loyalty_rule" or bool(raw.get("rule_id"))


def rule_row(raw: dict[str, Any], line: int) -> RuleRow:
    """Validates one rule row; InvalidInput names the line and the field."""
    if raw.get("rule_id") and "id" not in raw:
        raw = {**raw, "id": raw["rule_id"]}
    where = f"line {line}"
    try:
        record = LoyaltyRuleRecord.model_validate(raw)
        return RuleRow(line, record.id, record.to_rule())
    except ValidationError as exc:
        raise InvalidInput(f"{where}: loyalty rule {error_text(exc)}") from None
    except ValueError as exc:
        raise InvalidInput(f"{where}: loyalty rule: {exc}") from None


def rule_record(rule: EarningRule) -> dict[str, Any]:
    """A rule on the wire (a catalogue delta or snapshot), in the file row's shape."""
    return {
        "type": "loyalty_rule",
        "id": rule.id,
        "points_per_zl": rule.points_per_zl,
        "multiplier": rule.multiplier,
        "sku": rule.sku,
        "category": rule.category,
        "starts": rule.starts.isoformat() if rule.starts else None,
        "ends": rule.ends.isoformat() if rule.ends else None,
    }


def rules_from(records: list[dict[str, Any]]) -> list[EarningRule]:
    """Validates every record (all must be live rules); InvalidInput names the first bad."""
    out = []
    for i, raw in enumerate(records):
        row = rule_row(raw, i) if isinstance(raw, dict) else None
        if row is None or row.rule is None:
            raise InvalidInput(f"loyalty rule {i}: not a live rule record")
        out.append(row.rule)
    return out


def rule_of(row: Any) -> EarningRule:
    """A stored rule row (the node's `loyalty_rules`, the hub's `hub_loyalty_rules`)."""
    return EarningRule(
        id=row["id"],
        points_per_zl=int(row["points_per_zl"]),
        multiplier=int(row["multiplier"]),
        sku=row["sku"],
        category=row["category"],
        starts=datetime.fromisoformat(row["starts"]) if row["starts"] else None,
        ends=datetime.fromisoformat(row["ends"]) if row["ends"] else None,
    )
