"""The edge's migration set holds every migration its domain modules declare (edge/store/schema/),
under the number and name databases in the field have recorded, in the order they apply."""

from __future__ import annotations

import pytest

from edge.store.migrations import MigrationSet
from edge.store.schema import edge_migrations

RECORDED = {
    1: "catalogue",
    2: "stock_ledger",
    3: "selling",
    4: "outbox",
    5: "staff",
    6: "pickups",
    7: "returns",
    8: "search_prefix_index",
    9: "cash_movements",
    10: "approvals",
    11: "order_terms",
    12: "kiosk_requests",
    13: "login_throttle",
    20: "search_folds_every_letter",
    21: "product_name_key",
    25: "shifts",
    26: "z_reports_in_core",
    40: "stock_documents",
    50: "loyalty_rules",
    51: "customers",
    52: "redemptions",
    53: "member_prices",
}


def test_every_recorded_migration_is_in_the_set_under_its_name() -> None:
    assert {m.number: m.name for m in edge_migrations.migrations} == RECORDED


def test_they_apply_in_number_order() -> None:
    numbers = [m.number for m in edge_migrations.migrations]
    assert numbers == sorted(RECORDED)


def test_a_number_declared_in_two_modules_is_refused() -> None:
    first, second = MigrationSet("edge"), MigrationSet("edge")
    first(1, "one")(lambda db: None)
    second(1, "again")(lambda db: None)
    with pytest.raises(ValueError, match="defined twice"):
        MigrationSet("edge").include(first, second)


def test_another_components_migrations_cannot_join() -> None:
    with pytest.raises(ValueError, match="cannot join"):
        MigrationSet("edge").include(MigrationSet("devices"))
