"""The cashier's till at /pos: PIN login, then the sell screen driven by the scanner and the
keyboard. Every action calls the same service functions as the HTTP API, in-process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, run, ui

from edge.domain.errors import DomainError
from edge.inline import inline
from edge.services import auth, baskets
from edge.services.auth import Actor, Session
from edge.services.baskets import BasketView
from edge.services.context import Context
from kiosk_ui import runtime, theme
from kiosk_ui.pos import lifeline, look, sell
from kiosk_ui.pos.basket_actions import BasketActions
from kiosk_ui.pos.dialogs import Approver, NotApproved, with_approval
from kiosk_ui.pos.login import login_card
from kiosk_ui.pos.messages import cashier_text
from kiosk_ui.pos.scanning import Scanning
from kiosk_ui.pos.status import StatusBar
from kiosk_ui.pos.words import w

log = logging.getLogger(__name__)

MODES = (
    ("sell", "mode_sell", "point_of_sale"),
    ("pickups", "mode_pickups", "shopping_bag"),
    ("returns", "mode_returns", "assignment_return"),
    ("journal", "mode_journal", "manage_search"),
    ("deliveries", "mode_deliveries", "local_shipping"),
    ("counts", "mode_counts", "fact_check"),
    ("write_offs", "mode_write_offs", "delete_sweep"),
    ("transfers", "mode_transfers", "swap_horiz"),
    ("tools", "mode_tools", "receipt_long"),
)


class PosScreen(Scanning, BasketActions):
    # Built by kiosk_ui.pos.sell on the sell screen.
    scan: Any
    table: Any
    total: Any
    counts: Any
    last: Any
    message: Any

    def __init__(self, ctx: Context, parts: runtime.UiParts) -> None:
        self.ctx, self.parts = ctx, parts
        self.lang = ctx.settings.store.language
        self.session: Session | None = None
        self.view: BasketView | None = None
        self.resumable: BasketView | None = None  # an open basket left by a restart
        self.selected: int | None = None  # line_id
        self.last_sale: dict[str, Any] | None = None
        self.mode = "sell"
        self.login_message = ""
        self.panel: Any = None  # the pickups, returns, or tools panel on show
        self.scanner = runtime.ScannerFeed(parts)
        # One basket change at a time: a change waiting for the database in a worker thread
        # (edge.inline) must not let the next scan open a second basket or land out of order.
        self.changing = asyncio.Lock()

    def w(self, key: str, **values: object) -> str:
        return w(key, self.lang, **values)

    def error(self, exc: BaseException) -> str:
        return cashier_text(exc, self.lang, self.ctx.currency)

    # ---- layout -------------------------------------------------------------------------
    def build(self) -> None:
        theme.apply("pos")
        look.apply()
        ui.query("html").props(f'lang="{self.lang}"')
        lifeline.add_watch(self.lang)
        self.client = ui.context.client
        self.status = StatusBar(self.ctx, self.parts, self.lang)
        self.body = ui.column().classes("w-full p-4 gap-4")
        self.render()
        background_tasks.create(self._resume(), name="pos-resume")

    # ---- surviving a reload or a restart of the node ------------------------------------
    def remember(self) -> None:
        basket = self.view.basket.id if self.view else None
        lifeline.keep(self.session.token if self.session else None, basket)

    async def _resume(self) -> None:
        """After a reload or a restart of the node the cashier is still logged in, as long as
        the session stands, with the basket this browser had open back on screen; another
        basket left open at the register is offered ("Wznów koszyk")."""
        try:
            await self.client.connected(timeout=10)
        except TimeoutError:
            return
        with self.client:
            found = await lifeline.kept()
        token = found.get("token")
        if self.session is not None or not isinstance(token, str):
            return
        try:
            actor = await inline(auth.authenticate, self.ctx, token)
        except DomainError:
            with self.client:
                lifeline.keep(None, None)
            return
        self.session = Session(token, actor, self.ctx.clock())
        basket = found.get("basket")
        await self._offer_open_basket(basket if isinstance(basket, str) else None)
        if self.resumable is not None and self.resumable.basket.id == basket:
            self.view, self.resumable = self.resumable, None  # this till's own: on screen again
        with self.client:
            self.scanner.start(self.ctx, self.client, self._register(), self._serial_scan)
            self.render()

    async def _offer_open_basket(self, basket_id: str | None) -> None:
        try:
            found = await inline(baskets.open_basket, self.ctx, self._register(), basket_id)
        except DomainError:
            found = None
        self.resumable = found if found is not None and found.basket.lines else None

    def resume_basket(self) -> None:
        self.view, self.resumable = self.resumable, None
        self.remember()
        self.render()
        self.say(self.w("basket_resumed"))

    @property
    def actor(self) -> Actor:
        assert self.session is not None
        return self.session.actor

    def render(self) -> None:
        self.body.clear()
        with self.body:
            if self.session is None:
                login_card(self)
                return
            self._modes()
            if self.mode == "sell":
                sell.build(self)
                self.focus_scan()  # a browser honours `autofocus` once per page only
                return
            self.message = sell.message_line()
            self.panel = _panel(self.mode)(self)

    def _modes(self) -> None:
        with ui.row().classes("w-full gap-2 pos-modes").props('role="navigation"'):
            for mode, key, icon in MODES:
                ui.button(self.w(key), icon=icon, on_click=lambda m=mode: self.set_mode(m)).props(
                    "no-caps " + ("unelevated" if mode == self.mode else "outline")
                ).props(f'aria-pressed="{str(mode == self.mode).lower()}"').mark(f"mode-{mode}")

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
            self.session, self.login_message = None, self.error(exc)
            self.remember()
            self.scanner.stop()
            self.render()
            return False
        return True

    async def logged_in(self, session: Session) -> None:
        self.session = session
        self.scanner.start(self.ctx, self.client, self._register(), self._serial_scan)
        await self._offer_open_basket(None)
        self.remember()
        self.render()

    def _register(self) -> str:
        return self.session.actor.register if self.session else self.ctx.settings.store.register_id

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
            add="text-red-800" if error else "text-green-800",
            remove="text-green-800" if error else "text-red-800",
        )

    async def approved(self, action: str, do: Callable[[Approver | None], Any]) -> tuple[bool, Any]:
        """Runs a money action that a supervisor may have to approve at the till, naming it
        (dialogs.with_approval); says why when it did not happen. (True, result) when done."""
        try:
            return True, await with_approval(self.lang, action, do, self.ctx.currency)
        except NotApproved:
            self.say(self.w("not_approved"), error=True)
        except Exception as exc:
            self.say(self.error(exc), error=True)
        return False, None

    async def _apply(self, fn: Callable[[], BasketView]) -> bool:
        try:
            async with self.changing:
                self.view = await inline(fn)
        except Exception as exc:
            self.say(self.error(exc), error=True)
            return False
        self._show_basket()
        return True

    def _show_basket(self) -> None:
        sell.show_basket(self)

    def _show_last_sale(self) -> None:
        sell.show_last_sale(self)

    def logout(self) -> None:
        if self.session is not None:
            background_tasks.create(run.io_bound(auth.logout, self.ctx, self.session.token))
        self.scanner.stop()
        self.session, self.view = None, None
        self.remember()
        self.render()


def _panel(mode: str) -> Callable[[PosScreen], Any]:
    from kiosk_ui.pos.counts import CountsPanel
    from kiosk_ui.pos.deliveries import DeliveriesPanel
    from kiosk_ui.pos.journal import JournalPanel
    from kiosk_ui.pos.pickups import PickupsPanel
    from kiosk_ui.pos.returns import ReturnsPanel
    from kiosk_ui.pos.tools import ToolsPanel
    from kiosk_ui.pos.transfers import TransfersPanel
    from kiosk_ui.pos.write_offs import WriteOffsPanel

    panels: dict[str, Callable[[PosScreen], Any]] = {
        "pickups": PickupsPanel,
        "returns": ReturnsPanel,
        "journal": JournalPanel,
        "tools": ToolsPanel,
        "deliveries": DeliveriesPanel,
        "counts": CountsPanel,
        "write_offs": WriteOffsPanel,
        "transfers": TransfersPanel,
    }
    return panels[mode]


def pos_page() -> None:
    node = runtime.mounted()
    PosScreen(node.ctx, node.parts).build()
