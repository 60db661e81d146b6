"""The shopper's search alone at 100 000 products (every keystroke of 40 names, each letter
folded, exact and prefix names ranked first): the foundation's search figure without the rest
of bench_foundation, for a change to search."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.bench_foundation import search_at_scale
from bench.catalogue_gen import build
from bench.report import Report


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        build(Path(tmp) / "100k", 100_000)
        search_at_scale(report, Path(tmp) / "100k")
