"""What the till's stock screens share: a scan field whose codes, typed or from the register's
handheld scanner, all go to the screen's `add`."""

from __future__ import annotations

from typing import Any

from nicegui import ui


class ScanInput:
    scan: Any

    def scan_field(self, placeholder: str, marker: str) -> Any:
        self.scan = (
            ui.input(placeholder=placeholder)
            .props("outlined autofocus clearable")
            .classes("w-full text-xl")
            .mark(marker)
        )
        self.scan.on("keydown.enter", self._scan_entered)
        return self.scan

    async def scanned(self, code: str) -> None:
        """A scanner read a code while this screen is open."""
        self.add(code)

    def _scan_entered(self) -> None:
        self.add(self.scan.value or "")
        self.scan.value = ""

    def add(self, code: str) -> None:
        raise NotImplementedError
