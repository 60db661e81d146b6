"""Card lookup at the till (issue 15), p99: online (the node asks the hub over HTTP, the answer
signed for the store and checked) beside a bare GET of the hub's /healthz in the same run, and
offline (the hub unreachable: the customers seen at this store answer) — 10 000 customers at
the hub, every lookup a different card."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import httpx

from bench.report import Report, percentile
from edge.bootstrap import bootstrap
from edge.domain.barcodes import with_check_digit
from edge.node import load_settings
from edge.services import customers
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.tokens import Scope, create
from tests.integration.sync.hub_server import serving
from tests.node import free_port

CUSTOMERS = 10_000
LOOKUPS = 500


def _card(i: int) -> str:
    return with_check_digit(f"29{i:010d}")


def _p99_ms(samples: list[float]) -> float:
    return percentile(samples, 99) * 1000


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        hub = Hub(HubSettings(data_dir=root / "hub", log_format="console", log_level="WARNING"))
        with serving(hub) as url:
            crm = {"Authorization": f"Bearer {create(hub.storage, 'crm', [Scope.CRM])}"}
            rows = "\n".join(
                json.dumps({"customer_id": f"C{i}", "card": _card(i), "name": f"Klient {i}",
                            "consents": {"history": True}})
                for i in range(CUSTOMERS)
            )  # fmt: skip
            r = httpx.post(f"{url}/api/v1/customers/import", content=rows, timeout=120,
                           headers={**crm, "content-type": "application/x-ndjson"})  # fmt: skip
            r.raise_for_status()
            token = create(hub.storage, "S001", [Scope.STORE], "S001")
            settings = load_settings(
                None,
                {
                    "data_dir": root / "node",
                    "store": {"id": "S001"},
                    "broker": {"hub_key": root / "hub" / "hub.pub"},
                    "hub": {"url": url, "token": token},
                    "log_format": "console",
                },
            )
            ctx = bootstrap(settings)
            online, raw = [], []
            with httpx.Client() as client:
                for _ in range(LOOKUPS):
                    t0 = time.perf_counter()
                    client.get(f"{url}/api/v1/healthz")
                    raw.append(time.perf_counter() - t0)
            for i in range(LOOKUPS):
                t0 = time.perf_counter()
                customers.lookup(ctx, card=_card(i * 7 % CUSTOMERS), history=False)
                online.append(time.perf_counter() - t0)
            ctx.db.close()
        # The hub gone: what the store has seen answers, with its age.
        dead = f"http://127.0.0.1:{free_port()}"
        offline_settings = settings.model_copy(
            update={"hub": settings.hub.model_copy(update={"url": dead})}
        )
        ctx = bootstrap(offline_settings)
        offline = []
        for i in range(LOOKUPS):
            t0 = time.perf_counter()
            found = customers.lookup(ctx, card=_card(i * 7 % CUSTOMERS), history=False)
            offline.append(time.perf_counter() - t0)
            assert found["source"] == "cache"
        ctx.db.close()
        hub.close()
    print(f"  (p50 online {percentile(online, 50) * 1000:.2f} ms,"
          f" offline {percentile(offline, 50) * 1000:.2f} ms)")  # fmt: skip
    report.add("card lookup online (node → hub, signed), p99", _p99_ms(online), "ms", limit=100.0)
    report.add("bare GET /healthz of the same hub, p99", _p99_ms(raw), "ms")
    report.add("card lookup offline (the store's cache), p99", _p99_ms(offline), "ms", limit=20.0)
