"""A product's page (the domain's price for one unit, promotions, stock here and nearby) and the
whole-screen answer to a code nobody knows."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain.catalogue import Product
from edge.services import availability
from edge.services.catalogue import ProductView
from kiosk_ui import fmt, theme
from kiosk_ui.i18n import UNITS, t

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen


def kilograms(grams: int) -> str:
    """'20 kg', '1,5 kg', '0,25 kg': how a shopper reads a weight."""
    return f"{grams / 1000:.3f}".rstrip("0").rstrip(".").replace(".", ",") + " kg"


def amount(product: Product, qty: int) -> str:
    """A quantity of `product` as a shopper reads it: pieces, or kilograms (kept in grams)."""
    return kilograms(qty) if product.weighed else str(qty)


def name_html(product: Product, lang: str) -> str:
    """The product's name as HTML in the shopper's language; a name only in Polish on another
    language's screen is marked Polish, so a screen reader reads it as Polish (WCAG 3.1.2)."""
    name = html.escape(product.name(lang))
    return name if lang in product.names else f'<span lang="pl">{name}</span>'


def image(product: Product, size: str) -> None:
    initials = "".join(w[0] for w in product.name("pl").split()[:2]).upper()
    with (
        ui.element("div")
        .classes(f"kiosk-img {size} shrink-0")
        .style(f"background: {theme.placeholder_colour(product.category or product.sku)}")
        .props('aria-hidden="true"')
    ):
        ui.label(initials)


def view(screen: KioskScreen) -> None:
    v = screen.current
    assert v is not None
    p, lang = v.product, screen.lang
    with ui.row().classes("w-full gap-6 items-start no-wrap kiosk-split p-4").mark("product"):
        image(p, "w-80 h-80 text-8xl")
        with ui.column().classes("grow gap-3 min-w-0"):
            ui.html(f"<h1 class='text-4xl font-bold'>{name_html(p, lang)}</h1>").mark(
                "product-name"
            )
            desc = p.descriptions.get(lang) or p.descriptions.get("pl") or ""
            if desc:
                ui.label(desc).classes("text-xl text-gray-800")
            _price(v, lang, screen.member is not None)
            _stock(screen, p)
            with ui.row().classes("gap-3"):
                ui.button(
                    t("order_pickup", lang),
                    icon="shopping_bag",
                    on_click=lambda: screen.show("order"),
                ).props("unelevated size=xl color=teal-10").mark("order")
                ui.button(
                    t("back", lang), icon="arrow_back", on_click=lambda: screen.show("home")
                ).props("outline size=xl color=teal-10")


def _price(v: ProductView, lang: str, member: bool) -> None:
    """The domain's offer, as the till will charge it (a `member`'s with their card); the shelf
    price struck through beside it when a promotion makes it lower; without a card, what the
    card would make it."""
    p, price = v.product, v.offer.unit_price
    with ui.row().classes("items-end gap-4"):
        ui.label(fmt.money(price, p.currency)).classes("kiosk-price").mark("price")
        per = "kg" if p.weighed else t("pcs", lang)
        ui.label(f"{t('per', lang)} {per} · {t('vat_incl', lang)}").classes(
            "text-xl text-gray-800 pb-3"
        )
        if v.offer.promotion_id is not None:
            ui.label(fmt.money(p.price, p.currency)).classes(
                "text-2xl line-through text-gray-700 pb-3"
            )
    per_unit = fmt.unit_price(p, price)
    if per_unit and not p.weighed:
        unit_amount, unit = per_unit
        ui.label(f"{fmt.money(unit_amount, p.currency)} / {unit} ({t('vat_incl', lang)})").classes(
            "text-xl"
        ).mark("unit-price")
    if member and any(pr.members_only and pr.id == v.offer.promotion_id for pr in v.promotions):
        ui.label(t("your_member_price", lang)).classes("text-2xl font-bold text-teal-900").mark(
            "member-price"
        )
    if v.member_offer is not None:
        ui.label(
            t("member_price", lang, price=fmt.money(v.member_offer.unit_price, p.currency))
        ).classes("text-2xl font-bold text-teal-900").mark("member-price")
    for promo in v.promotions:
        if promo.members_only:  # said by the member price above
            continue
        ui.label(f"{t('promotion', lang)}: {promo.label(lang)}").classes(
            "text-2xl font-bold text-red-800"
        )


def _stock(screen: KioskScreen, p: Product) -> None:
    lang = screen.lang
    avail = availability.availability(screen.ctx, p.sku)
    now = screen.ctx.clock()
    with ui.card().classes("w-full p-4 gap-2").mark("stock"):
        here = avail.here.available
        ui.label(t("stock_here", lang)).classes("text-xl font-bold")
        shown = t("in_stock", lang, n=amount(p, here)) if here > 0 else t("out_of_stock", lang)
        ui.label(f"{shown} · {t('live', lang)}").classes(
            "text-2xl " + ("text-green-900" if here > 0 else "text-red-800")
        ).mark("stock-here")
        ui.label(t("stock_nearby", lang)).classes("text-xl font-bold mt-2")
        if not avail.nearby:
            ui.label(t("no_nearby", lang)).classes("text-gray-800")
        for n in avail.nearby:
            num, unit = fmt.age(n.as_of, now)
            dist = f" · {n.distance_km:.1f} km" if n.distance_km is not None else ""
            count = n.level.available
            state = t("in_stock", lang, n=amount(p, count)) if count > 0 else "—"
            with ui.row().classes("w-full justify-between text-lg").mark("nearby"):
                ui.label(f"{n.name or n.store_id}{dist}")
                ui.label(f"{state} · {t('as_of', lang, n=num, u=UNITS[unit][lang])}").classes(
                    "text-gray-800"
                )


def unknown_view(screen: KioskScreen) -> None:
    lang = screen.lang
    with (
        ui.column()
        .classes("w-full items-center justify-center gap-6 p-8 text-center kiosk-unknown")
        .props('role="alert"')
        .mark("unknown")
    ):
        ui.icon("help_outline").classes("text-9xl text-amber-800").props('aria-hidden="true"')
        ui.html(f"<h1 class='text-5xl font-bold'>{html.escape(t('unknown_code_title', lang))}</h1>")
        ui.label(t("unknown_code_help", lang)).classes("text-3xl max-w-3xl")
        ui.button(
            t("search_again", lang), icon="search", on_click=lambda: screen.show("home")
        ).props("unelevated size=xl color=teal-10").mark("search-again")
