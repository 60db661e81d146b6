"""Reconnection after a broker outage: a short backoff cap with full jitter, and a TCP probe of
the broker's port before a full reconnect (sync/mqtt.py). The figures with 500 stores come from
`make bench` (bench_hub_scale)."""

from __future__ import annotations

import socket

from sync.mqtt import Backoff, MqttLink


def test_backoff_is_capped_at_two_seconds_and_spread_over_the_whole_cap() -> None:
    b = Backoff()
    waits = [b.next() for _ in range(2000)]
    assert max(waits) <= 2.0
    settled = waits[20:]  # past the exponential start every wait is U(0, cap)
    assert min(settled) < 0.2 and max(settled) > 1.8  # spread, not in step
    early = Backoff()
    assert early.next() <= 0.2  # the first retry after a drop is quick
    early.reset()
    assert early.attempt == 0


def test_the_probe_tells_an_open_port_from_a_closed_one() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        link = MqttLink(f"mqtt://127.0.0.1:{port}", "probe", subscriptions=[],
                        on_message=lambda t, p: None)  # fmt: skip
        assert link.probe()
    assert not link.probe()  # nothing listens any more
