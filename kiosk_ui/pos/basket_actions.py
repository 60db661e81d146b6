"""What the cashier does to a basket at the till: quantity, removal, discounts and manual
prices (with a supervisor's PIN when needed) and cancelling. A mixin of
`kiosk_ui.pos.screen.PosScreen`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.domain.errors import InvalidInput
from edge.services import baskets
from edge.services.baskets import BasketView
from kiosk_ui import fmt
from kiosk_ui.pos.dialogs import confirm
from kiosk_ui.pos.tender import Payment

if TYPE_CHECKING:
    from edge.services.auth import Actor
    from edge.services.context import Context


class BasketActions(Payment):
    # Provided by PosScreen.
    ctx: Context
    lang: str
    view: BasketView | None
    selected: int | None
    if TYPE_CHECKING:

        @property
        def actor(self) -> Actor: ...

    w: Callable[..., str]
    error: Callable[[BaseException], str]
    say: Callable[..., None]
    focus_scan: Callable[[], None]
    remember: Callable[[], None]
    _apply: Callable[[Callable[[], BasketView]], Awaitable[bool]]
    approved: Callable[..., Awaitable[tuple[bool, Any]]]
    _show_basket: Callable[[], None]
    changing: asyncio.Lock

    def _selected_line(self) -> Any | None:
        if self.view is None or self.selected is None:
            self.say(self.w("select_line"), error=True)
            return None
        for p in self.view.priced.lines:
            if p.line.line_id == self.selected:
                return p
        return None

    async def open_qty(self) -> None:
        found = self._selected_line()
        if found is None:
            return
        line = found.line
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-96"):
            ui.label(self.w("quantity_of", name=line.name)).classes("text-xl font-bold")
            label = self.w("grams" if line.unit == "kg" else "pieces")
            field = ui.input(label, value=str(line.qty))
            field.props("outlined autofocus inputmode=numeric").classes("text-2xl").mark("qty")
            field.on("keydown.enter", lambda: dialog.submit(field.value))
            ui.button(self.w("ok"), on_click=lambda: dialog.submit(field.value)).props(
                "unelevated no-caps"
            )
        value = await dialog
        dialog.delete()
        self.focus_scan()
        if value is None:
            return
        try:
            qty = int(str(value).strip())
        except ValueError:
            self.say(self.w("not_whole", value=value), error=True)
            return
        assert self.view is not None
        bid = self.view.basket.id
        if await self._apply(lambda: baskets.set_quantity(self.ctx, bid, line.line_id, qty)):
            self.say(self.w("qty_set", name=line.name, qty=fmt.qty_text(qty, line.unit)))

    async def remove_selected(self) -> None:
        found = self._selected_line()
        if found is None or self.view is None:
            return
        line, bid = found.line, self.view.basket.id
        if await self._apply(lambda: baskets.remove_line(self.ctx, bid, line.line_id)):
            self.say(self.w("removed", name=line.name))

    async def _discount_values(self, name: str) -> tuple[str, str, str, bool] | None:
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-[26rem]"):
            ui.label(self.w("discount_of", name=name)).classes("text-xl font-bold")
            percent = ui.input(self.w("percent_off")).props("outlined autofocus inputmode=numeric")
            percent.mark("disc-percent")
            amount = ui.input(self.w("amount_off")).props("outlined").mark("disc-amount")
            price = ui.input(self.w("new_price")).props("outlined").mark("disc-price")
            whole = ui.checkbox(self.w("whole_basket")).mark("disc-basket")

            def done() -> None:
                dialog.submit(
                    (percent.value or "", amount.value or "", price.value or "", whole.value)
                )

            for f in (percent, amount, price):
                f.on("keydown.enter", done)
            ui.button(self.w("apply"), on_click=done).props("unelevated no-caps").mark(
                "apply-discount"
            )
        values = await dialog
        dialog.delete()
        self.focus_scan()
        return values  # type: ignore[no-any-return]

    async def open_discount(self) -> None:
        found = self._selected_line()
        if found is None or self.view is None:
            return
        line = found.line
        values = await self._discount_values(line.name)
        if values is None:
            return
        try:
            pct = int(values[0]) if values[0].strip() else 0
            amt = fmt.parse_amount(values[1]) if values[1].strip() else 0
            new_price = fmt.parse_amount(values[2]) if values[2].strip() else None
        except (ValueError, InvalidInput):
            self.say(self.w("bad_discount"), error=True)
            return
        bid, lid, basket_wide = self.view.basket.id, line.line_id, bool(values[3])
        if basket_wide and new_price is not None:
            self.say(self.w("price_one_line"), error=True)
            return

        def do(approver: tuple[str, str] | None) -> BasketView:
            if basket_wide:
                return baskets.discount_basket(self.ctx, self.actor, bid, pct, amt, approver)
            if new_price is not None:
                return baskets.override_price(self.ctx, self.actor, bid, lid, new_price, approver)
            return baskets.discount_line(self.ctx, self.actor, bid, lid, pct, amt, approver)

        cur = self.ctx.currency
        value = f"{pct}%" if pct else f"−{fmt.money(amt, cur)}"
        if new_price is not None:
            action = self.w("act_price", name=line.name, amount=fmt.money(new_price, cur))
        elif basket_wide:
            base = fmt.money(self.view.priced.total, cur)
            action = self.w("act_discount_basket", value=value, amount=base)
        else:
            base = fmt.money(found.total, cur)
            action = self.w("act_discount_line", name=line.name, value=value, amount=base)
        what = self.w("the_basket") if basket_wide else line.name
        await self._approved(do, action, self.w("discount_done", what=what))

    async def _approved(
        self, do: Callable[[tuple[str, str] | None], BasketView], action: str, done: str
    ) -> None:
        """Runs a restricted change; a supervisor approves it at the till when the service
        asks, and may type a wrong PIN again without the change being lost."""
        ok, view = await self.approved(action, do)
        self.focus_scan()
        if not ok:
            return
        if view is None:  # the node is stopping
            return
        self.view = view
        self._show_basket()
        self.say(done)

    async def cancel_basket(self) -> None:
        if self.view is None or self.view.basket.status != "open":
            return
        total = fmt.money(self.view.priced.total, self.ctx.currency)
        question = self.w("cancel_basket_q", lines=len(self.view.basket.lines), total=total)
        sure = await confirm(self.lang, question, "cancel-basket")
        self.focus_scan()
        if not sure:
            return
        bid = self.view.basket.id
        if await self._apply(lambda: baskets.cancel_basket(self.ctx, bid)):
            self.view = None
            self.remember()
            self._show_basket()
            self.say(self.w("basket_cancelled"))
