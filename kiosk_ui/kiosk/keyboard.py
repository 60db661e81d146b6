"""An on-screen keyboard fixed to the bottom of the screen, typing into one field at a time: the
field is marked and named above the keys. Polish letters whatever the shopper's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

from kiosk_ui.i18n import t

if TYPE_CHECKING:
    from kiosk_ui.kiosk.screen import KioskScreen

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "ąćęłńóśźż")
_KEY = "unelevated color=white text-color=black"


class Keyboard:
    def __init__(self, screen: KioskScreen, field: ui.input, label: str) -> None:
        self.screen = screen
        self.field, self.label = field, label
        with ui.column().classes("items-center gap-1 kiosk-keyboard").mark("keyboard"):
            self.typing = ui.label("").classes("kiosk-typing").mark("typing-into")
            self.typing.props('aria-live="polite"')
            for row in ROWS:
                with ui.row().classes("gap-1 justify-center no-wrap"):
                    for ch in row:
                        self._key(ch, ch).mark(f"key-{ch}")
            with ui.row().classes("gap-1 justify-center no-wrap"):
                for ch in "@.-_":
                    self._key(ch, ch)
                self._key(t("space", screen.lang), " ").classes("w-64")
                erase = t("backspace", screen.lang)
                ui.button(icon="backspace", on_click=self.backspace).props(
                    f'unelevated color=grey-4 text-color=black aria-label="{erase}"'
                ).classes("kiosk-key").mark("key-backspace")
                ui.button(t("clear", screen.lang), on_click=self.clear).props(
                    "unelevated color=grey-4 text-color=black"
                ).classes("kiosk-key")
        self.target(field, label)

    def _key(self, text: str, ch: str) -> ui.button:
        return ui.button(text, on_click=lambda: self.type(ch)).props(_KEY).classes("kiosk-key")

    def target(self, field: ui.input, label: str) -> None:
        """Types into `field` from now on, and shows which one it is."""
        self.field.classes(remove="kiosk-target")
        self.field, self.label = field, label
        field.classes(add="kiosk-target")
        self.typing.text = t("typing_into", self.screen.lang, f=label)

    def follow(self, field: ui.input, label: str) -> ui.input:
        """`field` becomes the target when the shopper touches it."""
        field.on("focus", lambda: self.target(field, label))
        return field

    def type(self, ch: str) -> None:
        self.screen.touch()
        self.field.value = (self.field.value or "") + ch

    def backspace(self) -> None:
        self.screen.touch()
        self.field.value = (self.field.value or "")[:-1]

    def clear(self) -> None:
        self.screen.touch()
        self.field.value = ""
