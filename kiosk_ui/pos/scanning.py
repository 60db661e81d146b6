"""How codes reach the basket: the keyboard-wedge scan field and its shortcut keys, and the
register's serial scanner. A mixin of `kiosk_ui.pos.screen.PosScreen`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from nicegui import background_tasks

from edge.domain.errors import InvalidBarcode
from edge.inline import inline
from edge.services import baskets
from kiosk_ui import fmt

if TYPE_CHECKING:
    from edge.services.auth import Actor, Session
    from edge.services.baskets import BasketView
    from edge.services.context import Context


# Screens whose panel takes a handheld scan (elsewhere a scan goes to the basket): the shopper's
# QR or a receipt's code, or goods received, counted, written off or moved between stores.
PANEL_SCANS = ("pickups", "returns", "deliveries", "counts", "write_offs", "transfers")


class Scanning:
    # Provided by PosScreen.
    ctx: Context
    view: BasketView | None
    selected: int | None
    session: Session | None
    if TYPE_CHECKING:

        @property
        def actor(self) -> Actor: ...

    mode: str
    panel: Any
    body: Any
    client: Any
    table: Any
    changing: asyncio.Lock
    w: Callable[..., str]
    error: Callable[[BaseException], str]
    say: Callable[..., None]
    remember: Callable[[], None]
    set_mode: Callable[[str], Awaitable[None]]
    _alive: Callable[[], Awaitable[bool]]
    _show_basket: Callable[[], None]
    if TYPE_CHECKING:  # BasketActions' and Payment's

        async def open_qty(self) -> None: ...
        async def open_discount(self) -> None: ...
        async def remove_selected(self) -> None: ...
        async def open_tender(self) -> None: ...

    async def _ensure_basket(self) -> str:
        if self.view is None or self.view.basket.status != "open":
            self.view = await inline(baskets.create_basket, self.ctx, self.actor)
            self.remember()
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
            self.say(f"{code}: {self.error(exc)}", error=True)
            return
        self.selected = line.line_id
        self.say(self.w("added", name=line.name, qty=fmt.qty_text(line.qty, line.unit)))
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
            with self.body:  # to the panel on show
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
                unread = InvalidBarcode(str(result.get("message") or ""))
                self.say(self.error(unread), error=True)
