"""Domain errors. Each carries a stable machine-readable code and knows nothing of transports:
the HTTP adapter (edge/api/problems.py) maps each kind to a status, the sync agent to a
dead-letter reason, the UI to an on-screen message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken by the request; nothing was changed."""

    code = "domain-error"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    code = "not-found"


class InvalidBarcode(DomainError):
    code = "invalid-barcode"


class UnknownProduct(NotFound):
    code = "unknown-product"


class BasketClosed(DomainError):
    code = "basket-closed"


class EmptyBasket(DomainError):
    code = "empty-basket"


class TenderMismatch(DomainError):
    code = "tender-mismatch"


class ApprovalRequired(DomainError):
    code = "approval-required"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class AccountLocked(DomainError):
    code = "account-locked"


class Conflict(DomainError):
    code = "conflict"


class InvalidInput(DomainError):
    code = "invalid-input"


class Unavailable(DomainError):
    """Something the use case needs (the hub, a fiscal device) cannot answer now; nothing was
    changed and the same request may succeed later."""

    code = "unavailable"


class RateLimited(DomainError):
    """Too many requests of this kind from one source in a short time."""

    code = "rate-limited"


class FiscalDeviceUnavailable(Unavailable):
    """The fiscal device cannot register a sale now (off, busy, out of paper): the sale may not
    be made (VAT Act art. 111(3)); the basket stays open."""

    code = "fiscal-device-unavailable"


class FiscalReceiptPending(Conflict):
    """An earlier sale is not yet registered on the fiscal device: no next sale until it is."""

    code = "fiscal-receipt-pending"
