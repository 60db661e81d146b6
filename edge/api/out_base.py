"""Bases of the response models (the 2xx half of the OpenAPI contract; edge/api/contract.py
documents the problems). A route keeps building its answer as today; its `response_model` says
what the answer holds, field for field, so /openapi.json and the served body agree."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Out(BaseModel):
    """A response body. Unlisted keys still pass (extra="allow"): a model never drops what a
    client is served; the contract test holds the models to listing every key served."""

    model_config = ConfigDict(extra="allow")


class Registered(Out):
    """A body with a `register` key: "register" would shadow BaseModel.register, so the field
    is `register_` with the JSON name "register" (answers are serialised by alias)."""

    register_: str = Field(alias="register")


class Items(Out, Generic[T]):
    items: list[T]


class Status(Out):
    status: str
