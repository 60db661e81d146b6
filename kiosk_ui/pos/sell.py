"""The sell screen's layout: the scan field, the basket, the total and the action buttons, and
how the basket and the last sale are shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from kiosk_ui import fmt

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen

# Keys the sell screen answers to. Only keys with no browser default that matters at a till
# (F1/F3/F5/F6/F7/F10/F11/F12 open help, search, reload... in Chromium).
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Enter", "key_enter"),
    ("↑ ↓", "key_arrows"),
    ("F2", "key_f2"),
    ("F4", "key_f4"),
    ("F8 / Del", "key_f8"),
    ("F9", "key_f9"),
    ("Esc", "key_esc"),
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


def message_line() -> ui.label:
    """Where the till answers the cashier; read out by a screen reader as it changes."""
    return (
        ui.label("")
        .classes("pos-message")
        .props('role="status" aria-live="polite"')
        .mark("message")
    )


def _columns(screen: PosScreen) -> list[dict[str, str]]:
    cols = (("no", "#", "left"), ("name", "col_item", "left"), ("qty", "col_qty", "right"),
            ("price", "col_price", "right"), ("disc", "col_discount", "right"),
            ("total", "col_total", "right"))  # fmt: skip
    return [
        {"name": n, "label": screen.w(k) if k != "#" else k, "field": n, "align": a}
        for n, k, a in cols
    ]


def _scan_row(screen: PosScreen) -> None:
    with ui.row().classes("w-full items-center gap-3 no-wrap"):
        ui.icon("qr_code_scanner").classes("text-4xl text-primary").props('aria-hidden="true"')
        screen.scan = (
            ui.element("input")
            .props(f'placeholder="{screen.w("scan_here")}" autofocus')
            .props(f'aria-label="{screen.w("scan_field")}"')
            .props('autocomplete="off" spellcheck="false" data-testid="scan"')
            .classes("pos-scan grow")
            .mark("scan")
        )
        screen.scan.on("keydown", screen._on_key, js_handler=_SCAN_KEYS_JS)
        screen.scan.on("blur", js_handler=_REFOCUS_JS)


def _side(screen: PosScreen) -> None:
    with ui.column().classes("w-80 gap-3 pos-side"):
        with ui.card().classes("w-full pos-total"):
            ui.label(screen.w("to_pay")).classes("text-sm tracking-widest pos-total-label")
            screen.total = ui.label(fmt.money(0, screen.ctx.currency)).classes("text-5xl font-bold")
            screen.total.props('aria-live="polite"').mark("total")
            screen.counts = ui.label(screen.w("lines", n=0))
        ui.button(screen.w("pay"), icon="payments", on_click=screen.open_tender).props(
            "unelevated size=xl no-caps"
        ).classes("w-full pos-pay").mark("pay")
        with ui.row().classes("w-full gap-2 no-wrap"):
            ui.button(screen.w("qty_key"), on_click=screen.open_qty).props(
                "outline no-caps"
            ).classes("grow").mark("qty-button")
            ui.button(screen.w("discount_key"), on_click=screen.open_discount).props(
                "outline no-caps"
            ).classes("grow").mark("discount-button")
            ui.button(screen.w("remove_key"), on_click=screen.remove_selected).props(
                "outline no-caps color=negative"
            ).classes("grow").mark("remove")
        ui.button(
            screen.w("cancel_basket"), icon="delete_sweep", on_click=screen.cancel_basket
        ).props("flat no-caps color=negative").classes("w-full").mark("cancel-basket")
        screen.last = ui.column().classes("w-full gap-1 pos-last").mark("last-sale")
        ui.space()
        with ui.row().classes("w-full items-center justify-between"):
            who = screen.actor.display_name or screen.actor.username
            ui.label(f"{who} · {screen.w('role_' + screen.actor.role.value)}")
            ui.button(screen.w("log_out"), icon="logout", on_click=screen.logout).props(
                "flat no-caps"
            ).mark("logout")


def build(screen: PosScreen) -> None:
    with ui.row().classes("w-full items-stretch gap-4 no-wrap pos-sell"):
        with ui.column().classes("grow gap-3"):
            _scan_row(screen)
            screen.message = message_line()
            if screen.resumable is not None and screen.view is None:
                _resume_offer(screen)
            screen.table = (
                ui.table(columns=_columns(screen), rows=[], row_key="id")
                .props("flat bordered dense virtual-scroll")
                .props(f'no-data-label="{screen.w("basket_empty")}"')
                .style("max-height: 62vh")
                .classes("w-full pos-basket")
                .mark("basket")
            )
            screen.table.on("rowClick", screen._on_row_click)
            with ui.row().classes("gap-2 text-sm pos-keys"):
                for key, what in SHORTCUTS:
                    with ui.row().classes("items-center gap-1"):
                        ui.html(f"<kbd>{key}</kbd>")
                        ui.label(screen.w(what))
        _side(screen)
    show_basket(screen)
    show_last_sale(screen)


def _resume_offer(screen: PosScreen) -> None:
    found = screen.resumable
    assert found is not None
    total = fmt.money(found.priced.total, screen.ctx.currency)
    with ui.row().classes("w-full items-center gap-3 pos-resume").mark("resume-offer"):
        ui.label(screen.w("resume_offer", lines=len(found.basket.lines), total=total))
        ui.button(screen.w("resume_basket"), icon="restore", on_click=screen.resume_basket).props(
            "unelevated no-caps"
        ).mark("resume-basket")


def rows(screen: PosScreen) -> list[dict[str, Any]]:
    if screen.view is None:
        return []
    cur = screen.ctx.currency
    found = []
    for i, p in enumerate(screen.view.priced.lines, start=1):
        ln = p.line
        price = ln.price_override if ln.price_override is not None else ln.unit_price
        promo = f"  ({p.promotion.label(screen.lang)})" if p.promotion else ""
        found.append(
            {
                "id": ln.line_id,
                "no": i,
                "name": ln.name + promo,
                "qty": fmt.qty_text(ln.qty, ln.unit),
                "price": fmt.money(price, cur) + ("/kg" if ln.unit == "kg" else ""),
                "disc": fmt.money(-p.discount, cur) if p.discount else "",
                "total": fmt.money(p.total, cur),
            }
        )
    return found


def show_basket(screen: PosScreen) -> None:
    shown = rows(screen)
    ids = [r["id"] for r in shown]
    if screen.selected not in ids:
        screen.selected = ids[-1] if ids else None
    screen.table.rows = shown
    screen.table.selected = [r for r in shown if r["id"] == screen.selected]
    screen.table.update()
    total = screen.view.priced.total if screen.view else 0
    screen.total.text = fmt.money(total, screen.ctx.currency)
    screen.counts.text = screen.w("lines", n=len(shown))


def show_last_sale(screen: PosScreen) -> None:
    screen.last.clear()
    sale = screen.last_sale
    if not sale:
        return
    with screen.last:
        ui.label(screen.w("last_sale", receipt=sale["receipt_no"])).classes("font-bold")
        ui.label(screen.w("total_is", amount=sale["total"]))
        if sale["change"]:
            ui.label(screen.w("change_is", amount=sale["change"])).classes(
                "text-3xl font-bold pos-change"
            ).mark("change")
