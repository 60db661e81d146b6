"""Domain errors know no transport; the HTTP adapter maps each kind to one status."""

from __future__ import annotations

import inspect

import pytest

from edge.api.problems import status_of
from edge.domain import errors
from edge.domain.basket import Basket
from edge.domain.catalogue import Product
from edge.domain.errors import BasketClosed, DomainError, EmptyBasket
from edge.domain.vat import VatRate


def _domain_error_classes() -> list[type[DomainError]]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, DomainError)]


@pytest.mark.parametrize("kind", _domain_error_classes(), ids=lambda c: c.__name__)
def test_a_domain_error_carries_no_http_status(kind: type[DomainError]) -> None:
    assert "status" not in vars(kind), f"{kind.__name__} knows an HTTP status"


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (errors.InvalidInput, 422),
        (errors.NotFound, 404),
        (errors.UnknownProduct, 404),
        (errors.Unauthorized, 401),
        (errors.Forbidden, 403),
        (errors.ApprovalRequired, 403),
        (errors.BasketClosed, 409),
        (errors.Conflict, 409),
        (errors.AccountLocked, 423),
        (errors.RateLimited, 429),
        (errors.Unavailable, 503),
    ],
)
def test_each_kind_maps_to_its_status(kind: type[DomainError], status: int) -> None:
    assert status_of(kind("x")) == status


def test_a_new_kind_takes_its_nearest_ancestors_status() -> None:
    class ShelfMissing(errors.NotFound):
        code = "shelf-missing"

    assert status_of(ShelfMissing("no shelf")) == 404


def _product() -> Product:
    return Product("SKU-1", {"pl": "Mleko"}, 399, VatRate.B)


def test_a_basket_is_checked_out_and_cancelled_by_its_own_transitions() -> None:
    empty = Basket("b1", "01")
    with pytest.raises(EmptyBasket):
        empty.check_out()
    paid = Basket("b2", "01")
    paid.add(_product())
    paid.check_out()
    assert paid.status == "checked_out"
    with pytest.raises(BasketClosed, match="already paid"):
        paid.cancel()
    cancelled = Basket("b3", "01")
    cancelled.cancel()
    with pytest.raises(BasketClosed, match="cancelled"):
        cancelled.add(_product())
