"""Hand-picked hostile requests over real HTTP to a real `store-edge serve` process (its own
port, its database on disk): each gets a 4xx problem+json and the database stays as it was."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from edge.store.db import Database
from tests.integration.fuzz.conftest import assert_problem, changed, fingerprint
from tests.node import Node, login
from tests.waiting import TIMEOUT_S

MiB = 1024 * 1024
DEEP = b"[" * 100_000 + b"]" * 100_000
BAD_UTF8 = b'{"kind": "in", "amount": 5, "reason": "\xff\xfe"}'
DEEP_FIELD = b'{"kind": "in", "amount": 5, "reason": ' + DEEP + b"}"
LOGIN = b'{"username": "cashier", "pin": "1234"}'
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data; boundary=b"


class Live:
    def __init__(self, node: Node, db: Database) -> None:
        self.node, self.db = node, db
        self.http = httpx.Client(base_url=node.url, timeout=TIMEOUT_S)
        self.auth = login(self.http)
        r = self.http.post("/api/v1/baskets", headers=self.auth)
        assert r.status_code == 201, r.text
        self.basket = r.json()["id"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = tmp_path_factory.mktemp("nasty") / "node"
    node = Node(data_dir).wait_ready()
    db = Database(data_dir / "store.db")
    try:
        yield Live(node, db)
    finally:
        db.close()
        node.stop()


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b"x" * size


# (method, path, request kwargs, expected status or None for any 4xx). `{basket}` is filled in.
CASES: list[tuple[str, str, dict[str, Any], int | None]] = [
    # huge bodies: by Content-Length (refused unread), and chunked (refused while reading)
    ("POST", "/api/v1/sessions", {"content": b"x" * (5 * MiB)}, 413),
    ("POST", "/api/v1/baskets/{basket}/lines", {"content": _chunks(3 * MiB)}, 413),
    ("POST", "/api/v1/cash", {"json": {"kind": "in", "amount": 1, "reason": "x" * 100_000}}, 422),
    # invalid UTF-8
    (
        "POST",
        "/api/v1/cash",
        {"content": BAD_UTF8},
        None,
    ),
    ("POST", "/api/v1/baskets/{basket}/lines", {"content": b'{"sku": "\xc3\x28"}'}, None),
    # NUL bytes and other control characters in strings
    ("POST", "/api/v1/cash", {"json": {"kind": "in", "amount": 5, "reason": "a\x00b"}}, 422),
    ("POST", "/api/v1/baskets/{basket}/lines", {"json": {"sku": "BOO-056-11\x00"}}, None),
    ("POST", "/api/v1/baskets/{basket}/lines", {"json": {"code": "\x00" * 13}}, 422),
    ("POST", "/api/v1/sessions", {"json": {"username": "cashier\x00", "pin": "1234"}}, 422),
    (
        "POST",
        "/api/v1/kiosk/orders",
        {
            "json": {
                "lines": [{"sku": "BOO-056-11", "qty": 1}],
                "customer": {"name": "\x1b@\x1bd\x05", "phone": "+48 600 100 200"},
                "consent": True,
            }
        },
        422,
    ),
    # negative and huge integers
    ("POST", "/api/v1/baskets/{basket}/lines", {"json": {"sku": "BOO-056-11", "qty": -1}}, 422),
    ("POST", "/api/v1/baskets/{basket}/lines", {"json": {"sku": "BOO-056-11", "qty": 10**30}}, 422),
    ("POST", "/api/v1/cash", {"json": {"kind": "in", "amount": -500}}, 422),
    ("POST", "/api/v1/cash", {"json": {"kind": "in", "amount": 2**64}}, 422),
    ("POST", "/api/v1/cash", {"json": {"kind": "in", "amount": 1e308}}, 422),
    ("POST", "/api/v1/baskets/{basket}/discount", {"json": {"amount": 10**40}}, None),
    ("POST", "/api/v1/baskets/{basket}/discount", {"json": {"percent": -5}}, 422),
    (
        "POST",
        "/api/v1/baskets/{basket}/checkout",
        {"json": {"tenders": [{"type": "cash", "amount": 10**20}]}},
        422,
    ),
    ("GET", "/api/v1/products?limit=-1", {}, 422),
    ("GET", "/api/v1/products?limit=100000000000000000000000&offset=-3", {}, 422),
    # deeply nested JSON, as the body and inside a field
    ("POST", "/api/v1/cash", {"content": DEEP}, None),
    (
        "POST",
        "/api/v1/cash",
        {"content": DEEP_FIELD},
        None,
    ),
    # wrong content types and JSON of the wrong shape
    (
        "POST",
        "/api/v1/sessions",
        {"content": LOGIN, "ctype": "text/plain"},
        422,
    ),
    (
        "POST",
        "/api/v1/cash",
        {"content": b"kind=in&amount=5", "ctype": FORM},
        422,
    ),
    (
        "POST",
        "/api/v1/cash",
        {"content": b"--b\r\n\r\n--b--", "ctype": MULTIPART},
        422,
    ),
    ("POST", "/api/v1/cash", {"content": b"<cash kind='in'/>", "ctype": "application/xml"}, 422),
    ("POST", "/api/v1/cash", {"content": b"null"}, 422),
    ("POST", "/api/v1/cash", {"content": b'["in", 5]'}, 422),
    ("POST", "/api/v1/cash", {"content": b""}, 422),
    # path parameters with slashes, dot segments, NUL, unicode and broken UTF-8
    ("GET", "/api/v1/products/a%2Fb", {}, 404),
    ("GET", "/api/v1/products/%E2%80%AE%C5%BC%00", {}, 404),
    ("GET", "/api/v1/products/%FF%FE", {}, 404),
    ("GET", "/api/v1/sales/..%2F..%2Fhealthz", {}, 404),
    ("GET", "/api/v1/baskets/%00", {}, 404),
    ("POST", "/api/v1/baskets/{basket}%2F..%2F..%2Fcash/cancel", {}, 404),
    ("DELETE", "/api/v1/baskets/{basket}/lines/%F0%9F%92%A3", {}, None),
    ("POST", "/api/v1/devices/drawers/..%2F01/open", {"json": {}}, 404),
    ("GET", "/api/v1/lookup/" + "9" * 10_000, {}, 422),
    ("GET", "/api/v1/availability/%C5%BC%C3%B3%C5%82%C4%87", {}, 404),
]


def _id(case: tuple[str, str, dict[str, Any], int | None]) -> str:
    method, path, kwargs, _ = case
    body = next(iter(kwargs.values()), b"")
    shown = repr(body)[:40] if isinstance(body, bytes | str | dict) else type(body).__name__
    return f"{method} {path[:60]} {shown}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_hostile_request_is_refused_and_changes_nothing(
    live: Live, case: tuple[str, str, dict[str, Any], int | None]
) -> None:
    method, path, kwargs, expected = case
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("content"), Iterator):  # a fresh generator for each run
        kwargs["content"] = _chunks(3 * MiB)
    headers = {**live.auth, "content-type": kwargs.pop("ctype", "application/json")}
    before = fingerprint(live.db)
    r = live.http.request(method, path.format(basket=live.basket), headers=headers, **kwargs)
    assert_problem(r.status_code, r.headers.get("content-type", ""), r.content, f"{method} {path}")
    assert 400 <= r.status_code < 500, r.text[:300]
    if expected is not None:
        assert r.status_code == expected, r.text[:300]
    assert r.json()["status"] == r.status_code
    wrote = changed(before, fingerprint(live.db))
    assert not wrote, f"{method} {path} -> {r.status_code} wrote to {wrote}"


def _raw(live: Live, request: bytes) -> bytes:
    """Bytes no HTTP client library will send: straight onto a socket."""
    with socket.create_connection(("127.0.0.1", live.node.port), timeout=TIMEOUT_S) as s:
        s.sendall(request)  # no half-close: uvicorn takes that for a client gone away
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    return reply


@pytest.mark.parametrize(
    "request_line",
    [
        b"GET /api/v1/products/\xff\xfe\x00 HTTP/1.1",  # raw invalid UTF-8 and NUL in the path
        b"GET /api/v1/products/%zz HTTP/1.1",  # a broken percent escape
    ],
)
def test_raw_paths_get_a_4xx_not_a_crash(live: Live, request_line: bytes) -> None:
    reply = _raw(live, request_line + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    status = int(reply.split(b" ", 2)[1])
    assert 400 <= status < 500, reply[:300]
    assert live.http.get("/healthz").status_code == 200  # the node is still serving


def test_lying_content_length_gets_a_4xx(live: Live) -> None:
    reply = _raw(
        live,
        b"POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}",
    )
    status = int(reply.split(b" ", 2)[1])
    assert status in (400, 413), reply[:300]
    assert live.http.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/no-such-thing", 404),
        ("POST", "/api/v1/products/a%2Fb", 404),
        ("GET", "/api/v2/products", 404),
        ("PUT", "/api/v1/products", 405),  # a known path, another method
    ],
)
def test_unknown_api_paths_get_a_problem_not_the_ui_page(
    live: Live, method: str, path: str, status: int
) -> None:
    # Before: with the UI mounted at /, these fell through to its HTML 404 page.
    r = live.http.request(method, path, headers=live.auth)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
