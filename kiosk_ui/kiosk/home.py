"""Search and browse: the search field over the results grid, categories beside (below on a
portrait screen), the keyboard at the bottom. Results come a page at a time, each page reached
by "show more", so every match and every product of a category can be seen."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from nicegui import ui

from edge.domain.errors import DomainError
from edge.services import catalogue
from edge.services.catalogue import ProductView
from kiosk_ui import fmt, theme
from kiosk_ui.i18n import t
from kiosk_ui.kiosk.keyboard import Keyboard
from kiosk_ui.kiosk.product import name_html

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen

RESULTS = 12  # a page of results
MIN_SEARCH = 1  # characters before the kiosk searches
BARCODE_LENGTHS = (8, 12, 13, 14)


class Results:
    """The results grid of one query: its pages so far and whether there are more."""

    def __init__(self, screen: KioskScreen) -> None:
        self.screen = screen
        self.shown: tuple[str, ...] = ()
        self.grid = ui.element("div").classes("kiosk-grid").mark("results")
        self.grid.props('aria-live="polite"')
        self.more = (
            ui.button(t("show_more", screen.lang), icon="expand_more", on_click=self.next_page)
            .props("outline size=xl color=teal-10")
            .classes("self-center")
            .mark("more")
        )

    def _page(self, offset: int) -> list[ProductView]:
        s = self.screen
        member = s.member is not None
        return catalogue.search(s.ctx, s.query_text, RESULTS + 1, offset, s.category, member)

    def first_page(self) -> None:
        """Re-renders the cards only when the answer changed ("mlek" -> "mleko" usually does
        not); `data-q` and `data-category` tell the page (and the benchmark) which query and
        category the grid answers."""
        views = self._page(0)
        has_more, views = len(views) > RESULTS, views[:RESULTS]
        self.more.set_visibility(has_more)
        shown = tuple(v.product.sku for v in views)
        self.grid.props(f'data-q="{html.escape(self.screen.query_text)}"')
        self.grid.props(f'data-category="{html.escape(self.screen.category or "")}"')
        if shown == self.shown and views:
            return
        self.shown = shown
        self.grid.clear()
        with self.grid:
            if not views:
                ui.label(t("no_results", self.screen.lang)).classes("text-2xl text-gray-800 p-4")
            for v in views:
                card(self.screen, v)

    def next_page(self) -> None:
        self.screen.touch()
        views = self._page(len(self.shown))
        self.more.set_visibility(len(views) > RESULTS)
        views = views[:RESULTS]
        self.shown += tuple(v.product.sku for v in views)
        with self.grid:
            for v in views:
                card(self.screen, v)


def view(screen: KioskScreen) -> None:
    lang = screen.lang
    with ui.row().classes("w-full gap-4 items-start no-wrap kiosk-split p-4 kiosk-with-keyboard"):
        with ui.column().classes("grow gap-3 min-w-0"):
            query = (
                ui.input(t("search_label", lang), placeholder=t("search", lang))
                .props('outlined rounded input-class="text-3xl kiosk-search-input" clearable')
                .classes("w-full")
                .mark("search")
            )
            query.value = screen.query_text
            results = Results(screen)
            query.on_value_change(lambda e: _on_search(screen, results, e.value))
            query.on("keydown.enter", lambda: _on_enter(screen, query.value))
        _categories_panel(screen)
    Keyboard(screen, query, t("search_label", lang))
    results.first_page()


def _on_search(screen: KioskScreen, results: Results, text: str | None) -> None:
    """Results while the shopper types. Searched in the event loop on purpose: the query
    takes a few ms even at 100 000 products (bench_ui), less than a hop to a worker thread
    costs under the GIL."""
    screen.touch()
    text = (text or "").strip()
    if text.isdigit() and len(text) in BARCODE_LENGTHS:
        try:
            found = catalogue.lookup(screen.ctx, text)
        except DomainError:  # a code still being typed: keep searching
            pass
        else:
            screen.open_product(found.product.sku)
            return
    if 0 < len(text) < MIN_SEARCH:
        return
    screen.query_text = text
    results.first_page()


def _on_enter(screen: KioskScreen, text: str | None) -> None:
    """Enter after a code (a wedge scanner ends every scan so): the product or 'unknown'."""
    text = (text or "").strip()
    if text.isdigit() and len(text) >= BARCODE_LENGTHS[0]:
        screen.open_code(text)


def _categories_panel(screen: KioskScreen) -> None:
    lang = screen.lang
    with ui.column().classes("w-72 gap-2 shrink-0 kiosk-cats"):
        ui.label(t("categories", lang)).classes("text-2xl font-bold")
        cats: list[dict[str, Any]] = [
            {"id": None, "name_pl": "Wszystkie", "name_en": "All"},
            *(c for c in catalogue.categories(screen.ctx) if c["id"] != "deposit"),
        ]
        for cat in cats:
            active = cat["id"] == screen.category
            ui.button(
                cat[f"name_{lang}"], on_click=lambda c=cat["id"]: _pick_category(screen, c)
            ).props(
                f"{'unelevated' if active else 'outline'} size=lg align=left color=teal-10"
                f' aria-pressed="{str(active).lower()}"'
            ).classes("w-full").mark(f"cat-{cat['id'] or 'all'}")


def _pick_category(screen: KioskScreen, category: str | None) -> None:
    screen.category = category
    screen.show("home")


def card(screen: KioskScreen, v: ProductView) -> None:
    """One result: a single HTML element (not a dozen components), so a keystroke that
    changes all twelve cards stays cheap to build, send and mount. A button to a keyboard and
    a screen reader: focusable, named, opened by Enter or Space."""
    p, lang, esc = v.product, screen.lang, html.escape
    price = fmt.money(v.offer.unit_price, p.currency)
    colour = theme.placeholder_colour(p.category or p.sku)
    initials = esc("".join(w[0] for w in p.name("pl").split()[:2]).upper())
    extra = '<div class="text-gray-800">/ kg</div>' if p.weighed else ""
    if v.promotions:
        extra += f'<div class="text-red-800 font-bold">{esc(v.promotions[0].label(lang))}</div>'
    body = (
        '<div class="flex items-center gap-3 no-wrap">'
        f'<div class="kiosk-img w-20 h-20 text-2xl shrink-0" style="background:{colour}"'
        f' aria-hidden="true">{initials}</div>'
        '<div class="min-w-0">'
        f'<div class="text-lg font-bold leading-tight">{name_html(p, lang)}</div>'
        f'<div class="text-2xl font-bold text-teal-900">{esc(price)}</div>{extra}</div></div>'
    )
    name = esc(t("product_card", lang, name=p.name(lang), price=price), quote=True)
    open_it = lambda sku=p.sku: screen.open_product(sku)  # noqa: E731
    ui.html(body, sanitize=False).classes("kiosk-card q-card p-3").props(
        f'tabindex="0" role="button" aria-label="{name}"'
    ).on("click", open_it).on("keydown.enter", open_it).on("keydown.space.prevent", open_it).mark(
        f"product-{p.sku}"
    )
