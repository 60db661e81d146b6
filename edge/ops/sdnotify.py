"""The systemd notification protocol (sd_notify(3)) over the NOTIFY_SOCKET datagram socket.

A few lines of socket code instead of a dependency: the protocol is one datagram of
`KEY=VALUE` lines. Without NOTIFY_SOCKET (not started by systemd, or tests) every call is a
no-op, so the node behaves the same anywhere."""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def _address(raw: str) -> str:
    # "@name" is an abstract-namespace socket: the leading '@' stands for a NUL byte.
    return "\0" + raw[1:] if raw.startswith("@") else raw


def notify(state: str) -> bool:
    """Sends `state` (e.g. "READY=1") to systemd; returns whether a socket was there."""
    raw = os.environ.get("NOTIFY_SOCKET")
    if not raw:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            # Never block the event loop: a receiver that does not read (its queue holds ~10
            # datagrams) makes a blocking send hang; drop the message instead.
            sock.setblocking(False)
            sock.connect(_address(raw))
            sock.sendall(state.encode())
    except OSError as exc:
        # A lost notification must never take the node down; systemd will notice on its own.
        log.warning("sd_notify %s failed: %s", state.split("\n", 1)[0], exc)
        return False
    return True


def watchdog_interval() -> float | None:
    """Seconds between WATCHDOG=1 pings (half of WatchdogSec), or None when not watched."""
    usec = os.environ.get("WATCHDOG_USEC")
    if not usec:
        return None
    pid = os.environ.get("WATCHDOG_PID")
    if pid and pid != str(os.getpid()):
        return None  # the watchdog is meant for another process (e.g. our parent)
    try:
        value = int(usec)
    except ValueError:
        return None
    return value / 2 / 1_000_000 if value > 0 else None
