"""The till's status bar says when sales go to an emulator rather than a fiscal device."""

from __future__ import annotations

from kiosk_ui.pos.status import _device_chips


def test_the_emulator_is_named_on_the_status_bar() -> None:
    fiscal = {"emulator": True, "status": "ready", "detail": "ready", "pending": 0}
    chips = _device_chips({"printers": [], "fiscal": fiscal}, "en")
    assert ("fiscal: EMULATOR · ready", "ready", "ok") in chips


def test_a_device_that_is_down_with_sales_waiting_is_bad() -> None:
    fiscal = {"emulator": False, "status": "unavailable", "detail": "out of paper", "pending": 1}
    chips = _device_chips({"fiscal": fiscal}, "en")
    assert ("fiscal: unavailable (1 sale waiting)", "out of paper", "bad") in chips
