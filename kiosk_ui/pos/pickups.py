"""The till's click & collect screen: the queue of orders (received, picking, ready), putting
one on the shelf, and handing it over with the shopper's code (QR scanned or typed), taking
cash with the change the checkout settles. Calls the pickups services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import run, ui

from edge.domain.errors import AccountLocked, ApprovalRequired, DomainError, InvalidInput
from edge.domain.tenders import Tender
from edge.services import catalogue, pickup_collection, pickups
from kiosk_ui import fmt
from kiosk_ui.pos.tender import change_text

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen

QUEUE = ("received", "picking", "ready")
_COLUMNS = (("id", "col_order"), ("name", "col_customer"), ("status", "col_status"),
            ("shelf", "col_shelf"), ("items", "col_items"), ("due", "col_due"))  # fmt: skip


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
        self.screen, self.ctx, self.w = screen, screen.ctx, screen.w
        self.service: Any = pickups
        self.selected: str | None = None
        with ui.row().classes("w-full gap-4 no-wrap items-start"):
            with ui.column().classes("grow gap-2"):
                self.find = (
                    ui.input(self.w("pickup_find"))
                    .props("outlined autofocus clearable")
                    .classes("w-full text-xl")
                    .mark("pickup-find")
                )
                self.find.on("keydown.enter", self.refresh)
                self.table = (
                    ui.table(
                        columns=[{"name": n, "label": self.w(k), "field": n} for n, k in _COLUMNS],
                        rows=[],
                        row_key="id",
                    )
                    .props(f'flat bordered dense no-data-label="{self.w("no_orders")}"')
                    .classes("w-full")
                    .mark("pickup-queue")
                )
                self.table.on("rowClick", self._on_row)
            self.detail = ui.column().classes("w-[28rem] gap-2").mark("pickup-detail")
        self.refresh()

    def _status(self, status: str) -> str:
        shown = self.w(f"st_{status}")
        return status if shown == f"st_{status}" else shown

    def refresh(self) -> None:
        q = (self.find.value or "").strip() or None
        try:
            if q:
                orders = self.service.list_orders(self.ctx, None, q)
            else:
                orders = [o for s in QUEUE for o in self.service.list_orders(self.ctx, s)]
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        cur = self.ctx.currency
        self.table.rows = [
            {
                "id": o.order_id,
                "name": o.customer.get("name", ""),
                "status": self._status(o.status),
                "shelf": o.shelf or "",
                "items": sum(ln.reserved for ln in o.lines),
                "due": self.w("prepaid") if o.prepaid else fmt.money(_due(o), cur),
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
            self.screen.say(self.screen.error(exc), error=True)
            return
        self.selected = order_id
        self.detail.clear()
        with self.detail, ui.card().classes("w-full gap-2"):
            ui.label(self.w("order_title", order=order.order_id)).classes("text-xl font-bold")
            contact = order.customer.get("phone") or order.customer.get("email") or ""
            ui.label(f"{order.customer.get('name', '')} · {contact}")
            ui.label(self.w("status_is", status=self._status(order.status))).mark("pickup-status")
            for ln in order.lines:
                short = self.w("short_by", n=ln.short) if ln.short else ""
                name = _name(self.ctx, ln.sku)
                ui.label(
                    self.w("order_line", name=name, qty=ln.qty, reserved=ln.reserved, short=short)
                )
            if order.status in ("received", "picking"):
                self._shelf_step(order)
            if order.status == "ready" and not order.locked:
                self._hand_over_step(order)
            if order.locked:
                ui.label(self.w("locked_codes")).classes("text-red-800 font-bold")
                ui.button(self.w("unlock"), on_click=lambda: self._unlock(order.order_id)).props(
                    "no-caps"
                )

    def _shelf_step(self, order: Any) -> None:
        shelf = ui.input(self.w("shelf_location"), value=order.shelf or "")
        shelf.props("outlined stack-label").classes("w-full").mark("pickup-shelf")
        ui.button(
            self.w("ready_on_shelf"),
            icon="inventory_2",
            on_click=lambda: self._ready(order.order_id, shelf.value or ""),
        ).props("unelevated no-caps").mark("pickup-ready")

    def _hand_over_step(self, order: Any) -> None:
        cur = self.ctx.currency
        code = ui.input(self.w("pickup_code")).classes("w-full text-xl")
        code.props("outlined stack-label inputmode=numeric autofocus").mark("pickup-code")
        due = 0 if order.prepaid else _due(order)
        cash = card = None
        if due:
            ui.label(self.w("due_now", amount=fmt.money(due, cur))).classes("text-lg font-bold")
            cash = ui.input(self.w("cash_received")).props("outlined stack-label")
            cash.props("inputmode=decimal").classes("w-full").mark("pickup-cash")
            change = ui.label("").classes("text-xl font-bold pos-change").mark("pickup-change")
            change.props('aria-live="polite"')
            cash.on_value_change(
                lambda: change.set_text(change_text(self.w, due, cash.value or "", cur))
            )
            card = ui.input(self.w("card_ref_empty_cash")).props("outlined stack-label")
            card.classes("w-full").mark("pickup-card")

        async def hand_over() -> None:
            tenders = []
            if due:
                ref = (card.value or "").strip() if card else ""
                try:
                    given = fmt.parse_amount(cash.value) if cash and cash.value else due
                except InvalidInput as exc:
                    self.screen.say(self.screen.error(exc), error=True)
                    return
                tenders = [Tender("card", due, ref) if ref else Tender("cash", given)]
            await self._collect(order.order_id, code.value or "", tenders)

        code.on("keydown.enter", hand_over)
        ui.button(self.w("hand_over"), icon="how_to_reg", on_click=hand_over).props(
            "unelevated size=lg no-caps"
        ).classes("pos-pay").mark("pickup-collect")

    def _ready(self, order_id: str, shelf: str) -> None:
        assert self.service is not None
        try:
            self.service.mark_ready(self.ctx, self.screen.actor, order_id, shelf.strip())
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            return
        self.screen.say(self.w("is_ready", order=order_id, shelf=shelf))
        self.refresh()
        self.show(order_id)

    async def _collect(self, order_id: str, code: str, tenders: list[Tender]) -> None:
        try:
            done = await run.io_bound(
                pickup_collection.collect,
                self.ctx,
                self.screen.actor,
                order_id,
                code,
                None,
                tenders,
            )
        except DomainError as exc:
            self.screen.say(self.screen.error(exc), error=True)
            if isinstance(exc, AccountLocked):
                self.show(order_id)
            return
        if done is None:  # the node is stopping
            return
        said = self.w("handed_over", order=order_id)
        if done.sale:
            said += self.w("with_receipt", receipt=done.sale.receipt_no)
            if done.sale.change:
                said += " · " + self.w(
                    "change_is", amount=fmt.money(done.sale.change, self.ctx.currency)
                )
        self.screen.say(said)
        self.refresh()
        self.show(order_id)

    async def _unlock(self, order_id: str) -> None:
        actor = self.screen.actor

        def do(approver: tuple[str, str] | None) -> Any:
            if approver is None:  # unlocking is always a supervisor's: ask first
                raise ApprovalRequired("unlocking")
            return pickup_collection.unlock(self.ctx, actor, order_id, approver)

        ok, _ = await self.screen.approved(self.w("act_unlock", order=order_id), do)
        if not ok:
            return
        self.show(order_id)
