"""A Posnet fiscal printer in software: the same frames as the driver speaks, a fiscal memory
(document numbers, totals per tax class, daily reports) and a journal where every fiscal
document it registers is one JSON line. The journal is its memory: started again on the same
file, it goes on from the last number.

Faults make it behave like a device in trouble: out of paper, busy, silent after N lines of a
receipt, answering with a damaged CRC; tests may also make it fall silent right after it
printed a receipt (the answer to the close is lost)."""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from devices.fiscal import posnet_commands as cmd
from devices.fiscal.emulator_faults import Faults
from devices.fiscal.posnet_frame import FRAME_ERROR, Frame, FrameError, crc16, decode, encode

DEFAULT_VAT = {"A": "23,00", "B": "8,00", "C": "5,00", "D": "0,00", "E": cmd.VAT_EXEMPT}
KEPT_ANSWERS = 32  # answers kept for `rpt` (the specification: "a limited number")
UNIQUE_NUMBER = "EMU000000001"  # the fiscal memory's unique number (nu), 12 characters
QUERIES = {cmd.STATUS, cmd.MECHANISM, cmd.COUNTERS, cmd.TOTALIZERS, cmd.VAT_READ}


@dataclass
class _Open:
    lines: list[dict[str, Any]] = field(default_factory=list)
    discount: int = 0
    payments: list[dict[str, Any]] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _vat_of(gross: int, percent: int) -> int:
    # The device's own arithmetic: tax per class on the class total, half up.
    return (gross * percent * 2 + (100 + percent)) // (2 * (100 + percent))


class Emulator:
    def __init__(self, journal: Path | None = None, faults: Faults | None = None,
                 vat: dict[str, str] | None = None) -> None:  # fmt: skip
        self.journal, self.faults = journal, faults or Faults()
        self.vat = dict(vat or DEFAULT_VAT)
        self.lock = threading.Lock()
        self.number = self.last_total = self.reports = 0
        self.day: dict[str, int] = {}
        self.day_receipts = 0
        self.receipt: _Open | None = None
        self.answers: OrderedDict[str, bytes] = OrderedDict()  # by token, for `rpt`
        self.cancelled = self.cancelled_total = 0
        self.in_form = False
        self.printouts: list[list[str]] = []  # non-fiscal printouts, their lines (not journalled)
        for doc in self.documents():
            if doc["type"] == "receipt":
                self.number, self.last_total = doc["number"], doc["total"]
                self.day_receipts += 1
                for letter, sums in doc["vat"].items():
                    self.day[letter] = self.day.get(letter, 0) + sums["gross"]
            elif doc["type"] == "daily_report":
                self.reports, self.day, self.day_receipts = doc["number"], {}, 0

    def documents(self) -> list[dict[str, Any]]:
        if self.journal is None or not self.journal.exists():
            return []
        return [json.loads(ln) for ln in self.journal.read_text().splitlines() if ln.strip()]

    def _write(self, doc: dict[str, Any]) -> None:
        if self.journal is None:
            return
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        with self.journal.open("a", encoding="utf-8") as f:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())  # fiscal memory: on disk before the answer leaves

    # -- frames in, frames out --------------------------------------------------------------

    def handle(self, request: bytes) -> bytes | None:
        """The answer to one request frame, or None when the device stays silent."""
        with self.lock:
            if self.faults.silent:
                return None
            try:
                frame = decode(request)
            except FrameError:
                return self._out(encode(FRAME_ERROR, error=cmd.ERR_CRC))
            if frame.command == cmd.REPEAT:
                kept = self.answers.get(frame.token or "")
                return self._out(kept or self._frame_error(frame, cmd.ERR_TOKEN_NOT_FOUND))
            if (frame.command == cmd.LINE and self.faults.no_answer_after_lines is not None
                    and self.receipt is not None
                    and len(self.receipt.lines) >= self.faults.no_answer_after_lines):  # fmt: skip
                self.faults.silent = True
                return None
            answer = self._answer(frame)
            if frame.token is not None:
                self.answers[frame.token] = answer
                while len(self.answers) > KEPT_ANSWERS:
                    self.answers.popitem(last=False)
            if frame.command == cmd.CLOSE and self.faults.lose_close_answer:
                self.faults.silent = True
                return None
            return self._out(answer)

    def _answer(self, frame: Frame) -> bytes:
        if self.faults.busy:
            return self._frame_error(frame, cmd.ERR_QUEUE_FULL)
        handler: Callable[[dict[str, str]], list[tuple[str, str]]] | None = getattr(
            self, "_" + frame.command, None
        )
        if handler is None:
            return self._frame_error(frame, cmd.ERR_CMD_UNKNOWN)
        try:
            if self.faults.paper_out and frame.command not in QUERIES:
                raise Refused(cmd.ERR_UNKN)
            return encode(frame.command, handler(dict(frame.params)), token=frame.token)
        except Refused as exc:
            return encode(frame.command, error=exc.code, token=frame.token)

    @staticmethod
    def _frame_error(frame: Frame, code: str) -> bytes:
        return encode(FRAME_ERROR, [("cm", frame.command)], error=code, token=frame.token)

    def _out(self, answer: bytes) -> bytes:
        if self.faults.bad_crc:
            body = answer[1:-6]
            return answer[:-5] + b"%04X" % ((crc16(body) + 1) & 0xFFFF) + answer[-1:]
        return answer

    # -- commands ---------------------------------------------------------------------------

    def _scomm(self, p: dict[str, str]) -> list[tuple[str, str]]:
        return [("fs", "T"), ("tz", "N" if self.day else "T"),
                ("ts", cmd.RECEIPT_OPEN if self.receipt else "0"), ("hr", "T"),
                ("nu", UNIQUE_NUMBER)]  # fmt: skip

    def _sprn(self, p: dict[str, str]) -> list[tuple[str, str]]:
        return [("pr", cmd.PAPER_OUT[1] if self.faults.paper_out else "0")]

    def _scnt(self, p: dict[str, str]) -> list[tuple[str, str]]:
        return [("rd", str(self.reports)), ("hn", "0"), ("bn", str(self.number)), ("fn", "0"),
                ("nu", UNIQUE_NUMBER)]  # fmt: skip

    def _stot(self, p: dict[str, str]) -> list[tuple[str, str]]:
        fields = [("no", str(self.reports + 1))]
        fields += [(f, str(self.day.get(c, 0)))
                   for c, f in zip(cmd.CLASSES, cmd.RECEIPT_TOTALIZERS, strict=True)]  # fmt: skip
        fields += [("pn", str(self.day_receipts)), ("ct", str(self.cancelled_total)),
                   ("cn", str(self.cancelled))]  # fmt: skip
        return fields + self._vatget(p)

    def _vatget(self, p: dict[str, str]) -> list[tuple[str, str]]:
        return [
            (f, self.vat.get(c, cmd.VAT_INACTIVE))
            for c, f in zip(cmd.CLASSES, cmd.VAT_FIELDS, strict=True)
        ]

    def _trinit(self, p: dict[str, str]) -> list[tuple[str, str]]:
        if self.receipt is not None or self.in_form:
            raise Refused(cmd.ERR_TR_BAD_STATE)
        self.receipt = _Open()
        return []

    def _open(self) -> _Open:
        if self.receipt is None:
            raise Refused(cmd.ERR_TR_BAD_STATE)
        return self.receipt

    def _trline(self, p: dict[str, str]) -> list[tuple[str, str]]:
        receipt = self._open()
        try:
            letter = cmd.CLASSES[int(p["vt"])]
            qty, price = Decimal(p["il"]), int(p["pr"])
            value = int((qty * price).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
            discount = int(p.get("rw", "0")) if p.get("rd") == "1" else 0
        except (KeyError, ValueError, IndexError, InvalidOperation):
            raise Refused(cmd.ERR_PAR) from None
        inactive = self.vat.get(letter, cmd.VAT_INACTIVE) == cmd.VAT_INACTIVE
        if inactive or qty <= 0 or price < 0 or not p.get("na") or not 0 <= discount <= value:
            raise Refused(cmd.ERR_PAR)
        if "wa" in p and p["wa"] != str(value):
            raise Refused(cmd.ERR_PAR)
        receipt.lines.append({"name": p["na"], "qty": p["il"], "unit_price": price,
                              "vat": letter, "value": value, "discount": discount})  # fmt: skip
        return []

    def _trdiscntbill(self, p: dict[str, str]) -> list[tuple[str, str]]:
        receipt = self._open()
        amount = int(p.get("rw", "0")) if p.get("rw", "").isdigit() else -1
        if amount < 0 or amount > sum(ln["value"] - ln["discount"] for ln in receipt.lines):
            raise Refused(cmd.ERR_PAR)
        receipt.discount += amount
        return []

    def _trpayment(self, p: dict[str, str]) -> list[tuple[str, str]]:
        receipt = self._open()
        if not p.get("wa", "").isdigit() or p.get("ty") not in cmd.PAYMENT_TYPES.values():
            raise Refused(cmd.ERR_PAR)
        kinds = {v: k for k, v in cmd.PAYMENT_TYPES.items()}
        receipt.payments.append({"kind": kinds[p["ty"]], "amount": int(p["wa"])})
        return []

    def _trend(self, p: dict[str, str]) -> list[tuple[str, str]]:
        receipt = self._open()
        by_class: dict[str, int] = {}
        for ln in receipt.lines:
            by_class[ln["vat"]] = by_class.get(ln["vat"], 0) + ln["value"] - ln["discount"]
        self._spread_discount(by_class, receipt.discount)
        total = sum(by_class.values())
        paid = sum(pm["amount"] for pm in receipt.payments)
        if not receipt.lines or p.get("to") != str(total):
            raise Refused(cmd.ERR_TR_FLD_TOTAL)
        if paid < total:
            raise Refused(cmd.ERR_TR_END_PAYMENT)
        self.number += 1
        vat = {c: {"gross": g, "vat": self._vat(c, g)} for c, g in sorted(by_class.items())}
        self._write({"type": "receipt", "number": self.number,
                     "at": datetime.now(UTC).isoformat(), "lines": receipt.lines,
                     "discount": receipt.discount, "payments": receipt.payments,
                     "change": paid - total, "total": total, "vat": vat})  # fmt: skip
        for c, g in by_class.items():
            self.day[c] = self.day.get(c, 0) + g
        self.day_receipts += 1
        self.last_total, self.receipt = total, None
        return []

    def _vat(self, letter: str, gross: int) -> int:
        rate = self.vat.get(letter, cmd.VAT_EXEMPT)
        return (
            0
            if rate in (cmd.VAT_EXEMPT, cmd.VAT_INACTIVE)
            else _vat_of(gross, int(Decimal(rate.replace(",", "."))))
        )

    @staticmethod
    def _spread_discount(by_class: dict[str, int], discount: int) -> None:
        """A receipt discount is shared among the classes in proportion, the rest to the last."""
        base, left = sum(by_class.values()), discount
        classes = sorted(by_class)
        for i, c in enumerate(classes):
            share = left if i == len(classes) - 1 else discount * by_class[c] // max(base, 1)
            by_class[c] -= share
            left -= share

    def _prncancel(self, p: dict[str, str]) -> list[tuple[str, str]]:
        if self.receipt is not None:
            self.cancelled += 1
            self.cancelled_total += sum(ln["value"] - ln["discount"] for ln in self.receipt.lines)
        self.receipt, self.in_form = None, False
        return []

    def _formstart(self, p: dict[str, str]) -> list[tuple[str, str]]:
        if self.receipt is not None:
            raise Refused(cmd.ERR_TR_BAD_STATE)
        self.in_form = True
        self.printouts.append([])
        return []

    def _formline(self, p: dict[str, str]) -> list[tuple[str, str]]:
        if not self.in_form:
            raise Refused(cmd.ERR_TR_BAD_STATE)
        self.printouts[-1].append(p.get("s1", ""))
        return []

    def _formend(self, p: dict[str, str]) -> list[tuple[str, str]]:
        self.in_form = False
        return []

    def _dailyrep(self, p: dict[str, str]) -> list[tuple[str, str]]:
        if self.receipt is not None:
            raise Refused(cmd.ERR_TR_BAD_STATE)
        self.reports += 1
        doc = {"type": "daily_report", "number": self.reports, "at": datetime.now(UTC).isoformat(),
               "totals": dict(sorted(self.day.items())), "receipts": self.day_receipts}  # fmt: skip
        self._write(doc)
        self.day, self.day_receipts = {}, 0
        self.cancelled = self.cancelled_total = 0
        return []

    def _opendrwr(self, p: dict[str, str]) -> list[tuple[str, str]]:
        return []
