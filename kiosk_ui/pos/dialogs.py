"""The till's asking dialogs: a supervisor's approval that names the action and the amount and
lets a wrong PIN be typed again, and a yes/no question before anything that cannot be undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nicegui import run, ui

from edge.domain.errors import AccountLocked, ApprovalRequired, DomainError, Forbidden, Unauthorized
from kiosk_ui.pos.messages import cashier_text
from kiosk_ui.pos.words import w

T = TypeVar("T")
Approver = tuple[str, str]
# What a supervisor may get wrong at the till; any other refusal ends the attempt.
_RETRY = (Unauthorized, Forbidden, AccountLocked, ApprovalRequired)


class NotApproved(Exception):
    """The cashier closed the approval dialog: nothing was changed."""


async def with_approval(
    lang: str, action: str, do: Callable[[Approver | None], T], currency: str = "PLN"
) -> T | None:
    """Runs `do` (a service call taking an approver); when the service asks for a supervisor,
    asks for their name and PIN at this till, naming `action`, until approved or closed.
    Raises NotApproved when closed, the service's DomainError otherwise; None when the node
    is stopping."""
    try:
        return await run.io_bound(do, None)
    except ApprovalRequired:
        pass
    with ui.dialog().props("persistent") as dialog, ui.card().classes("p-6 gap-3 w-[30rem]"):
        dialog.props('aria-label="' + w("approval", lang) + '"')
        ui.label(w("approval", lang)).classes("text-xl font-bold")
        ui.label(action).classes("text-lg font-semibold").mark("approval-action")
        who = ui.input(w("supervisor", lang)).props("outlined autofocus").mark("approver")
        pin = ui.input(w("pin", lang), password=True).props("outlined inputmode=numeric")
        pin.mark("approver-pin")
        error = ui.label("").classes("text-red-800 text-lg").props('role="alert"')
        error.mark("approval-error")
        outcome: dict[str, T | None] = {}

        async def attempt() -> None:
            error.text = ""
            approver = ((who.value or "").strip(), pin.value or "")
            try:
                result = await run.io_bound(do, approver)
            except _RETRY as exc:
                pin.value = ""
                error.text = cashier_text(exc, lang, currency)
                return
            except DomainError as exc:
                dialog.submit(exc)
                return
            outcome["done"] = result
            dialog.submit(True)

        pin.on("keydown.enter", attempt)
        with ui.row().classes("w-full gap-2 no-wrap"):
            ui.button(w("approve", lang), on_click=attempt).props("unelevated no-caps").classes(
                "grow"
            ).mark("approve")
            ui.button(w("cancel", lang), on_click=lambda: dialog.submit(None)).props(
                "outline no-caps"
            ).mark("approval-cancel")
    answer = await dialog
    dialog.delete()
    if isinstance(answer, DomainError):
        raise answer
    if answer is None or "done" not in outcome:
        raise NotApproved
    return outcome["done"]


async def confirm(lang: str, question: str, mark: str) -> bool:
    """Asks before a money action that cannot be undone; says what it will do."""
    with ui.dialog() as dialog, ui.card().classes("p-6 gap-4 w-[32rem]"):
        ui.label(question).classes("text-xl").props('role="alert"').mark(f"{mark}-question")
        with ui.row().classes("w-full gap-2 no-wrap"):
            ui.button(w("confirm", lang), on_click=lambda: dialog.submit(True)).props(
                "unelevated no-caps color=negative"
            ).classes("grow").mark(f"{mark}-yes")
            ui.button(w("go_back", lang), on_click=lambda: dialog.submit(False)).props(
                "outline no-caps autofocus"
            ).classes("grow").mark(f"{mark}-no")
    answer = await dialog
    dialog.delete()
    return answer is True
