"""Someone else writing: the node's writer held by another thread, or SQLite's write lock held
by another process (what `store-edge catalog import` or a backup does to the file); and who is
waiting for it meanwhile.

Hold the lock for as long as the test needs it (`seconds=None`, released when the block ends),
not for a guessed number of seconds: on a busy machine a timed hold may end before the call
under test even starts."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from edge.store.db import Database
from tests.waiting import TIMEOUT_S

# A hold "until the block ends" still ends by itself after this long, so that a regression that
# blocks the test's own thread fails the test instead of hanging it.
HOLD_CAP_S = 2 * TIMEOUT_S


@dataclass
class Hold:
    """A lock held for a test. `held` is set while it is held; `released` once it was let go;
    `stalled` lists event loops found waiting for it (which made the holder let go at once)."""

    held: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    stalled: list[Waiter] = field(default_factory=list)

    def waiting(self, db: Database) -> list[Waiter]:
        """Who waits for `db`'s writer now (see waiting_for_the_writer); fails at once if the
        holder already found an event loop waiting."""
        assert not self.stalled, f"an event loop waited for the writer: {self.stalled}"
        return waiting_for_the_writer(db)

    @property
    def holding(self) -> bool:
        return self.held.is_set() and not self.released.is_set()


@contextmanager
def writer_held_by_a_thread(db: Database, seconds: float | None = None) -> Iterator[Hold]:
    """Another thread holds an open write transaction for `seconds`, or (None) until the block
    ends; the block starts once it holds it.

    The node's event loops must never wait for someone else's write (edge/inline.py). The holder
    watches for one doing so: it lets go at once (a loop blocked on the writer may be the very
    loop that would end this block) and the block fails on exit, naming the loop."""
    hold, release = Hold(), threading.Event()

    def keep() -> None:
        with db.transaction():
            hold.held.set()
            until = time.monotonic() + (seconds if seconds is not None else HOLD_CAP_S)
            while not release.wait(0.01) and time.monotonic() < until:
                hold.stalled += [w for w in waiting_for_the_writer(db) if w.on_event_loop]
                if hold.stalled:
                    break
        hold.released.set()

    worker = threading.Thread(target=keep, name="test-writer-holder")
    worker.start()
    assert hold.held.wait(TIMEOUT_S), "the holder thread never got the writer"
    try:
        yield hold
    finally:
        if seconds is None:
            release.set()
        worker.join()
    assert not hold.stalled, f"an event loop waited for another thread's write: {hold.stalled}"


@contextmanager
def write_lock_held_by_a_process(path: Path, seconds: float | None = None) -> Iterator[Hold]:
    """SQLite's write lock on `path` taken by a connection of its own (as another process would
    hold it) for `seconds`, or (None) until the block ends."""
    hold = Hold()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    hold.held.set()

    def let_go() -> None:
        other.rollback()
        hold.released.set()

    release = threading.Timer(seconds if seconds is not None else HOLD_CAP_S, let_go)
    release.start()
    try:
        yield hold
    finally:
        if seconds is None:
            release.cancel()
            if not hold.released.is_set():
                let_go()
        release.join()
        other.close()


# @contextmanager keeps the generator function it wraps in __wrapped__.
_TRANSACTION = Database.transaction.__wrapped__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Waiter:
    thread: str
    on_event_loop: bool


def _runs_an_event_loop(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "_run_once" and "asyncio" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def waiting_for_the_writer(db: Database) -> list[Waiter]:
    """Threads of this process blocked right now on `db`'s writer: on its lock (another thread
    writes) or in BEGIN IMMEDIATE (SQLite's busy wait: another connection or process writes).
    `on_event_loop` says whether the blocked thread is an event loop's, which must never wait."""
    waiting_codes = {_TRANSACTION.__code__, Database._begin.__code__}
    names = {t.ident: t.name for t in threading.enumerate()}
    return [
        Waiter(names.get(ident, str(ident)), _runs_an_event_loop(frame))
        for ident, frame in sys._current_frames().items()
        if frame.f_code in waiting_codes
    ]


def waiting_in_another_process(pid: int) -> list[Waiter]:
    """Threads of process `pid` in SQLite's busy wait right now, read from /proc (Linux): the
    busy handler sleeps between its retries (`hrtimer_nanosleep`), and the node sleeps nowhere
    else (its loop waits in epoll, its idle workers on futexes). The event loop of
    `store-edge serve` is the process's main thread."""
    waiting = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            wchan = (task / "wchan").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        if "nanosleep" in wchan:
            waiting.append(Waiter(f"{pid}/{task.name}", on_event_loop=task.name == str(pid)))
    return waiting
