"""The till's write-off screen: damaged, expired or stolen goods scanned and taken off the
books; worth more than the store's limit, a supervisor approves at the till (the rule and the
limit are the stock documents service's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.domain.stock_documents import WRITE_OFF_REASONS
from edge.services import stock_documents
from kiosk_ui.pos_scanning import ScanTally

if TYPE_CHECKING:
    from kiosk_ui.pos import PosScreen

REASONS = {"damaged": "Damaged", "expired": "Expired", "theft": "Theft"}


class WriteOffsPanel(ScanTally):
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx = screen, screen.ctx
        with ui.column().classes("w-full gap-2 max-w-3xl"):
            ui.label("Write-off").classes("text-xl font-bold")
            options = {r: REASONS[r] for r in WRITE_OFF_REASONS}
            self.reason = ui.select(options, value="damaged", label="Why").classes("w-full")
            self.reason.mark("write-off-reason")
            self.scan_field("Scan the goods (or type a SKU) and press Enter", "write-off-scan")
            self.tally_column("write-off-lines")
            ui.button("Write off", icon="delete_sweep", on_click=self.write_off).mark(
                "write-off")  # fmt: skip

    async def write_off(self) -> None:
        if not self.codes:
            self.screen.say("Scan the goods first", error=True)
            return
        lines, reason = list(self.codes.items()), str(self.reason.value)

        def call(approver: tuple[str, str] | None) -> dict[str, Any]:
            return stock_documents.write_off(self.ctx, self.screen.actor, lines, reason, approver)

        done = await self.screen.approved(call)
        if done is None:
            return
        by = f", approved by {done['approved_by']}" if done.get("approved_by") else ""
        self.screen.say(f"Written off {sum(qty for _, qty in lines)} item(s){by}")
        self.clear_tally()
