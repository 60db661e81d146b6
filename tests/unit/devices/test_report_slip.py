"""Issue 18: the printed X/Z report gives its period in the store's local time and the number
of returns as a count."""

from __future__ import annotations

from devices.layout import StoreHeader, Text
from devices.slips import report

STORE = StoreHeader("Sklep", "Rynek 1", "NIP 1", "Europe/Warsaw")


def test_the_report_period_is_printed_in_local_time() -> None:
    data = {"kind": "z", "number": 3, "register": "01", "from": "2026-11-28T21:00:00+00:00",
            "to": "2026-11-29T07:05:00+00:00", "sales": 2, "returns": 1, "total": 1098}  # fmt: skip
    lines = [e.text for e in report(data, STORE, 42) if isinstance(e, Text)]
    assert any(ln.startswith("Od") and ln.endswith("2026-11-28 22:00") for ln in lines)
    assert any(ln.startswith("Do") and ln.endswith("2026-11-29 08:05") for ln in lines)
    assert any(ln.startswith("Zwroty") and ln.endswith(" 1") for ln in lines)
