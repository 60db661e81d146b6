"""The till's returns wizard: 1 find the purchase (receipt number, order number, the signed QR
on the receipt, or no receipt), 2 choose what comes back with a reason and where it goes,
3 refund to the original tender (a supervisor approves when the rules say so). Calls the
returns part's services (edge.services.returns), imported lazily."""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING, Any

from nicegui import run, ui

from edge.domain.errors import ApprovalRequired, DomainError
from edge.services import catalogue
from kiosk_ui import fmt

if TYPE_CHECKING:
    from kiosk_ui.pos import PosScreen

DISPOSITIONS = {"restock": "back on the shelf", "damaged": "damaged", "inspection": "inspection"}


def _returns() -> tuple[Any, Any] | None:
    """(the returns service module, its Requested line type), or None if not installed."""
    try:
        from edge.domain.returns import Requested  # type: ignore[attr-defined]
        from edge.services import returns  # type: ignore[attr-defined]
    except ImportError:
        return None
    return returns, Requested


class ReturnsPanel:
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx = screen, screen.ctx
        found = _returns()
        self.service, self.requested_type = found if found else (None, None)
        self.ref: dict[str, str | None] = {}
        self.key = uuid.uuid4().hex  # one return attempt: a retry cannot refund twice
        self.box = ui.column().classes("w-full gap-3").mark("returns")
        if self.service is None:
            with self.box:
                ui.label("Returns are not installed on this node.").classes("text-xl")
            return
        self.step_find()

    def step_find(self) -> None:
        self.box.clear()
        with self.box:
            ui.label("Return — 1. the purchase").classes("text-2xl font-bold")
            ref = (
                ui.input(placeholder="Receipt number, order number, or scan the receipt's QR")
                .props("outlined autofocus clearable")
                .classes("w-full text-xl")
                .mark("return-ref")
            )
            ref.on("keydown.enter", lambda: self._find(ref.value or ""))
            with ui.row().classes("gap-2"):
                ui.button(
                    "Find", icon="search", on_click=lambda: self._find(ref.value or "")
                ).props("unelevated").mark("return-find")
                ui.button("No receipt", on_click=self._no_receipt).props("outline")

    async def scanned(self, code: str) -> None:
        """A scanner read the receipt's QR or number: find that purchase."""
        if self.service is not None:
            await self._find(code)

    def _kind(self, text: str) -> dict[str, str | None]:
        if text.startswith("SE1."):
            return {"qr": text}
        if text.upper().startswith(self.ctx.store_id.upper()) or "-" in text:
            return {"receipt_no": text}
        return {"order_id": text}

    async def _find(self, text: str) -> None:
        assert self.service is not None
        text = text.strip()
        if not text:
            return
        self.ref = self._kind(text)
        try:
            original = await run.io_bound(self.service.lookup_purchase, self.ctx, **self.ref)
        except DomainError as exc:
            if "receipt_no" in self.ref:  # maybe an online order number with a dash
                self.ref = {"order_id": text}
                try:
                    original = await run.io_bound(
                        self.service.lookup_purchase, self.ctx, **self.ref
                    )
                except DomainError:
                    self.screen.say(exc.detail, error=True)
                    return
            else:
                self.screen.say(exc.detail, error=True)
                return
        lines = [
            (ln.sku, ln.returnable, ln.refund_for(1) if ln.returnable else 0)
            for ln in original.lines
        ]
        where = "offline, from the signed QR" if original.offline else original.kind
        self.step_lines(f"{original.ref} ({where})", lines)

    def _no_receipt(self) -> None:
        self.ref = {}
        self.step_lines("no receipt: refund at today's price", [])

    def step_lines(self, title: str, lines: list[tuple[str, int, int]]) -> None:
        """lines: (sku, returnable qty, refund of one) of the purchase; none without receipt."""
        codes = list(self.ctx.settings.returns.reason_codes)  # type: ignore[attr-defined]
        reasons = {code: code.replace("_", " ") for code in codes}
        self.box.clear()
        rows: list[tuple[str, Any, Any, Any]] = []
        with self.box:
            ui.label(f"Return — 2. what comes back · {title}").classes("text-2xl font-bold")
            grid = ui.column().classes("w-full gap-1")

            def add_row(sku: str, most: int, unit: int) -> None:
                with grid, ui.row().classes("w-full items-center gap-3 no-wrap"):
                    name = sku
                    with contextlib.suppress(DomainError):
                        name = catalogue.get_product(self.ctx, sku).product.name("pl")
                    ui.label(name).classes("grow text-lg")
                    if unit:
                        ui.label(f"{fmt.money(unit, self.ctx.currency)} each").classes(
                            "text-gray-600"
                        )
                    qty = ui.number("Qty", value=0, min=0, max=most or None, format="%d")
                    qty.classes("w-24").mark(f"return-qty-{sku}")
                    reason = ui.select(reasons, value=codes[0]).classes("w-44")
                    disp = ui.select(DISPOSITIONS, value="restock").classes("w-44")
                    rows.append((sku, qty, reason, disp))

            for sku, most, unit in lines:
                if most:
                    add_row(sku, most, unit)
            if not lines:
                code = ui.input(placeholder="Scan each item coming back").props("outlined")
                code.classes("w-full").mark("return-scan")

                def scanned() -> None:
                    try:
                        found = catalogue.lookup(self.ctx, code.value or "")
                    except DomainError as exc:
                        self.screen.say(exc.detail, error=True)
                        return
                    code.value = ""
                    add_row(found.product.sku, 0, found.product.price)

                code.on("keydown.enter", scanned)
            card = ui.input("Card terminal reference of the refund (if to card)")
            card.props("outlined stack-label").classes("w-full max-w-xl")
            ui.button(
                "Refund",
                icon="currency_exchange",
                on_click=lambda: self._refund(rows, card.value or ""),
            ).props("unelevated color=positive size=lg").mark("return-refund")
            ui.button("Start again", on_click=self.step_find).props("flat")

    async def _refund(self, rows: list[tuple[str, Any, Any, Any]], card_ref: str) -> None:
        assert self.service is not None
        requested = [
            self.requested_type(sku, int(q.value or 0), r.value, d.value)
            for sku, q, r, d in rows
            if int(q.value or 0) > 0
        ]
        if not requested:
            self.screen.say("Choose a quantity for what comes back", error=True)
            return

        def do(approver: tuple[str, str] | None) -> dict[str, Any]:
            return self.service.create_return(
                self.ctx,
                self.screen.actor,
                requested,
                **self.ref,
                approver=approver,
                card_reference=card_ref.strip() or None,
                idempotency_key=self.key,
            )

        try:
            try:
                done = await run.io_bound(do, None)
            except ApprovalRequired as exc:
                approver = await self.screen.approve(exc.detail)
                if approver is None:
                    self.screen.say("Not approved; nothing was refunded", error=True)
                    return
                done = await run.io_bound(do, approver)
        except DomainError as exc:
            self.screen.say(exc.detail, error=True)
            return
        self.key = uuid.uuid4().hex
        self.step_done(done)

    def step_done(self, done: dict[str, Any]) -> None:
        cur = self.ctx.currency
        self.box.clear()
        with self.box:
            ui.label("Return — 3. refund").classes("text-2xl font-bold")
            total = sum(int(ln.get("refund") or 0) for ln in done.get("lines") or [])
            ui.label(f"Refund {fmt.money(total, cur)}").classes("text-4xl font-bold").mark(
                "return-total"
            )
            for t in done.get("tenders") or []:
                ref = f" · {t['reference']}" if t.get("reference") else ""
                label = f"{t['type']}: {fmt.money(int(t['amount']), cur)}{ref}"
                ui.label(label).classes("text-2xl").mark("return-tender")
            ui.label(f"Return {done.get('return_id', '')}").classes("text-gray-600")
            ui.button("Next return", on_click=self.step_find).props("unelevated")
        self.screen.say(f"Refunded {fmt.money(total, cur)}")
