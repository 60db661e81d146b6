"""The cashier's till at /pos: PIN login, then the sell screen driven by the scanner and the
keyboard. Every action calls the same service functions as the HTTP API, in-process."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any

from nicegui import app, background_tasks, run, ui

from edge.domain.errors import ApprovalRequired, DomainError, InvalidInput
from edge.domain.tenders import Tender
from edge.services import auth, baskets, checkout
from edge.services.auth import Actor, Session
from edge.services.baskets import BasketView
from edge.services.context import Context
from kiosk_ui import fmt, runtime, theme
from kiosk_ui.pos_pickups import PickupsPanel
from kiosk_ui.pos_returns import ReturnsPanel
from kiosk_ui.pos_tools import ToolsPanel
from kiosk_ui.status_bar import StatusBar

log = logging.getLogger(__name__)

# Keys the sell screen answers to. Only keys with no browser default that matters at a till
# (F1/F3/F5/F6/F7/F10/F11/F12 open help, search, reload... in Chromium).
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Enter", "add the scanned or typed code"),
    ("↑ ↓", "choose a line"),
    ("F2", "quantity"),
    ("F4", "discount / price"),
    ("F8 / Del", "remove line"),
    ("F9", "pay"),
    ("Esc", "close a dialog"),
)

MODES = (
    ("sell", "Sell", "point_of_sale"),
    ("pickups", "Pickups", "shopping_bag"),
    ("returns", "Returns", "assignment_return"),
    ("tools", "Reprint · reports · cash", "receipt_long"),
)

# Runs in the browser: the scan field never sends keystrokes, only a whole code on Enter (a
# keyboard-wedge scanner types 13 characters in ~20 ms) and the shortcut keys.
_SCAN_KEYS_JS = """(e) => {
  const keys = ['Enter', 'F2', 'F4', 'F8', 'F9', 'ArrowUp', 'ArrowDown', 'Delete'];
  if (e.key === 'F5') { e.preventDefault(); return; }  // no reload in the middle of a sale
  if (!keys.includes(e.key)) return;
  e.preventDefault();
  const value = e.target.value;
  if (e.key === 'Enter') e.target.value = '';
  if (e.key === 'Delete' && value) return;
  emit({key: e.key, value: value, t: performance.now()});
}"""
# Keeps the cursor in the scan field unless a dialog is open, so a scan is never lost.
_REFOCUS_JS = """(e) => setTimeout(() => {
  if (!document.querySelector('.q-dialog') && document.activeElement.tagName !== 'INPUT')
    e.target.focus();
}, 200)"""


def _error_text(exc: Exception) -> str:
    """What the cashier reads. Anything but a domain error is a fault of the node: logged with
    its traceback, and nothing was changed (each service call is one transaction)."""
    if isinstance(exc, DomainError):
        return exc.detail
    log.error("till action failed", exc_info=exc)
    return "the till could not do that (nothing was changed); try again or call a supervisor"


class PosScreen:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.session: Session | None = None
        self.view: BasketView | None = None
        self.selected: int | None = None  # line_id
        self.last_sale: dict[str, Any] | None = None
        self.mode = "sell"
        self.login_message = ""
        self.panel: Any = None  # the pickups, returns or tools panel on show
        self.unsubscribe: Callable[[], None] | None = None

    # ---- layout -------------------------------------------------------------------------
    def build(self) -> None:
        theme.apply("pos")
        self.client = ui.context.client
        self.status = StatusBar(self.ctx, pos=True)
        self.body = ui.column().classes("w-full p-4 gap-4")
        self.render()
        background_tasks.create(self._resume(), name="pos-resume")

    # ---- surviving a reload -------------------------------------------------------------
    def _tab(self) -> Any | None:
        """This browser tab's storage (kept on the server across a reload of the page)."""
        try:
            with self.client:
                return app.storage.tab
        except (RuntimeError, AssertionError, KeyError):
            return None

    def _remember(self, **values: str | None) -> None:
        tab = self._tab()
        if tab is None:
            return
        for key, value in values.items():
            if value is None:
                tab.pop(f"pos_{key}", None)
            else:
                tab[f"pos_{key}"] = value

    async def _resume(self) -> None:
        """After a reload (F5, a crashed tab) the cashier is still logged in and the open
        basket is still on screen, as long as the session stands."""
        try:
            await self.client.connected(timeout=10)
        except TimeoutError:
            return
        tab = self._tab()
        if tab is None or self.session is not None or not tab.get("pos_token"):
            return
        token = str(tab["pos_token"])
        try:
            actor = auth.authenticate(self.ctx, token)
        except DomainError:
            self._remember(token=None, basket=None)
            return
        self.session = Session(token, actor, self.ctx.clock())
        basket_id = tab.get("pos_basket")
        if basket_id:
            try:
                view = baskets.get_basket(self.ctx, str(basket_id))
            except DomainError:
                view = None
            self.view = view if view is not None and view.basket.status == "open" else None
        self._subscribe_scanner()
        self.render()

    @property
    def actor(self) -> Actor:
        assert self.session is not None
        return self.session.actor

    def render(self) -> None:
        self.body.clear()
        with self.body:
            if self.session is None:
                self._login()
                return
            self._modes()
            if self.mode == "sell":
                self._sell()
                self.focus_scan()  # a browser honours `autofocus` once per page only
                return
            self.message = ui.label("").classes("pos-message").mark("message")
            if self.mode == "pickups":
                self.panel = PickupsPanel(self)
            elif self.mode == "returns":
                self.panel = ReturnsPanel(self)
            else:
                self.panel = ToolsPanel(self)

    def _modes(self) -> None:
        with ui.row().classes("w-full gap-2 pos-modes"):
            for mode, label, icon in MODES:
                ui.button(label, icon=icon, on_click=lambda m=mode: self.set_mode(m)).props(
                    "unelevated" if mode == self.mode else "outline"
                ).mark(f"mode-{mode}")

    def set_mode(self, mode: str) -> None:
        if not self._alive():
            return
        self.mode = mode
        self.render()

    def _alive(self) -> bool:
        """The session still stands (not expired, not ended, the account not disabled);
        otherwise back to the login with the reason. The basket stays open on the server."""
        if self.session is None:
            return False
        try:
            auth.authenticate(self.ctx, self.session.token)
        except DomainError as exc:
            self.session, self.login_message = None, exc.detail
            self._remember(token=None)
            self._unsubscribe()
            self.render()
            return False
        return True

    def _login(self) -> None:
        with ui.card().classes("pos-login mx-auto mt-12 p-8 gap-4 w-[28rem]"):
            ui.label("Till login").classes("text-3xl font-bold")
            ui.label(f"{self.ctx.settings.store.name} · register {self._register()}").classes(
                "text-gray-600"
            )
            user = ui.input("Username").props("outlined autofocus").classes("w-full text-xl")
            user.mark("username")
            pin = ui.input("PIN", password=True).props("outlined inputmode=numeric")
            pin.classes("w-full text-xl").mark("pin")
            message = ui.label(self.login_message).classes("text-red-700 text-lg")
            message.mark("login-error")

            async def submit() -> None:
                message.text = ""
                try:
                    session = await run.io_bound(
                        auth.login, self.ctx, (user.value or "").strip(), pin.value or ""
                    )
                except DomainError as exc:
                    pin.value = ""
                    message.text = exc.detail
                    return
                if session is None:  # the node is stopping
                    return
                self.session = session
                self._remember(token=session.token)
                self._subscribe_scanner()
                self.render()

            pin.on("keydown.enter", submit)
            user.on("keydown.enter", lambda: pin.run_method("focus"))
            ui.button("Log in", on_click=submit).props("unelevated size=lg").classes("w-full").mark(
                "login"
            )

    def _register(self) -> str:
        return self.session.actor.register if self.session else self.ctx.settings.store.register_id

    def _sell(self) -> None:
        with ui.row().classes("w-full items-stretch gap-4 no-wrap pos-sell"):
            with ui.column().classes("grow gap-3"):
                with ui.row().classes("w-full items-center gap-3 no-wrap"):
                    ui.icon("qr_code_scanner").classes("text-4xl text-primary")
                    self.scan = (
                        ui.element("input")
                        .props('placeholder="Scan or type a barcode / SKU, then Enter" autofocus')
                        .props('autocomplete="off" spellcheck="false" data-testid="scan"')
                        .classes("pos-scan grow")
                        .mark("scan")
                    )
                    self.scan.on("keydown", self._on_key, js_handler=_SCAN_KEYS_JS)
                    self.scan.on("blur", js_handler=_REFOCUS_JS)
                self.message = ui.label("").classes("pos-message").mark("message")
                self.table = (
                    ui.table(
                        columns=[
                            {"name": "no", "label": "#", "field": "no", "align": "left"},
                            {"name": "name", "label": "Item", "field": "name", "align": "left"},
                            {"name": "qty", "label": "Qty", "field": "qty", "align": "right"},
                            {"name": "price", "label": "Price", "field": "price", "align": "right"},
                            {
                                "name": "disc",
                                "label": "Discount",
                                "field": "disc",
                                "align": "right",
                            },
                            {"name": "total", "label": "Total", "field": "total", "align": "right"},
                        ],
                        rows=[],
                        row_key="id",
                    )
                    .props("flat bordered dense virtual-scroll")
                    .style("max-height: 62vh")
                    .classes("w-full pos-basket")
                    .mark("basket")
                )
                self.table.props('no-data-label="Basket is empty: scan the first item"')
                self.table.on("rowClick", self._on_row_click)
                with ui.row().classes("gap-2 text-sm text-gray-600 pos-keys"):
                    for key, what in SHORTCUTS:
                        with ui.row().classes("items-center gap-1"):
                            ui.html(f"<kbd>{key}</kbd>")
                            ui.label(what)
            with ui.column().classes("w-80 gap-3 pos-side"):
                with ui.card().classes("w-full pos-total"):
                    ui.label("TO PAY").classes("text-sm tracking-widest text-gray-500")
                    self.total = ui.label(fmt.money(0, self.ctx.currency)).classes(
                        "text-5xl font-bold"
                    )
                    self.total.mark("total")
                    self.counts = ui.label("0 items").classes("text-gray-600")
                ui.button("Pay  (F9)", icon="payments", on_click=self.open_tender).props(
                    "unelevated size=xl color=positive"
                ).classes("w-full").mark("pay")
                with ui.row().classes("w-full gap-2 no-wrap"):
                    ui.button("Qty F2", on_click=self.open_qty).props("outline").classes("grow")
                    ui.button("Disc. F4", on_click=self.open_discount).props("outline").classes(
                        "grow"
                    )
                    ui.button("Del F8", on_click=self.remove_selected).props(
                        "outline color=negative"
                    ).classes("grow").mark("remove")
                ui.button("Cancel basket", icon="delete_sweep", on_click=self.cancel_basket).props(
                    "flat color=negative"
                ).classes("w-full")
                self.last = ui.column().classes("w-full gap-1 pos-last").mark("last-sale")
                ui.space()
                with ui.row().classes("w-full items-center justify-between"):
                    who = self.actor.display_name or self.actor.username
                    ui.label(f"{who} · {self.actor.role.value}").classes("text-gray-600")
                    ui.button("Log out", icon="logout", on_click=self.logout).props("flat")
        self._show_basket()
        self._show_last_sale()

    # ---- basket display -----------------------------------------------------------------
    def _rows(self) -> list[dict[str, Any]]:
        if self.view is None:
            return []
        cur = self.ctx.currency
        rows = []
        for i, p in enumerate(self.view.priced.lines, start=1):
            ln = p.line
            price = ln.price_override if ln.price_override is not None else ln.unit_price
            rows.append(
                {
                    "id": ln.line_id,
                    "no": i,
                    "name": ln.name + (f"  ({p.promotion.label('pl')})" if p.promotion else ""),
                    "qty": fmt.qty_text(ln.qty, ln.unit),
                    "price": fmt.money(price, cur) + ("/kg" if ln.unit == "kg" else ""),
                    "disc": fmt.money(-p.discount, cur) if p.discount else "",
                    "total": fmt.money(p.total, cur),
                }
            )
        return rows

    def _show_basket(self) -> None:
        rows = self._rows()
        ids = [r["id"] for r in rows]
        if self.selected not in ids:
            self.selected = ids[-1] if ids else None
        self.table.rows = rows
        self.table.selected = [r for r in rows if r["id"] == self.selected]
        self.table.update()
        total = self.view.priced.total if self.view else 0
        self.total.text = fmt.money(total, self.ctx.currency)
        self.counts.text = f"{len(rows)} line{'s' if len(rows) != 1 else ''}"

    def _show_last_sale(self) -> None:
        self.last.clear()
        if not self.last_sale:
            return
        with self.last:
            ui.label(f"Last sale {self.last_sale['receipt_no']}").classes("font-bold")
            ui.label(f"Total {self.last_sale['total']}")
            if self.last_sale["change"]:
                ui.label(f"CHANGE {self.last_sale['change']}").classes(
                    "text-3xl font-bold text-positive"
                ).mark("change")

    def focus_scan(self) -> None:
        """Puts the cursor back in the scan field once a dialog has gone."""
        scan = getattr(self, "scan", None)
        if self.session is not None and self.mode == "sell" and scan and not scan.is_deleted:
            ui.run_javascript(
                f"setTimeout(() => document.getElementById('c{self.scan.id}')?.focus(), 50)"
            )

    def say(self, text: str, error: bool = False) -> None:
        self.message.text = text
        self.message.classes(
            add="text-red-700" if error else "text-green-800",
            remove="text-green-800" if error else "text-red-700",
        )

    def _apply(self, fn: Callable[[], BasketView]) -> bool:
        try:
            self.view = fn()
        except Exception as exc:
            self.say(_error_text(exc), error=True)
            return False
        self._show_basket()
        return True

    # ---- scanning -----------------------------------------------------------------------
    def _ensure_basket(self) -> str:
        if self.view is None or self.view.basket.status != "open":
            self.view = baskets.create_basket(self.ctx, self.actor)
            self._remember(basket=self.view.basket.id)
        return self.view.basket.id

    def add_code(self, code: str) -> None:
        code = code.strip()
        if not code:
            return
        if not self._alive():
            return
        try:
            basket_id = self._ensure_basket()
            self.view, line = baskets.add_line(self.ctx, basket_id, code=code)
        except Exception as exc:
            self.say(f"{code}: {_error_text(exc)}", error=True)
            return
        self.selected = line.line_id
        self.say(f"{line.name} — {fmt.qty_text(line.qty, line.unit)}")
        self._show_basket()

    async def _on_key(self, e: Any) -> None:
        args = e.args if isinstance(e.args, dict) else {}
        key = args.get("key")
        if key == "Enter":
            self.add_code(str(args.get("value") or ""))
        elif key in ("ArrowUp", "ArrowDown"):
            self._move(-1 if key == "ArrowUp" else 1)
        elif key == "F2":
            await self.open_qty()
        elif key == "F4":
            await self.open_discount()
        elif key in ("F8", "Delete"):
            self.remove_selected()
        elif key == "F9":
            await self.open_tender()

    def _move(self, step: int) -> None:
        ids = [r["id"] for r in self.table.rows]
        if not ids:
            return
        at = ids.index(self.selected) if self.selected in ids else len(ids) - 1
        self.selected = ids[max(0, min(len(ids) - 1, at + step))]
        self._show_basket()

    def _on_row_click(self, e: Any) -> None:
        row = e.args[1] if isinstance(e.args, list) and len(e.args) > 1 else None
        if isinstance(row, dict) and "id" in row:
            self.selected = row["id"]
            self._show_basket()

    def _subscribe_scanner(self) -> None:
        """Serial scanners on this register reach the same code path as the wedge input."""
        subscribe = runtime.optional("devices.scans", "subscribe")
        if subscribe is None or self.unsubscribe is not None:
            return
        loop = asyncio.get_running_loop()

        def on_scan(result: dict[str, Any]) -> None:  # any thread
            loop.call_soon_threadsafe(self._serial_scan, result)

        try:
            self.unsubscribe = subscribe(self.ctx, self._register(), on_scan)
        except Exception:
            log.exception("could not subscribe to the register's scanner")
            return
        self.client.on_delete(self._unsubscribe)

    def _unsubscribe(self) -> None:
        if self.unsubscribe is not None:
            self.unsubscribe()
            self.unsubscribe = None

    def _serial_scan(self, result: dict[str, Any]) -> None:
        if self.session is None or self.client.id not in type(self.client).instances:
            return
        code = str(result.get("code") or "")
        if self.mode in ("pickups", "returns") and code:
            with self.body:  # the shopper's QR or a receipt's code: find the order / purchase
                background_tasks.create(self.panel.scanned(code))
            return
        if self.mode != "sell":
            self.set_mode("sell")  # an item scanned elsewhere: the cashier is selling again
        with self.body:
            if result.get("ok") and result.get("code"):
                self.add_code(str(result["code"]))
            else:
                self.say(str(result.get("message") or "unreadable scan"), error=True)

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
        if self._apply(lambda: baskets.set_quantity(self.ctx, bid, line.line_id, qty)):
            self.say(f"{line.name}: quantity {fmt.qty_text(qty, line.unit)}")

    def remove_selected(self) -> None:
        line = self._selected_line()
        if line is None or self.view is None:
            return
        bid = self.view.basket.id
        if self._apply(lambda: baskets.remove_line(self.ctx, bid, line.line_id)):
            self.say(f"Removed {line.name}")

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
            self.say(_error_text(exc), error=True)
            return
        if view is None:  # the node is stopping
            return
        self.view = view
        self._show_basket()
        self.say(done)

    def cancel_basket(self) -> None:
        if self.view is None or self.view.basket.status != "open":
            return
        bid = self.view.basket.id
        if self._apply(lambda: baskets.cancel_basket(self.ctx, bid)):
            self.view = None
            self._remember(basket=None)
            self._show_basket()
            self.say("Basket cancelled")

    # ---- payment ------------------------------------------------------------------------
    async def open_tender(self) -> None:
        if not self._alive():
            return
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
                    error.text = _error_text(exc)
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

    def logout(self) -> None:
        if self.session is not None:
            background_tasks.create(run.io_bound(auth.logout, self.ctx, self.session.token))
        self._unsubscribe()
        self._remember(token=None, basket=None)
        self.session = None
        self.render()


def pos_page() -> None:
    PosScreen(runtime.context()).build()
