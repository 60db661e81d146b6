"""The Posnet driver: the fiscal port spoken as Posnet commands over a link.

A command that changes the device (opening, lines, payments, the close) is never sent twice:
when its answer does not come (or comes damaged), the driver asks for the last answer again
(`lastresp`). An answer to this command settles it; anything else leaves it AnswerLost, and the
caller reads the last document to learn whether the receipt exists.

A receipt's opening, lines, discount and payments go out together and their answers are read
back in order (one round trip instead of one per command); the close is sent alone, only once
every one of those answers said yes, so a refused line can never end in a closed receipt
without it. The driver remembers what the device's answers proved (its last document, and that
it is ready right after a receipt it closed) for a second, so the next sale does not ask again;
any failure forgets it."""

from __future__ import annotations

import threading
import time
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

Command = tuple[str, Sequence[tuple[str, str]]]
# How long what an answer proved is trusted without asking the device again: long enough for
# the next sale in a burst, far shorter than a cashier's scanning.
PROVEN_S = 1.0
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
        self._known: tuple[float, LastDocument] | None = None  # (when learned, what)
        self._ready_at: float | None = None  # a receipt closed then: the device was ready

    @property
    def description(self) -> str:
        return self.name

    # -- the exchange -----------------------------------------------------------------------

    def _send(self, request: bytes) -> Frame:
        [raw] = self.link.exchange([request], self.timeout_s)
        return decode(raw)

    def call(self, command: str, params: Sequence[tuple[str, str]] = (), *,
             changes: bool = True) -> Frame:  # fmt: skip
        request = _encode(command, params)
        if changes:
            self._ready_at = None
        with self._lock:
            try:
                answer = self._send(request)
            except LinkDown as exc:
                self._forget()
                raise DeviceUnavailable(str(exc)) from None
            except (LinkTimeout, FrameError) as exc:
                self._forget()
                answer = self._repeat(command, changes, exc)
        _check(answer, command)
        return answer

    def call_together(self, commands: Sequence[Command], *, changes: bool = True) -> list[Frame]:
        """Sends the commands at once and reads their answers in order. Any answer missing or
        damaged: AnswerLost when they change the device (the caller reads the last document),
        else DeviceUnavailable. A refusal raises once every answer is read (the device goes on
        with the commands after a refused one: the caller cancels what they opened)."""
        requests = [_encode(command, params) for command, params in commands]
        if changes:
            self._ready_at = None
        with self._lock:
            try:
                answers = [decode(raw) for raw in self.link.exchange(requests, self.timeout_s)]
                if [a.command for a in answers] != [c for c, _ in commands]:
                    raise FrameError("the answers are not those of the commands sent")
            except (LinkDown, LinkTimeout, FrameError) as exc:
                self._forget()
                self.link.close()  # answers still on their way would be read as the next ones
                lost = AnswerLost if changes else DeviceUnavailable
                raise lost(f"no answer from the fiscal device ({exc})") from None
        for answer, (command, _) in zip(answers, commands, strict=True):
            _check(answer, command)
        return answers

    def _forget(self) -> None:
        self._known = self._ready_at = None

    def _learn(self, last: LastDocument) -> LastDocument:
        self._known = (time.monotonic(), last)
        return last

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
        return _status(answer)

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

    def ready_for_receipt(self) -> tuple[DeviceStatus, LastDocument | None]:
        if self._ready_at is not None and time.monotonic() - self._ready_at < PROVEN_S:
            known = self.known_last_document()
            if known is not None:
                return DeviceStatus(ready=True, detail="ready"), known
        try:
            state, counters = self.call_together([(cmd.STATUS, ()), (cmd.COUNTERS, ())],
                                                 changes=False)  # fmt: skip
        except DeviceUnavailable as exc:
            return DeviceStatus(ready=False, paper=exc.device_code != cmd.ERR_PAPER,
                                detail=exc.detail), None  # fmt: skip
        status = _status(state)
        return status, self._learn(_last_document(counters)) if status.ready else None

    def known_last_document(self) -> LastDocument | None:
        if self._known is None or time.monotonic() - self._known[0] >= PROVEN_S:
            return None
        return self._known[1]

    def receipt_body(self, receipt: Receipt) -> None:
        commands: list[Command] = [(cmd.OPEN, [("bm", "0")])]
        commands += [_line(line) for line in receipt.lines]
        if receipt.discount:
            commands.append((cmd.BILL_DISCOUNT, [("rd", "1"), ("rw", str(receipt.discount))]))
        commands += [_payment(payment) for payment in receipt.payments]
        for start in range(0, len(commands), cmd.TOGETHER_MAX):
            self.call_together(commands[start : start + cmd.TOGETHER_MAX])

    def open_receipt(self, receipt: Receipt) -> None:
        self.call(cmd.OPEN, [("bm", "0")])

    def add_line(self, line: Line) -> None:
        self.call(*_line(line))

    def receipt_discount(self, amount: int) -> None:
        self.call(cmd.BILL_DISCOUNT, [("rd", "1"), ("rw", str(amount))])

    def payment(self, payment: Payment) -> None:
        self.call(*_payment(payment))

    def close_receipt(self, total: int) -> int:
        answer = self.call(cmd.CLOSE, [("to", str(total))])
        number = answer.get("bn")
        if not number:
            return self.last_document().number
        self._learn(LastDocument(int(number), total))
        self._ready_at = time.monotonic()  # closed and printed: not in a receipt, paper there
        return int(number)

    def cancel_receipt(self) -> None:
        self.call(cmd.CANCEL)

    def last_document(self) -> LastDocument:
        return self._learn(_last_document(self.call(cmd.COUNTERS, changes=False)))

    def non_fiscal(self, lines: Sequence[str]) -> None:
        # Nothing here registers a sale: the whole printout may go out together.
        commands: list[Command] = [(cmd.FORM_START, [("fn", "1")])]
        commands += [(cmd.FORM_LINE, [("s1", printable(text))]) for text in lines]
        commands.append((cmd.FORM_END, ()))
        for start in range(0, len(commands), cmd.TOGETHER_MAX):
            self.call_together(commands[start : start + cmd.TOGETHER_MAX])
        self._ready_at = time.monotonic()  # printed to its end: paper there, no receipt open

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


def _encode(command: str, params: Sequence[tuple[str, str]]) -> bytes:
    try:
        return encode(command, params)
    except FrameError as exc:
        raise FiscalError(f"cannot send {command}: {exc}") from None


def _check(answer: Frame, command: str) -> None:
    if answer.error is not None:
        what = cmd.ERRORS.get(answer.error, "error")
        raise DeviceUnavailable(
            f"the fiscal device refused {command}: {what} (error {answer.error})",
            device_code=answer.error,
        )


def _status(answer: Frame) -> DeviceStatus:
    in_receipt = answer.get("tr") == "1"
    return DeviceStatus(
        ready=not in_receipt,
        in_receipt=in_receipt,
        detail="a receipt is open" if in_receipt else "ready",
        emulator=answer.get("em") == "1",
    )


def _last_document(answer: Frame) -> LastDocument:
    return LastDocument(int(answer.get("bn") or 0), int(answer.get("to") or 0))


def _line(line: Line) -> Command:
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


def _payment(payment: Payment) -> Command:
    kind = cmd.PAYMENT_TYPES.get(payment.kind, cmd.PAYMENT_TYPES["other"])
    return cmd.PAYMENT, [("ty", kind), ("wa", str(payment.amount))]
