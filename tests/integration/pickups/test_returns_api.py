from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from edge import signing
from edge.services import signed_qr
from edge.services.context import Context
from edge.store import returns_repo
from sync.hub import lookups
from sync.hub.tokens import Caller, Scope
from tests.conftest import login
from tests.integration.pickups.helpers import CODE, events, feed_order, level, outbox_count

A, B = "BAK-001-11", "BAK-001-12"  # 5.49 and 7.49, no promotions
API = "/api/v1"
RECENT = (datetime.now(UTC) - timedelta(days=9)).isoformat()  # well within the return window


def sell(
    client: TestClient, h: dict[str, str], lines: list[tuple[str, int]], tenders: list[dict]
) -> dict:  # type: ignore[type-arg]
    basket = client.post(f"{API}/baskets", headers=h).json()["id"]
    for sku, qty in lines:
        assert (
            client.post(
                f"{API}/baskets/{basket}/lines", json={"sku": sku, "qty": qty}, headers=h
            ).status_code
            == 201
        )
    r = client.post(f"{API}/baskets/{basket}/checkout", json={"tenders": tenders}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def ret(
    sku: str, qty: int, disposition: str = "restock", reason: str = "changed_mind"
) -> dict[str, Any]:
    return {"sku": sku, "qty": qty, "reason": reason, "disposition": disposition}


def returns_count(ctx: Context) -> int:
    with ctx.db.read() as conn:
        return conn.execute("SELECT count(*) FROM returns").fetchone()[0]


def test_return_of_a_local_sale_refunds_the_card_and_restocks(
    client: TestClient, ctx: Context
) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 3)], [{"type": "card", "amount": 1647, "reference": "TRM-1"}])
    a0 = level(ctx, A)
    body = {"receipt_no": sale["receipt_no"], "lines": [ret(A, 1)], "card_reference": "TRM-R1"}
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["refund_total"] == 549
    assert out["tenders"] == [{"type": "card", "amount": 549, "reference": "TRM-R1"}]
    assert level(ctx, A).on_hand == a0.on_hand + 1
    ev = events(ctx, "return.completed")[-1]
    assert ev["return_id"] == out["return_id"]
    assert ev["original"] == {"kind": "sale", "ref": sale["receipt_no"], "store_id": ctx.store_id}
    assert ev["offline"] is False
    assert ev["lines"] == [
        {
            "sku": A,
            "qty": 1,
            "unit_price": 549,
            "refund": 549,
            "reason": "changed_mind",
            "disposition": "restock",
        }
    ]
    assert ev["stock"] == [{"sku": A, "on_hand": a0.on_hand + 1, "reserved": a0.reserved}]
    assert client.get(f"{API}/returns/{out['return_id']}", headers=h).json()["refund_total"] == 549


def test_partial_returns_up_to_the_sold_quantity_then_over_return_is_refused(
    client: TestClient, ctx: Context
) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 2), (B, 1)], [{"type": "cash", "amount": 2000}])
    rn = sale["receipt_no"]
    assert (
        client.post(
            f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 1)]}, headers=h
        ).status_code
        == 201
    )
    before = (level(ctx, A), level(ctx, B), outbox_count(ctx), returns_count(ctx))
    r = client.post(
        f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 2), ret(B, 1)]}, headers=h
    )
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "over-return"
    assert r.json()["lines"] == [{"sku": A, "asked": 2, "returnable": 1}]
    assert (level(ctx, A), level(ctx, B), outbox_count(ctx), returns_count(ctx)) == before
    r = client.post(
        f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 1), ret(B, 1)]}, headers=h
    )
    assert r.status_code == 201, r.text
    assert r.json()["tenders"] == [{"type": "cash", "amount": 549 + 749, "reference": None}]
    r = client.post(f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 1)]}, headers=h)
    assert r.status_code == 409


def test_disposition_decides_the_stock(client: TestClient, ctx: Context) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 2), (B, 2)], [{"type": "cash", "amount": 5000}])
    a0, b0 = level(ctx, A), level(ctx, B)
    body = {
        "receipt_no": sale["receipt_no"],
        "lines": [ret(A, 1, "damaged", "defective"), ret(B, 1, "inspection", "defective")],
    }
    assert client.post(f"{API}/returns", json=body, headers=h).status_code == 201
    assert (level(ctx, A), level(ctx, B)) == (a0, b0)  # neither goes back on the shelf
    with ctx.db.read() as conn:
        kinds = [
            r[0]
            for r in conn.execute(
                "SELECT kind FROM stock_movements WHERE sku = ? AND ref LIKE 'return:%'"
                " ORDER BY id",
                [A],
            )
        ]
    assert kinds == ["return", "write_off"]


def test_big_refunds_and_returns_without_receipt_need_a_supervisor(
    client: TestClient, ctx: Context
) -> None:
    ctx.settings.returns.approval_above = 1000
    h = login(client)
    sale = sell(client, h, [(A, 3)], [{"type": "cash", "amount": 2000}])
    n = outbox_count(ctx)
    body = {"receipt_no": sale["receipt_no"], "lines": [ret(A, 2)]}
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 403 and r.json()["code"] == "approval-required"
    assert outbox_count(ctx) == n
    body["approval"] = {"username": "supervisor", "pin": "4321"}
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 201 and r.json()["approved_by"] == "supervisor"
    r = client.post(f"{API}/returns", json={"lines": [ret(B, 1)]}, headers=h)
    assert r.status_code == 403
    r = client.post(
        f"{API}/returns",
        json={"lines": [ret(B, 1)], "approval": {"username": "supervisor", "pin": "4321"}},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["original_kind"] == "none"
    assert r.json()["refund_total"] == 749


def _foreign_qr(ctx: Context, key_id: str, payload: dict[str, Any], trust: bool = True) -> str:
    key = Ed25519PrivateKey.generate()
    if trust:
        with ctx.db.transaction() as conn:
            returns_repo.put_trusted_key(
                conn, key_id, signing.public_pem(key.public_key()).decode()
            )
    return signed_qr.encode(payload, signing.sign(key, payload), key_id)


def _sale_payload(store: str = "S002") -> dict[str, Any]:
    return {
        "kind": "sale",
        "ref": f"{store}-01-000077",
        "store_id": store,
        "at": RECENT,
        "currency": "PLN",
        "lines": [{"sku": A, "qty": 2, "unit_price": 549}],
    }


def test_offline_return_with_another_stores_signed_qr(client: TestClient, ctx: Context) -> None:
    assert ctx.settings.hub.url is None  # offline: the hub cannot be asked
    h = login(client)
    qr = _foreign_qr(ctx, "S002", _sale_payload())
    a0 = level(ctx, A)
    r = client.post(f"{API}/returns", json={"qr": qr, "lines": [ret(A, 1)]}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["offline"] is True and r.json()["original_store"] == "S002"
    assert r.json()["tenders"] == [{"type": "cash", "amount": 549, "reference": None}]
    assert level(ctx, A).on_hand == a0.on_hand + 1
    ev = events(ctx, "return.completed")[-1]
    assert ev["offline"] is True
    assert ev["original"] == {"kind": "sale", "ref": "S002-01-000077", "store_id": "S002"}
    # What this store already took back counts, also offline.
    assert (
        client.post(f"{API}/returns", json={"qr": qr, "lines": [ret(A, 2)]}, headers=h).status_code
        == 409
    )


def test_forged_altered_or_untrusted_qrs_are_refused(client: TestClient, ctx: Context) -> None:
    h = login(client)
    qr = _foreign_qr(ctx, "S002", _sale_payload())
    payload, sig, key_id = signed_qr.decode(qr)
    payload["lines"][0]["qty"] = 20  # altered after signing
    altered = signed_qr.encode(payload, sig, key_id)
    untrusted = _foreign_qr(ctx, "S003", _sale_payload("S003"), trust=False)
    impostor = _foreign_qr(ctx, "S004", _sale_payload("S002"))  # S004 vouching for S002's sale
    n, a = outbox_count(ctx), level(ctx, A)
    for bad, code in [
        (altered, "invalid-signature"),
        (untrusted, "invalid-signature"),
        (impostor, "invalid-signature"),
        ("SE1.!!!", "invalid-input"),
        ("hello", "invalid-input"),
    ]:
        r = client.post(f"{API}/returns", json={"qr": bad, "lines": [ret(A, 1)]}, headers=h)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == code
    assert (outbox_count(ctx), level(ctx, A)) == (n, a)


def test_offline_return_of_an_online_order_above_the_limit_needs_approval(
    client: TestClient, ctx: Context
) -> None:
    ctx.settings.returns.offline_online_limit = 500
    h = login(client)
    payload = {
        "kind": "order",
        "state": "paid",  # a web order paid online: the hub signed it when it was paid
        "ref": "ORD-9",
        "store_id": "S002",
        "at": RECENT,
        "currency": "PLN",
        "lines": [{"sku": B, "qty": 1, "unit_price": 749}],
    }
    hub_key = Ed25519PrivateKey.generate()
    with ctx.db.transaction() as conn:
        pem = signing.public_pem(hub_key.public_key()).decode()
        returns_repo.put_trusted_key(conn, "hub", pem)
    confirmation = {"payload": payload, "signature": signing.sign(hub_key, payload)}
    qr = signed_qr.confirmation_qr(confirmation)
    r = client.post(f"{API}/returns", json={"qr": qr, "lines": [ret(B, 1)]}, headers=h)
    assert r.status_code == 403, r.text
    body = {"qr": qr, "lines": [ret(B, 1)], "approval": {"username": "supervisor", "pin": "4321"}}
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["original_kind"] == "order" and r.json()["offline"] is True


def test_a_stores_own_receipt_qr_is_verified_and_returns_against_the_local_sale(
    client: TestClient, ctx: Context
) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 1)], [{"type": "cash", "amount": 549}])
    qr = signed_qr.signed_receipt_qr(ctx, sale["receipt_no"])
    assert qr.startswith("SE1.")
    assert (ctx.settings.data_dir / "store.key").exists() and (
        ctx.settings.data_dir / "store.pub"
    ).exists()
    with ctx.db.read() as conn:
        payload, key_id = signed_qr.verify(ctx, conn, qr)
    assert key_id == ctx.store_id and payload["ref"] == sale["receipt_no"]
    r = client.post(f"{API}/returns", json={"qr": qr, "lines": [ret(A, 1)]}, headers=h)
    assert r.status_code == 201 and r.json()["offline"] is False


def test_return_of_an_order_collected_here_is_refunded_online(
    client: TestClient, ctx: Context
) -> None:
    h = login(client)
    feed_order(ctx, "W-R1", [(A, 2, 500)])
    client.post(f"{API}/pickups/W-R1/ready", json={"shelf": "P"}, headers=h)
    assert (
        client.post(f"{API}/pickups/W-R1/collect", json={"code": CODE}, headers=h).status_code
        == 200
    )
    r = client.post(f"{API}/returns", json={"order_id": "W-R1", "lines": [ret(A, 1)]}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["tenders"] == [{"type": "online", "amount": 500, "reference": "W-R1"}]
    assert (
        client.post(
            f"{API}/returns", json={"order_id": "W-R1", "lines": [ret(A, 2)]}, headers=h
        ).status_code
        == 409
    )


class _Hub(BaseHTTPRequestHandler):
    answers: ClassVar[dict[str, Any]] = {}
    key: ClassVar[Ed25519PrivateKey] = Ed25519PrivateKey.generate()
    asker: ClassVar[Caller] = Caller("S001", frozenset({Scope.STORE}), "S001")

    def do_GET(self) -> None:
        body = self.answers.get(self.path)
        if body:  # signed as the hub signs it, for the store that asks
            kind, ref = self.path.removeprefix("/api/v1/").split("/", 1)
            body = lookups.signed(self.key, kind.rstrip("s"), ref, body, self.asker)  # type: ignore[arg-type]
        data = json.dumps(body or {"detail": "not found"}).encode()
        self.send_response(200 if body else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hub(ctx: Context) -> Iterator[str]:
    """A stand-in for the hub's lookup API on a real socket (the real hub is the sync part's),
    signing with a key this node trusts as the hub's."""
    _Hub.asker = Caller(ctx.store_id, frozenset({Scope.STORE}), ctx.store_id)
    with ctx.db.transaction() as conn:
        pem = signing.public_pem(_Hub.key.public_key()).decode()
        returns_repo.put_trusted_key(conn, "hub", pem)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_another_stores_sale_is_looked_up_at_the_hub(
    client: TestClient, ctx: Context, hub: str
) -> None:
    ctx.settings.hub.url = hub
    _Hub.answers = {
        "/api/v1/receipts/S002-01-000005": {
            "receipt_no": "S002-01-000005",
            "store_id": "S002",
            "at": RECENT,
            "currency": "PLN",
            "lines": [
                {"sku": A, "qty": 3, "unit_price": 549, "total": 1500, "vat": "C", "returned": 2}
            ],
            "tenders": [{"type": "card", "amount": 1500, "reference": "T-77"}],
        }
    }
    h = login(client)
    body = {"receipt_no": "S002-01-000005", "lines": [ret(A, 2)]}
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 409  # the hub knows two already came back elsewhere
    r = client.post(f"{API}/returns", json={**body, "lines": [ret(A, 1)]}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["tenders"] == [{"type": "card", "amount": 500, "reference": "T-77"}]
    assert r.json()["offline"] is False and r.json()["original_store"] == "S002"
    r = client.post(
        f"{API}/returns", json={"receipt_no": "S002-01-999999", "lines": [ret(A, 1)]}, headers=h
    )
    assert r.status_code == 404


def test_unreachable_hub_without_a_qr_is_a_clear_error(client: TestClient, ctx: Context) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    ctx.settings.hub.url = f"http://127.0.0.1:{port}"
    h = login(client)
    n = outbox_count(ctx)
    r = client.post(
        f"{API}/returns", json={"receipt_no": "S002-01-000001", "lines": [ret(A, 1)]}, headers=h
    )
    assert r.status_code == 503 and r.json()["code"] == "hub-unavailable"
    assert outbox_count(ctx) == n
    # With the receipt's signed QR the return goes through offline.
    qr = _foreign_qr(ctx, "S002", {**_sale_payload(), "ref": "S002-01-000001"})
    r = client.post(
        f"{API}/returns",
        json={"receipt_no": "S002-01-000001", "qr": qr, "lines": [ret(A, 1)]},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["offline"] is True


def test_exchange_settles_the_new_sale_against_the_refund(client: TestClient, ctx: Context) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 1)], [{"type": "cash", "amount": 549}])
    basket = client.post(f"{API}/baskets", headers=h).json()["id"]
    client.post(f"{API}/baskets/{basket}/lines", json={"sku": B, "qty": 1}, headers=h)
    body = {
        "receipt_no": sale["receipt_no"],
        "lines": [ret(A, 1)],
        "exchange": {"basket_id": basket, "tenders": [{"type": "cash", "amount": 200}]},
    }
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["tenders"] == [
        {"type": "exchange", "amount": 549, "reference": out["exchange_receipt_no"]}
    ]
    new_sale = client.get(f"{API}/sales/{out['exchange_receipt_no']}", headers=h).json()
    assert new_sale["total"] == 749
    assert new_sale["tenders"][0] == {
        "type": "exchange",
        "amount": 549,
        "reference": out["return_id"],
    }
    assert new_sale["change"] == 0  # 749 - 549 = 200 paid in cash
    assert events(ctx, "return.completed")[-1]["exchange_receipt_no"] == out["exchange_receipt_no"]


def test_a_retried_return_is_answered_once(client: TestClient, ctx: Context) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 2)], [{"type": "cash", "amount": 2000}])
    body = {"receipt_no": sale["receipt_no"], "lines": [ret(A, 1)]}
    hk = {**h, "Idempotency-Key": "ret-1"}
    first = client.post(f"{API}/returns", json=body, headers=hk)
    a = level(ctx, A)
    again = client.post(f"{API}/returns", json=body, headers=hk)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["return_id"] == first.json()["return_id"]
    assert level(ctx, A) == a and returns_count(ctx) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lines": []},
        {"receipt_no": "X", "lines": [{"sku": A, "qty": 0, "reason": "changed_mind"}]},
        {
            "receipt_no": "X",
            "lines": [{"sku": A, "qty": 1, "reason": "changed_mind", "disposition": "bin"}],
        },
        {"receipt_no": "X", "order_id": "Y", "lines": [ret(A, 1)]},
        {"receipt_no": "X", "lines": [ret(A, 1), ret(A, 1)]},
        {"receipt_no": "NOPE", "lines": [ret(A, 1)]},
    ],
)
def test_bad_return_requests_change_nothing(client: TestClient, ctx: Context, body: dict) -> None:  # type: ignore[type-arg]
    h = login(client)
    n = outbox_count(ctx)
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith(
        "application/problem+json"
    )
    assert outbox_count(ctx) == n


def test_unknown_reason_is_refused(client: TestClient, ctx: Context) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 1)], [{"type": "cash", "amount": 549}])
    r = client.post(
        f"{API}/returns",
        json={"receipt_no": sale["receipt_no"], "lines": [ret(A, 1, reason="bored")]},
        headers=h,
    )
    assert r.status_code == 422


def test_a_local_sale_partly_returned_elsewhere_counts_the_hubs_returns(
    client: TestClient, ctx: Context, hub: str
) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 2)], [{"type": "cash", "amount": 2000}])
    rn = sale["receipt_no"]
    ctx.settings.hub.url = hub
    _Hub.answers = {
        f"/api/v1/receipts/{rn}": {
            "receipt_no": rn,
            "store_id": ctx.store_id,
            "currency": "PLN",
            "lines": [{"sku": A, "qty": 2, "unit_price": 549, "total": 1098, "returned": 1}],
            "tenders": [{"type": "cash", "amount": 1098, "reference": None}],
        }
    }
    r = client.post(f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 2)]}, headers=h)
    assert r.status_code == 409 and r.json()["lines"][0]["returnable"] == 1
    ctx.settings.hub.url = "http://127.0.0.1:9"  # hub gone: the store's own count stands
    r = client.post(f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 2)]}, headers=h)
    assert r.status_code == 201, r.text


def test_the_pos_can_see_what_is_still_returnable(client: TestClient, ctx: Context) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 3)], [{"type": "cash", "amount": 2000}])
    rn = sale["receipt_no"]
    client.post(f"{API}/returns", json={"receipt_no": rn, "lines": [ret(A, 1)]}, headers=h)
    r = client.get(f"{API}/returns/lookup", params={"receipt_no": rn}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["lines"] == [
        {"sku": A, "qty": 3, "total": 1647, "returned": 1, "returnable": 2}
    ]
    assert "changed_mind" in r.json()["reasons"]
    assert client.get(f"{API}/returns/lookup", headers=h).status_code == 422


def test_an_exchange_for_less_refunds_the_difference(client: TestClient, ctx: Context) -> None:
    h = login(client)
    sale = sell(client, h, [(B, 1)], [{"type": "card", "amount": 749, "reference": "T-1"}])
    basket = client.post(f"{API}/baskets", headers=h).json()["id"]
    client.post(f"{API}/baskets/{basket}/lines", json={"sku": A, "qty": 1}, headers=h)
    body = {
        "receipt_no": sale["receipt_no"],
        "lines": [ret(B, 1)],
        "exchange": {"basket_id": basket},
    }
    r = client.post(f"{API}/returns", json=body, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["tenders"] == [
        {"type": "exchange", "amount": 549, "reference": r.json()["exchange_receipt_no"]},
        {"type": "card", "amount": 200, "reference": "T-1"},
    ]


def test_the_return_receipt_is_queued_in_the_returns_transaction(
    client: TestClient, ctx: Context
) -> None:
    h = login(client)
    sale = sell(client, h, [(A, 1)], [{"type": "cash", "amount": 549}])
    r = client.post(
        f"{API}/returns", json={"receipt_no": sale["receipt_no"], "lines": [ret(A, 1)]}, headers=h
    )
    assert r.status_code == 201
    with ctx.db.read() as conn:
        jobs = conn.execute(
            "SELECT kind FROM print_jobs WHERE ref = ? ORDER BY id", [r.json()["return_id"]]
        ).fetchall()
    # a cash refund: the drawer opens and the return receipt prints, committed with the return
    assert [j[0] for j in jobs] == ["drawer", "return"]
    bad = client.post(
        f"{API}/returns", json={"receipt_no": sale["receipt_no"], "lines": [ret(A, 5)]}, headers=h
    )
    assert bad.status_code >= 400
    with ctx.db.read() as conn:
        assert (
            conn.execute("SELECT count(*) FROM print_jobs WHERE kind = 'return'").fetchone()[0] == 1
        )
