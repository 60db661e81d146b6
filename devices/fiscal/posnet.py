"""The Posnet driver: the fiscal port spoken as Posnet commands over a link.

A command that changes the device (opening, lines, payments, the close) is never sent twice:
when its answer does not come (or comes damaged), the driver asks for the last answer again
(`lastresp`). An answer to this command settles it; anything else leaves it AnswerLost, and the
caller reads the last document to learn whether the receipt exists."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from devices.fiscal import posnet_commands as cmd
from devices.fiscal.port import (
    AnswerLost,
    DailyReport,
    DeviceStatus,
    DeviceUnavailable,
    FiscalError,
    LastDocument,
    Line,
    Payment,
    Receipt,
)
from devices.fiscal.posnet_frame import Frame, FrameError, decode, encode
from devices.fiscal.posnet_link import Link, LinkDown, LinkTimeout

_NOT_IN_TEXT = str.maketrans({c: " " for c in "\t\r\n\x02\x03#"})


def printable(text: str, width: int = 40) -> str:
    """A name as the device may print it: no frame characters (a product called "Kubek #1"
    must not hold every later sale back), at most `width` characters."""
    return text.translate(_NOT_IN_TEXT).strip()[:width] or "-"


def qty_text(qty: Decimal) -> str:
    text = format(qty.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


class PosnetDevice:
    def __init__(self, link: Link, *, timeout_s: float = 5.0, name: str = "posnet") -> None:
        self.link, self.timeout_s, self.name = link, timeout_s, name
        self._lock = threading.Lock()  # one exchange at a time: the protocol has no ids

    @property
    def description(self) -> str:
        return self.name

    # -- the exchange -----------------------------------------------------------------------

    def _send(self, request: bytes) -> Frame:
        raw = self.link.exchange(request, self.timeout_s)
        return decode(raw)

    def call(self, command: str, params: Sequence[tuple[str, str]] = (), *,
             changes: bool = True) -> Frame:  # fmt: skip
        try:
            request = encode(command, params)
        except FrameError as exc:
            raise FiscalError(f"cannot send {command}: {exc}") from None
        with self._lock:
            try:
                answer = self._send(request)
            except LinkDown as exc:
                raise DeviceUnavailable(str(exc)) from None
            except (LinkTimeout, FrameError) as exc:
                answer = self._repeat(command, changes, exc)
        if answer.error is not None:
            what = cmd.ERRORS.get(answer.error, "error")
            raise DeviceUnavailable(
                f"the fiscal device refused {command}: {what} (error {answer.error})",
                device_code=answer.error,
            )
        return answer

    def _repeat(self, command: str, changes: bool, first: Exception) -> Frame:
        """The answer was lost or damaged: ask for it again, twice at most."""
        for _ in range(2):
            try:
                answer = self._send(encode(cmd.REPEAT))
            except LinkDown:
                break
            except (LinkTimeout, FrameError):
                continue
            if answer.command == command:
                return answer
            break  # the repeat answered for an earlier command: this one's fate is unknown
        if changes:
            raise AnswerLost(f"no answer to {command} from the fiscal device ({first})")
        raise DeviceUnavailable(f"the fiscal device does not answer ({first})")

    # -- the port ---------------------------------------------------------------------------

    def status(self) -> DeviceStatus:
        try:
            answer = self.call(cmd.STATUS, changes=False)
        except DeviceUnavailable as exc:
            paper = exc.device_code != cmd.ERR_PAPER
            return DeviceStatus(ready=False, paper=paper, detail=exc.detail)
        in_receipt = answer.get("tr") == "1"
        return DeviceStatus(
            ready=not in_receipt,
            in_receipt=in_receipt,
            detail="a receipt is open" if in_receipt else "ready",
            emulator=answer.get("em") == "1",
        )

    def vat_table(self) -> dict[str, int | None]:
        answer = self.call(cmd.VAT_READ, changes=False)
        table: dict[str, int | None] = {}
        for letter, field in zip(cmd.CLASSES, cmd.VAT_FIELDS, strict=True):
            value = answer.get(field)
            if value is None or value in (cmd.VAT_INACTIVE, cmd.VAT_EXEMPT):
                table[letter] = None
                continue
            percent = Decimal(value.replace(",", "."))
            table[letter] = int(percent) if percent == percent.to_integral() else None
        return table

    def open_receipt(self, receipt: Receipt) -> None:
        self.call(cmd.OPEN, [("bm", "0")])

    def add_line(self, line: Line) -> None:
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
        self.call(cmd.LINE, params)

    def receipt_discount(self, amount: int) -> None:
        self.call(cmd.BILL_DISCOUNT, [("rd", "1"), ("rw", str(amount))])

    def payment(self, payment: Payment) -> None:
        kind = cmd.PAYMENT_TYPES.get(payment.kind, cmd.PAYMENT_TYPES["other"])
        self.call(cmd.PAYMENT, [("ty", kind), ("wa", str(payment.amount))])

    def close_receipt(self, total: int) -> int:
        answer = self.call(cmd.CLOSE, [("to", str(total))])
        number = answer.get("bn")
        return int(number) if number else self.last_document().number

    def cancel_receipt(self) -> None:
        self.call(cmd.CANCEL)

    def last_document(self) -> LastDocument:
        answer = self.call(cmd.COUNTERS, changes=False)
        return LastDocument(int(answer.get("bn") or 0), int(answer.get("to") or 0))

    def non_fiscal(self, lines: Sequence[str]) -> None:
        self.call(cmd.FORM_START, [("fn", "1")])
        for text in lines:
            self.call(cmd.FORM_LINE, [("s1", printable(text))])
        self.call(cmd.FORM_END)

    def daily_report(self) -> DailyReport:
        answer = self.call(cmd.DAILY_REPORT, [("da", date.today().isoformat())])
        totals = {
            letter: int(answer.get("t" + letter.lower()) or 0)
            for letter in cmd.CLASSES
            if answer.get("t" + letter.lower())
        }
        return DailyReport(int(answer.get("rn") or 0), totals, int(answer.get("rc") or 0))

    def open_drawer(self) -> None:
        self.call(cmd.DRAWER)
