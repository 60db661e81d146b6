"""An open basket on disk is exactly the basket the till shows, whatever the cashier did to it.

A change writes only the rows it touched (edge.store.baskets_repo.save); these tests run random
sequences of scans, quantity changes, removals, discounts and price overrides against a node on
a real SQLite file and after every step compare the rows on disk with the basket the service
returned."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge.bootstrap import bootstrap
from edge.domain.errors import DomainError
from edge.node import load_settings
from edge.services import auth, baskets
from edge.services.baskets import BasketView
from edge.services.context import Context
from edge.store import baskets_repo

# (operation, which product or line, a number): interpreted against the basket as it is then.
steps = st.lists(
    st.tuples(
        st.sampled_from(["add", "add", "qty", "remove", "discount", "price"]),
        st.integers(0, 7),
        st.integers(1, 5),
    ),
    min_size=1,
    max_size=12,
)


def _rows_on_disk(path: Path, basket_id: str) -> baskets_repo.LineRows:
    # A connection of its own: what another process (or the node after a restart) would read.
    conn = sqlite3.connect(path)
    try:
        return {
            row[1]: tuple(row)
            for row in conn.execute(
                f"SELECT basket_id, {baskets_repo._LINE_COLS} FROM basket_lines"
                " WHERE basket_id = ?",
                [basket_id],
            )
        }
    finally:
        conn.close()


def _apply(
    ctx: Context, actor: auth.Actor, skus: list[str], view: BasketView, step: tuple[str, int, int]
) -> BasketView:
    op, which, n = step
    bid, lines = view.basket.id, view.basket.lines
    if op == "add":
        return baskets.add_line(ctx, bid, sku=skus[which % len(skus)], qty=n)[0]
    if not lines:
        return view
    line_id = lines[which % len(lines)].line_id
    if op == "qty":
        return baskets.set_quantity(ctx, bid, line_id, n)
    if op == "remove":
        return baskets.remove_line(ctx, bid, line_id)
    if op == "discount":
        return baskets.discount_line(ctx, actor, bid, line_id, percent=n * 5)
    return baskets.override_price(ctx, actor, bid, line_id, unit_price=n * 100)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """One node for every example: bootstrapping the demo catalogue per example would dominate
    the run, and each example works on a basket of its own."""
    ctx = bootstrap(load_settings(None, {"data_dir": tmp_path_factory.mktemp("var")}))
    yield ctx
    ctx.db.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_rows_on_disk_equal_the_basket_after_every_change(
    node: Context, steps: list[tuple[str, int, int]]
) -> None:
    actor = auth.login(node, "supervisor", "4321").actor
    with node.db.read() as conn:
        skus = [r[0] for r in conn.execute("SELECT sku FROM products WHERE unit = 'pcs' LIMIT 8")]
    view = baskets.create_basket(node, actor)
    for step in steps:
        try:
            view = _apply(node, actor, skus, view, step)
        except DomainError:
            continue  # refused (e.g. a discount above the line's value): nothing written
        assert _rows_on_disk(node.db.path, view.basket.id) == baskets_repo.line_rows(view.basket)
        assert baskets.get_basket(node, view.basket.id).priced == view.priced
