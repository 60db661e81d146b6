"""The shopper's loyalty card: scanned anywhere (or typed here), it shows the points balance and
when it was known, the status of their click & collect orders, and from then on every price on
the kiosk is the member price. No name or number of theirs is shown (a public screen); the idle
reset forgets the card (KioskScreen.reset)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain.errors import DomainError, NotFound
from edge.services import member_card
from edge.services.member_card import MemberCard
from kiosk_ui import fmt
from kiosk_ui.i18n import UNITS, t
from kiosk_ui.kiosk.keyboard import Keyboard

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen


def view(screen: KioskScreen) -> None:
    with ui.column().classes("w-full items-center gap-4 p-4 kiosk-with-keyboard").mark("card"):
        ui.html(f"<h1 class='text-3xl font-bold'>{t('my_card', screen.lang)}</h1>")
        if screen.member is None:
            _ask(screen)
        else:
            _shown(screen, screen.member)


def _ask(screen: KioskScreen) -> None:
    lang = screen.lang
    ui.label(t("card_prompt", lang)).classes("text-2xl")
    number = ui.input(t("card_no", lang)).props('outlined inputmode="none"')
    number.classes("w-full max-w-2xl text-2xl").mark("card-number")
    answer = ui.label("").classes("text-2xl").mark("card-answer")
    answer.props('role="status" aria-live="polite"')

    def check() -> None:
        answer.text = open_card(screen, (number.value or "").strip()) or ""

    number.on("keydown.enter", check)
    ui.button(t("check", lang), on_click=check).props("unelevated size=xl color=teal-10").mark(
        "card-check"
    )
    Keyboard(screen, number, t("card_no", lang))


def open_card(screen: KioskScreen, code: str) -> str | None:
    """Shows the card's balance and orders; else what to tell the shopper."""
    screen.touch()
    try:
        screen.member = member_card.show(screen.ctx, code)
    except NotFound:
        return t("card_unknown", screen.lang)
    except DomainError:  # not a card, or the hub cannot answer and it was not seen here
        return t("card_unavailable", screen.lang)
    screen.show("card")
    return None


def _shown(screen: KioskScreen, card: MemberCard) -> None:
    lang = screen.lang
    with ui.card().classes("w-full max-w-3xl p-6 gap-3").mark("card-balance"):
        ui.label(t("points", lang, n=card.points)).classes("text-4xl font-bold").mark("points")
        if card.live:
            when = t("points_live", lang)
        else:
            n, unit = fmt.age(card.as_of, screen.ctx.clock())
            when = t("as_of", lang, n=n, u=UNITS[unit][lang])
        ui.label(when).classes("text-xl text-gray-800").mark("points-as-of")
        ui.label(t("member_prices", lang)).classes("text-xl text-teal-900")
    with ui.card().classes("w-full max-w-3xl p-6 gap-2").mark("card-orders"):
        ui.html(f"<h2 class='text-2xl font-bold'>{t('your_orders', lang)}</h2>")
        if card.orders is None:
            ui.label(t("orders_unavailable", lang)).classes("text-xl")
        elif not card.orders:
            ui.label(t("no_orders", lang)).classes("text-xl")
        for o in card.orders or ():
            with ui.row().classes("w-full justify-between text-xl").mark("card-order"):
                ui.label(o.order_id)
                ui.label(t(f"status_{o.status}", lang)).classes("font-bold")
    ui.button(t("forget_card", lang), icon="logout", on_click=screen.reset).props(
        "unelevated size=xl color=teal-10"
    ).mark("forget-card")
