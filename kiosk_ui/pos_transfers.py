"""The till's transfers screen: goods sent to another store (scanned, off the books here, in
transit until they land; the slip carries the transfer's barcode) and goods received from one
(the slip's barcode scanned into the transfer field, then the goods)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.services import stock_documents
from kiosk_ui.pos_scanning import ScanTally

if TYPE_CHECKING:
    from kiosk_ui.pos import PosScreen


class TransfersPanel(ScanTally):
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx = screen, screen.ctx
        with ui.column().classes("w-full gap-2 max-w-3xl"):
            self.direction = ui.toggle({"send": "Send to a store", "receive": "Receive"},
                                       value="send").mark("transfer-direction")  # fmt: skip
            self.store = ui.input("Store (to, or from)").classes("w-full").mark("transfer-store")
            self.transfer = ui.input("Transfer number (scan the slip when receiving)").classes(
                "w-full").mark("transfer-id")  # fmt: skip
            self.scan_field("Scan the goods (or type a SKU) and press Enter", "transfer-scan")
            self.tally_column("transfer-lines")
            ui.button("Book the transfer", icon="swap_horiz", on_click=self.book).mark(
                "transfer-book")  # fmt: skip

    async def book(self) -> None:
        if not self.codes:
            self.screen.say("Scan the goods first", error=True)
            return
        lines, store = list(self.codes.items()), (self.store.value or "").strip()
        sending, number = self.direction.value == "send", (self.transfer.value or "").strip()

        def call(_approver: tuple[str, str] | None) -> dict[str, Any]:
            actor = self.screen.actor
            if sending:
                return stock_documents.send_transfer(self.ctx, actor, store, lines)
            return stock_documents.receive_transfer(self.ctx, actor, number, store, lines)

        done = await self.screen.approved(call)
        if done is None:
            return
        what = f"Sent to {store} as {done['id']}" if sending else f"Received {done['id']}"
        self.screen.say(what)
        self.clear_tally()
