"""A paho-mqtt 2.x connection for the agent and the hub: MQTT 5, QoS 1, a persistent session
(clean_start=False + session expiry), a will, TLS and credentials from the URL, and reconnects
with exponential backoff and jitter in our own network thread.

Received messages are handed to `on_message` in the network thread; callers queue them to their
own worker so a slow database never stalls keepalives."""

from __future__ import annotations

import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

log = logging.getLogger(__name__)

QOS = 1


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(
        cls, url: str, username: str | None = None, password: str | None = None
    ) -> BrokerAddress:
        """mqtt://host[:1883] or mqtts://user:pass@host[:8883]; explicit credentials win."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError(f"broker URL {url!r}: scheme must be mqtt:// or mqtts://")
        if not parts.hostname:
            raise ValueError(f"broker URL {url!r} names no host")
        tls = parts.scheme in ("mqtts", "ssl")
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            tls=tls,
            username=username or (unquote(parts.username) if parts.username else None),
            password=password or (unquote(parts.password) if parts.password else None),
        )


class Backoff:
    """Exponential backoff with full jitter and a short cap: after a broker outage every store
    is back within about `cap` seconds of the broker (not 5–12 s after a 10 s outage, as with
    a 30 s cap), and since each waits a random share of the cap, hundreds of stores arrive
    spread over those seconds instead of in the same one."""

    def __init__(self, base: float = 0.2, cap: float = 2.0) -> None:
        self.base, self.cap, self.attempt = base, cap, 0

    def next(self) -> float:
        delay = min(self.cap, self.base * 2**self.attempt)
        self.attempt = min(self.attempt + 1, 20)
        return random.uniform(0.0, delay)

    def reset(self) -> None:
        self.attempt = 0


class MqttLink:
    def __init__(
        self,
        url: str,
        client_id: str,
        *,
        subscriptions: list[str],
        on_message: Callable[[str, bytes], None],
        on_connect: Callable[[], None] | None = None,
        on_disconnect: Callable[[], None] | None = None,
        username: str | None = None,
        password: str | None = None,
        ca_file: Path | None = None,
        will: tuple[str, bytes] | None = None,
        session_expiry_s: int = 7 * 24 * 3600,
        keepalive_s: int = 30,
        max_inflight: int = 100,
    ) -> None:
        self.address = BrokerAddress.parse(url, username, password)
        self.subscriptions = subscriptions
        self._on_message, self._on_connect, self._on_disconnect = (
            on_message,
            on_connect,
            on_disconnect,
        )
        self.session_expiry_s, self.keepalive_s = session_expiry_s, keepalive_s
        self.connected = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._final_info: paho.MQTTMessageInfo | None = None
        self.backoff = Backoff()
        c = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        c.max_inflight_messages_set(max_inflight)
        c.max_queued_messages_set(0)  # unbounded: our own outbox bounds what we publish
        if self.address.username:
            c.username_pw_set(self.address.username, self.address.password)
        if self.address.tls:
            c.tls_set(ca_certs=str(ca_file) if ca_file else None, cert_reqs=ssl.CERT_REQUIRED)
        if will:
            c.will_set(will[0], will[1], qos=QOS, retain=True)
        c.on_connect = self._connected
        c.on_disconnect = self._disconnected
        c.on_message = self._message
        self.client = c

    # -- network thread -------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mqtt-link", daemon=True)
        self._thread.start()

    def stop(self, final: tuple[str, bytes] | None = None) -> None:
        """Publishes `final` (e.g. a retained offline status) if connected, disconnects
        cleanly from the network thread, and waits for it."""
        self._final_info = None
        if final and self.connected:
            self._final_info = self.client.publish(final[0], final[1], qos=QOS, retain=True)
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _goodbye(self) -> None:
        """In the network thread: let the last message out, then DISCONNECT (a clean
        disconnect: the broker does not publish our will, and keeps our session)."""
        deadline = time.monotonic() + 1.0
        info = self._final_info
        while info is not None and not info.is_published() and time.monotonic() < deadline:
            if self.client.loop(0.05) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                return
        self.client.disconnect()
        while self.client.want_write() and time.monotonic() < deadline:
            if self.client.loop(0.05) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                return
        self.client.loop(0.05)

    def _run(self) -> None:
        # paho writes to the socket from the publishing thread unless it believes a network
        # thread of its own runs (loop_start). Two threads writing parts of a large packet
        # interleave and corrupt the stream (seen with a 30 MB snapshot), so we tell paho that
        # this thread is its network thread: publish() then only queues and wakes our select.
        self.client._thread = threading.current_thread()  # paho 2.x: only read by publish/loop_stop
        props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho: unannotated
        props.SessionExpiryInterval = self.session_expiry_s
        failed = False
        while not self._stop.is_set():
            if failed and not self.probe():
                # A TCP connect and close, no TLS, no MQTT session: cheap for a broker coming
                # back up under hundreds of stores retrying; the full connect waits for it.
                self._stop.wait(self.backoff.next())
                continue
            failed = True
            try:
                self.client.connect(
                    self.address.host,
                    self.address.port,
                    keepalive=self.keepalive_s,
                    clean_start=False,
                    properties=props,
                )
            except (OSError, ssl.SSLError) as exc:
                log.info("broker %s:%s unreachable: %s", self.address.host, self.address.port, exc)
                self._stop.wait(self.backoff.next())
                continue
            while True:
                rc = self.client.loop(0.2)
                if self._stop.is_set():
                    if rc == MQTTErrorCode.MQTT_ERR_SUCCESS:
                        self._goodbye()
                    break
                if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    break
            if self.connected:
                self.connected = False
                self._notify_disconnect()
            if not self._stop.is_set():
                self._stop.wait(self.backoff.next())

    def probe(self, timeout_s: float = 1.0) -> bool:
        """True when the broker's port accepts a TCP connection."""
        try:
            with socket.create_connection((self.address.host, self.address.port), timeout_s):
                return True
        except OSError:
            return False

    def _connected(
        self,
        client: paho.Client,
        userdata: object,
        flags: paho.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            log.warning("broker refused the connection: %s", reason_code)
            return
        self.backoff.reset()
        for topic in self.subscriptions:
            client.subscribe(topic, qos=QOS)
        self.connected = True
        log.info("connected to broker (session present: %s)", flags.session_present)
        if self._on_connect:
            self._on_connect()

    def _disconnected(
        self,
        client: paho.Client,
        userdata: object,
        flags: paho.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if self.connected:
            self.connected = False
            log.info("disconnected from broker: %s", reason_code)
            self._notify_disconnect()

    def _notify_disconnect(self) -> None:
        if self._on_disconnect:
            self._on_disconnect()

    def _message(self, client: paho.Client, userdata: object, msg: paho.MQTTMessage) -> None:
        try:
            self._on_message(msg.topic, bytes(msg.payload))
        except Exception:  # a bad message must never kill the network thread
            log.exception("handling a message on %s failed", msg.topic)

    # -- any thread -------------------------------------------------------------------------

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> bool:
        """Hands a QoS 1 message to the broker connection; False when not connected (the
        caller's own store keeps it and sends it again later)."""
        if not self.connected:
            return False
        info = self.client.publish(topic, payload, qos=QOS, retain=retain)
        return info.rc == MQTTErrorCode.MQTT_ERR_SUCCESS
