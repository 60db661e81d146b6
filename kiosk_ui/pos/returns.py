"""The till's returns wizard: 1 find the purchase (receipt number, order number, the signed QR
on the receipt, or no receipt), 2 choose what comes back with a reason and where it goes,
3 refund to the original tender after the cashier confirms what it does (a supervisor approves
when the rules say so). Calls the returns services."""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.domain.errors import DomainError
from edge.domain.returns import Requested
from edge.services import catalogue, returns
from kiosk_ui import fmt
from kiosk_ui.pos.dialogs import confirm

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen

DISPOSITIONS = ("restock", "damaged", "inspection")


class ReturnsPanel:
    def __init__(self, screen: PosScreen) -> None:
        self.screen, self.ctx, self.w = screen, screen.ctx, screen.w
        self.service: Any = returns
        self.requested_type: Any = Requested
        self.ref: dict[str, str | None] = {}
        self.original: Any = None
        self.key = uuid.uuid4().hex  # one return attempt: a retry cannot refund twice
        self.box = ui.column().classes("w-full gap-3").mark("returns")
        self.step_find()

    def _say_error(self, exc: BaseException) -> None:
        self.screen.say(self.screen.error(exc), error=True)

    def step_find(self) -> None:
        self.box.clear()
        with self.box:
            ui.label(self.w("return_step1")).classes("text-2xl font-bold")
            ref = (
                ui.input(self.w("return_ref"))
                .props("outlined autofocus clearable")
                .classes("w-full text-xl")
                .mark("return-ref")
            )
            ref.on("keydown.enter", lambda: self._find(ref.value or ""))
            with ui.row().classes("gap-2"):
                ui.button(
                    self.w("find"), icon="search", on_click=lambda: self._find(ref.value or "")
                ).props("unelevated no-caps").mark("return-find")
                ui.button(self.w("no_receipt"), on_click=self._no_receipt).props(
                    "outline no-caps"
                ).mark("return-no-receipt")

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

    async def _lookup(self, ref: dict[str, str | None]) -> Any:
        from edge.inline import inline

        assert self.service is not None
        return await inline(self.service.lookup_purchase, self.ctx, **ref)

    async def _find(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        self.ref = self._kind(text)
        try:
            original = await self._lookup(self.ref)
        except DomainError as exc:
            if "receipt_no" not in self.ref:
                self._say_error(exc)
                return
            self.ref = {"order_id": text}  # maybe an online order number with a dash
            try:
                original = await self._lookup(self.ref)
            except DomainError:
                self._say_error(exc)
                return
        self.original = original
        where = self.w("from_qr") if original.offline else self.w(f"kind_{original.kind}")
        self.step_lines(f"{original.ref} ({where})", list(original.lines))

    def _no_receipt(self) -> None:
        self.ref, self.original = {}, None
        self.step_lines(self.w("no_receipt_title"), [])

    def step_lines(self, title: str, lines: list[Any]) -> None:
        """lines: the purchase's sold lines; none without a receipt (items are scanned)."""
        codes = list(self.ctx.settings.returns.reason_codes)
        reasons = {c: self.w(f"r_{c}") if f"r_{c}" != self.w(f"r_{c}") else c for c in codes}
        places = {d: self.w(f"disp_{d}") for d in DISPOSITIONS}
        self.box.clear()
        rows: list[tuple[str, Any, Any, Any]] = []
        with self.box:
            ui.label(self.w("return_step2", title=title)).classes("text-2xl font-bold")
            grid = ui.column().classes("w-full gap-1")

            def add_row(sku: str, unit: int, bought: int) -> None:
                with grid, ui.row().classes("w-full items-center gap-3 no-wrap"):
                    name = sku
                    with contextlib.suppress(DomainError):
                        name = catalogue.get_product(self.ctx, sku).product.name("pl")
                    ui.label(name).classes("grow text-lg")
                    if unit:
                        each = self.w("each", amount=fmt.money(unit, self.ctx.currency), n=bought)
                        ui.label(each)
                    # No maximum here: a quantity above what was bought is refused with the
                    # domain's reason, not silently cut to it.
                    qty = ui.number(self.w("col_qty"), value=0, min=0, format="%d")
                    qty.classes("w-24").mark(f"return-qty-{sku}")
                    reason = ui.select(reasons, value=codes[0], label=self.w("reason"))
                    reason.classes("w-48")
                    disp = ui.select(places, value="restock", label=self.w("disposition"))
                    disp.classes("w-48")
                    rows.append((sku, qty, reason, disp))

            for ln in lines:
                if ln.returnable:
                    add_row(ln.sku, ln.refund_for(1), ln.returnable)
            if not lines:
                self._scan_field(add_row)
            card = ui.input(self.w("refund_card_ref"))
            card.props("outlined stack-label").classes("w-full max-w-xl").mark("return-card")
            ui.button(
                self.w("refund"),
                icon="currency_exchange",
                on_click=lambda: self._refund(rows, card.value or ""),
            ).props("unelevated size=lg no-caps").classes("pos-pay").mark("return-refund")
            ui.button(self.w("start_again"), on_click=self.step_find).props("flat no-caps")

    def _scan_field(self, add_row: Any) -> None:
        code = ui.input(self.w("return_scan")).props("outlined").classes("w-full")
        code.mark("return-scan")

        def scanned() -> None:
            try:
                found = catalogue.lookup(self.ctx, code.value or "")
            except DomainError as exc:
                self._say_error(exc)
                return
            code.value = ""
            add_row(found.product.sku, 0, 0)

        code.on("keydown.enter", scanned)

    def _question(self, wanted: list[tuple[str, int]]) -> str:
        count = sum(q for _, q in wanted)
        if self.original is None:
            return self.w("refund_q_today", n=count)
        sold = [(self.original.line(sku), qty) for sku, qty in wanted]
        if not all(ln is not None and qty <= ln.returnable for ln, qty in sold):
            return self.w("refund_q_count", n=count)  # the service will say what is too many
        amount = sum(ln.refund_for(qty) for ln, qty in sold if ln is not None)
        return self.w("refund_q", amount=fmt.money(amount, self.ctx.currency), n=count)

    async def _refund(self, rows: list[tuple[str, Any, Any, Any]], card_ref: str) -> None:
        assert self.service is not None
        wanted = [(sku, int(q.value or 0)) for sku, q, _, _ in rows if int(q.value or 0) > 0]
        if not wanted:
            self.screen.say(self.w("choose_qty"), error=True)
            return
        if not await confirm(self.screen.lang, self._question(wanted), "refund"):
            return
        requested = [
            self.requested_type(sku, int(q.value), r.value, d.value)
            for sku, q, r, d in rows
            if int(q.value or 0) > 0
        ]
        service, actor = self.service, self.screen.actor

        def do(approver: tuple[str, str] | None) -> dict[str, Any]:
            done: dict[str, Any] = service.create_return(
                self.ctx, actor, requested, **self.ref, approver=approver,
                card_reference=card_ref.strip() or None, idempotency_key=self.key,
            )  # fmt: skip
            return done

        action = self._question(wanted).split("?")[0]
        ok, done = await self.screen.approved(action, do)
        if not ok:
            return
        self.key = uuid.uuid4().hex
        self.step_done(done)

    def step_done(self, done: dict[str, Any]) -> None:
        cur = self.ctx.currency
        self.box.clear()
        with self.box:
            ui.label(self.w("return_step3")).classes("text-2xl font-bold")
            total = sum(int(ln.get("refund") or 0) for ln in done.get("lines") or [])
            ui.label(self.w("refund_of", amount=fmt.money(total, cur))).classes(
                "text-4xl font-bold"
            ).mark("return-total")
            for t in done.get("tenders") or []:
                ref = f" · {t['reference']}" if t.get("reference") else ""
                kind = self.w(f"t_{t['type']}")
                label = f"{kind}: {fmt.money(int(t['amount']), cur)}{ref}"
                ui.label(label).classes("text-2xl").mark("return-tender")
            ui.label(self.w("return_id", id=done.get("return_id", "")))
            ui.button(self.w("next_return"), on_click=self.step_find).props("unelevated no-caps")
        self.screen.say(self.w("refunded", amount=fmt.money(total, cur)))
