"""The till's words and times (issue 18): Polish by default, domain errors in a cashier's words
with amounts in zł, and times in the store's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from edge.domain.errors import TenderMismatch, UnknownProduct
from edge.domain.tenders import Tender, settle
from edge.node import load_settings
from kiosk_ui import fmt
from kiosk_ui.pos.messages import cashier_text
from kiosk_ui.pos.words import WORDS


def test_every_till_text_has_polish_and_english() -> None:
    assert all(set(texts) == {"pl", "en"} for texts in WORDS.values())


def test_a_shortfall_reads_as_zloty_not_grosze() -> None:
    with pytest.raises(TenderMismatch) as caught:
        settle(649, [Tender("cash", 500)])
    assert cashier_text(caught.value, "pl") == "Za mało pieniędzy: brakuje 1,49 zł"
    assert "649" not in cashier_text(caught.value, "en")


def test_an_unknown_code_tells_the_cashier_what_to_do() -> None:
    assert cashier_text(UnknownProduct("no product with barcode 1"), "pl").startswith(
        "Nieznany kod"
    )


def test_times_are_shown_in_the_stores_zone() -> None:
    winter = datetime(2026, 11, 29, 7, 5, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert fmt.local_time(winter, "Europe/Warsaw") == "29.11.2026 08:05"
    assert fmt.local_time(summer.isoformat(), "Europe/Warsaw") == "02.07.2026 00:30"


def test_an_unknown_time_zone_is_a_clear_startup_error(tmp_path: object) -> None:
    with pytest.raises(Exception, match="unknown time zone 'Europe/Warszawa'"):
        load_settings(None, {"store": {"timezone": "Europe/Warszawa"}})


def test_a_report_reads_in_local_time_with_counts_as_counts() -> None:
    from types import SimpleNamespace

    from kiosk_ui.pos.report_view import report_lines
    from kiosk_ui.pos.words import w

    settings = load_settings(None, {})
    screen = SimpleNamespace(
        ctx=SimpleNamespace(currency="PLN", settings=settings),
        w=lambda key, **values: w(key, "pl", **values),
    )
    data = {"from": "2026-11-28T21:00:00+00:00", "to": "2026-11-29T07:05:00+00:00",
            "sales": 3, "total": 1500, "discount": 0, "tenders": {"cash": 1500},
            "vat": [{"rate": "C", "gross": 1500, "vat": 111}],
            "returns": 1, "refunded": 549}  # fmt: skip
    rows = dict(report_lines(data, screen))  # type: ignore[arg-type]
    assert "Okres: 28.11.2026 22:00 – 29.11.2026 08:05" in rows
    assert rows["Liczba zwrotów"] == "1" and rows["Liczba paragonów"] == "3"
    assert rows["Płatności: gotówka"] == "15,00 zł"
    assert "VAT C: brutto 15,00 zł, podatek 1,11 zł" in rows


def test_device_states_read_in_polish() -> None:
    from kiosk_ui.pos.status import _device_chips

    chips = _device_chips({"printers": [{"name": "receipt", "status": "online"}]}, "pl")
    assert chips == [("drukarka receipt: gotowa", "", "ok")]
