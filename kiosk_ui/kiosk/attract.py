"""The attract screen: what the kiosk does, and every promotion active now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from edge.services import catalogue
from kiosk_ui import fmt
from kiosk_ui.i18n import t
from kiosk_ui.kiosk.product import image

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen


def view(screen: KioskScreen) -> None:
    lang = screen.lang
    with (
        ui.column()
        .classes("kiosk-attract w-full items-center justify-center gap-8 p-8 text-center")
        .on("click", lambda: screen.show("home"))
        .mark("attract")
    ):
        ui.label(screen.ctx.settings.store.name).classes("text-2xl")
        ui.html(f"<h1>{t('welcome', lang)}</h1>")
        ui.label(t("attract_lines", lang)).classes("text-3xl")
        promoted = catalogue.promoted(screen.ctx)
        if promoted:
            ui.html(f"<h2 class='text-3xl font-bold'>{t('promotions_now', lang)}</h2>")
        with ui.element("div").classes("kiosk-promos").mark("promotions"):
            for v in promoted:
                with (
                    ui.card()
                    .classes("kiosk-card items-center p-4 text-black")
                    .mark(f"promo-{v.product.sku}")
                ):
                    image(v.product, "w-32 h-32 text-5xl")
                    ui.label(v.product.name(lang)).classes("text-xl font-bold")
                    ui.label(fmt.money(v.offer.unit_price, v.product.currency)).classes(
                        "text-2xl font-bold text-teal-900"
                    )
                    ui.label(v.promotions[0].label(lang)).classes("text-xl text-red-800 font-bold")
                    if v.member_offer is not None:
                        price = fmt.money(v.member_offer.unit_price, v.product.currency)
                        ui.label(t("member_price", lang, price=price)).classes(
                            "text-xl text-teal-900 font-bold"
                        )
        # No handler of its own: its click (a touch, or Enter from a keyboard) reaches the
        # screen's, which starts the kiosk.
        ui.button(t("touch", lang)).props(
            "unelevated size=xl color=white text-color=teal-10"
        ).classes("text-3xl font-bold").mark("touch")
