"""What a printout says, as a list of elements (no bytes): the renderer turns it into ESC/POS
for one printer profile. Layouts are pure functions of their data and the paper width."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from edge.domain.money import Money

Align = Literal["left", "center", "right"]
NON_FISCAL = "WYDRUK NIEFISKALNY"
COPY_MARK = "DUPLIKAT / COPY"


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    align: Align = "left"
    bold: bool = False
    double: bool = False  # double width and height: half the columns


@dataclass(frozen=True, slots=True)
class Barcode:
    data: str  # CODE128, printable ASCII


@dataclass(frozen=True, slots=True)
class QR:
    data: str


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 1


Element = Text | Barcode | QR | Feed
Document = list[Element]


@dataclass(frozen=True, slots=True)
class StoreHeader:
    name: str
    address: str
    tax_id: str
    timezone: str = "Europe/Warsaw"


def local_time(at: datetime, timezone: str) -> str:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return at.strftime("%Y-%m-%d %H:%M UTC")
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def money(amount: int, currency: str = "PLN") -> str:
    return Money(amount, currency).format()


def columns(left: str, right: str, width: int) -> str:
    """`left` and `right` on one line; `left` is cut short rather than wrapping the amount."""
    room = width - len(right) - 1
    if room < 1:
        return (left + " " + right)[:width]
    left = left[:room]
    return left + " " * (width - len(left) - len(right)) + right


def wrap(text: str, width: int) -> list[str]:
    """Word-wraps `text` to `width` columns (long words are split)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def rule(width: int, char: str = "-") -> Text:
    return Text(char * width)


def header(
    store: StoreHeader, width: int, title: str | None = None, copy: bool = False
) -> Document:
    doc: Document = [Text(line, "center", bold=True) for line in wrap(store.name, width)]
    doc += [Text(line, "center") for line in wrap(store.address, width)]
    doc.append(Text(store.tax_id, "center"))
    # Whatever this printer prints holds no registered sale: only the fiscal device prints a
    # receipt (paragon fiskalny), and nothing here may pass for one.
    doc.append(Text(NON_FISCAL, "center", bold=True))
    if copy:
        doc.append(Text(COPY_MARK, "center", bold=True, double=True))
    if title:
        doc += [rule(width), Text(title, "center", bold=True)]
    doc.append(rule(width))
    return doc


def trailer(width: int, copy: bool, footer: tuple[str, ...] = ()) -> Document:
    doc: Document = []
    for para in footer:
        doc += [Text(line, "center") for line in wrap(para, width)]
    if copy:
        doc.append(Text(COPY_MARK, "center", bold=True, double=True))
    doc.append(Feed(2))
    return doc
