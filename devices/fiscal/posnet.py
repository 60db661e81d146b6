"""The Posnet driver: the fiscal port spoken as Posnet commands over a link.

Every command carries a token of its own (`@NNNN`). A command that changes the device (opening,
lines, payments, the close) is never sent twice: when its answer does not come (or comes
damaged), the driver asks for that token's answer again (`rpt`). That answer settles it; anything
else leaves it AnswerLost, and the caller reads the device's counters (last receipt number, the
receipts' totalizers) to learn whether the receipt exists.

A receipt's opening, lines, discount and payments go out together and their answers are read
back in order (one round trip instead of one per command); the close goes only once every one
of those answers said yes, so a refused line can never end in a closed receipt without it. The
close is sent with the counters' queries behind it, so the number the device gave the receipt
comes back in the same round trip (the close's own answer has none). The driver remembers what
the device's answers proved (its last document, and that it is ready right after a receipt it
closed) for a second, so the next sale does not ask again; any failure forgets it."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

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
from devices.fiscal.posnet_frame import FRAME_ERROR, Frame, FrameError, decode, encode
from devices.fiscal.posnet_link import Link, LinkDown, LinkTimeout
from devices.fiscal.posnet_messages import (
    COUNTER_QUERIES,
    STATUS_QUERIES,
    Command,
    amount_of,
    last_document_of,
    line_command,
    payment_command,
    printable,
    status_of,
)

# How long what an answer proved is trusted without asking the device again: long enough for
# the next sale in a burst, far shorter than a cashier's scanning.
PROVEN_S = 1.0


class PosnetDevice:
    def __init__(self, link: Link, *, timeout_s: float = 5.0, name: str = "posnet") -> None:
        self.link, self.timeout_s, self.name = link, timeout_s, name
        self._lock = threading.Lock()  # one exchange at a time: the protocol has no ids
        self._known: tuple[float, LastDocument] | None = None  # (when learned, what)
        self._ready_at: float | None = None  # a receipt closed then: the device was ready
        self._tokens = itertools.count(1)

    @property
    def description(self) -> str:
        return self.name

    # -- the exchange -----------------------------------------------------------------------

    def _send(self, request: bytes) -> Frame:
        [raw] = self.link.exchange([request], self.timeout_s)
        return decode(raw)

    def _token(self) -> str:
        return f"{next(self._tokens) % 10000:04d}"

    def call(self, command: str, params: Sequence[tuple[str, str]] = (), *,
             changes: bool = True) -> Frame:  # fmt: skip
        token = self._token()
        request = _encode(command, params, token)
        if changes:
            self._ready_at = None
        with self._lock:
            try:
                answer = self._send(request)
                if not _answers(answer, command, token):  # a late answer to an earlier command
                    raise FrameError(f"an answer to {answer.command} @{answer.token}, not to "
                                     f"{command} @{token}")  # fmt: skip
            except LinkDown as exc:
                self._forget()
                raise DeviceUnavailable(str(exc)) from None
            except (LinkTimeout, FrameError) as exc:
                self._forget()
                answer = self._repeat(command, token, changes, exc)
        _check(answer, command)
        return answer

    def call_together(self, commands: Sequence[Command], *, changes: bool = True,
                      tokens: Sequence[str] = ()) -> list[Frame]:  # fmt: skip
        """Sends the commands at once and reads their answers in order. Any answer missing or
        damaged: AnswerLost when they change the device (the caller reads the counters), else
        DeviceUnavailable. A refusal raises once every answer is read (the device goes on with
        the commands after a refused one: the caller cancels what they opened)."""
        tokens = list(tokens) or [self._token() for _ in commands]
        requests = [_encode(c, p, t) for (c, p), t in zip(commands, tokens, strict=True)]
        if changes:
            self._ready_at = None
        with self._lock:
            try:
                answers = [decode(raw) for raw in self.link.exchange(requests, self.timeout_s)]
                if any(not _answers(a, c, t) for a, (c, _), t in
                       zip(answers, commands, tokens, strict=True)):  # fmt: skip
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

    def _repeat(self, command: str, token: str, changes: bool, first: Exception) -> Frame:
        """The answer was lost or damaged: ask for that token's answer again, twice at most."""
        for _ in range(2):
            try:
                answer = self._send(encode(cmd.REPEAT, token=token))
            except LinkDown:
                break
            except (LinkTimeout, FrameError):
                continue
            if answer.command == command and answer.token in (token, None):
                return answer
            break  # the device keeps no answer for that token: the command's fate is unknown
        if changes:
            raise AnswerLost(f"no answer to {command} from the fiscal device ({first})")
        raise DeviceUnavailable(f"the fiscal device does not answer ({first})")

    # -- the port ---------------------------------------------------------------------------

    def status(self) -> DeviceStatus:
        try:
            state, mechanism = self.call_together(STATUS_QUERIES, changes=False)
        except DeviceUnavailable as exc:
            return DeviceStatus(ready=False, detail=exc.detail)
        return status_of(state, mechanism)

    def vat_table(self) -> dict[str, int | None]:
        answer = self.call(cmd.VAT_READ, changes=False)
        table: dict[str, int | None] = {}
        for letter, field in zip(cmd.CLASSES, cmd.VAT_FIELDS, strict=True):
            value = answer.get(field)
            try:
                percent = Decimal((value or "").replace(",", "."))
            except InvalidOperation:
                percent = Decimal(-1)
            # 100,00 exempt and 101,00 inactive: no rate a sale's tax class could carry.
            whole = 0 <= percent < 100 and percent == percent.to_integral()
            table[letter] = int(percent) if whole else None
        return table

    def ready_for_receipt(self) -> tuple[DeviceStatus, LastDocument | None]:
        if self._ready_at is not None and time.monotonic() - self._ready_at < PROVEN_S:
            known = self.known_last_document()
            if known is not None:
                return DeviceStatus(ready=True, detail="ready"), known
        try:
            state, mechanism, *counters = self.call_together([*STATUS_QUERIES, *COUNTER_QUERIES],
                                                             changes=False)  # fmt: skip
        except DeviceUnavailable as exc:
            return DeviceStatus(ready=False, detail=exc.detail), None
        status = status_of(state, mechanism)
        return status, self._learn(last_document_of(*counters)) if status.ready else None

    def known_last_document(self) -> LastDocument | None:
        if self._known is None or time.monotonic() - self._known[0] >= PROVEN_S:
            return None
        return self._known[1]

    def receipt_body(self, receipt: Receipt) -> None:
        commands: list[Command] = [(cmd.OPEN, [("bm", "0")])]
        commands += [line_command(line) for line in receipt.lines]
        if receipt.discount:
            commands.append((cmd.BILL_DISCOUNT, [("rd", "1"), ("rw", str(receipt.discount))]))
        commands += [payment_command(payment) for payment in receipt.payments]
        for start in range(0, len(commands), cmd.TOGETHER_MAX):
            self.call_together(commands[start : start + cmd.TOGETHER_MAX])

    def open_receipt(self, receipt: Receipt) -> None:
        self.call(cmd.OPEN, [("bm", "0")])

    def add_line(self, line: Line) -> None:
        self.call(*line_command(line))

    def receipt_discount(self, amount: int) -> None:
        self.call(cmd.BILL_DISCOUNT, [("rd", "1"), ("rw", str(amount))])

    def payment(self, payment: Payment) -> None:
        self.call(*payment_command(payment))

    def close_receipt(self, total: int) -> int:
        tokens = [self._token() for _ in range(1 + len(COUNTER_QUERIES))]
        close: Command = (cmd.CLOSE, [("to", str(total))])
        try:
            _, *counters = self.call_together([close, *COUNTER_QUERIES], tokens=tokens)
        except AnswerLost as lost:
            with self._lock:  # the close's own answer, asked for by its token
                answer = self._repeat(cmd.CLOSE, tokens[0], True, lost)
            _check(answer, cmd.CLOSE)
            counters = self.call_together(COUNTER_QUERIES, changes=False)
        last = self._learn(last_document_of(*counters))
        self._ready_at = time.monotonic()  # closed and printed: not in a receipt, paper there
        return last.number

    def cancel_receipt(self) -> None:
        self.call(cmd.CANCEL)

    def last_document(self) -> LastDocument:
        return self._learn(last_document_of(*self.call_together(COUNTER_QUERIES, changes=False)))

    def non_fiscal(self, lines: Sequence[str]) -> None:
        # Nothing here registers a sale: the whole printout may go out together.
        form = ("fn", cmd.FORM_TEXT)
        commands: list[Command] = [(cmd.FORM_START, [form, ("fh", cmd.FORM_TEXT_HEADER)])]
        commands += [
            (cmd.FORM_LINE, [("s1", printable(text)), form, ("fl", cmd.FORM_TEXT_LINE)])
            for text in lines
        ]
        commands.append((cmd.FORM_END, [form]))
        for start in range(0, len(commands), cmd.TOGETHER_MAX):
            self.call_together(commands[start : start + cmd.TOGETHER_MAX])
        self._ready_at = time.monotonic()  # printed to its end: paper there, no receipt open

    def daily_report(self) -> DailyReport:
        # The report's own answer is the standard one: what it sums is read just before it
        # (nothing can be sold in between: the caller holds the device), its number after.
        totalizers, _ = self.call_together(COUNTER_QUERIES, changes=False)
        self.call(cmd.DAILY_REPORT, [("da", date.today().isoformat())])
        counters = self.call(cmd.COUNTERS, changes=False)
        totals = {
            letter: amount
            for letter, field in zip(cmd.CLASSES, cmd.RECEIPT_TOTALIZERS, strict=True)
            if (amount := amount_of(totalizers.get(field)))
        }
        return DailyReport(amount_of(counters.get("rd")), totals, amount_of(totalizers.get("pn")))

    def open_drawer(self) -> None:
        self.call(cmd.DRAWER)


def _encode(command: str, params: Sequence[tuple[str, str]], token: str) -> bytes:
    try:
        return encode(command, params, token=token)
    except FrameError as exc:
        raise FiscalError(f"cannot send {command}: {exc}") from None


def _answers(answer: Frame, command: str, token: str) -> bool:
    # An ERR frame answers the frame in its place (the device could not take it).
    named = answer.command in (command, FRAME_ERROR)
    return named and answer.token in (token, None)


def _check(answer: Frame, command: str) -> None:
    if answer.error is not None or answer.command == FRAME_ERROR:
        what = cmd.ERRORS.get(answer.error or "", "error")
        raise DeviceUnavailable(
            f"the fiscal device refused {command}: {what} (error {answer.error})",
            device_code=answer.error,
        )
