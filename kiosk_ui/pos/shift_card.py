"""The till's shift card: open with a float; close with a blind count (the cashier types what
the drawer holds before the till says what it should), then the summary with the difference."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain.errors import DomainError
from edge.inline import inline
from edge.services import shifts
from kiosk_ui import fmt
from kiosk_ui.pos.dialogs import confirm
from kiosk_ui.pos.report_view import show_report

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen


class ShiftCard:
    def __init__(self, screen: PosScreen, report_out: Callable[[], ui.column]) -> None:
        self.screen, self.ctx, self.w = screen, screen.ctx, screen.w
        self.report_out = report_out
        self.card = ui.card().classes("w-full gap-2").mark("shift")
        self.show()

    def show(self) -> None:
        shift = shifts.current_shift(self.ctx, self.screen.actor.register)
        cur, zone = self.ctx.currency, self.ctx.settings.store.timezone
        self.card.clear()
        with self.card:
            ui.label(self.w("shift")).classes("text-xl font-bold")
            if shift is None:
                ui.label(self.w("no_shift"))
                with ui.row().classes("gap-2 items-center"):
                    amount = ui.input(self.w("float")).props("outlined inputmode=decimal")
                    amount.classes("w-64").mark("shift-float")
                    ui.button(
                        self.w("open_shift"), on_click=lambda: self._open(amount.value or "")
                    ).props("unelevated no-caps").mark("shift-open")
                return
            at = fmt.local_time(shift.opened_at, zone)
            ui.label(
                self.w("shift_open", at=at, who=shift.opened_by, amount=fmt.money(shift.float, cur))
            ).mark("shift-state")
            with ui.row().classes("gap-2 items-center"):
                counted = ui.input(self.w("counted")).props("outlined inputmode=decimal")
                counted.classes("w-72").mark("shift-counted")
                ui.button(
                    self.w("close_shift"), on_click=lambda: self._close(counted.value or "")
                ).props("unelevated no-caps").mark("shift-close")

    def _fail(self, exc: BaseException) -> None:
        self.screen.say(self.screen.error(exc), error=True)

    async def _open(self, text: str) -> None:
        try:
            amount = fmt.parse_amount(text or "0")
            await inline(shifts.open_shift, self.ctx, self.screen.actor, amount)
        except DomainError as exc:
            self._fail(exc)
            return
        self.screen.say(self.w("shift_opened"))
        self.show()

    async def _close(self, text: str) -> None:
        try:
            counted = fmt.parse_amount(text)
        except DomainError as exc:
            self._fail(exc)
            return
        question = self.w("close_shift_q", amount=fmt.money(counted, self.ctx.currency))
        if not await confirm(self.screen.lang, question, "shift-close"):
            return
        try:
            done = await inline(shifts.close_shift, self.ctx, self.screen.actor, counted)
        except DomainError as exc:
            self._fail(exc)
            return
        difference = fmt.money(int(done["difference"]), self.ctx.currency)
        self.screen.say(self.w("shift_closed", amount=difference))
        show_report(self.report_out(), done, self.screen)
        self.show()
