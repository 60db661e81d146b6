"""Placeholder."""

from nicegui import ui


def kiosk_page() -> None:
    ui.label("kiosk")
