"""The payment dialog: cash (notes offered above the total, change shown as typed) or card
with the terminal's reference. A mixin of `kiosk_ui.pos.screen.PosScreen`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import run, ui

from edge.domain.errors import DomainError, InvalidInput
from edge.domain.tenders import Tender, settle
from edge.services import checkout
from kiosk_ui import fmt

if TYPE_CHECKING:
    from edge.services.auth import Actor
    from edge.services.baskets import BasketView
    from edge.services.context import Context

NOTES = (1000, 2000, 5000, 10000, 20000)


def change_text(w: Callable[..., str], total: int, typed: str, currency: str) -> str:
    """The change for cash typed so far, as the domain settles it; '' when it does not cover."""
    try:
        given = fmt.parse_amount(typed or "0")
        change = settle(total, [Tender("cash", given)]).change if given else 0
    except DomainError:  # not an amount, or not enough yet
        return ""
    return w("change_is", amount=fmt.money(change, currency)) if given else ""


class Payment:
    # Provided by PosScreen.
    ctx: Context
    view: BasketView | None
    last_sale: dict[str, Any] | None
    if TYPE_CHECKING:

        @property
        def actor(self) -> Actor: ...

    changing: asyncio.Lock
    w: Callable[..., str]
    error: Callable[[BaseException], str]
    say: Callable[..., None]
    focus_scan: Callable[[], None]
    remember: Callable[[], None]
    _alive: Callable[[], Awaitable[bool]]
    _show_basket: Callable[[], None]
    _show_last_sale: Callable[[], None]

    async def open_tender(self) -> None:
        if not await self._alive():
            return
        async with self.changing:
            pass  # a scan still on its way is in the total shown
        if self.view is None or not self.view.basket.lines or self.view.basket.status != "open":
            self.say(self.w("nothing_to_pay"), error=True)
            return
        result = await self._tender_dialog(self.view.priced.total, self.view.basket.id)
        self.focus_scan()
        if result is None:
            return
        sale, cur = result.sale, self.ctx.currency
        self.last_sale = {
            "receipt_no": sale.receipt_no,
            "total": fmt.money(sale.total, cur),
            "change": fmt.money(sale.change, cur) if sale.change else "",
        }
        self.view = None
        self.remember()
        self._show_basket()
        self._show_last_sale()
        self.say(self.w("paid", receipt=sale.receipt_no))

    async def _tender_dialog(self, total: int, basket_id: str) -> Any:
        cur = self.ctx.currency
        key = uuid.uuid4().hex  # one attempt: a double click or a retry cannot sell twice
        with ui.dialog() as dialog, ui.card().classes("p-6 gap-3 w-[30rem] pos-tender"):
            ui.label(self.w("payment")).classes("text-xl font-bold")
            ui.label(fmt.money(total, cur)).classes("text-5xl font-bold").mark("tender-total")
            cash = ui.input(self.w("cash_received"), value=fmt.money(total, cur).split(" ")[0])
            cash.props("outlined autofocus inputmode=decimal").classes("text-2xl").mark("cash")
            change = ui.label("").classes("text-2xl font-bold pos-change").mark("tender-change")
            change.props('aria-live="polite"')
            error = ui.label("").classes("text-red-800 text-lg").props('role="alert"')
            error.mark("tender-error")

            def set_cash(amount: int) -> None:
                cash.value = fmt.money(amount, cur).split(" ")[0]

            with ui.row().classes("gap-2"):
                for note in (n for n in NOTES if n > total):
                    ui.button(fmt.money(note, cur), on_click=lambda n=note: set_cash(n)).props(
                        "outline no-caps"
                    ).props(f'aria-label="{self.w("note", amount=fmt.money(note, cur))}"')
            card_ref = ui.input(self.w("card_ref")).props("outlined").mark("card-ref")

            def show_change() -> None:
                change.text = change_text(self.w, total, cash.value or "", cur)

            cash.on_value_change(show_change)
            show_change()

            async def pay(tenders: list[Tender]) -> None:
                error.text = ""
                try:
                    result = await run.io_bound(
                        checkout.checkout, self.ctx, self.actor, basket_id, tenders, key
                    )
                except Exception as exc:  # the dialog stays open; a retry reuses the key
                    error.text = self.error(exc)
                    return
                if result is None:  # the node is stopping; the same key makes a retry safe
                    error.text = self.w("restarting")
                    return
                dialog.submit(result)

            async def pay_cash() -> None:
                try:
                    amount = fmt.parse_amount(cash.value or "")
                except InvalidInput as exc:
                    error.text = self.error(exc)
                    return
                await pay([Tender("cash", amount)])

            async def pay_card() -> None:
                await pay([Tender("card", total, (card_ref.value or "").strip() or None)])

            cash.on("keydown.enter", pay_cash)
            card_ref.on("keydown.enter", pay_card)
            with ui.row().classes("w-full gap-2 no-wrap"):
                ui.button(self.w("pay_cash"), icon="payments", on_click=pay_cash).props(
                    "unelevated size=lg no-caps"
                ).classes("grow pos-pay").mark("pay-cash")
                ui.button(self.w("pay_card"), icon="credit_card", on_click=pay_card).props(
                    "unelevated size=lg no-caps"
                ).classes("grow").mark("pay-card")
        # The amount is pre-filled with the total and selected: Enter pays exact cash, typing
        # the note handed over replaces it.
        ui.run_javascript(f"setTimeout(() => document.getElementById('c{cash.id}')?.select(), 150)")
        result = await dialog
        dialog.delete()
        return result
