"""Ordering for pickup: quantity by + and − (kilograms for weighed goods), contact details on the
on-screen keyboard, consent; then a summary of what, where and until when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain import ordering
from edge.domain.errors import DomainError
from edge.domain.ordering import OrderRefused
from edge.services.catalogue import ProductView
from kiosk_ui import orders
from kiosk_ui.i18n import t
from kiosk_ui.kiosk.keyboard import Keyboard
from kiosk_ui.kiosk.product import amount

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen

WEIGHED_STEP = 500  # grams: + and − change a weighed line by half a kilogram


class Quantity:
    """How much to order, changed by + and −: pieces, or grams shown as kilograms."""

    def __init__(self, screen: KioskScreen, v: ProductView) -> None:
        self.product = v.product
        self.step = WEIGHED_STEP if v.product.weighed else 1
        self.value = 2 * self.step if v.product.weighed else 1
        self.cap = ordering.line_cap(v.product.unit)
        lang = screen.lang
        unit = "" if v.product.weighed else f" {t('pcs', lang)}"
        with ui.row().classes("items-center gap-3").mark("order-qty"):
            ui.label(t("qty", lang)).classes("text-2xl")
            ui.button(icon="remove", on_click=lambda: self.change(-1)).props(
                f'unelevated size=xl color=teal-10 aria-label="{t("less", lang)}"'
            ).mark("qty-less")
            self.shown = (
                ui.label("").classes("text-3xl font-bold min-w-32 text-center").mark("qty-value")
            )
            self.shown.props('aria-live="polite"')
            ui.button(icon="add", on_click=lambda: self.change(+1)).props(
                f'unelevated size=xl color=teal-10 aria-label="{t("more_qty", lang)}"'
            ).mark("qty-more")
        self.unit = unit
        self.screen = screen
        self._show()

    def change(self, sign: int) -> None:
        self.screen.touch()
        self.value = min(self.cap, max(self.step, self.value + sign * self.step))
        self._show()

    def _show(self) -> None:
        self.shown.text = amount(self.product, self.value) + self.unit


def view(screen: KioskScreen) -> None:
    v = screen.current
    assert v is not None
    lang = screen.lang
    fields: dict[str, ui.input] = {}
    with ui.column().classes("w-full gap-3 p-4 kiosk-with-keyboard").mark("order-form"):
        ui.html(f"<h1 class='text-3xl font-bold'>{t('order_pickup', lang)}</h1>")
        ui.label(v.product.name(lang)).classes("text-2xl")
        qty = Quantity(screen, v)
        for key in ("name", "phone", "email"):
            fields[key] = ui.input(t(key, lang)).props("outlined").classes("w-full text-2xl")
            fields[key].mark(f"order-{key}")
        consent = ui.checkbox(t("consent", lang)).classes("text-xl").mark("order-consent")
        consent.props(f'aria-label="{t("consent", lang)}"')
        message = ui.label("").classes("text-xl text-red-800 font-bold").mark("order-message")
        message.props('role="alert" aria-live="assertive"')

        def submit() -> None:
            screen.touch()
            customer = {k: (f.value or "").strip() for k, f in fields.items()}
            customer = {k: val for k, val in customer.items() if val}
            _place(screen, v, qty.value, customer, bool(consent.value), message)

        ui.button(t("place_order", lang), icon="check", on_click=submit).props(
            "unelevated size=xl color=teal-10"
        ).mark("place-order")
    keyboard = Keyboard(screen, fields["name"], t("name", lang))
    for key, field in fields.items():
        keyboard.follow(field, t(key, lang))


def _place(
    screen: KioskScreen,
    v: ProductView,
    qty: int,
    customer: dict[str, str],
    consent: bool,
    message: ui.label,
) -> None:
    lang = screen.lang
    try:
        kiosk = f"ui:{screen.client.ip or 'local'}"  # rate limits count per kiosk
        placed = orders.place(
            screen.ctx, screen.parts, [(v.product.sku, qty)], customer, consent, kiosk
        )
    except OrderRefused as exc:
        reason = ordering.reason_of(exc)
        known = reason in ("contact", "consent")
        message.text = t("need_contact", lang) if known else t(f"refused_{reason}", lang)
        return
    except DomainError as exc:
        message.text = f"{t('ordering_unavailable', lang)} ({exc.detail})"
        return
    screen.placed = placed
    screen.show("placed")


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d.%m.%Y, %H:%M") if moment else "—"


def placed_view(screen: KioskScreen) -> None:
    placed, v, lang = screen.placed, screen.current, screen.lang
    assert placed is not None and v is not None
    with ui.column().classes("w-full items-center gap-4 text-center p-4").mark("placed"):
        ui.icon("check_circle").classes("text-9xl text-green-800").props('aria-hidden="true"')
        ui.label(t("order_queued" if placed.queued else "order_sent", lang)).classes(
            "text-2xl max-w-3xl"
        ).mark("placed-text")
        ui.label(f"{t('order_no', lang)}: {placed.number}").classes("text-3xl font-bold").mark(
            "placed-number"
        )
        with ui.card().classes("text-left p-6 gap-2 max-w-3xl w-full").mark("placed-summary"):
            ui.label(t("summary", lang)).classes("text-2xl font-bold")
            unit = "" if v.product.weighed else f" {t('pcs', lang)}"
            what = f"{v.product.name(lang)} × {amount(v.product, placed.lines[0][1])}{unit}"
            ui.label(t("summary_what", lang, what=what)).classes("text-xl")
            ui.label(t("summary_where", lang, where=screen.ctx.settings.store.name)).classes(
                "text-xl"
            )
            ui.label(t("summary_until", lang, until=_when(placed.collect_by))).classes("text-xl")
        ui.label(t("code_at_status", lang)).classes("text-xl max-w-3xl").mark("placed-code")
        ui.label(t("slip_printed" if placed.printed else "slip_not_printed", lang)).classes(
            "text-xl"
        )
        ui.button(t("home", lang), icon="home", on_click=screen.reset).props(
            "unelevated size=xl color=teal-10"
        )
