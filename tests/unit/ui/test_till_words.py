"""The till's words and times (issue 18): Polish by default, domain errors in a cashier's words
with amounts in zł, and times in the store's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from edge.config import load_settings
from edge.domain.errors import TenderMismatch, UnknownProduct
from edge.domain.tenders import Tender, settle
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
