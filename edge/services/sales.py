"""Looking up completed sales: one by its receipt number, or a page of the sales journal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from edge.domain.errors import InvalidInput, NotFound
from edge.domain.sale import Sale
from edge.services.context import Context
from edge.store import journal_repo, sales_repo
from edge.store.journal_repo import JournalEntry

MAX_PAGE = 100
# '12,98', '12.98', '12' as an amount in zł; anything may also be a receipt number or a card
# terminal reference.
_AMOUNT = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")


@dataclass(frozen=True, slots=True)
class JournalPage:
    entries: list[JournalEntry]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        after = self.offset + len(self.entries)
        return after if after < self.total else None


def _amount(q: str) -> int | None:
    found = _AMOUNT.match(q.replace(" ", ""))
    if not found:
        return None
    return int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))


def journal(
    ctx: Context,
    since: datetime | None = None,
    until: datetime | None = None,
    register: str | None = None,
    q: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> JournalPage:
    """Sales newest first in [since, until), at one register or all, whose total is the amount
    in `q` or whose receipt number or card reference contains it."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE} and offset at least 0")
    for moment in (since, until):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput("from and to need a time zone (e.g. 2026-11-29T08:00+01:00)")
    text = (q or "").strip()[:64] or None
    with ctx.db.read() as conn:
        entries, total = journal_repo.find(
            conn,
            since.astimezone(UTC).isoformat() if since else None,  # stored times are UTC
            until.astimezone(UTC).isoformat() if until else None,
            register,
            _amount(text) if text else None,
            text,
            limit,
            offset,
        )
    return JournalPage(entries, total, limit, offset)


def get_sale(ctx: Context, receipt_no: str) -> Sale:
    with ctx.db.read() as conn:
        sale = sales_repo.get(conn, receipt_no)
    if sale is None:
        raise NotFound(f"no sale with receipt number {receipt_no}")
    return sale
