"""An X or Z summary as a cashier reads it: labelled figures per payment type and VAT rate,
counts as counts and amounts in zł, the period in the store's local time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from kiosk_ui import fmt

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen

_COUNTS = ("sales", "returns")


def report_lines(data: dict[str, Any], screen: PosScreen) -> list[tuple[str, str]]:
    """(label, value) rows of a report, in the order a cashier checks them."""
    cur, zone = screen.ctx.currency, screen.ctx.settings.store.timezone
    start = fmt.local_time(data["from"], zone) if data.get("from") else screen.w("since_start")
    end = fmt.local_time(data["to"], zone) if data.get("to") else ""
    rows = [(screen.w("period", start=start, end=end), "")]
    for key in ("sales", "total", "discount"):
        rows.append(_figure(key, data, screen, cur))
    for kind, amount in sorted((data.get("tenders") or {}).items()):
        rows.append((screen.w("rep_tender", kind=screen.w(f"t_{kind}")), fmt.money(amount, cur)))
    for v in data.get("vat") or []:
        gross, tax = fmt.money(v["gross"], cur), fmt.money(v["vat"], cur)
        rows.append((screen.w("rep_vat", rate=v["rate"], gross=gross, vat=tax), ""))
    for key in ("returns", "refunded", "float", "cash_in", "cash_out", "cash", "counted",
                "difference"):  # fmt: skip
        if key in data:
            rows.append(_figure(key, data, screen, cur))
    return rows


def _figure(key: str, data: dict[str, Any], screen: PosScreen, cur: str) -> tuple[str, str]:
    value = int(data.get(key) or 0)
    shown = str(value) if key in _COUNTS else fmt.money(value, cur)
    return screen.w(f"rep_{key}"), shown


def show_report(box: ui.column, data: dict[str, Any], screen: PosScreen) -> None:
    box.clear()
    with box:
        kind = str(data.get("kind", "x"))
        title = {
            "z": screen.w("report_title_z", n=data.get("number", "")),
            "shift": screen.w("report_title_shift"),
        }.get(kind, screen.w("report_title_x"))
        ui.label(title).classes("text-lg font-bold").mark("report-title")
        with ui.grid(columns=2).classes("gap-x-6 gap-y-1 pos-report").mark("report-grid"):
            for label, value in report_lines(data, screen):
                ui.label(label)
                ui.label(value).classes("text-right font-mono")
