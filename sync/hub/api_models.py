"""Response models of the hub's API (the 2xx half of its OpenAPI contract; the problems are
edge/api/contract.py's). Routes build their answers as before; these say what they hold."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from edge.api.out_base import Out

Minor = int  # an amount in minor units (grosze)


class Imported(Out):
    imported: int


class CatalogueImported(Imported):
    version: int = Field(description="the catalogue version published to the stores")
    promotions: int
    ended_promotions: int
    loyalty_rules: int


class SignedFor(Out):
    kind: str
    ref: str
    store_id: str | None
    at: str


class Signed(Out):
    """An answer that sets money at a store, signed with the hub's key for the asking store."""

    signed_for: SignedFor
    signature: str


class OrderLineOut(Out):
    sku: str
    qty: int
    unit: str
    unit_price: Minor
    promotion: str | None
    total: Minor


class OrderLineState(OrderLineOut):
    reserved: int
    collected: int
    short: int
    returned: int


class OrderMade(Out):
    order_id: str
    store_id: str
    lines: list[OrderLineOut]
    total: Minor
    currency: str
    customer: dict[str, Any]
    prepaid: bool
    pickup_code_hash: str
    created_at: str
    expires_at: str
    confirmation: dict[str, Any] = Field(description="the signed proof of purchase (payload)")
    status: str
    pickup_code: str = Field(description="in this answer only")


class OrderOut(Out):
    order_id: str
    request_id: str | None
    status: str
    store_id: str
    currency: str
    total: Minor
    prepaid: bool
    shelf: str | None
    receipt_no: str | None
    reason: str
    created_at: str
    updated_at: str
    lines: list[OrderLineState]


class SignedOrder(OrderOut, Signed):
    pass


class StoreLevel(Out):
    store_id: str
    on_hand: int
    reserved: int
    available: int
    as_of: str


class HubAvailability(Out):
    sku: str
    stores: list[StoreLevel]


class ReceiptLine(Out):
    line_no: int
    sku: str
    qty: int
    unit_price: Minor
    total: Minor
    vat: str
    returned: int


class SignedReceipt(Signed):
    receipt_no: str
    store_id: str
    at: str
    currency: str
    total: Minor
    lines: list[ReceiptLine]
    tenders: list[Any]


class HubReturn(Out):
    return_id: str
    store_id: str
    at: str
    original_kind: str
    original_ref: str | None
    offline: bool
    flagged: bool
    flag_reason: str | None


class Consents(Out):
    marketing: bool
    history: bool


class CustomerOut(Out):
    customer_id: str
    card: str | None
    phone: str | None
    name: str
    email: str | None
    consents: Consents
    points: int
    overdraft: int = Field(description="points spent beyond the balance (offline redemptions)")


class SignedCustomer(CustomerOut, Signed):
    pass


class CustomerHistory(Signed):
    customer_id: str
    history_shown: bool = Field(description="false: the customer did not consent to it")
    items: list[dict[str, Any]] = Field(
        description="newest first; `kind` sale, order, return or points says what else it holds"
    )
    next_offset: int | None


class CustomerOrder(Out):
    order_id: str
    store_id: str
    status: str
    total: Minor
    currency: str
    updated_at: str
    created_at: str


class Erased(Out):
    customer_id: str
    erased_at: str
    stores: list[str] = Field(description="the stores told to erase the customer too")


class Redeemed(Signed):
    redemption_id: str
    customer_id: str
    points: int
    balance: int


class DeliveryLine(Out):
    sku: str
    announced: int
    received: int
    difference: int


class HubDelivery(Out):
    delivery_id: str
    store_id: str
    reference: str
    announced: bool = Field(description="false: received without an announcement")
    status: str
    created_at: str
    updated_at: str
    lines: list[DeliveryLine]


class TransferLine(Out):
    sku: str
    sent: int
    received: int
    in_transit: int
    difference: int


class TransferReceipt(Out):
    store_id: str
    at: str


class HubTransfer(Out):
    transfer_id: str
    from_store: str
    to_store: str | None
    sent_at: str | None
    status: str = Field(description="in_transit, received or arrived_unsent")
    lines: list[TransferLine]
    receipts: list[TransferReceipt]
    flags: list[str] = Field(description="why it needs someone's attention (empty: it does not)")


class FeedItem(Out):
    cursor: int
    store_id: str
    seq: int
    type: str
    at: str
    applied_at: str
    data: dict[str, Any] = Field(description="the document as the store wrote it")


class Feed(Out):
    items: list[FeedItem]
    next: int = Field(description="`after` for the next page")


class OrderChange(Out):
    cursor: int
    order_id: str
    store_id: str
    status: str
    at: str
    customer_id: str | None


class OrderChanges(Out):
    items: list[OrderChange] = Field(description="oldest first")
    next: int = Field(description="`changed_after` for the next page")
