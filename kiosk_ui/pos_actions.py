"""What the cashier does to a basket at the till: quantity, removal, discounts and manual
prices (with a supervisor's PIN when needed), cancelling, and the payment dialog. A mixin of
`kiosk_ui.pos.PosScreen`, kept apart so each file stays readable."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import run, ui

from edge.domain.errors import ApprovalRequired, DomainError, InvalidInput
from edge.domain.tenders import Tender
from edge.services import baskets, checkout
from edge.services.baskets import BasketView
from kiosk_ui import fmt

if TYPE_CHECKING:
    from edge.services.auth import Actor
    from edge.services.context import Context

log = logging.getLogger(__name__)


def error_text(exc: Exception) -> str:
    """What the cashier reads. Anything but a domain error is a fault of the node: logged with
    its traceback, and nothing was changed (each service call is one transaction)."""
    if isinstance(exc, DomainError):
        return exc.detail
    log.error("till action failed", exc_info=exc)
    return "the till could not do that (nothing was changed); try again or call a supervisor"


class BasketActions:
    # Provided by PosScreen.
    ctx: Context
    view: BasketView | None
    selected: int | None
    last_sale: dict[str, Any] | None
    actor: Actor
    say: Callable[..., None]
    focus_scan: Callable[[], None]
    _apply: Callable[[Callable[[], BasketView]], Awaitable[bool]]
    _show_basket: Callable[[], None]
    _show_last_sale: Callable[[], None]
    _alive: Callable[[], Awaitable[bool]]
    changing: asyncio.Lock
    _remember: Callable[..., None]

    # ---- line actions -------------------------------------------------------------------
    def _selected_line(self) -> Any | None:
        if self.view is None or self.selected is None:
            self.say("Select a line first (↑ ↓)", error=True)
            return None
        for p in self.view.priced.lines:
            if p.line.line_id == self.selected:
                return p.line
        return None

    async def open_qty(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        grams = line.unit == "kg"
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-96"):
            ui.label(f"Quantity — {line.name}").classes("text-xl font-bold")
            field = ui.input("Weight in grams" if grams else "Pieces", value=str(line.qty))
            field.props("outlined autofocus inputmode=numeric").classes("text-2xl").mark("qty")
            field.on("keydown.enter", lambda: dialog.submit(field.value))
            ui.button("OK", on_click=lambda: dialog.submit(field.value)).props("unelevated")
        value = await dialog
        dialog.delete()
        self.focus_scan()
        if value is None:
            return
        try:
            qty = int(str(value).strip())
        except ValueError:
            self.say(f"'{value}' is not a whole number", error=True)
            return
        assert self.view is not None
        bid = self.view.basket.id
        if await self._apply(lambda: baskets.set_quantity(self.ctx, bid, line.line_id, qty)):
            self.say(f"{line.name}: quantity {fmt.qty_text(qty, line.unit)}")

    async def remove_selected(self) -> None:
        line = self._selected_line()
        if line is None or self.view is None:
            return
        bid = self.view.basket.id
        if await self._apply(lambda: baskets.remove_line(self.ctx, bid, line.line_id)):
            self.say(f"Removed {line.name}")

    async def approved(self, call: Callable[[tuple[str, str] | None], Any]) -> Any | None:
        """`call` in a worker thread; when it needs a supervisor, asked for at this till and
        called again with their credentials. None (and said why) when refused or not approved."""
        try:
            try:
                return await run.io_bound(call, None)
            except ApprovalRequired as exc:
                approver = await self.approve(exc.detail)
                if approver is None:
                    self.say("Not approved", error=True)
                    return None
                return await run.io_bound(call, approver)
        except DomainError as exc:
            self.say(exc.detail, error=True)
            return None

    async def approve(self, what: str) -> tuple[str, str] | None:
        """Asks a supervisor to type their username and PIN at this till."""
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-96"):
            ui.label("Supervisor approval").classes("text-xl font-bold")
            ui.label(what).classes("text-gray-700")
            who = ui.input("Supervisor").props("outlined autofocus").mark("approver")
            pin = ui.input("PIN", password=True).props("outlined inputmode=numeric")
            pin.mark("approver-pin")

            def done() -> None:
                dialog.submit((who.value or "", pin.value or ""))

            pin.on("keydown.enter", done)
            ui.button("Approve", on_click=done).props("unelevated").mark("approve")
        result = await dialog
        dialog.delete()
        self.focus_scan()
        return result

    async def open_discount(self) -> None:
        line = self._selected_line()
        if line is None or self.view is None:
            return
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-[26rem]"):
            ui.label(f"Discount — {line.name}").classes("text-xl font-bold")
            percent = ui.input("Percent off").props("outlined autofocus inputmode=numeric")
            percent.mark("disc-percent")
            amount = ui.input("or amount off (e.g. 2,50)").props("outlined").mark("disc-amount")
            price = ui.input("or new unit price (supervisor)").props("outlined")
            price.mark("disc-price")
            whole = ui.checkbox("Whole basket instead of this line").mark("disc-basket")

            def done() -> None:
                dialog.submit(
                    (percent.value or "", amount.value or "", price.value or "", whole.value)
                )

            for f in (percent, amount, price):
                f.on("keydown.enter", done)
            ui.button("Apply", on_click=done).props("unelevated").mark("apply-discount")
        values = await dialog
        dialog.delete()
        self.focus_scan()
        if values is None:
            return
        try:
            pct = int(values[0]) if values[0].strip() else 0
            amt = fmt.parse_amount(values[1]) if values[1].strip() else 0
            new_price = fmt.parse_amount(values[2]) if values[2].strip() else None
        except (ValueError, InvalidInput):
            self.say("Type a whole percentage, or an amount like 2,50", error=True)
            return
        bid, lid, basket_wide = self.view.basket.id, line.line_id, bool(values[3])
        if basket_wide and new_price is not None:
            self.say("A new price is for one line; untick 'whole basket'", error=True)
            return

        def do(approver: tuple[str, str] | None) -> BasketView:
            if basket_wide:
                return baskets.discount_basket(self.ctx, self.actor, bid, pct, amt, approver)
            if new_price is not None:
                return baskets.override_price(self.ctx, self.actor, bid, lid, new_price, approver)
            return baskets.discount_line(self.ctx, self.actor, bid, lid, pct, amt, approver)

        what = "the whole basket" if basket_wide else line.name
        await self._with_approval(do, "a discount or price change", f"Discount on {what}")

    async def _with_approval(
        self, do: Callable[[tuple[str, str] | None], BasketView], what: str, done: str
    ) -> None:
        """Runs a restricted change; when the service asks for a supervisor, asks for their
        PIN at the till and runs it again with it."""
        try:
            try:
                view = await run.io_bound(do, None)
            except ApprovalRequired as exc:
                approver = await self.approve(exc.detail)
                if approver is None:
                    self.say(f"Not approved; nothing changed ({what})", error=True)
                    return
                view = await run.io_bound(do, approver)
        except Exception as exc:
            self.say(error_text(exc), error=True)
            return
        if view is None:  # the node is stopping
            return
        self.view = view
        self._show_basket()
        self.say(done)

    async def cancel_basket(self) -> None:
        if self.view is None or self.view.basket.status != "open":
            return
        bid = self.view.basket.id
        if await self._apply(lambda: baskets.cancel_basket(self.ctx, bid)):
            self.view = None
            self._remember(basket=None)
            self._show_basket()
            self.say("Basket cancelled")

    # ---- payment ------------------------------------------------------------------------
    async def open_tender(self) -> None:
        if not await self._alive():
            return
        async with self.changing:
            pass  # a scan still on its way is in the total shown
        if self.view is None or not self.view.basket.lines or self.view.basket.status != "open":
            self.say("Nothing to pay yet", error=True)
            return
        total = self.view.priced.total
        cur = self.ctx.currency
        key = uuid.uuid4().hex  # one attempt: a double click or a retry cannot sell twice
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-[30rem] pos-tender"):
            ui.label("Payment").classes("text-xl font-bold")
            ui.label(fmt.money(total, cur)).classes("text-5xl font-bold").mark("tender-total")
            cash = ui.input("Cash received", value=fmt.money(total, cur).split(" ")[0])
            cash.props("outlined autofocus inputmode=decimal").classes("text-2xl").mark("cash")
            change = ui.label("").classes("text-2xl text-positive font-bold").mark("tender-change")
            error = ui.label("").classes("text-red-700").mark("tender-error")
            with ui.row().classes("gap-2"):
                for note in (1000, 2000, 5000, 10000, 20000):
                    if note > total:
                        ui.button(fmt.money(note, cur), on_click=lambda n=note: set_cash(n)).props(
                            "outline"
                        )
            card_ref = ui.input("Card terminal reference").props("outlined").mark("card-ref")

            def set_cash(amount: int) -> None:
                cash.value = fmt.money(amount, cur).split(" ")[0]

            def show_change() -> None:
                try:
                    given = fmt.parse_amount(cash.value or "0")
                except InvalidInput:
                    change.text = ""
                    return
                change.text = f"Change {fmt.money(given - total, cur)}" if given >= total else ""

            cash.on_value_change(show_change)
            show_change()

            async def pay(tenders: list[Tender]) -> None:
                error.text = ""
                try:
                    result = await run.io_bound(
                        checkout.checkout, self.ctx, self.actor, self.view.basket.id, tenders, key
                    )
                except Exception as exc:  # the dialog stays open; a retry reuses the key
                    error.text = error_text(exc)
                    return
                if result is None:  # the node is stopping; the same key makes a retry safe
                    error.text = "the till is restarting; press pay again in a moment"
                    return
                dialog.submit(result)

            async def pay_cash() -> None:
                try:
                    amount = fmt.parse_amount(cash.value or "")
                except InvalidInput as exc:
                    error.text = exc.detail
                    return
                await pay([Tender("cash", amount)])

            async def pay_card() -> None:
                await pay([Tender("card", total, (card_ref.value or "").strip() or None)])

            cash.on("keydown.enter", pay_cash)
            card_ref.on("keydown.enter", pay_card)
            with ui.row().classes("w-full gap-2 no-wrap"):
                ui.button("Cash (Enter)", icon="payments", on_click=pay_cash).props(
                    "unelevated size=lg color=positive"
                ).classes("grow").mark("pay-cash")
                ui.button("Card", icon="credit_card", on_click=pay_card).props(
                    "unelevated size=lg"
                ).classes("grow").mark("pay-card")
        # The amount is pre-filled with the total and selected: Enter pays exact cash, typing
        # the note handed over replaces it.
        ui.run_javascript(f"setTimeout(() => document.getElementById('c{cash.id}')?.select(), 150)")
        result = await dialog
        dialog.delete()
        self.focus_scan()
        if result is None:
            return
        sale = result.sale
        self.last_sale = {
            "receipt_no": sale.receipt_no,
            "total": fmt.money(sale.total, cur),
            "change": fmt.money(sale.change, cur) if sale.change else "",
        }
        self.view = None
        self._remember(basket=None)
        self._show_basket()
        self._show_last_sale()
        self.say(f"Paid — receipt {sale.receipt_no}")
