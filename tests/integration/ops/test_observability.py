"""Request ids in logs and headers; /metrics; /healthz and /readyz."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.logging_setup import configure
from edge.node import load_settings
from edge.store.migrations import MigrationSet
from tests.conftest import login
from tests.db_locks import write_lock_held_by_a_process, writer_held_by_a_thread


def test_request_id_is_echoed_or_generated_and_logged(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure("json", "INFO")
    try:
        r = client.get("/api/v1/products", headers={"X-Request-ID": "till-01.abc"})
        assert r.headers["x-request-id"] == "till-01.abc"
        generated = client.get("/healthz").headers["x-request-id"]
        assert len(generated) == 32
        # A header that is not a sane id (log injection) is replaced.
        bad = client.get("/healthz", headers={"X-Request-ID": '"}, {"forged": 1' + "x" * 80})
        assert len(bad.headers["x-request-id"]) == 32

        @client.app.get("/boom-log")  # type: ignore[attr-defined]
        def _log_something() -> dict[str, str]:
            logging.getLogger("edge.test").warning("inside a request")
            return {}

        client.get("/boom-log", headers={"X-Request-ID": "req-42"})
        lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
        inside = [x for x in lines if x.get("event") == "inside a request"]
        assert inside and inside[0]["request_id"] == "req-42"
        assert inside[0]["level"] == "warning" and "timestamp" in inside[0]
    finally:
        logging.getLogger().handlers.clear()


def test_metrics_show_sales_outbox_and_latency(client: TestClient) -> None:
    headers = login(client)
    basket = client.post("/api/v1/baskets", headers=headers).json()["id"]
    sku = client.get("/api/v1/products", params={"q": "chleb"}).json()["items"][0]["sku"]
    total = client.post(
        f"/api/v1/baskets/{basket}/lines", headers=headers, json={"sku": sku, "qty": 1}
    ).json()["total"]
    r = client.post(
        f"/api/v1/baskets/{basket}/checkout",
        headers=headers,
        json={"tenders": [{"type": "card", "amount": total}]},
    )
    assert r.status_code == 201
    text = client.get("/metrics").text
    assert "store_edge_sales 1.0" in text
    assert "store_edge_outbox_depth" in text and "store_edge_outbox_oldest_age_seconds" in text
    assert (
        'store_edge_http_request_duration_seconds_bucket{le="0.5",method="POST",'
        'route="/baskets/{basket_id}/checkout",status="201"} 1.0'
    ) in text
    assert client.get("/api/v1/metrics").status_code == 200


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_readyz_never_waits_for_or_takes_the_write_lock(client: TestClient) -> None:
    # An anonymous probe must not queue behind the till's writes nor hold the writer itself:
    # with SQLite's write lock held elsewhere, and with the node's own writer busy, it answers.
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    with write_lock_held_by_a_process(db.path):
        r = client.get("/readyz")
        assert r.status_code == 200, r.text
    with writer_held_by_a_thread(db):
        assert client.get("/readyz").status_code == 200


def test_readyz_is_503_while_a_migration_is_pending(client: TestClient) -> None:
    extra = MigrationSet("future")

    @extra(1, "not_yet")
    def _later(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("CREATE TABLE later (x)")

    client.app.state.migration_sets = [*client.app.state.migration_sets, extra]  # type: ignore[attr-defined]
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "1 migrations pending" in r.json()["detail"]


def test_readyz_is_503_when_the_database_cannot_answer(client: TestClient) -> None:
    # A database that lost its migration table (another program broke it): not ready. (Closing
    # the node's connections instead would pull them from under its running workers.)
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    with db.transaction() as conn:
        conn.execute("ALTER TABLE schema_migrations RENAME TO schema_migrations_gone")
    r = client.get("/readyz")
    assert r.status_code == 503 and "database unavailable" in r.json()["detail"]


def test_metrics_show_sync_and_printer_state_from_the_parts(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts register their own collectors: the embedded default's file printer, and a
    sync agent that has no broker (not connected)."""
    text = client.get("/metrics").text
    assert "store_edge_sync_connected 0.0" in text
    assert 'store_edge_printer_up{kind="file",printer="receipt",status="online"} 1.0' in text
    assert 'store_edge_printer_queue{printer="receipt"}' in text

    def broken(ctx: object) -> dict[str, object]:
        raise RuntimeError("agent not started")

    import sync.status

    monkeypatch.setattr(sync.status, "sync_status", broken)
    r = client.get("/metrics")
    assert r.status_code == 200 and "store_edge_sync_connected" not in r.text
    assert "store_edge_printer_up" in r.text, "one failing part leaves the others"


def _access_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    return [x for x in lines if x.get("logger") == "edge.access"]


@pytest.mark.parametrize(
    ("mode", "logged"),
    [
        ("problems", {"/api/v1/baskets/nope"}),
        ("all", {"/api/v1/products", "/api/v1/baskets/nope", "/healthz"}),
        ("off", set()),
    ],
)
def test_access_log_by_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, logged: set[str]
) -> None:
    """`problems` (the default) logs refused, failed and slow requests, not every scan."""
    # Nothing here is slow unless the box is: keep slowness out of what this test decides.
    http = {"access_log": mode, "slow_request_ms": 60_000}
    settings = load_settings(None, {"data_dir": tmp_path / "var", "http": http})
    configure("json", "INFO")
    try:
        with TestClient(create_app(settings, ui=False)) as client:
            capsys.readouterr()
            client.get("/api/v1/products", params={"q": "mleko"})
            client.get("/healthz")
            client.get("/api/v1/baskets/nope", headers={"X-Request-ID": "till-02.7"})
            lines = _access_lines(capsys)
    finally:
        logging.getLogger().handlers.clear()
    assert {x["path"] for x in lines} == logged
    for line in lines:
        assert isinstance(line["duration_ms"], float) and line["method"] == "GET"
        if line["path"] == "/api/v1/baskets/nope":
            assert line["status"] == 401 and line["request_id"] == "till-02.7"


def test_slow_requests_are_logged_in_problems_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(None, {"data_dir": tmp_path / "var", "http": {"slow_request_ms": 1}})
    configure("json", "INFO")
    try:
        with TestClient(create_app(settings, ui=False)) as client:

            @client.app.get("/slow")  # type: ignore[attr-defined]
            def _slow() -> dict[str, str]:
                time.sleep(0.01)
                return {}

            capsys.readouterr()
            assert client.get("/slow").status_code == 200
            lines = _access_lines(capsys)
    finally:
        logging.getLogger().handlers.clear()
    assert [(x["path"], x["status"]) for x in lines] == [("/slow", 200)]
    assert lines[0]["duration_ms"] >= 10  # type: ignore[operator]
