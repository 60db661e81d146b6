"""Catalogue bulk writes: importing 100 000 products into a node (what `store-edge catalog
import` and the hub's import do), applying a 100 000-product snapshot from the hub at a fresh
store (the write alone; bench_sync times it end to end over MQTT), and a cold start on the
imported catalogue. Each with its CPU time beside the wall time: on a shared, busy machine the
CPU time is what compares across runs."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from bench.bench_foundation import cold_start
from bench.catalogue_gen import build, products
from bench.report import Report
from edge.bootstrap import open_database, plugin_migrations
from edge.node import load_settings
from edge.services.context import utc_now
from sync import edge_store

PRODUCTS = 100_000


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-catalogue-") as tmp:
        root = Path(tmp)
        wall, cpu = time.perf_counter(), time.process_time()
        build(root / "import", PRODUCTS)
        report.add("catalogue_import_100k", time.perf_counter() - wall, "s", limit=10.0)
        report.add("catalogue_import_100k_cpu", time.process_time() - cpu, "s")

        cpu = _children_cpu()
        cold_start(report, root / "import", "after_import_100k", None)
        report.add("cold_start_after_import_100k_cpu", _children_cpu() - cpu, "s")

        snapshot = list(products(PRODUCTS, seed=2))
        settings = load_settings(None, {"data_dir": root / "fresh", "demo": False})
        db = open_database(settings, plugin_migrations())
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            with db.transaction() as conn:
                edge_store.replace_catalogue(conn, snapshot, utc_now())
            report.add("snapshot_write_100k", time.perf_counter() - wall, "s", limit=10.0)
            report.add("snapshot_write_100k_cpu", time.process_time() - cpu, "s")
        finally:
            db.close()
