"""The till's click & collect screen: the queue of orders (received, picking, ready), putting
one on the shelf, and handing it over with the shopper's code (QR scanned or typed). Calls the
pickups part's services (edge.services.pickups), imported lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import run, ui

from edge.domain.errors import AccountLocked, DomainError, InvalidInput
from edge.domain.tenders import Tender
from edge.services import catalogue
from kiosk_ui import fmt, runtime

if TYPE_CHECKING:
    from kiosk_ui.pos import PosScreen

QUEUE = ("received", "picking", "ready")
_STATUS = {
    "received": "received",
    "picking": "being picked",
    "ready": "ready on shelf",
    "collected": "collected",
    "partially_collected": "partly collected",
    "refused": "refused",
    "expired": "expired",
    "cancelled": "cancelled",
}


def _pickups() -> Any | None:
    try:
        from edge.services import pickups  # type: ignore[attr-defined]
    except ImportError:
        return None
    return pickups


def _name(ctx: Any, sku: str) -> str:
    try:
        return catalogue.get_product(ctx, sku).product.name("pl")
    except DomainError:
        return sku


def _due(order: Any) -> int:
    """What the shopper pays at pickup: the reserved goods at the order's prices."""
    return sum(ln.reserved * ln.unit_price for ln in order.lines)


class PickupsPanel:
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx = screen, screen.ctx
        self.service = _pickups()
        self.selected: str | None = None
        if self.service is None:
            ui.label("Click & collect is not installed on this node.").classes("text-xl")
            return
        with ui.row().classes("w-full gap-4 no-wrap items-start"):
            with ui.column().classes("grow gap-2"):
                self.find = (
                    ui.input(placeholder="Scan the shopper's QR or type an order number / name")
                    .props("outlined autofocus clearable")
                    .classes("w-full text-xl")
                    .mark("pickup-find")
                )
                self.find.on("keydown.enter", self.refresh)
                self.table = (
                    ui.table(
                        columns=[
                            {"name": "id", "label": "Order", "field": "id", "align": "left"},
                            {"name": "name", "label": "Customer", "field": "name", "align": "left"},
                            {"name": "status", "label": "Status", "field": "status"},
                            {"name": "shelf", "label": "Shelf", "field": "shelf"},
                            {"name": "items", "label": "Items", "field": "items"},
                            {"name": "due", "label": "To pay", "field": "due", "align": "right"},
                        ],
                        rows=[],
                        row_key="id",
                    )
                    .props('flat bordered dense no-data-label="No open orders"')
                    .classes("w-full")
                    .mark("pickup-queue")
                )
                self.table.on("rowClick", self._on_row)
            self.detail = ui.column().classes("w-[28rem] gap-2").mark("pickup-detail")
        self.refresh()

    def refresh(self) -> None:
        if self.service is None:
            return
        q = (self.find.value or "").strip() or None
        try:
            if q:
                orders = self.service.list_orders(self.ctx, None, q)
            else:
                orders = [o for s in QUEUE for o in self.service.list_orders(self.ctx, s)]
        except DomainError as exc:
            self.screen.say(exc.detail, error=True)
            return
        cur = self.ctx.currency
        self.table.rows = [
            {
                "id": o.order_id,
                "name": o.customer.get("name", ""),
                "status": _STATUS.get(o.status, o.status),
                "shelf": o.shelf or "",
                "items": sum(ln.reserved for ln in o.lines),
                "due": "prepaid" if o.prepaid else fmt.money(_due(o), cur),
            }
            for o in orders
        ]
        self.table.update()
        if q and len(orders) == 1:
            self.show(orders[0].order_id)

    async def scanned(self, code: str) -> None:
        """A scanner read the shopper's QR (or an order number's barcode)."""
        if self.service is not None:
            self.find.value = code
            self.refresh()

    def _on_row(self, e: Any) -> None:
        row = e.args[1] if isinstance(e.args, list) and len(e.args) > 1 else None
        if isinstance(row, dict) and row.get("id"):
            self.show(str(row["id"]))

    def show(self, order_id: str) -> None:
        assert self.service is not None
        try:
            order = self.service.get_order(self.ctx, order_id)
        except DomainError as exc:
            self.screen.say(exc.detail, error=True)
            return
        self.selected = order_id
        cur = self.ctx.currency
        self.detail.clear()
        with self.detail, ui.card().classes("w-full gap-2"):
            ui.label(f"Order {order.order_id}").classes("text-xl font-bold")
            contact = order.customer.get("phone") or order.customer.get("email") or ""
            ui.label(f"{order.customer.get('name', '')} · {contact}")
            ui.label(f"Status: {_STATUS.get(order.status, order.status)}").mark("pickup-status")
            for ln in order.lines:
                short = f" · {ln.short} short" if ln.short else ""
                ui.label(
                    f"{_name(self.ctx, ln.sku)} × {ln.qty} (reserved {ln.reserved}{short})"
                ).classes("text-gray-700")
            if order.status in ("received", "picking"):
                shelf = ui.input("Shelf location", value=order.shelf or "")
                shelf.props("outlined stack-label").classes("w-full")
                shelf.mark("pickup-shelf")
                ui.button(
                    "Ready on shelf",
                    icon="inventory_2",
                    on_click=lambda: self._ready(order.order_id, shelf.value or ""),
                ).props("unelevated").mark("pickup-ready")
            if order.status == "ready" and not order.locked:
                code = ui.input("Pickup code (6 digits)").classes("w-full text-xl")
                code.props("outlined stack-label inputmode=numeric autofocus")
                code.mark("pickup-code")
                due = 0 if order.prepaid else _due(order)
                if due:
                    ui.label(f"To pay now: {fmt.money(due, cur)}").classes("text-lg font-bold")
                card = ui.input("Card reference (empty = cash)").props("outlined stack-label")
                card.classes("w-full" if due else "hidden")

                async def hand_over() -> None:
                    tenders = []
                    if due:
                        ref = (card.value or "").strip()
                        tenders = [Tender("card", due, ref) if ref else Tender("cash", due)]
                    await self._collect(order.order_id, code.value or "", tenders)

                code.on("keydown.enter", hand_over)
                ui.button("Hand over", icon="how_to_reg", on_click=hand_over).props(
                    "unelevated color=positive size=lg"
                ).mark("pickup-collect")
            if order.locked:
                ui.label("Locked after wrong codes").classes("text-red-700 font-bold")
                ui.button("Unlock (supervisor)", on_click=lambda: self._unlock(order.order_id))

    def _ready(self, order_id: str, shelf: str) -> None:
        assert self.service is not None
        try:
            self.service.mark_ready(self.ctx, self.screen.actor, order_id, shelf.strip())
        except DomainError as exc:
            self.screen.say(exc.detail, error=True)
            return
        self.screen.say(f"Order {order_id} is ready on shelf {shelf}")
        self.refresh()
        self.show(order_id)

    async def _collect(self, order_id: str, code: str, tenders: list[Tender]) -> None:
        assert self.service is not None
        try:
            done = await run.io_bound(
                self.service.collect, self.ctx, self.screen.actor, order_id, code, None, tenders
            )
        except (DomainError, InvalidInput) as exc:
            self.screen.say(exc.detail, error=True)
            if isinstance(exc, AccountLocked):
                self.show(order_id)
            return
        receipt = f" · receipt {done.sale.receipt_no}" if done.sale else ""
        self.screen.say(f"Order {order_id} handed over{receipt}")
        self.refresh()
        self.show(order_id)

    async def _unlock(self, order_id: str) -> None:
        assert self.service is not None
        approver = await self.screen.approve("Unlocking a pickup order")
        if approver is None:
            return
        try:
            await run.io_bound(self.service.unlock, self.ctx, self.screen.actor, order_id, approver)
        except DomainError as exc:
            self.screen.say(exc.detail, error=True)
            return
        self.show(order_id)


def pickups_available() -> bool:
    return runtime.optional("edge.services.pickups", "collect") is not None
