"""The till's back-office corner: reprint a receipt, X and Z reports, open the drawer, cash in
and out. Printing is the devices part's (devices.service), imported lazily; a node
without them says so instead of failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from nicegui import ui

from edge.domain.errors import InvalidInput
from edge.services import cash
from kiosk_ui import fmt
from kiosk_ui.pos.report_view import show_report
from kiosk_ui.pos.shift_card import ShiftCard

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen

Approver = tuple[str, str]
Part = Callable[..., Any]
CashKind = Literal["in", "out"]


class ToolsPanel:
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx, self.w = screen, screen.ctx, screen.w
        parts = screen.parts
        self.reprint, self.report, self.drawer = (
            parts.reprint,
            parts.print_report,
            parts.open_drawer,
        )
        # The fiscal device's daily report (raport dobowy) closes the fiscal day; a node without
        # a fiscal device says so when it is asked for.
        self.daily = parts.fiscal_daily_report
        with ui.column().classes("w-full gap-4 max-w-4xl").mark("tools"):
            ShiftCard(screen, lambda: self.report_out)
            self._cash_card()
            self._reports_card()
            self._reprint_card()

    def _reprint_card(self) -> None:
        with ui.card().classes("w-full gap-2"):
            ui.label(self.w("reprint_title")).classes("text-xl font-bold")
            last = (self.screen.last_sale or {}).get("receipt_no", "")
            no = ui.input(self.w("receipt_no"), value=last).props("outlined").mark("reprint-no")
            actor = self.screen.actor
            self._button(
                "reprint",
                self.reprint,
                lambda fn, _: fn(self.ctx, (no.value or "").strip(), actor),
            ).mark("reprint")

    def _reports_card(self) -> None:
        actor = self.screen.actor
        with ui.card().classes("w-full gap-2"):
            ui.label(self.w("reports")).classes("text-xl font-bold")
            with ui.row().classes("gap-2"):
                for kind in ("x", "z"):

                    def call(fn: Part, approver: Approver | None, kind: str = kind) -> Any:
                        return fn(self.ctx, kind, actor.register, actor, approver)

                    self._button(f"report_{kind}", self.report, call).mark(f"report-{kind}")

                self._button("fiscal_daily", self.daily, lambda fn, a: fn(self.ctx, actor, a)).mark(
                    "fiscal-daily"
                )
            self.report_out = ui.column().classes("gap-0 w-full").mark("report-out")

    def _cash_card(self) -> None:
        actor = self.screen.actor
        with ui.card().classes("w-full gap-2"):
            ui.label(self.w("drawer_title")).classes("text-xl font-bold")
            with ui.row().classes("gap-2 items-center"):
                self._button(
                    "open_drawer",
                    self.drawer,
                    lambda fn, a: fn(self.ctx, actor.register, actor, a),
                ).mark("drawer")
                amount = ui.input(self.w("amount")).props("outlined inputmode=decimal")
                amount.classes("w-48").mark("cash-amount")
                reason = ui.input(self.w("cash_reason")).props("outlined")
                reason.classes("w-72").mark("cash-reason")
                kinds: tuple[CashKind, ...] = ("in", "out")
                for kind in kinds:
                    ui.button(
                        self.w(f"cash_{kind}"),
                        on_click=lambda k=kind: self._cash(
                            k, amount.value or "", reason.value or ""
                        ),
                    ).props("outline no-caps").mark(f"cash-{kind}")

    async def scanned(self, code: str) -> None:
        self.screen.say(self.w("scanned_elsewhere", code=code), error=True)

    def _button(
        self, key: str, fn: Part | None, call: Callable[[Part, Approver | None], Any]
    ) -> ui.button:
        """A button for a function of another part of the node, disabled when the node runs
        without that part."""
        button = ui.button(self.w(key)).props("unelevated no-caps")
        if fn is None:
            button.disable()
            button.tooltip(self.w("no_devices_part"))
        else:
            button.on_click(lambda: self._run(key, lambda a: call(fn, a)))
        return button

    async def _run(self, key: str, call: Callable[[Approver | None], Any]) -> None:
        action = {"report_z": "act_report_z", "open_drawer": "act_drawer",
                  "fiscal_daily": "act_fiscal_daily"}.get(key, key)  # fmt: skip
        ok, result = await self.screen.approved(self.w(action), call)
        if not ok:
            return
        if key == "fiscal_daily":
            self.screen.say(self.w("fiscal_daily_done", n=(result or {}).get("number", "?")))
            return
        printer = (result or {}).get("printer")
        said = self.w("printed_on", printer=printer) if printer else self.w("not_printed")
        self.screen.say(self.w("drawer_opened") if key == "open_drawer" else said)
        if key.startswith("report_"):
            show_report(self.report_out, (result or {}).get("report") or {}, self.screen)

    async def _cash(self, kind: CashKind, text: str, reason: str) -> None:
        actor, cur = self.screen.actor, self.ctx.currency
        try:
            amount = fmt.parse_amount(text)
        except InvalidInput as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return

        def call(approver: Approver | None) -> Any:
            return cash.move_cash(
                self.ctx, actor, actor.register, kind, amount, reason, approver
            )  # fmt: skip

        action = self.w(f"act_cash_{kind}", amount=fmt.money(amount, cur))
        ok, _ = await self.screen.approved(action, call)
        if not ok:
            return
        self.screen.say(self.w(f"cash_{kind}_done", amount=fmt.money(amount, cur)))
