"""Short database use cases run on the event loop; long or blocked ones in a worker thread.

A scan is a few indexed reads and a one-row commit (~0.5 ms here). Handing it to a worker
thread, as FastAPI does with a plain `def` endpoint, added a good part of that again on the store's
2-core box: scan → line over HTTP p50 1.2–1.6 ms on the loop against 1.4–2.1 ms through the
thread pool, p99 2.1–4.2 ms against 3.0–6.2 ms (three runs each of the full node; see
docs/benchmarks.md). The loop must still never wait behind someone else's write (a catalogue
snapshot can hold the writer for seconds, a CLI import the file's lock), so the call runs in
no-wait mode, and where it would wait it runs again in a worker thread, which may."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from edge.store.db import WouldBlock, no_wait

P = ParamSpec("P")
T = TypeVar("T")


async def inline(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` on the loop if the database lets it through at once, else in a
    worker thread. Only for short calls of one transaction with nothing but reads before it, so
    that a WouldBlock means nothing happened yet; nothing slow either (no PIN hashing, no device
    I/O), since the loop serves every till and kiosk meanwhile."""
    try:
        with no_wait():
            return fn(*args, **kwargs)
    except WouldBlock:
        return await run_in_threadpool(fn, *args, **kwargs)
