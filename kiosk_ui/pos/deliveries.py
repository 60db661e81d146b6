"""The till's deliveries screen: the deliveries the ERP announced, and goods received by
scanning them in at the back door (a delivery chosen from the list, or one nobody announced),
then booked with one call to the stock documents service (partial receipts add up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain.errors import DomainError
from edge.services import stock_documents
from kiosk_ui.pos.stock_scanning import ScanTally

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen


class DeliveriesPanel(ScanTally):
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx, w = screen, screen.ctx, screen.w
        self.selected: str | None = None  # None: a delivery nobody announced
        with ui.row().classes("w-full gap-4 no-wrap items-start"):
            self.queue = ui.column().classes("grow gap-2").mark("deliveries")
            with ui.column().classes("w-[30rem] gap-2"):
                self.title = ui.label("").classes("text-xl font-bold").mark("delivery-title")
                self.scan_field(w("scan_goods"), "delivery-scan")
                self.tally_column("delivery-counted")
                with ui.row().classes("gap-2"):
                    ui.button(w("receive"), icon="inventory", on_click=lambda: self.receive(False)
                              ).mark("delivery-receive")  # fmt: skip
                    ui.button(w("receive_close"), on_click=lambda: self.receive(True)).props(
                        "outline").mark("delivery-close")  # fmt: skip
        self.refresh()
        self.choose(None)

    def refresh(self) -> None:
        try:
            waiting = stock_documents.deliveries(self.ctx)
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        self.queue.clear()
        with self.queue:
            if not waiting:
                ui.label(self.screen.w("no_deliveries")).classes("text-gray-700")
            for d in waiting:
                ref = d["reference"] or d["id"][:8]
                lines = ", ".join(f"{ln['sku']} {ln['qty']}/{ln['expected']}" for ln in d["lines"])
                label = f"{ref} · {d['status']} · {lines}"
                pick = ui.button(label, on_click=lambda d=d, ref=ref: self.choose(d["id"], ref))
                pick.props("outline no-caps align=left").classes("w-full").mark(f"delivery-{ref}")
            other = ui.button(self.screen.w("not_announced"), on_click=lambda: self.choose(None))
            other.props("flat no-caps").mark("delivery-unannounced")

    def choose(self, delivery_id: str | None, ref: str = "") -> None:
        self.selected = delivery_id
        w = self.screen.w
        self.title.text = w("receiving", ref=ref) if delivery_id else w("receiving_other")
        self.clear_tally()

    def receive(self, final: bool) -> None:
        w = self.screen.w
        if not self.codes:
            self.screen.say(w("scan_first"), error=True)
            return
        try:
            done = stock_documents.receive_delivery(
                self.ctx, self.screen.actor, self.selected, list(self.codes.items()), final=final
            )
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        short = [f"{d['sku']} {d['difference']:+d}" for d in done["differences"]]
        self.screen.say(w("received") + (w("differences", list=", ".join(short)) if short else ""))
        self.refresh()
        if done["status"] == "partial":  # more to come on this delivery: stay on it
            self.clear_tally()
        else:
            self.choose(None)
