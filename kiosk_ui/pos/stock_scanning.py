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


class ScanTally(ScanInput):
    """Codes scanned so far, one piece per scan, shown under the scan field (`tally_column`);
    the service resolves each code when the document is booked."""

    codes: dict[str, int]
    tally: Any

    def tally_column(self, marker: str) -> None:
        self.codes = {}
        self.tally = ui.column().classes("w-full gap-1").mark(marker)

    def add(self, code: str) -> None:
        code = code.strip()
        if code:
            self.codes[code] = self.codes.get(code, 0) + 1
            self.show_tally()

    def clear_tally(self) -> None:
        self.codes = {}
        self.show_tally()

    def show_tally(self) -> None:
        self.tally.clear()
        with self.tally:
            for code, qty in self.codes.items():
                ui.label(f"{code} × {qty}").classes("text-lg")
