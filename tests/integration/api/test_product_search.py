"""One search for the kiosk and the API: every Polish letter folded in the index and in the query,
every result reachable page by page, exact and prefix matches first (issue 18)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from edge.domain.catalogue import Product
from edge.domain.text import fold
from edge.domain.vat import VatRate
from edge.services import catalogue
from edge.services.context import Context
from edge.store import catalogue_repo, product_search


def names(client: TestClient, q: str, **params: Any) -> list[str]:
    r = client.get("/api/v1/products", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return [item["names"]["pl"] for item in r.json()["items"]]


def test_fold_takes_every_polish_letter_to_its_base_in_both_cases() -> None:
    assert fold("ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ") == "acelnoszz acelnoszz"
    assert fold("Masło") == fold("MASLO") == "maslo"


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("zolty ser", "Ser żółty gouda plastry 150 g"),
        ("maslo", "Masło ekstra 82% 200 g"),
        ("MASŁO", "Masło ekstra 82% 200 g"),
        ("jablka", "Jabłka Szampion"),
        ("slodycze", "Czekolada mleczna 100 g"),  # the category's name finds its products
        ("nabial", "Masło ekstra 82% 200 g"),
    ],
)
def test_shoppers_words_without_polish_letters_find_the_products(
    client: TestClient, typed: str, found: str
) -> None:
    every = [n for page in range(0, 100, 20) for n in names(client, typed, offset=page, limit=20)]
    assert found in every


def test_the_api_finds_maslo(client: TestClient) -> None:
    assert names(client, "maslo")[0].startswith("Masło")


def test_every_letter_folds_in_the_index(ctx: Context) -> None:
    odd = Product("ODD-1", {"pl": "Żółć gęślą jaźń Łódź"}, 100, VatRate.A)
    with ctx.db.transaction() as conn:
        catalogue_repo.upsert(conn, [odd], ctx.clock())
    for typed in ("zolc gesla jazn lodz", "ŻÓŁĆ GĘŚLĄ JAŹŃ ŁÓDŹ", "zółć gęśla jazń łodz"):
        assert [v.product.sku for v in catalogue.search(ctx, typed)] == ["ODD-1"], typed


def test_a_category_pages_through_all_its_products(client: TestClient) -> None:
    seen: list[str] = []
    for offset in range(0, 200, 12):
        r = client.get(
            "/api/v1/products", params={"category": "dairy", "limit": 12, "offset": offset}
        )
        seen += [i["sku"] for i in r.json()["items"]]
    assert len(seen) == len(set(seen)) == 60
    assert {"Mleko 2% 1 l", "Masło ekstra 82% 200 g", "Ser żółty gouda plastry 150 g"} <= {
        v.product.name("pl")
        for v in catalogue.search(client.app.state.ctx, "", 100, 0, "dairy")  # type: ignore[attr-defined]
    }


def test_a_broad_query_pages_past_the_ranked_window(ctx: Context) -> None:
    many = [
        Product(f"MANY-{i:04d}", {"pl": f"Mąka pszenna {i}"}, 100, VatRate.C)
        for i in range(product_search.RANK_LIMIT + 50)
    ]
    with ctx.db.transaction() as conn:
        catalogue_repo.upsert(conn, many, ctx.clock())
    seen: list[str] = []
    offset = 0
    while page := catalogue.search(ctx, "maka", limit=100, offset=offset):
        seen += [v.product.sku for v in page]
        offset += 100
    assert len(seen) == len(set(seen)) >= len(many)
    assert catalogue.search(ctx, "maka", category="dairy") == []  # broad, none in the category


def test_exact_then_prefix_matches_come_first(ctx: Context) -> None:
    products = [
        Product("R-1", {"pl": "Sok jabłka jabłka jabłka"}, 100, VatRate.C),
        Product("R-2", {"pl": "Jabłka suszone plastry"}, 100, VatRate.C),
        Product("R-3", {"pl": "Jabłka"}, 100, VatRate.C),
        Product("R-4", {"pl": "Chipsy z jabłka"}, 100, VatRate.C),
    ]
    with ctx.db.transaction() as conn:
        catalogue_repo.upsert(conn, products, ctx.clock())
    found = [v.product.sku for v in catalogue.search(ctx, "jablka", limit=50)]
    assert found[0] == "R-3"
    assert found.index("R-2") < found.index("R-1")
    assert found.index("R-2") < found.index("R-4")


def test_an_exact_name_comes_first_even_among_hundreds_of_matches(ctx: Context) -> None:
    """A broad query (more matches than are ranked by relevance) still puts the product named
    exactly as typed first, wherever it sits in the catalogue; paging still sees every match."""
    many = [
        Product(f"KEF-{i:04d}", {"pl": f"Kefir owocowy smak {i}"}, 100, VatRate.C)
        for i in range(product_search.RANK_LIMIT + 40)
    ]
    exact = Product("KEF-PLAIN", {"pl": "Kefir"}, 100, VatRate.C)
    with ctx.db.transaction() as conn:
        catalogue_repo.upsert(conn, [*many, exact], ctx.clock())  # the exact one written last
    assert catalogue.search(ctx, "kefir", limit=5)[0].product.sku == "KEF-PLAIN"
    seen: list[str] = []
    offset = 0
    while page := catalogue.search(ctx, "kefir", limit=100, offset=offset):
        seen += [v.product.sku for v in page]
        offset += 100
    assert len(seen) == len(set(seen)) == len(many) + 1
