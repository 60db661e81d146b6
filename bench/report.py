"""Collects benchmark figures, prints them, and merges them into var/bench/results.json."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path("var/bench/results.json")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@dataclass
class Report:
    path: Path = RESULTS
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        limit: float | None = None,
        limit_name: str = "target",
        higher_is_better: bool = False,
        ratio: float | None = None,
        min_ratio: float | None = None,
        judged: bool = True,
    ) -> None:
        """Records one figure. With a limit, the ratio is value/limit (or the ratio given, when
        the limit was itself measured in this run, e.g. raw sqlite3 beside our checkouts).
        `min_ratio`: the target is a share of the limit (checkouts ≥ 50 % of raw sqlite3).
        `judged=False`: a comparison with no target (shown as a ratio, never OK or MISSED)."""
        entry: dict[str, Any] = {"value": round(value, 3), "unit": unit}
        if limit is not None:
            entry["limit"] = round(limit, 3)
            if min_ratio is not None:
                entry["target_ratio"] = min_ratio
            entry["ratio"] = round(ratio if ratio is not None else value / limit, 3)
        self.figures[name] = entry
        shown = f"{value:,.2f} {unit}"
        if limit is not None:
            if min_ratio is not None:
                ok = entry["ratio"] >= min_ratio
            else:
                ok = value >= limit if higher_is_better else value <= limit
            shown += (
                f"   {limit_name} {limit:,.2f} {unit}   ratio {entry['ratio']:.2f}"
                + (f" (target ≥ {min_ratio:.2f})" if min_ratio is not None else "")
                + (f"   {'OK' if ok else 'MISSED'}" if judged else "")
            )
        print(f"  {name:<48} {shown}", flush=True)

    def add_share(
        self, name: str, value: float, unit: str, limit: float, limit_name: str, min_ratio: float
    ) -> None:
        """A rate beside a rate measured in the same run, whose target is a share of it."""
        self.add(name, value, unit, limit=limit, limit_name=limit_name, higher_is_better=True,
                 ratio=value / limit, min_ratio=min_ratio)  # fmt: skip

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existing: dict[str, Any] = {}
        if self.path.exists():
            try:
                existing = json.loads(self.path.read_text())
            except json.JSONDecodeError:
                existing = {}
        existing.update(self.figures)
        self.path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
