"""PIN login: failures are counted in the write transaction before the PIN is checked, a lock is
never cleared by a failure, limits hold per account and per client address, and an unknown user
costs the same slow hash as a real one."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from edge.domain.errors import AccountLocked, RateLimited, Unauthorized
from edge.domain.staff import MAX_PIN_ATTEMPTS
from edge.services import auth
from edge.services.context import Context
from tests.node import Node

API = "/api/v1"


def test_concurrent_wrong_pins_never_exceed_the_lockout(tmp_path: Path) -> None:
    node = Node(
        tmp_path / "node", env={"STORE_EDGE_SELLING__ADDRESS_MAX_FAILURES": "1000"}
    ).wait_ready()
    try:
        with httpx.Client(base_url=node.url, timeout=60) as client:

            def attempt(pin: int) -> int:
                body = {"username": "supervisor", "pin": f"{pin:04d}"}
                return client.post(f"{API}/sessions", json=body).status_code

            with ThreadPoolExecutor(max_workers=30) as pool:
                answers = Counter(pool.map(attempt, range(5000, 5030)))  # all wrong
            # At most MAX_PIN_ATTEMPTS PINs were tried: the first four say "wrong", the fifth
            # locks, every other one finds the lock and is never checked.
            assert answers[401] <= MAX_PIN_ATTEMPTS - 1, answers
            assert answers[401] + answers[423] == 30, answers
            right = client.post(f"{API}/sessions", json={"username": "supervisor", "pin": "4321"})
            assert right.status_code == 423, right.text  # still locked: nothing cleared it
    finally:
        node.stop()


def test_a_late_failure_never_clears_a_lock(
    client: TestClient, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong PIN that is still being hashed when the account locks must not unlock it."""
    real, started, release = auth.check_pin, threading.Event(), threading.Event()

    def slow_for_the_late_one(pin: str, stored: str) -> bool:
        if threading.current_thread().name == "late":
            started.set()
            release.wait(30)
        return real(pin, stored)

    monkeypatch.setattr(auth, "check_pin", slow_for_the_late_one)
    errors: list[Exception] = []

    def late() -> None:
        try:
            auth.login(ctx, "supervisor", "9999")
        except Exception as exc:
            errors.append(exc)

    t = threading.Thread(target=late, name="late")
    t.start()
    assert started.wait(30)
    for _ in range(MAX_PIN_ATTEMPTS):
        with contextlib.suppress(Unauthorized, AccountLocked):
            auth.login(ctx, "supervisor", "1111")
    with pytest.raises(AccountLocked):
        auth.login(ctx, "supervisor", "4321")
    release.set()
    t.join(30)
    assert errors and isinstance(errors[0], Unauthorized | AccountLocked)
    with pytest.raises(AccountLocked):
        auth.login(ctx, "supervisor", "4321")  # the late failure left the lock in place


def test_one_address_cannot_try_pins_across_every_account(client: TestClient) -> None:
    for i in range(20):  # the default limit per address: any accounts, known or not
        r = client.post(f"{API}/sessions", json={"username": f"user{i}", "pin": "1234"})
        assert r.status_code == 401, r.text
    r = client.post(f"{API}/sessions", json={"username": "cashier", "pin": "1234"})
    assert r.status_code == 429, r.text
    assert r.json()["code"] == "rate-limited" and int(r.headers["Retry-After"]) > 0


def test_the_address_limit_is_per_address(ctx: Context) -> None:
    for i in range(20):
        with pytest.raises(Unauthorized):
            auth.login(ctx, f"user{i}", "1234", address="10.0.0.66")
    with pytest.raises(RateLimited):
        auth.login(ctx, "cashier", "1234", address="10.0.0.66")
    assert auth.login(ctx, "cashier", "1234", address="10.0.0.7").actor.username == "cashier"


def test_an_unknown_user_costs_the_same_slow_hash(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = auth.check_pin

    def counted(pin: str, stored: str) -> bool:
        hashed.append(pin)
        return real(pin, stored)

    monkeypatch.setattr(auth, "check_pin", counted)
    r = client.post(f"{API}/sessions", json={"username": "nobody", "pin": "1234"})
    assert r.status_code == 401
    assert hashed == ["1234"]  # scrypt ran, as for a real account's wrong PIN
