"""The shopper's kiosk at /kiosk: attract screen, search with an on-screen keyboard, categories,
product page with stock here and nearby, price check by scan, order for pickup, order status.
Touch-first and large; Polish or English; forgets the shopper after a minute of inactivity."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable
from typing import Any

from nicegui import ui

from edge.domain.errors import DomainError, NotFound
from edge.services import availability, catalogue
from edge.services.catalogue import ProductView
from edge.services.context import Context
from kiosk_ui import fmt, orders, runtime, theme
from kiosk_ui.i18n import UNITS, t

log = logging.getLogger(__name__)

IDLE_SECONDS = 90.0
RESULTS = 12
MIN_SEARCH = 1  # characters before the kiosk searches
_ROWS = {
    "pl": ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "ąćęłńóśźż"),
    "en": ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
}


class Keyboard:
    """An on-screen keyboard typing into whichever field is its target."""

    def __init__(self, screen: KioskScreen, target: Callable[[], ui.input]) -> None:
        with ui.column().classes("items-center gap-1 w-full kiosk-keyboard").mark("keyboard"):
            for row in _ROWS.get(screen.lang, _ROWS["pl"]):
                with ui.row().classes("gap-1 justify-center no-wrap"):
                    for ch in row:
                        ui.button(ch, on_click=lambda c=ch: self.type(c)).props(
                            "unelevated color=white text-color=black"
                        ).classes("kiosk-key").mark(f"key-{ch}")
            with ui.row().classes("gap-1 justify-center no-wrap"):
                for ch in "@.-_":
                    ui.button(ch, on_click=lambda c=ch: self.type(c)).props(
                        "unelevated color=white text-color=black"
                    ).classes("kiosk-key")
                ui.button(t("space", screen.lang), on_click=lambda: self.type(" ")).props(
                    "unelevated color=white text-color=black"
                ).classes("kiosk-key w-64")
                ui.button(icon="backspace", on_click=self.backspace).props(
                    "unelevated color=grey-4 text-color=black"
                ).classes("kiosk-key").mark("key-backspace")
                ui.button(t("clear", screen.lang), on_click=self.clear).props(
                    "unelevated color=grey-4 text-color=black"
                ).classes("kiosk-key")
        self.screen, self.target = screen, target

    def type(self, ch: str) -> None:
        field = self.target()
        field.value = (field.value or "") + ch

    def backspace(self) -> None:
        field = self.target()
        field.value = (field.value or "")[:-1]

    def clear(self) -> None:
        self.target().value = ""


def _image(product_view: ProductView, size: str) -> None:
    p = product_view.product
    initials = "".join(w[0] for w in p.name("pl").split()[:2]).upper()
    with (
        ui.element("div")
        .classes(f"kiosk-img {size} shrink-0")
        .style(f"background: {theme.placeholder_colour(p.category or p.sku)}")
    ):
        ui.label(initials)


class KioskScreen:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.lang = ctx.settings.store.language
        self.last_touch = time.monotonic()
        self.idle_seconds = IDLE_SECONDS
        self.view = "attract"
        self.category: str | None = None
        self.current: ProductView | None = None
        self.shown: tuple[str, ...] = ()  # SKUs on the results grid
        self.scanner = runtime.ScannerFeed()

    def build(self) -> None:
        theme.apply("kiosk")
        self.client = ui.context.client
        self.body = ui.column().classes("w-full gap-0 kiosk").mark("kiosk")
        self.show("attract")
        ui.timer(1.0, self._check_idle)
        self.scanner.start(self.ctx, self.client, "kiosk", self.scanned)

    # ---- navigation ---------------------------------------------------------------------
    def touch(self) -> None:
        self.last_touch = time.monotonic()

    def _check_idle(self) -> None:
        if self.view != "attract" and time.monotonic() - self.last_touch > self.idle_seconds:
            self.reset()

    def reset(self) -> None:
        """Back to the attract screen, forgetting everything the last shopper typed."""
        self.category, self.current = None, None
        self.show("attract")

    def show(self, view: str) -> None:
        self.touch()
        self.view = view
        self.body.clear()
        with self.body:
            if view == "attract":
                self._attract()
                return
            self._top_bar()
            with ui.column().classes("w-full p-4 gap-4"):
                getattr(self, f"_{view}")()

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.show(self.view)

    def _top_bar(self) -> None:
        with ui.row().classes("kiosk-top w-full items-center px-4 py-2 gap-3 no-wrap"):
            ui.button(t("home", self.lang), icon="home", on_click=lambda: self.show("home")).props(
                "flat color=white size=lg"
            ).mark("home")
            ui.label(self.ctx.settings.store.name).classes("text-xl font-bold grow truncate")
            ui.button(
                t("order_status", self.lang),
                icon="receipt_long",
                on_click=lambda: self.show("status"),
            ).props("flat color=white size=lg").mark("status")
            for lang in ("pl", "en"):
                ui.button(lang.upper(), on_click=lambda lg=lang: self.set_lang(lg)).props(
                    f"{'unelevated color=white text-color=teal-9' if lang == self.lang else 'flat color=white'} size=lg"  # noqa: E501
                ).mark(f"lang-{lang}")
        if runtime.node_status(self.ctx).offline:
            ui.label(t("offline", self.lang)).classes("offline-banner m-4 mb-0").mark("offline")

    # ---- views --------------------------------------------------------------------------
    def _attract(self) -> None:
        with (
            ui.column()
            .classes("kiosk-attract w-full items-center justify-center gap-8 p-8 text-center")
            .on("click", lambda: self.show("home"))
            .mark("attract")
        ):
            ui.label(self.ctx.settings.store.name).classes("text-2xl opacity-80")
            ui.html(f"<h1>{t('welcome', self.lang)}</h1>")
            ui.label(t("attract_lines", self.lang)).classes("text-3xl")
            promos = [v for v in catalogue.search(self.ctx, "", limit=100) if v.promotions][:3]
            with ui.row().classes("gap-6 justify-center"):
                for v in promos:
                    with ui.card().classes("kiosk-card items-center p-4 w-64 text-black"):
                        _image(v, "w-40 h-40 text-5xl")
                        ui.label(v.product.name(self.lang)).classes("text-xl font-bold")
                        ui.label(v.promotions[0].label(self.lang)).classes(
                            "text-2xl text-red-700 font-bold"
                        )
            ui.label(t("touch", self.lang)).classes("text-3xl font-bold animate-pulse").mark(
                "touch"
            )

    def _home(self) -> None:
        with ui.row().classes("w-full gap-4 items-start no-wrap kiosk-split"):
            with ui.column().classes("grow gap-3 min-w-0"):
                self.query = (
                    ui.input(placeholder=t("search", self.lang))
                    .props('outlined rounded input-class="text-3xl" clearable')
                    .classes("w-full")
                    .mark("search")
                )
                self.query.on_value_change(lambda e: self._on_search(e.value))
                self.results = ui.element("div").classes("kiosk-grid").mark("results")
                self.shown = ()
                Keyboard(self, lambda: self.query)
            self._categories_panel()
        self._show_results(catalogue.search(self.ctx, "", limit=RESULTS, category=self.category))

    def _categories_panel(self) -> None:
        with ui.column().classes("w-72 gap-2 shrink-0 kiosk-cats"):
            ui.label(t("categories", self.lang)).classes("text-2xl font-bold")
            for cat in [{"id": None, "name_pl": "Wszystkie", "name_en": "All"}, *self._cats()]:
                active = cat["id"] == self.category
                ui.button(
                    cat[f"name_{self.lang}"], on_click=lambda c=cat["id"]: self._pick_category(c)
                ).props(
                    f"{'unelevated' if active else 'outline'} size=lg align=left color=teal-9"
                ).classes("w-full").mark(f"cat-{cat['id'] or 'all'}")

    def _cats(self) -> list[dict[str, Any]]:
        return [c for c in catalogue.categories(self.ctx) if c["id"] != "deposit"]

    def _pick_category(self, category: str | None) -> None:
        self.touch()
        self.category = category
        self.show("home")

    def _on_search(self, text: str | None) -> None:
        """Results while the shopper types. Searched in the event loop on purpose: the query
        takes a few ms even at 100 000 products (bench_ui), less than a hop to a worker thread
        costs under the GIL."""
        self.touch()
        text = (text or "").strip()
        if text.isdigit() and len(text) in (8, 12, 13, 14):
            try:
                found = catalogue.lookup(self.ctx, text)
            except DomainError:
                pass
            else:
                self.open_product(found.product.sku)
                return
        if 0 < len(text) < MIN_SEARCH:
            return
        views = catalogue.search(self.ctx, text, limit=RESULTS, category=self.category)
        self._show_results(views, text)

    def _show_results(self, views: list[ProductView], query: str = "") -> None:
        """Re-renders the cards only when the answer changed ("mlek" → "mleko" usually does
        not); `data-q` tells the page (and the benchmark) which query the grid answers."""
        shown = tuple(v.product.sku for v in views)
        self.results.props(f'data-q="{html.escape(query)}"')
        if shown == self.shown and views:
            return
        self.shown = shown
        self.results.clear()
        with self.results:
            if not views:
                ui.label(t("no_results", self.lang)).classes("text-2xl text-gray-600 p-4")
            for v in views:
                self._card(v)

    def _card(self, v: ProductView) -> None:
        """One result: a single HTML element (not a dozen components), so a keystroke that
        changes all twelve cards stays cheap to build, send and mount."""
        p = v.product
        esc = html.escape
        colour = theme.placeholder_colour(p.category or p.sku)
        initials = esc("".join(w[0] for w in p.name("pl").split()[:2]).upper())
        extra = '<div class="text-gray-600">/ kg</div>' if p.weighed else ""
        if v.promotions:
            extra += (
                f'<div class="text-red-700 font-bold">{esc(v.promotions[0].label(self.lang))}</div>'
            )
        body = (
            '<div class="flex items-center gap-3 no-wrap">'
            f'<div class="kiosk-img w-20 h-20 text-2xl shrink-0" style="background:{colour}">'
            f"{initials}</div>"
            '<div class="min-w-0">'
            f'<div class="text-lg font-bold leading-tight">{esc(p.name(self.lang))}</div>'
            f'<div class="text-2xl font-bold text-teal-800">'
            f"{esc(fmt.money(v.offer.unit_price, p.currency))}</div>{extra}</div></div>"
        )
        ui.html(body, sanitize=False).classes("kiosk-card q-card p-3").on(
            "click", lambda sku=p.sku: self.open_product(sku)
        ).mark(f"product-{p.sku}")

    # ---- product ------------------------------------------------------------------------
    def open_product(self, sku: str) -> None:
        try:
            self.current = catalogue.get_product(self.ctx, sku)
        except DomainError:
            ui.notify(t("scan_unknown", self.lang), type="warning")
            return
        self.show("product")

    def _product(self) -> None:
        v = self.current
        assert v is not None
        p = v.product
        price = v.offer.unit_price
        with ui.row().classes("w-full gap-6 items-start no-wrap kiosk-split").mark("product"):
            _image(v, "w-80 h-80 text-8xl")
            with ui.column().classes("grow gap-3 min-w-0"):
                ui.label(p.name(self.lang)).classes("text-4xl font-bold").mark("product-name")
                desc = p.descriptions.get(self.lang) or p.descriptions.get("pl") or ""
                if desc:
                    ui.label(desc).classes("text-xl text-gray-700")
                with ui.row().classes("items-end gap-4"):
                    ui.label(fmt.money(price, p.currency)).classes("kiosk-price").mark("price")
                    per = "kg" if p.weighed else t("pcs", self.lang)
                    ui.label(f"{t('per', self.lang)} {per} · {t('vat_incl', self.lang)}").classes(
                        "text-xl text-gray-600 pb-3"
                    )
                    if price != p.price:
                        ui.label(fmt.money(p.price, p.currency)).classes(
                            "text-2xl line-through text-gray-500 pb-3"
                        )
                per_unit = fmt.unit_price(p, price)
                if per_unit and not p.weighed:
                    amount, unit = per_unit
                    ui.label(
                        f"{fmt.money(amount, p.currency)} / {unit} ({t('vat_incl', self.lang)})"
                    ).classes("text-xl").mark("unit-price")
                for promo in v.promotions:
                    ui.label(f"{t('promotion', self.lang)}: {promo.label(self.lang)}").classes(
                        "text-2xl font-bold text-red-700"
                    )
                self._stock(p.sku)
                with ui.row().classes("gap-3"):
                    ui.button(
                        t("order_pickup", self.lang),
                        icon="shopping_bag",
                        on_click=lambda: self.show("order"),
                    ).props("unelevated size=xl color=teal-9").mark("order")
                    ui.button(
                        t("back", self.lang), icon="arrow_back", on_click=lambda: self.show("home")
                    ).props("outline size=xl color=teal-9")

    def _stock(self, sku: str) -> None:
        avail = availability.availability(self.ctx, sku)
        now = self.ctx.clock()
        with ui.card().classes("w-full p-4 gap-2").mark("stock"):
            here = avail.here.available
            ui.label(t("stock_here", self.lang)).classes("text-xl font-bold")
            shown = t("in_stock", self.lang, n=here) if here > 0 else t("out_of_stock", self.lang)
            ui.label(f"{shown} · {t('live', self.lang)}").classes(
                "text-2xl " + ("text-green-800" if here > 0 else "text-red-700")
            ).mark("stock-here")
            ui.label(t("stock_nearby", self.lang)).classes("text-xl font-bold mt-2")
            if not avail.nearby:
                ui.label(t("no_nearby", self.lang)).classes("text-gray-600")
            for n in avail.nearby:
                num, unit = fmt.age(n.as_of, now)
                dist = f" · {n.distance_km:.1f} km" if n.distance_km is not None else ""
                count = n.level.available
                state = t("in_stock", self.lang, n=count) if count > 0 else "—"
                with ui.row().classes("w-full justify-between text-lg").mark("nearby"):
                    ui.label(f"{n.name or n.store_id}{dist}")
                    ui.label(
                        f"{state} · {t('as_of', self.lang, n=num, u=UNITS[unit][self.lang])}"
                    ).classes("text-gray-700")

    # ---- order for pickup ---------------------------------------------------------------
    def _order(self) -> None:
        v = self.current
        assert v is not None
        fields: dict[str, ui.input] = {}
        focus = {"at": "name"}
        with ui.row().classes("w-full gap-6 items-start no-wrap kiosk-split").mark("order-form"):
            with ui.column().classes("grow gap-3 min-w-0"):
                ui.label(t("order_pickup", self.lang)).classes("text-3xl font-bold")
                ui.label(v.product.name(self.lang)).classes("text-2xl")
                qty = ui.number(t("qty", self.lang), value=1, min=1, max=99, format="%d")
                qty.props("outlined").classes("text-2xl w-48").mark("order-qty")
                for key in ("name", "phone", "email"):
                    f = ui.input(t(key, self.lang)).props("outlined").classes("w-full text-2xl")
                    f.on("focus", lambda k=key: focus.update(at=k))
                    fields[key] = f.mark(f"order-{key}")
                consent = ui.checkbox(t("consent", self.lang)).classes("text-xl")
                consent.mark("order-consent")
                message = ui.label("").classes("text-xl text-red-700").mark("order-message")

                def submit() -> None:
                    self.touch()
                    values = {k: (f.value or "").strip() for k, f in fields.items()}
                    if not values["name"] or not (values["phone"] or values["email"]):
                        message.text = t("need_contact", self.lang)
                        return
                    if not consent.value:
                        message.text = t("need_contact", self.lang)
                        return
                    self._place(v, int(qty.value or 1), values, message)

                ui.button(t("place_order", self.lang), icon="check", on_click=submit).props(
                    "unelevated size=xl color=teal-9"
                ).mark("place-order")
            with ui.column().classes("gap-2"):
                Keyboard(self, lambda: fields[focus["at"]])

    def _place(self, v: ProductView, qty: int, customer: dict[str, str], message: ui.label) -> None:
        try:
            kiosk = f"ui:{self.client.ip or 'local'}"  # rate limits count per kiosk
            placed = orders.place(self.ctx, [(v.product.sku, qty)], customer, kiosk)
        except orders.Unavailable:
            message.text = t("ordering_unavailable", self.lang)
            return
        except DomainError as exc:
            message.text = exc.detail
            return
        self.placed = placed
        self.show("placed")

    def _placed(self) -> None:
        placed: orders.Placed = self.placed
        with ui.column().classes("w-full items-center gap-4 text-center").mark("placed"):
            ui.icon("check_circle").classes("text-9xl text-green-700")
            ui.label(t("order_queued" if placed.queued else "order_sent", self.lang)).classes(
                "text-2xl max-w-3xl"
            ).mark("placed-text")
            ui.label(f"{t('order_no', self.lang)}: {placed.number}").classes(
                "text-3xl font-bold"
            ).mark("placed-number")
            ui.label(t("code_at_status", self.lang)).classes("text-xl max-w-3xl").mark(
                "placed-code"
            )
            ui.label(
                t("slip_printed" if placed.printed else "slip_not_printed", self.lang)
            ).classes("text-xl")
            ui.button(t("home", self.lang), icon="home", on_click=self.reset).props(
                "unelevated size=xl color=teal-9"
            )

    # ---- order status -------------------------------------------------------------------
    def _status(self) -> None:
        with ui.column().classes("w-full items-center gap-4").mark("status-view"):
            ui.label(t("order_status", self.lang)).classes("text-3xl font-bold")
            number = (
                ui.input(t("order_no", self.lang))
                .props("outlined")
                .classes("w-full max-w-2xl text-2xl")
            )
            number.mark("status-number")
            answer = ui.label("").classes("text-2xl").mark("status-answer")

            def check() -> None:
                self.touch()
                try:
                    found = orders.status(self.ctx, (number.value or "").strip())
                except orders.Unavailable:
                    answer.text = t("status_unavailable", self.lang)
                    return
                except NotFound:
                    answer.text = t("status_unknown", self.lang)
                    return
                answer.text = t(f"status_{found.status}", self.lang)
                if found.reason:
                    answer.text += ". " + t(f"refused_{found.reason}", self.lang)
                if found.pickup_code:
                    answer.text += f". {t('pickup_code', self.lang)}: {found.pickup_code}"

            number.on("keydown.enter", check)
            ui.button(t("check", self.lang), on_click=check).props(
                "unelevated size=xl color=teal-9"
            ).mark("status-check")
            Keyboard(self, lambda: number)

    # ---- price check by scan ------------------------------------------------------------
    def scanned(self, result: dict[str, Any]) -> None:
        """A scan opens the product page (a price check), whatever screen was showing."""
        with self.body:
            if result.get("ok") and result.get("sku"):
                self.open_product(str(result["sku"]))
            elif result.get("ok") and result.get("code"):
                try:
                    found = catalogue.lookup(self.ctx, str(result["code"]))
                except DomainError:
                    ui.notify(t("scan_unknown", self.lang), type="warning")
                else:
                    self.open_product(found.product.sku)
            else:
                ui.notify(t("scan_unknown", self.lang), type="warning")


def kiosk_page() -> None:
    KioskScreen(runtime.context()).build()
