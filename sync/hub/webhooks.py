"""Webhooks: the feed pushed to a URL (`[webhooks]` in the hub's config). A thread of its own
(an unreachable receiver must never slow the applying of events) takes the target's lease,
reads the next page after the position the receiver acknowledged, POSTs it signed, and records
the new position on a 2xx, or the failure and when to try again (doubling back-off with
jitter) otherwise. Delivery status goes to /metrics (`metrics`)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from sync.hub.config import HubWebhooks
from sync.hub.store import feed as feed_repo
from sync.hub.store import webhooks as repo
from sync.hub.store.port import Storage

log = logging.getLogger(__name__)
SIGNATURE = "X-Store-Edge-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(cfg: HubWebhooks, failures: int) -> float:
    """Seconds before the next attempt after `failures` in a row: doubling, capped, with jitter
    (receivers that went down together do not get every hub's retries in the same second)."""
    delay: float = min(cfg.retry_max_s, cfg.retry_min_s * 2.0 ** min(failures - 1, 30))
    return delay * random.uniform(0.5, 1.0)


class WebhookSender:
    def __init__(self, storage: Storage, cfg: HubWebhooks) -> None:
        self.storage, self.cfg = storage, cfg
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = httpx.Client(timeout=cfg.timeout_s)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=self.cfg.timeout_s + 5)
        self._client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.send_once()
            except Exception:  # the database away a moment: try again at the next poll
                log.exception("webhook delivery failed")
                sent = 0
            if not sent:
                self._stop.wait(self.cfg.poll_s)

    def send_once(self) -> int:
        """Sends the next page if one is due; returns the items the receiver took."""
        url, secret = self.cfg.url, self.cfg.secret
        assert url and secret  # the settings refuse a URL without a secret
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self.cfg.timeout_s * 3)
        with self.storage.transaction() as tx:
            position = repo.claim(tx, url, now.isoformat(), lease.isoformat())
        if position is None:
            return 0
        with self.storage.read() as tx:
            rows = feed_repo.after(tx, position, self.cfg.batch)
        if not rows:
            with self.storage.transaction() as tx:
                repo.release(tx, url)
            return 0
        body = feed_repo.page_json(rows, position).encode()
        headers = {"Content-Type": "application/json", SIGNATURE: signature(secret, body)}
        try:
            r = self._client.post(url, content=body, headers=headers)
            status, ok = str(r.status_code), 200 <= r.status_code < 300
        except httpx.HTTPError as exc:
            status, ok = type(exc).__name__, False
        with self.storage.transaction() as tx:
            if ok:
                repo.delivered(tx, url, int(rows[-1][0]), len(rows), status, now.isoformat())
                return len(rows)
            wait = backoff(self.cfg, repo.failures(tx, url) + 1)
            next_at = (datetime.now(UTC) + timedelta(seconds=wait)).isoformat()
            n = repo.failed(tx, url, status, next_at)
        log.warning("webhook %s answered %s (%d in a row); next try in %.1f s",
                    target(url), status, n, wait)  # fmt: skip
        return 0


def target(url: str) -> str:
    """The URL without credentials or query: safe for logs and metric labels."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


def metrics(storage: Storage) -> Iterator[Metric]:
    with storage.read() as tx:
        rows, last = repo.listing(tx), feed_repo.last(tx)
    pending = GaugeMetricFamily("store_edge_hub_webhook_pending_items",
                                "Feed items not yet acknowledged by the receiver",
                                labels=["target"])  # fmt: skip
    failing = GaugeMetricFamily("store_edge_hub_webhook_failures",
                                "Failed attempts in a row", labels=["target"])  # fmt: skip
    attempts = CounterMetricFamily("store_edge_hub_webhook_attempts", "POSTs made",
                                   labels=["target"])  # fmt: skip
    items = CounterMetricFamily("store_edge_hub_webhook_delivered_items",
                                "Feed items the receiver took", labels=["target"])  # fmt: skip
    for r in rows:
        label = [target(str(r["url"]))]
        pending.add_metric(label, max(0, last - int(r["delivered"])))
        failing.add_metric(label, int(r["failures"]))
        attempts.add_metric(label, int(r["attempts"]))
        items.add_metric(label, int(r["items"]))
    yield from (pending, failing, attempts, items)
