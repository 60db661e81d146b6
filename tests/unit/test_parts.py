"""A node's parts keep their live state in `ctx.parts`, by type: one object per class, built
once even when request threads and workers ask for it at the same time, and forgotten by the
part that put it only while it is still the one held."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from edge.services.parts import Parts


@dataclass
class Agent:
    name: str


@dataclass
class Printers:
    count: int


def test_an_object_is_found_by_its_type_and_only_by_it() -> None:
    parts = Parts()
    assert parts.get(Agent) is None
    agent = Agent("a")
    parts.put(agent)
    assert parts.get(Agent) is agent
    assert parts.get(Printers) is None


def test_a_part_forgets_only_its_own_object() -> None:
    parts = Parts()
    old, new = Agent("old"), Agent("new")
    parts.put(old)
    parts.put(new)  # a restarted agent replaces the stopped one
    parts.remove(old)  # the old one's late stop must not drop the new one
    assert parts.get(Agent) is new
    parts.remove(new)
    assert parts.get(Agent) is None


def test_concurrent_first_uses_build_one_object() -> None:
    parts = Parts()
    built: list[Printers] = []
    start = threading.Barrier(8)

    def build() -> Printers:
        built.append(Printers(len(built)))
        return built[-1]

    def first_use(_: int) -> Printers:
        start.wait(timeout=60)
        return parts.get_or_create(Printers, build)

    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(first_use, range(8)))
    assert len(built) == 1 and all(p is built[0] for p in found)


def test_two_contexts_hold_two_objects() -> None:
    a, b = Parts(), Parts()
    assert a.get_or_create(Printers, lambda: Printers(1)) is not b.get_or_create(
        Printers, lambda: Printers(2)
    )
