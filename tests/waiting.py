"""Waiting for something to happen: poll a condition until it holds, never sleep a fixed time.

A test that sleeps "long enough" for a worker, a broker or a browser passes on an idle machine
and fails on a busy one. Every wait in the suite goes through `wait_until` (or its async twin):
it returns the moment the condition holds, so its bound can be generous (the default is a
minute) without slowing a passing run, and when it does give up it says what it waited for and
what it saw last. pytest-timeout still bounds the test as a whole.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

T = TypeVar("T")

# Generous on purpose: a passing wait ends as soon as its condition holds; this only bounds a
# wait that would otherwise hang (the CPU busy with other work must never make a test fail).
TIMEOUT_S = 60.0
EVERY_S = 0.02


class WaitTimeout(AssertionError):
    """The condition did not hold within the bound (an AssertionError: the test fails)."""


def _describe(what: str, predicate: Callable[..., object]) -> str:
    if what:
        return what
    name = getattr(predicate, "__qualname__", repr(predicate))
    code = getattr(predicate, "__code__", None)
    where = f" ({code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno})" if code else ""
    return f"{name}{where}"


def _failure(
    what: str, predicate: Callable[..., object], timeout: float, last: object, error: object
) -> WaitTimeout:
    seen = f"last value {last!r}" if error is None else f"last error {error!r}"
    return WaitTimeout(f"waited {timeout:g} s for {_describe(what, predicate)}; {seen}")


def wait_until(
    predicate: Callable[[], T],
    timeout: float = TIMEOUT_S,
    what: str = "",
    *,
    every: float = EVERY_S,
    ignoring: tuple[type[BaseException], ...] = (),
) -> T:
    """Calls `predicate` until it returns something truthy and returns that value.

    An exception of a type in `ignoring` counts as "not yet" (a server still starting refuses
    connections); any other exception propagates at once (a process that died will not start
    answering). Fails with `WaitTimeout` naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    error: BaseException | None = None
    while True:
        try:
            last, error = predicate(), None
        except ignoring as exc:
            last, error = None, exc
        if last:
            return last
        if time.monotonic() >= deadline:
            raise _failure(what, predicate, timeout, last, error)
        time.sleep(every)


async def wait_until_async(
    predicate: Callable[[], T | Awaitable[T]],
    timeout: float = TIMEOUT_S,
    what: str = "",
    *,
    every: float = EVERY_S,
    ignoring: tuple[type[BaseException], ...] = (),
) -> T:
    """`wait_until` for code on an event loop: yields to the loop between polls (so the tasks
    the test waits for can run). `predicate` may be a plain function or a coroutine function."""
    deadline = time.monotonic() + timeout
    last: object = None
    error: BaseException | None = None
    while True:
        try:
            value = predicate()
            if isinstance(value, Awaitable):
                value = await value
            last, error = value, None
        except ignoring as exc:
            last, error = None, exc
        if last:
            return cast(T, last)
        if time.monotonic() >= deadline:
            raise _failure(what, predicate, timeout, last, error)
        await asyncio.sleep(every)
