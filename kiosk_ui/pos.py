"""The cashier's till at /pos: PIN login, then the sell screen driven by the scanner and the
keyboard. Every action calls the same service functions as the HTTP API, in-process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from nicegui import app, background_tasks, run, ui

from edge.domain.errors import DomainError
from edge.inline import inline
from edge.services import auth, baskets
from edge.services.auth import Actor, Session
from edge.services.baskets import BasketView
from edge.services.context import Context
from kiosk_ui import fmt, runtime, theme
from kiosk_ui.pos_actions import BasketActions, error_text
from kiosk_ui.pos_counts import CountsPanel
from kiosk_ui.pos_deliveries import DeliveriesPanel
from kiosk_ui.pos_pickups import PickupsPanel
from kiosk_ui.pos_returns import ReturnsPanel
from kiosk_ui.pos_tools import ToolsPanel
from kiosk_ui.pos_transfers import TransfersPanel
from kiosk_ui.pos_write_offs import WriteOffsPanel
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
    ("deliveries", "Deliveries", "local_shipping"),
    ("counts", "Stock count", "fact_check"),
    ("write_offs", "Write-off", "delete_sweep"),
    ("transfers", "Transfers", "swap_horiz"),
    ("tools", "Reprint · reports · cash", "receipt_long"),
)
# Screens whose panel takes a handheld scan (elsewhere a scan goes to the basket).
PANEL_SCANS = ("pickups", "returns", "deliveries", "counts", "write_offs", "transfers")

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


class PosScreen(BasketActions):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.session: Session | None = None
        self.view: BasketView | None = None
        self.selected: int | None = None  # line_id
        self.last_sale: dict[str, Any] | None = None
        self.mode = "sell"
        self.login_message = ""
        self.panel: Any = None  # the pickups, returns or tools panel on show
        self.scanner = runtime.ScannerFeed()
        # One basket change at a time: a change waiting for the database in a worker thread
        # (edge.inline) must not let the next scan open a second basket or land out of order.
        self.changing = asyncio.Lock()

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
            actor = await inline(auth.authenticate, self.ctx, token)
        except DomainError:
            self._remember(token=None, basket=None)
            return
        self.session = Session(token, actor, self.ctx.clock())
        basket_id = tab.get("pos_basket")
        if basket_id:
            try:
                view = await inline(baskets.get_basket, self.ctx, str(basket_id))
            except DomainError:
                view = None
            self.view = view if view is not None and view.basket.status == "open" else None
        self.scanner.start(self.ctx, self.client, self._register(), self._serial_scan)
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
            elif self.mode == "deliveries":
                self.panel = DeliveriesPanel(self)
            elif self.mode == "counts":
                self.panel = CountsPanel(self)
            elif self.mode == "write_offs":
                self.panel = WriteOffsPanel(self)
            elif self.mode == "transfers":
                self.panel = TransfersPanel(self)
            else:
                self.panel = ToolsPanel(self)

    def _modes(self) -> None:
        with ui.row().classes("w-full gap-2 pos-modes"):
            for mode, label, icon in MODES:
                ui.button(label, icon=icon, on_click=lambda m=mode: self.set_mode(m)).props(
                    "unelevated" if mode == self.mode else "outline"
                ).mark(f"mode-{mode}")

    async def set_mode(self, mode: str) -> None:
        if not await self._alive():
            return
        self.mode = mode
        self.render()

    async def _alive(self) -> bool:
        """The session still stands (not expired, not ended, the account not disabled);
        otherwise back to the login with the reason. The basket stays open on the server."""
        if self.session is None:
            return False
        try:
            await inline(auth.authenticate, self.ctx, self.session.token)
        except DomainError as exc:
            self.session, self.login_message = None, exc.detail
            self._remember(token=None)
            self.scanner.stop()
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
                        auth.login,
                        self.ctx,
                        (user.value or "").strip(),
                        pin.value or "",
                        address=self.client.ip or None,  # PIN limits count per device too
                    )
                except DomainError as exc:
                    pin.value = ""
                    message.text = exc.detail
                    return
                if session is None:  # the node is stopping
                    return
                self.session = session
                self._remember(token=session.token)
                self.scanner.start(self.ctx, self.client, self._register(), self._serial_scan)
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

    async def _apply(self, fn: Callable[[], BasketView]) -> bool:
        try:
            async with self.changing:
                self.view = await inline(fn)
        except Exception as exc:
            self.say(error_text(exc), error=True)
            return False
        self._show_basket()
        return True

    # ---- scanning -----------------------------------------------------------------------
    async def _ensure_basket(self) -> str:
        if self.view is None or self.view.basket.status != "open":
            self.view = await inline(baskets.create_basket, self.ctx, self.actor)
            self._remember(basket=self.view.basket.id)
        return self.view.basket.id

    async def add_code(self, code: str) -> None:
        code = code.strip()
        if not code:
            return
        if not await self._alive():
            return
        try:
            async with self.changing:
                basket_id = await self._ensure_basket()
                self.view, line = await inline(baskets.add_line, self.ctx, basket_id, code=code)
        except Exception as exc:
            self.say(f"{code}: {error_text(exc)}", error=True)
            return
        self.selected = line.line_id
        self.say(f"{line.name} — {fmt.qty_text(line.qty, line.unit)}")
        self._show_basket()

    async def _on_key(self, e: Any) -> None:
        args = e.args if isinstance(e.args, dict) else {}
        key = args.get("key")
        if key == "Enter":
            await self.add_code(str(args.get("value") or ""))
        elif key in ("ArrowUp", "ArrowDown"):
            self._move(-1 if key == "ArrowUp" else 1)
        elif key == "F2":
            await self.open_qty()
        elif key == "F4":
            await self.open_discount()
        elif key in ("F8", "Delete"):
            await self.remove_selected()
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

    def _serial_scan(self, result: dict[str, Any]) -> None:
        if self.session is None or self.client.id not in type(self.client).instances:
            return
        code = str(result.get("code") or "")
        if self.mode in PANEL_SCANS and code:
            # The shopper's QR or a receipt's code (find the order / purchase), or goods
            # being received at the back door or counted on the shelf.
            with self.body:
                background_tasks.create(self.panel.scanned(code))
            return
        background_tasks.create(self._serial_sell(result))

    async def _serial_sell(self, result: dict[str, Any]) -> None:
        with self.body:
            if self.mode != "sell":
                await self.set_mode("sell")  # an item scanned elsewhere: selling again
            if result.get("ok") and result.get("code"):
                await self.add_code(str(result["code"]))
            else:
                self.say(str(result.get("message") or "unreadable scan"), error=True)

    def logout(self) -> None:
        if self.session is not None:
            background_tasks.create(run.io_bound(auth.logout, self.ctx, self.session.token))
        self.scanner.stop()
        self._remember(token=None, basket=None)
        self.session = None
        self.render()


def pos_page() -> None:
    PosScreen(runtime.context()).build()
