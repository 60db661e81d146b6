"""The till's login card: username and PIN, in the store's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import run, ui

from edge.domain.errors import DomainError
from edge.services import auth

if TYPE_CHECKING:
    from kiosk_ui.pos.screen import PosScreen


def login_card(screen: PosScreen) -> None:
    store = screen.ctx.settings.store
    with ui.card().classes("pos-login mx-auto mt-12 p-8 gap-4 w-[28rem]"):
        ui.label(screen.w("till_login")).classes("text-3xl font-bold").props(
            'role="heading" aria-level="1"'
        )
        ui.label(screen.w("store_register", store=store.name, register=screen._register()))
        user = ui.input(screen.w("username")).props("outlined autofocus").classes("w-full text-xl")
        user.mark("username")
        pin = ui.input(screen.w("pin"), password=True).props("outlined inputmode=numeric")
        pin.classes("w-full text-xl").mark("pin")
        message = ui.label(screen.login_message).classes("text-red-800 text-lg")
        message.props('role="alert"').mark("login-error")

        async def submit() -> None:
            message.text = ""
            try:
                session = await run.io_bound(
                    auth.login,
                    screen.ctx,
                    (user.value or "").strip(),
                    pin.value or "",
                    address=screen.client.ip or None,  # PIN limits count per device too
                )
            except DomainError as exc:
                pin.value = ""
                message.text = screen.error(exc)
                return
            if session is None:  # the node is stopping
                return
            await screen.logged_in(session)

        pin.on("keydown.enter", submit)
        user.on("keydown.enter", lambda: pin.run_method("focus"))
        ui.button(screen.w("log_in"), on_click=submit).props("unelevated size=lg no-caps").classes(
            "w-full"
        ).mark("login")
