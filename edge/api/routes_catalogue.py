"""Catalogue and availability: open to the kiosk, no token needed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from edge.api.catalogue_out import AvailabilityOut, Categories, LookupOut, ProductOut, ProductPage
from edge.api.deps import CtxDep
from edge.api.schemas import availability_out, lookup_out, view_out
from edge.services import availability as availability_service
from edge.services import catalogue

router = APIRouter(tags=["catalogue"])


@router.get("/products", response_model=ProductPage)
def list_products(
    ctx: CtxDep,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """Search by name (Polish or English, diacritics optional), description, SKU or barcode."""
    items = catalogue.search(ctx, q, limit, offset, category)
    return {"items": [view_out(v) for v in items], "limit": limit, "offset": offset}


@router.get("/products/{sku}", response_model=ProductOut)
def get_product(ctx: CtxDep, sku: str) -> dict[str, Any]:
    return view_out(catalogue.get_product(ctx, sku))


@router.get("/categories", response_model=Categories)
def list_categories(ctx: CtxDep) -> dict[str, Any]:
    return {"items": catalogue.categories(ctx)}


@router.get("/lookup/{code}", response_model=LookupOut)
def lookup(ctx: CtxDep, code: str) -> dict[str, Any]:
    """A barcode or GS1 string (or a SKU) → product, price, promotions, stock here and nearby."""
    return lookup_out(catalogue.lookup(ctx, code))


@router.get("/availability/{sku}", response_model=AvailabilityOut)
def availability(ctx: CtxDep, sku: str) -> dict[str, Any]:
    return availability_out(availability_service.availability(ctx, sku))
