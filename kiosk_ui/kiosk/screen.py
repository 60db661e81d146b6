"""The kiosk's state and navigation: which screen shows, in which language, who touched it last;
scans (the serial scanner's and a keyboard wedge's) open the product whatever screen shows."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from nicegui import ui

from edge.domain.errors import DomainError
from edge.services import catalogue
from edge.services.catalogue import ProductView
from edge.services.context import Context
from edge.services.member_card import MemberCard, is_card
from kiosk_ui import runtime, theme
from kiosk_ui.i18n import t
from kiosk_ui.kiosk import attract, card, home, order, product, status, style, wedge
from kiosk_ui.orders import Placed

IDLE_SECONDS = 90.0
WARN_SECONDS = 20.0  # before the reset the shopper is asked whether they need more time

# Each screen is a function of the screen's state that builds its elements.
VIEWS: dict[str, Callable[[KioskScreen], None]] = {
    "attract": attract.view,
    "home": home.view,
    "product": product.view,
    "unknown": product.unknown_view,
    "order": order.view,
    "placed": order.placed_view,
    "status": status.view,
    "card": card.view,
}


class KioskScreen:
    def __init__(self, ctx: Context, parts: runtime.UiParts) -> None:
        self.ctx, self.parts = ctx, parts
        self.lang: str = ctx.settings.store.language
        self.last_touch = time.monotonic()
        self.idle_seconds = IDLE_SECONDS
        self.view = "attract"
        self.category: str | None = None
        self.query_text = ""
        self.current: ProductView | None = None
        self.placed: Placed | None = None
        self.big_text = False
        self.member: MemberCard | None = None  # the shopper's loyalty card: member prices
        self.scanner = runtime.ScannerFeed(parts)

    def build(self) -> None:
        theme.apply("kiosk")
        style.apply(self.ctx.settings.store.language)
        ui.add_body_html(wedge.SCRIPT)
        self.client = ui.context.client
        self.body = ui.column().classes("w-full gap-0 kiosk").mark("kiosk")
        self._idle_warning()
        self.show("attract")
        ui.timer(1.0, self._check_idle)
        ui.on(wedge.EVENT, lambda e: self.scanned({"ok": True, "code": str(e.args)}))
        self.scanner.start(self.ctx, self.client, "kiosk", self.scanned)

    # ---- navigation ---------------------------------------------------------------------
    def touch(self) -> None:
        self.last_touch = time.monotonic()

    def _idle_warning(self) -> None:
        """Asks before the reset (WCAG 2.2.1): one touch gives the shopper another period."""
        with ui.dialog().props("persistent") as self.warning, ui.card().classes("p-8 gap-6"):
            self.warning.props('role="alertdialog" aria-modal="true"')
            self.warning_text = ui.label("").classes("text-3xl font-bold").mark("idle-warning")
            self.more_time = ui.button("", on_click=self._more_time).props(
                "unelevated size=xl color=teal-10"
            )

    def _more_time(self) -> None:
        self.touch()
        self.warning.close()

    def _check_idle(self) -> None:
        if self.view == "attract":
            return
        idle = time.monotonic() - self.last_touch
        if idle > self.idle_seconds:
            self.warning.close()
            self.reset()
            return
        warn_from = self.idle_seconds - min(WARN_SECONDS, self.idle_seconds / 2)
        if idle > warn_from and not self.warning.value:
            self.warning_text.text = t("idle_warning", self.lang)
            self.more_time.text = t("idle_more_time", self.lang)
            self.warning.open()

    def reset(self) -> None:
        """Back to the attract screen in the store's language, forgetting everything the last
        shopper typed, chose or ordered, and their loyalty card."""
        self.category, self.current, self.placed, self.query_text = None, None, None, ""
        self.member = None
        self._set_page_lang(self.ctx.settings.store.language)
        self._set_big_text(False)
        self.show("attract")

    def show(self, view: str) -> None:
        self.touch()
        self.view = view
        self.body.clear()
        with self.body:
            if view != "attract":
                self._top_bar()
            VIEWS[view](self)

    def set_lang(self, lang: str) -> None:
        self._set_page_lang(lang)
        self.show(self.view)

    def _set_page_lang(self, lang: str) -> None:
        """The page's `lang` follows the shopper's choice: a screen reader speaks the right
        language."""
        self.lang = lang
        self.client.run_javascript(f"document.documentElement.lang = {json.dumps(lang)}")

    def _set_big_text(self, on: bool) -> None:
        """Larger everything (EN 301 549 5.1.4: the shopper cannot zoom a kiosk's screen)."""
        self.big_text = on
        self.client.run_javascript(
            f"document.documentElement.classList.toggle('kiosk-big', {json.dumps(on)})"
        )

    def _toggle_big_text(self) -> None:
        self._set_big_text(not self.big_text)
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
            ui.button(
                t("my_card", self.lang), icon="loyalty", on_click=lambda: self.show("card")
            ).props("flat color=white size=lg").mark("my-card")
            bigger = t("bigger_text", self.lang)
            ui.button("A+", on_click=self._toggle_big_text).props(
                f'flat color=white size=lg aria-label="{bigger}"'
                f' aria-pressed="{str(self.big_text).lower()}"'
            ).mark("big-text")
            for lang in ("pl", "en"):
                chosen = lang == self.lang
                look = "unelevated color=white text-color=teal-10" if chosen else "flat color=white"
                ui.button(lang.upper(), on_click=lambda lg=lang: self.set_lang(lg)).props(
                    f'{look} size=lg aria-pressed="{str(chosen).lower()}"'
                ).mark(f"lang-{lang}")
        if runtime.node_status(self.ctx, self.parts).offline:
            ui.label(t("offline", self.lang)).classes("offline-banner m-4 mb-0").mark("offline")

    # ---- product and scans --------------------------------------------------------------
    def open_product(self, sku: str) -> None:
        try:
            self.current = catalogue.get_product(self.ctx, sku, self.member is not None)
        except DomainError:
            self.unknown_code()
            return
        self.show("product")

    def unknown_code(self) -> None:
        """A code nobody knows: the whole screen says so; no earlier product stays on it."""
        self.current = None
        self.show("unknown")

    def open_code(self, code: str) -> None:
        if is_card(self.ctx, code):
            if (why := card.open_card(self, code)) is not None:
                self.show("card")
                ui.notify(why, type="warning", position="center")
            return
        try:
            found = catalogue.lookup(self.ctx, code)
        except DomainError:
            self.unknown_code()
        else:
            self.open_product(found.product.sku)

    def scanned(self, result: dict[str, Any]) -> None:
        """A scan opens the product page (a price check), whatever screen was showing."""
        with self.body:
            if result.get("ok") and result.get("sku"):
                self.open_product(str(result["sku"]))
            elif result.get("ok") and result.get("code"):
                self.open_code(str(result["code"]))
            else:
                self.unknown_code()
