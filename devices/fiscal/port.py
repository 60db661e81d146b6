"""What the node needs from a fiscal device, in no country's terms.

A Polish Posnet printer implements it today; a Russian 54-FZ online register (ATOL, Shtrih-M)
could implement it tomorrow: amounts are minor units, quantities exact decimals, tax classes
the device's own letters, and the document number whatever the device counts. Nothing here
knows about sales, baskets or the database."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable


class FiscalError(Exception):
    """The device refused a command or could not be reached. `code` is stable and
    machine-readable; `detail` is for people."""

    code = "fiscal-error"

    def __init__(self, detail: str, *, device_code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.device_code = device_code


class DeviceUnavailable(FiscalError):
    """Nothing was registered: the device is off, busy, out of paper or refused the command."""

    code = "fiscal-device-unavailable"


class AnswerLost(FiscalError):
    """A command was sent and no valid answer came back, even when asked to repeat it: the
    device may or may not have done it. Only reading its last document tells."""

    code = "fiscal-answer-lost"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    ready: bool  # may a receipt be opened now
    in_receipt: bool = False  # a receipt was opened and not closed (or cancelled)
    paper: bool = True
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LastDocument:
    """What tells whether a receipt was registered since it was read: the number of the last
    receipt and the sum of every receipt registered since the last daily report (a cancelled
    receipt may take a number but adds nothing to the sum)."""

    number: int  # the device's number of its last fiscal receipt; 0 before the first
    receipts_total: int  # minor units: all receipts since the last daily report


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    qty: Decimal  # pieces, or kilograms for weighed goods (exact, never a float)
    unit_price: int  # minor units, gross
    vat: str  # the device's tax class letter
    discount: int = 0  # minor units taken off this line's value
    unit: str = "szt"

    @property
    def gross(self) -> int:
        """The line's value before its discount, as the device rounds it (half up)."""
        value = (self.qty * self.unit_price).quantize(Decimal(1), rounding="ROUND_HALF_UP")
        return int(value)


@dataclass(frozen=True, slots=True)
class Payment:
    kind: str  # cash | card | voucher | other
    amount: int


@dataclass(frozen=True, slots=True)
class Receipt:
    """Everything one fiscal receipt holds; `ref` is the seller's own id of the sale (printed
    as the system number where the device has one)."""

    ref: str
    lines: Sequence[Line]
    payments: Sequence[Payment]
    discount: int = 0  # taken off the whole receipt, after the lines
    cashier: str = ""

    @property
    def total(self) -> int:
        return sum(ln.gross - ln.discount for ln in self.lines) - self.discount


@dataclass(frozen=True, slots=True)
class DailyReport:
    number: int
    totals: dict[str, int] = field(default_factory=dict)  # gross per tax class letter
    receipts: int = 0


@runtime_checkable
class FiscalDevice(Protocol):
    """One fiscal device. Methods block; every one raises FiscalError (or a subclass)."""

    @property
    def description(self) -> str: ...

    def status(self) -> DeviceStatus: ...

    def vat_table(self) -> dict[str, int | None]:
        """Tax class letter -> percent (None: the class is not active)."""
        ...

    def ready_for_receipt(self) -> tuple[DeviceStatus, LastDocument | None]:
        """Whether a receipt may be opened now and, if so, the last document: asked together,
        or known from the answer to a receipt closed a moment ago."""
        ...

    def known_last_document(self) -> LastDocument | None:
        """The last document as learned a moment ago from the device's own answers; None when
        not known (never after a failure), then ask with last_document()."""
        ...

    def receipt_body(self, receipt: Receipt) -> None:
        """Opens the receipt and sends its lines, discount and payments (at once where the
        protocol allows); not the close."""
        ...

    def open_receipt(self, receipt: Receipt) -> None: ...

    def add_line(self, line: Line) -> None: ...

    def receipt_discount(self, amount: int) -> None: ...

    def payment(self, payment: Payment) -> None: ...

    def close_receipt(self, total: int) -> int:
        """Ends the receipt; returns the device's document number."""
        ...

    def cancel_receipt(self) -> None: ...

    def last_document(self) -> LastDocument: ...

    def non_fiscal(self, lines: Sequence[str]) -> None: ...

    def daily_report(self) -> DailyReport: ...

    def open_drawer(self) -> None: ...


def register(device: FiscalDevice, receipt: Receipt) -> int:
    """Sends one whole receipt; returns its document number. The close goes only once every
    other command was accepted. On a refusal before the close the open receipt is cancelled
    (nothing registered); a lost answer is left to the caller, who must read the last document
    before doing anything else."""
    try:
        device.receipt_body(receipt)
    except AnswerLost:
        raise
    except FiscalError:
        with contextlib.suppress(FiscalError):  # recovery cancels what is still open
            device.cancel_receipt()
        raise
    return device.close_receipt(receipt.total)
