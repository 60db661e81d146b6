"""The till's sales journal: find a sale by day and time, amount, receipt number or card
reference (edge.services.sales.journal), then reprint it or take a return of it, also when the
shopper has lost the receipt."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from nicegui import ui

from edge.domain.errors import DomainError
from edge.inline import inline
from edge.services import sales
from kiosk_ui import fmt
from kiosk_ui.pos.returns import ReturnsPanel

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen

PAGE = 20
_COLUMNS = (("time", "col_time"), ("receipt", "col_receipt"), ("register", "col_register"),
            ("total", "col_total"), ("tenders", "col_tenders"))  # fmt: skip


def period(day: str, start: str, end: str, zone: str) -> tuple[datetime, datetime]:
    """The local day (and hours) typed at the till as an aware [from, to) range."""
    tz = ZoneInfo(zone)
    on = date.fromisoformat(day.strip())
    since = datetime.combine(on, time.fromisoformat(start) if start else time(0), tz)
    until = (
        datetime.combine(on, time.fromisoformat(end), tz)
        if end
        else datetime.combine(on + timedelta(days=1), time(0), tz)
    )
    return since, until


class JournalPanel:
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx, self.w = screen, screen.ctx, screen.w
        self.zone = self.ctx.settings.store.timezone
        self.reprint = screen.parts.reprint
        self.offset = 0
        today = datetime.now(ZoneInfo(self.zone)).date().isoformat()
        with ui.column().classes("w-full gap-3").mark("journal"):
            with ui.row().classes("w-full gap-2 items-center"):
                self.q = ui.input(self.w("journal_q")).props("outlined autofocus clearable")
                self.q.classes("grow text-xl").mark("journal-q")
                self.day = ui.input(self.w("journal_day"), value=today).props("outlined")
                self.day.classes("w-48").mark("journal-day")
                self.start = ui.input(self.w("journal_from")).props("outlined").classes("w-40")
                self.end = ui.input(self.w("journal_to")).props("outlined").classes("w-40")
                self.everywhere = ui.switch(self.w("all_registers")).mark("journal-all")
                ui.button(self.w("find"), icon="search", on_click=self.search).props(
                    "unelevated no-caps"
                ).mark("journal-find")
            for field in (self.q, self.day, self.start, self.end):
                field.on("keydown.enter", self.search)
            self.count = ui.label("").props('role="status"').mark("journal-count")
            self.table = (
                ui.table(
                    columns=[
                        {"name": n, "label": self.w(k), "field": n, "align": "left"}
                        for n, k in _COLUMNS
                    ],
                    rows=[],
                    row_key="receipt",
                )
                .props(f'flat bordered dense no-data-label="{self.w("no_sales")}"')
                .classes("w-full")
                .mark("journal-table")
            )
            self.table.on("rowClick", self._on_row)
            self.more = ui.button(self.w("more_results"), on_click=self.next_page).props(
                "outline no-caps"
            )
            self.more.set_visibility(False)
            self.detail = ui.row().classes("w-full gap-2 items-center").mark("journal-detail")

    async def scanned(self, code: str) -> None:
        self.q.value = code
        await self.search()

    async def search(self) -> None:
        self.offset = 0
        self.table.rows = []
        await self._load()

    async def next_page(self) -> None:
        await self._load()

    async def _load(self) -> None:
        try:
            since, until = period(self.day.value or "", self.start.value or "",
                                  self.end.value or "", self.zone)  # fmt: skip
        except ValueError:
            self.screen.say(self.w("bad_day") + " · " + self.w("bad_time"), error=True)
            return
        register = None if self.everywhere.value else self.screen.actor.register
        try:
            page = await inline(sales.journal, self.ctx, since, until, register,
                                self.q.value or None, PAGE, self.offset)  # fmt: skip
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        self.table.rows = [*self.table.rows, *(self._row(e) for e in page.entries)]
        self.table.update()
        self.offset = page.next_offset or 0
        self.more.set_visibility(page.next_offset is not None)
        self.count.text = self.w("found_n", n=page.total)

    def _row(self, e: Any) -> dict[str, str]:
        cur = self.ctx.currency
        paid = ", ".join(
            f"{self.w(f't_{t.type}')} {fmt.money(t.amount, cur)}"
            + (f" ({t.reference})" if t.reference else "")
            for t in e.tenders
        )
        return {
            "time": fmt.local_time(e.at, self.zone),
            "receipt": e.receipt_no,
            "register": e.register,
            "total": fmt.money(e.total, cur),
            "tenders": paid,
        }

    def _on_row(self, e: Any) -> None:
        row = e.args[1] if isinstance(e.args, list) and len(e.args) > 1 else None
        if not isinstance(row, dict) or not row.get("receipt"):
            return
        receipt = str(row["receipt"])
        actor = self.screen.actor
        self.detail.clear()
        with self.detail:
            ui.label(receipt).classes("text-xl font-bold")
            if self.reprint is not None:
                reprint = self.reprint

                async def copy() -> None:
                    try:
                        await inline(reprint, self.ctx, receipt, actor)
                    except DomainError as exc:
                        self.screen.say(self.screen.error(exc), error=True)
                        return
                    self.screen.say(self.w("reprint") + f": {receipt}")

                ui.button(self.w("reprint"), icon="print", on_click=copy).props(
                    "unelevated no-caps"
                ).mark("journal-reprint")
            ui.button(
                self.w("return_this"),
                icon="assignment_return",
                on_click=lambda: self._return(receipt),
            ).props("outline no-caps").mark("journal-return")

    async def _return(self, receipt: str) -> None:
        await self.screen.set_mode("returns")
        panel = self.screen.panel
        if isinstance(panel, ReturnsPanel):
            await panel.scanned(receipt)
