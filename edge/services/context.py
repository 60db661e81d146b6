"""What every service needs, wired once in `edge.bootstrap`: the database, the settings, a
clock, and the hooks other parts of the node attach to use cases."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from edge.config import Settings
from edge.domain.barcodes import DEFAULT_VARIABLE_RULES, VariableMeasureRule
from edge.domain.sale import Sale
from edge.domain.shifts import Shift
from edge.services.parts import Parts
from edge.store.db import Database

# Runs inside the checkout transaction: whatever it writes commits (or rolls back) with the sale.
SaleHook = Callable[[sqlite3.Connection, Sale], None]
# Runs after the sale committed (replayed: a retry answered from the first result); returns
# fields added to the sale's answer (e.g. "fiscal"). Must not raise: the sale is on disk.
AfterSaleHook = Callable[[Sale, bool], dict[str, Any]]
# Runs before a checkout touches anything; raises a DomainError to refuse the sale.
BeforeCheckoutHook = Callable[[], None]
# In a basket's cancelling transaction, with the basket's id (e.g. a reward given back).
CancelHook = Callable[[sqlite3.Connection, str], None]
# A reason the node is not ready (for /readyz), or None.
ReadinessHook = Callable[[], str | None]
# Queues a document's printout (return receipt, pickup slip) in the caller's transaction, so it
# commits with the change; True when a printer here took it. Set by the devices part.
PrintDocument = Callable[[sqlite3.Connection, str, dict[str, Any]], bool]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Hooks:
    on_sale: list[SaleHook] = field(default_factory=list)
    before_checkout: list[BeforeCheckoutHook] = field(default_factory=list)
    after_sale: list[AfterSaleHook] = field(default_factory=list)
    on_cancel: list[CancelHook] = field(default_factory=list)
    readiness: list[ReadinessHook] = field(default_factory=list)
    # Called after a commit that wrote outbox events (wakes the sync agent; never raises).
    after_outbox: list[Callable[[], None]] = field(default_factory=list)
    # Called after a shift's close committed, with the closed shift (e.g. the fiscal printer's
    # daily report); an exception reaches the till, the shift stays closed.
    on_shift_close: list[Callable[[Context, Shift], None]] = field(default_factory=list)
    # None: this node prints no documents (edge/services/documents.py).
    print_document: PrintDocument | None = None

    def sale_committed(self, sale: Sale, replayed: bool) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        for fn in self.after_sale:
            extra.update(fn(sale, replayed))
        return extra

    def outbox_written(self) -> None:
        for fn in self.after_outbox:
            # A wake-up must never fail the use case that already committed.
            with contextlib.suppress(Exception):
                fn()


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = utc_now
    hooks: Hooks = field(default_factory=Hooks)
    # The parts' own live state (edge/services/parts.py), by type.
    parts: Parts = field(default_factory=Parts)
    # Serialises a node's own checkouts per basket is the DB's job; this lock only guards
    # in-process caches.
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Hub lookup answers refused by their check, by reason (exported by /metrics).
    refused_hub_answers: Counter[str] = field(default_factory=Counter)
    # Customer lookups skip the hub until then (monotonic seconds) after it failed to answer:
    # a card scan must not wait [hub] timeout_s each time while the network is down.
    hub_quiet_until: float = 0.0

    @property
    def store_id(self) -> str:
        return self.settings.store.id

    @property
    def currency(self) -> str:
        return self.settings.store.currency

    @property
    def variable_rules(self) -> tuple[VariableMeasureRule, ...]:
        rules = self.settings.selling.variable_measure
        return tuple(rules) if rules is not None else DEFAULT_VARIABLE_RULES
