"""The till's transfers screen: goods sent to another store (scanned, off the books here, in
transit until they land; the slip carries the transfer's barcode) and goods received from one
(the slip's barcode scanned into the transfer field, then the goods)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain.errors import DomainError
from edge.services import stock_documents
from kiosk_ui.pos.stock_scanning import ScanTally

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen


class TransfersPanel(ScanTally):
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx, w = screen, screen.ctx, screen.w
        with ui.column().classes("w-full gap-2 max-w-3xl"):
            choices = {"send": w("transfer_send"), "receive": w("transfer_receive")}
            self.direction = ui.toggle(choices, value="send").mark("transfer-direction")
            self.store = ui.input(w("transfer_store")).classes("w-full").mark("transfer-store")
            self.transfer = ui.input(w("transfer_number")).classes("w-full").mark("transfer-id")
            self.scan_field(w("scan_goods"), "transfer-scan")
            self.tally_column("transfer-lines")
            ui.button(w("transfer_book"), icon="swap_horiz", on_click=self.book).mark(
                "transfer-book")  # fmt: skip

    def book(self) -> None:
        w = self.screen.w
        if not self.codes:
            self.screen.say(w("scan_first"), error=True)
            return
        lines, store = list(self.codes.items()), (self.store.value or "").strip()
        number, actor = (self.transfer.value or "").strip(), self.screen.actor
        try:
            if self.direction.value == "send":
                done = stock_documents.send_transfer(self.ctx, actor, store, lines)
                said = w("transfer_sent", store=store, id=done["id"])
            else:
                done = stock_documents.receive_transfer(self.ctx, actor, number, store, lines)
                said = w("transfer_received", id=done["id"])
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        self.screen.say(said)
        self.clear_tally()
