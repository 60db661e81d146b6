"""Domain errors. Each carries a stable machine-readable code; adapters map codes to HTTP status,
MQTT dead-letter reasons or on-screen messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken by the request; nothing was changed."""

    code = "domain-error"
    status = 422  # the HTTP adapter's default mapping

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    code = "not-found"
    status = 404


class InvalidBarcode(DomainError):
    code = "invalid-barcode"


class UnknownProduct(NotFound):
    code = "unknown-product"


class BasketClosed(DomainError):
    code = "basket-closed"
    status = 409


class EmptyBasket(DomainError):
    code = "empty-basket"
    status = 409


class TenderMismatch(DomainError):
    code = "tender-mismatch"


class ApprovalRequired(DomainError):
    code = "approval-required"
    status = 403


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class AccountLocked(DomainError):
    code = "account-locked"
    status = 423


class Conflict(DomainError):
    code = "conflict"
    status = 409


class InvalidInput(DomainError):
    code = "invalid-input"
