"""The till's write-off screen: damaged, expired or stolen goods scanned and taken off the
books; worth more than the store's limit, a supervisor approves at the till (the rule and the
limit are the stock documents service's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.domain.stock_documents import WRITE_OFF_REASONS
from edge.services import stock_documents
from kiosk_ui.pos.stock_scanning import ScanTally

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen


class WriteOffsPanel(ScanTally):
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx, w = screen, screen.ctx, screen.w
        with ui.column().classes("w-full gap-2 max-w-3xl"):
            ui.label(w("write_off_title")).classes("text-xl font-bold")
            options = {r: w(f"reason_{r}") for r in WRITE_OFF_REASONS}
            self.reason = ui.select(options, value="damaged", label=w("write_off_why"))
            self.reason.classes("w-full").mark("write-off-reason")
            self.scan_field(w("scan_goods"), "write-off-scan")
            self.tally_column("write-off-lines")
            ui.button(w("write_off"), icon="delete_sweep", on_click=self.write_off).mark(
                "write-off")  # fmt: skip

    async def write_off(self) -> None:
        w = self.screen.w
        if not self.codes:
            self.screen.say(w("scan_first"), error=True)
            return
        lines, reason = list(self.codes.items()), str(self.reason.value)

        def call(approver: tuple[str, str] | None) -> dict[str, Any]:
            return stock_documents.write_off(self.ctx, self.screen.actor, lines, reason, approver)

        ok, done = await self.screen.approved(w("write_off_action"), call)
        if not ok or done is None:
            return
        by = w("approved_by", who=done["approved_by"]) if done.get("approved_by") else ""
        self.screen.say(w("written_off", n=sum(qty for _, qty in lines)) + by)
        self.clear_tally()
