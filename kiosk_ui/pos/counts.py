"""The till's stock count screen: a count started for the whole store, one category or one
shelf, goods scanned in blind (staff see what they counted, never the book stock), and the
count finished, which sets the levels as of its start (edge/services/stock_counts.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.domain.errors import DomainError
from edge.services import catalogue, stock_counts
from kiosk_ui.pos.stock_scanning import ScanInput

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen


class CountsPanel(ScanInput):
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx = screen, screen.ctx
        self.count: dict[str, Any] | None = None
        self.box = ui.column().classes("w-full gap-2 max-w-3xl").mark("count")
        self._start_form()

    def _start_form(self) -> None:
        w = self.screen.w
        self.box.clear()
        with self.box:
            ui.label(w("count_title")).classes("text-xl font-bold")
            name = "name_en" if self.screen.lang == "en" else "name_pl"
            options = {"full": w("count_whole")} | {
                f"category:{c['id']}": c[name] for c in catalogue.categories(self.ctx)
            }
            self.scope = ui.select(options, value="full", label=w("count_what")).classes(
                "w-full").mark("count-scope")  # fmt: skip
            self.shelf = ui.input(w("count_shelf")).classes("w-full").mark("count-shelf")
            ui.button(w("count_start"), icon="fact_check", on_click=self.start).mark(
                "count-start")  # fmt: skip

    def start(self) -> None:
        shelf = (self.shelf.value or "").strip()
        scope = f"shelf:{shelf}" if shelf else str(self.scope.value or "full")
        try:
            self.count = stock_counts.start_count(self.ctx, self.screen.actor, scope)
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        self._counting()

    def _counting(self) -> None:
        assert self.count is not None
        w = self.screen.w
        self.box.clear()
        with self.box:
            ui.label(w("counting", scope=self.count["scope"])).classes("text-xl font-bold")
            self.scan_field(w("scan_goods"), "count-scan")
            self.lines = ui.column().classes("w-full gap-1").mark("count-lines")
            ui.button(w("count_finish"), icon="done_all", on_click=self.finish).mark(
                "count-finish")  # fmt: skip
        self._show(self.count["lines"])

    def add(self, code: str) -> None:
        if self.count is None or not code.strip():
            return
        try:
            stock_counts.scan(self.ctx, self.screen.actor, self.count["id"], code.strip())
            self.count = stock_counts.get_count(self.ctx, self.count["id"])
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        self._show(self.count["lines"])

    def _show(self, lines: list[dict[str, Any]]) -> None:
        self.lines.clear()
        with self.lines:  # blind: what was counted, never the book stock
            for ln in lines:
                ui.label(f"{ln['sku']} × {ln['qty']}").classes("text-lg")

    def finish(self) -> None:
        assert self.count is not None
        w = self.screen.w
        try:
            done = stock_counts.finish_count(self.ctx, self.screen.actor, self.count["id"])
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        moved = [f"{ln['sku']} {ln['qty'] - ln['expected']:+d}" for ln in done["lines"]
                 if ln["qty"] != ln["expected"]]  # fmt: skip
        shown = w("differences", list=", ".join(moved)) if moved else ""
        self.screen.say(w("count_booked") + shown)
        self.count = None
        self._start_form()
