"""The till's back-office corner: reprint a receipt, X and Z reports, open the drawer, cash in
and out. Printing is the devices part's (devices.service), imported lazily; a node
without them says so instead of failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import run, ui

from edge.domain.errors import ApprovalRequired, DomainError, InvalidInput
from edge.services import cash
from kiosk_ui import fmt, runtime

if TYPE_CHECKING:
    from kiosk_ui.pos import PosScreen


class ToolsPanel:
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx = screen, screen.ctx
        svc = "devices.service"
        self.reprint = runtime.optional(svc, "reprint")
        self.report = runtime.optional(svc, "print_report")
        self.drawer = runtime.optional(svc, "open_drawer")
        with ui.column().classes("w-full gap-4 max-w-3xl").mark("tools"):
            with ui.card().classes("w-full gap-2"):
                ui.label("Reprint a receipt (marked COPY)").classes("text-xl font-bold")
                last = (screen.last_sale or {}).get("receipt_no", "")
                no = ui.input("Receipt number", value=last).props("outlined").mark("reprint-no")
                self._button(
                    "Reprint", self.reprint, lambda: (no.value or "").strip(), "reprint"
                ).mark("reprint")
            with ui.card().classes("w-full gap-2"):
                ui.label("Reports").classes("text-xl font-bold")
                with ui.row().classes("gap-2"):
                    self._button("X report", self.report, "x", "report").mark("report-x")
                    self._button("Z report (closes the day)", self.report, "z", "report").mark(
                        "report-z"
                    )
                self.report_out = ui.column().classes("gap-0").mark("report-out")
            with ui.card().classes("w-full gap-2"):
                ui.label("Cash drawer").classes("text-xl font-bold")
                with ui.row().classes("gap-2 items-center"):
                    self._button("Open drawer", self.drawer, None, "drawer").mark("drawer")
                    amount = ui.input("Amount (e.g. 200,00)").props("outlined")
                    amount.classes("w-48").mark("cash-amount")
                    reason = ui.input("Reason (float, bank drop…)").props("outlined")
                    reason.classes("w-64").mark("cash-reason")
                    for kind, label in (("in", "Cash in"), ("out", "Cash out")):
                        ui.button(
                            label,
                            on_click=lambda k=kind: self._cash(
                                k, amount.value or "", reason.value or ""
                            ),
                        ).props("outline").mark(f"cash-{kind}")

    async def scanned(self, code: str) -> None:
        self.screen.say(f"Scanned {code}: switch to Sell to add it to a basket", error=True)

    def _button(self, label: str, fn: Callable[..., Any] | None, arg: Any, what: str) -> ui.button:
        button = ui.button(label, on_click=lambda: self._run(fn, arg, what)).props("unelevated")
        if fn is None:
            button.disable()
            button.tooltip("the devices part is not installed on this node")
        return button

    async def _run(self, fn: Callable[..., Any] | None, arg: Any, what: str) -> None:
        if fn is None:
            return
        actor, reg = self.screen.actor, self.screen.actor.register
        value = arg() if callable(arg) else arg

        def call(approver: tuple[str, str] | None) -> Any:
            if what == "reprint":
                return fn(self.ctx, value, actor)
            if what == "report":
                return fn(self.ctx, value, reg, actor, approver)
            return fn(self.ctx, reg, actor, approver)

        try:
            try:
                result = await run.io_bound(call, None)
            except ApprovalRequired as exc:
                approver = await self.screen.approve(exc.detail)
                if approver is None:
                    self.screen.say("Not approved", error=True)
                    return
                result = await run.io_bound(call, approver)
        except DomainError as exc:
            self.screen.say(exc.detail, error=True)
            return
        printer = (result or {}).get("printer")
        where = f" on {printer}" if printer else " (no printer configured: shown here only)"
        self.screen.say(f"{what.capitalize()} done{where}")
        if what == "report":
            self._show_report((result or {}).get("report") or {})

    def _show_report(self, data: dict[str, Any]) -> None:
        self.report_out.clear()
        cur = self.ctx.currency
        with self.report_out:
            title = f"{str(data.get('kind', '')).upper()} report"
            if data.get("number"):
                title += f" no. {data['number']}"
            ui.label(title).classes("font-bold")
            for key, value in data.items():
                if isinstance(value, int) and key not in ("number",):
                    shown = fmt.money(value, cur) if key not in ("sales", "count") else value
                    ui.label(f"{key}: {shown}")

    async def _cash(self, kind: str, text: str, reason: str) -> None:
        actor = self.screen.actor
        try:
            amount = fmt.parse_amount(text)

            def call(approver: tuple[str, str] | None) -> Any:
                return cash.move_cash(
                    self.ctx,
                    actor,
                    actor.register,
                    kind,
                    amount,
                    reason,
                    approver,  # type: ignore[arg-type]
                )

            try:
                await run.io_bound(call, None)
            except ApprovalRequired as exc:
                approver = await self.screen.approve(exc.detail)
                if approver is None:
                    self.screen.say("Not approved", error=True)
                    return
                await run.io_bound(call, approver)
        except (DomainError, InvalidInput) as exc:
            self.screen.say(exc.detail, error=True)
            return
        self.screen.say(f"Cash {kind}: {fmt.money(amount, self.ctx.currency)}")
