"""Order status by the number on the slip. The pickup code is shown for a few seconds only: the
kiosk is a public screen and the next shopper stands right behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from edge.domain.errors import NotFound
from kiosk_ui import orders
from kiosk_ui.i18n import t
from kiosk_ui.kiosk.keyboard import Keyboard

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen

CODE_SECONDS = 15.0


def view(screen: KioskScreen) -> None:
    lang = screen.lang
    with (
        ui.column().classes("w-full items-center gap-4 p-4 kiosk-with-keyboard").mark("status-view")
    ):
        ui.html(f"<h1 class='text-3xl font-bold'>{t('order_status', lang)}</h1>")
        number = ui.input(t("order_no", lang)).props("outlined")
        number.classes("w-full max-w-2xl text-2xl").mark("status-number")
        answer = ui.label("").classes("text-2xl").mark("status-answer")
        answer.props('role="status" aria-live="polite"')
        shown = {"code": ""}

        def hide_code(code: str) -> None:
            if shown["code"] == code and code in answer.text:
                answer.text = answer.text.split(f". {t('pickup_code', lang)}")[0]
                answer.text += ". " + t("code_hidden", lang)

        def check() -> None:
            screen.touch()
            shown["code"] = ""
            try:
                found = orders.status(screen.ctx, (number.value or "").strip())
            except NotFound:
                answer.text = t("status_unknown", lang)
                return
            answer.text = t(f"status_{found.status}", lang)
            if found.reason:
                answer.text += ". " + t(f"refused_{found.reason}", lang)
            if found.pickup_code:
                code = shown["code"] = found.pickup_code
                answer.text += f". {t('pickup_code', lang)}: {code}"
                ui.timer(CODE_SECONDS, lambda: hide_code(code), once=True)

        number.on("keydown.enter", check)
        ui.button(t("check", lang), on_click=check).props("unelevated size=xl color=teal-10").mark(
            "status-check"
        )
    Keyboard(screen, number, t("order_no", lang))
