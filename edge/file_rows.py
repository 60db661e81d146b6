"""Reading the rows of a CSV or JSON Lines file (its format told by name or first byte):
the size limit, UTF-8, the CSV dialect and header, and the line number of each row, for the
error that names it. Catalogue files are read this way, and the CRM's customer files."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

from edge.domain.errors import InvalidInput

MAX_FILE_BYTES = 512 * 1024 * 1024


def detect_format(name: str, head: bytes) -> str:
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "csv"
    return "jsonl" if head.lstrip()[:1] == b"{" else "csv"


CATALOGUE_HEADER = frozenset({"sku", "promotion_id", "rule_id"})
T = TypeVar("T")
Rows = Iterator[tuple[int, dict[str, Any]]]


def with_rows(
    data: bytes | IO[bytes],
    fmt: str,
    use: Callable[[Rows], T],
    *,
    header: frozenset[str] = CATALOGUE_HEADER,
    what: str = "catalogue",
) -> T:
    """`use` of the (line number, row) pairs of a CSV or JSON Lines file (its bytes, or a
    seekable binary file read line by line, e.g. an upload spooled to disk); a CSV header must
    name one of `header`. Also read this way: the CRM's customer files (sync/hub/customers.py)."""
    file = io.BytesIO(data) if isinstance(data, bytes) else data
    if file.seek(0, io.SEEK_END) > MAX_FILE_BYTES:
        raise InvalidInput(f"{what} file is too large")
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        if fmt == "jsonl":
            return use(_jsonl_rows(text))
        if fmt == "csv":
            return use(_csv_rows(text, header))
        raise InvalidInput(f"unknown {what} format {fmt!r} (csv or jsonl)")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} file is not UTF-8") from None
    finally:
        text.detach()  # the caller's file stays open


def _jsonl_rows(text: io.TextIOWrapper) -> Rows:
    for n, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {n}: not valid JSON ({exc.msg})") from None
        except RecursionError:  # a hostile line of [[[[…: refused, not a crash
            raise InvalidInput(f"line {n}: JSON nested too deeply") from None
        if not isinstance(raw, dict):
            raise InvalidInput(f"line {n}: expected a JSON object")
        yield n, raw


def _csv_rows(text: io.TextIOWrapper, header: frozenset[str]) -> Rows:
    line = 1
    try:
        for line, raw in _csv_dict_rows(text, header):
            yield line, raw
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise InvalidInput(f"after line {line}: unreadable CSV ({exc})") from None


def _csv_dict_rows(text: io.TextIOWrapper, header: frozenset[str]) -> Rows:
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text, dialect=dialect)
    names = set(reader.fieldnames or ())
    if not names & header:  # e.g. promotion_id alone: an "end these promotions" file
        columns = ", ".join(sorted(header))
        raise InvalidInput(f"line 1: CSV header must name the columns ({columns}…)")
    for raw in reader:
        if None in raw:
            raise InvalidInput(f"line {reader.line_num}: more fields than the header names")
        row = {k: v for k, v in raw.items() if v not in (None, "")}
        if not row:
            continue  # a blank line
        yield reader.line_num, row
