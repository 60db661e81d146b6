"""The fiscal port's values as Posnet commands, and what Posnet's answers mean for the port:
no I/O; the driver (posnet.py) sends and reads them."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from devices.fiscal import posnet_commands as cmd
from devices.fiscal.port import DeviceStatus, FiscalError, LastDocument, Line, Payment
from devices.fiscal.posnet_frame import Frame

Command = tuple[str, Sequence[tuple[str, str]]]
_NOT_IN_TEXT = str.maketrans({c: " " for c in "\t\r\n\x02\x03#"})


def printable(text: str, width: int = 40) -> str:
    """A name as the device may print it: no frame characters (a product called "Kubek #1"
    must not hold every later sale back), at most `width` characters."""
    return text.translate(_NOT_IN_TEXT).strip()[:width] or "-"


def qty_text(qty: Decimal) -> str:
    text = format(qty.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


STATUS_QUERIES: list[Command] = [(cmd.STATUS, ()), (cmd.MECHANISM, ())]
COUNTER_QUERIES: list[Command] = [(cmd.TOTALIZERS, ()), (cmd.COUNTERS, ())]


def amount_of(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def status_of(state: Frame, mechanism: Frame) -> DeviceStatus:
    in_receipt = state.get("ts", "0") != "0"
    printer = mechanism.get("pr", "0")
    paper = printer not in cmd.PAPER_OUT
    if in_receipt:
        detail = "a receipt is open"
    elif not paper:
        detail = "out of paper"
    elif printer != "0":
        detail = f"the print mechanism reports trouble (sprn pr{printer}: lever or cover up?)"
    else:
        detail = "ready"
    return DeviceStatus(ready=detail == "ready", in_receipt=in_receipt, paper=paper,
                        detail=detail)  # fmt: skip


def last_document_of(totalizers: Frame, counters: Frame) -> LastDocument:
    total = sum(amount_of(totalizers.get(f)) for f in cmd.RECEIPT_TOTALIZERS)
    return LastDocument(amount_of(counters.get("bn")), total)


def line_command(line: Line) -> Command:
    if line.vat not in cmd.CLASSES:
        raise FiscalError(f"tax class {line.vat!r} is not one of {cmd.CLASSES}")
    params = [
        ("na", printable(line.name)),
        ("vt", str(cmd.CLASSES.index(line.vat))),
        ("pr", str(line.unit_price)),
        ("il", qty_text(line.qty)),
        ("wa", str(line.gross)),
    ]
    if line.discount:
        params += [("rd", "1"), ("rw", str(line.discount))]
    return cmd.LINE, params


def payment_command(payment: Payment) -> Command:
    kind = cmd.PAYMENT_TYPES.get(payment.kind, cmd.PAYMENT_TYPES["other"])
    return cmd.PAYMENT, [("ty", kind), ("wa", str(payment.amount))]
