"""Customers at the hub, the CRM's copy: imports (CSV or JSON Lines, all or nothing), a
customer with their points (the sum of their ledger, edge/domain/loyalty.py), their history in
every channel (sales at any store, online orders, returns, points; newest first) and orders.

History shown to staff honours the customer's `history` consent: without it only the points
are listed, never what was bought."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edge.catalogue_files import Rows, detect_format, with_rows
from edge.domain import loyalty
from edge.domain.customers import Consents, card_key, phone_key
from edge.domain.errors import Conflict, InvalidInput, NotFound
from edge.domain.loyalty import Entry
from edge.file_fields import PlainRecord, error_text
from sync.hub import commands
from sync.hub.context import HubContext
from sync.hub.store import customers as customers_repo
from sync.hub.store import loyalty as loyalty_repo
from sync.hub.store.port import Tx

HEADER = frozenset({"customer_id"})
MAX_PAGE = 200


class ConsentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    marketing: bool = False
    history: bool = False


class CustomerRecord(PlainRecord):
    """One customer row; a CSV names the consents as `marketing` and `history` columns."""

    customer_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    card: str | None = Field(None, max_length=32)
    phone: str | None = Field(None, max_length=32)
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    consents: ConsentsIn = ConsentsIn()


def _record(raw: dict[str, Any], where: str, prefix: str) -> CustomerRecord:
    if "consents" not in raw and ({"marketing", "history"} & raw.keys()):
        raw = {**raw, "consents": {k: raw[k] for k in ("marketing", "history") if k in raw}}
    try:
        rec = CustomerRecord.model_validate(raw)
        card = card_key(rec.card, prefix) if rec.card else None
        phone = phone_key(rec.phone) if rec.phone else None
    except ValidationError as exc:
        raise InvalidInput(f"{where}: {error_text(exc)}") from None
    except InvalidInput as exc:
        raise InvalidInput(f"{where}: {exc.detail}") from None
    if rec.email and "@" not in rec.email:
        raise InvalidInput(f"{where}: email: {rec.email!r} is not an e-mail address")
    return rec.model_copy(update={"card": card, "phone": phone})


def _records(rows: Rows, prefix: str) -> list[tuple[int, CustomerRecord]]:
    """Every row validated; a customer id, card or phone twice in the file is refused."""
    records: list[tuple[int, CustomerRecord]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, raw in rows:
        rec = _record(raw, f"line {line}", prefix)
        for column, value in (("customer_id", rec.customer_id), ("card", rec.card),
                              ("phone", rec.phone)):  # fmt: skip
            if value is None:
                continue
            if (column, value) in seen:
                where = seen[(column, value)]
                raise InvalidInput(f"line {line}: {column} {value} is also on line {where}")
            seen[(column, value)] = line
        records.append((line, rec))
    return records


def import_customers(ctx: HubContext, data: bytes, filename: str = "") -> dict[str, int]:
    """Validates every row, then stores them all in one transaction (or none: InvalidInput
    names the line). A customer already known is updated; an erased one stays erased."""
    if not data:
        raise InvalidInput("empty body: send the CSV or JSON Lines file of customers")
    prefix = ctx.settings.loyalty.card_prefix
    fmt = detect_format(filename, data[:64])
    records = with_rows(
        data, fmt, lambda rows: _records(rows, prefix), header=HEADER, what="customer"
    )
    if not records:
        raise InvalidInput("the customer file holds no customers")
    now = datetime.now(UTC).isoformat()
    with ctx.storage.transaction() as tx:
        gone = customers_repo.erased(tx, [r.customer_id for _, r in records])
        for column in ("card", "phone"):
            values = [v for _, r in records if (v := getattr(r, column))]
            held = customers_repo.holders(tx, column, values)
            for line, rec in records:
                owner = held.get(getattr(rec, column) or "")
                if owner is not None and owner != rec.customer_id:
                    raise InvalidInput(f"line {line}: {column} is held by customer {owner}")
        for line, rec in records:
            if rec.customer_id in gone:
                raise InvalidInput(f"line {line}: customer {rec.customer_id} was erased")
        customers_repo.upsert(
            tx,
            [
                (r.customer_id, r.card, r.phone, r.name, r.email, int(r.consents.marketing),
                 int(r.consents.history), now)
                for _, r in records
            ],
        )  # fmt: skip
    return {"imported": len(records)}


def view(tx: Tx, row: Any) -> dict[str, Any]:
    return {
        "customer_id": row["customer_id"],
        "card": row["card"],
        "phone": row["phone"],
        "name": row["name"],
        "email": row["email"],
        "consents": Consents(bool(row["marketing"]), bool(row["history"])).as_dict(),
        "points": (points := loyalty_repo.balance(tx, row["customer_id"])),
        "overdraft": max(0, -points),
    }


def _known(tx: Tx, customer_id: str) -> Any:
    row = customers_repo.get(tx, customer_id)
    if row is None or row["erased_at"] is not None:
        raise NotFound(f"no customer {customer_id}")
    return row


def customer(tx: Tx, customer_id: str) -> dict[str, Any]:
    return view(tx, _known(tx, customer_id))


def lookup(tx: Tx, *, card: str | None, phone: str | None, prefix: str) -> dict[str, Any]:
    """A customer by card or phone, as a till asks (NotFound when nobody holds it)."""
    if bool(card) == bool(phone):
        raise InvalidInput("look a customer up by card or by phone (one of them)")
    row = (
        customers_repo.find(tx, card=card_key(card, prefix))
        if card
        else customers_repo.find(tx, phone=phone_key(phone or ""))
    )
    if row is None or row["erased_at"] is not None:
        raise NotFound("no customer with that card or phone")
    return view(tx, row)


def history(tx: Tx, customer_id: str, *, limit: int, offset: int) -> dict[str, Any]:
    """Newest first, `limit` items from `offset` (each source read up to offset + limit)."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit is 1 to {MAX_PAGE} and offset ≥ 0")
    row = _known(tx, customer_id)
    shown = bool(row["history"])
    n = offset + limit
    items: list[dict[str, Any]] = [
        {"kind": "points", "at": e["at"], "source": e["kind"], "ref": e["ref"],
         "points": e["points"], "store_id": e["store_id"], "offline": bool(e["offline"]),
         "overdraft": e["overdraft"]}
        for e in customers_repo.entries(tx, customer_id, n)
    ]  # fmt: skip
    if shown:
        items += [
            {"kind": "sale", "at": s["at"], "receipt_no": s["receipt_no"],
             "store_id": s["store_id"], "total": s["total"], "currency": s["currency"]}
            for s in customers_repo.sales(tx, customer_id, n)
        ]  # fmt: skip
        items += [{"kind": "order", "at": o["created_at"], **_order(o)}
                  for o in customers_repo.orders(tx, customer_id, n)]  # fmt: skip
        items += [
            {"kind": "return", "at": r["at"], "return_id": r["return_id"],
             "store_id": r["store_id"], "original": {"kind": r["original_kind"],
                                                     "ref": r["original_ref"]}}
            for r in customers_repo.returns(tx, customer_id, n)
        ]  # fmt: skip
    items.sort(key=lambda i: (i["at"], i["kind"]), reverse=True)
    page = items[offset:n]
    return {
        "customer_id": customer_id,
        "history_shown": shown,
        "items": page,
        "next_offset": n if len(items) > n else None,
    }


def _order(o: Any) -> dict[str, Any]:
    return {
        "order_id": o["order_id"],
        "store_id": o["store_id"],
        "status": o["status"],
        "total": o["total"],
        "currency": o["currency"],
        "updated_at": o["updated_at"],
    }


def orders(tx: Tx, customer_id: str) -> list[dict[str, Any]]:
    _known(tx, customer_id)
    return [
        {**_order(o), "created_at": o["created_at"]}
        for o in customers_repo.orders(tx, customer_id, 1000)
    ]


def erase(ctx: HubContext, customer_id: str) -> dict[str, Any]:
    """GDPR erasure: personal data removed here and a signed `customer.erase` command to each
    store that holds the customer (sent again until acknowledged); sales stay, anonymous."""
    now = datetime.now(UTC)
    with ctx.storage.transaction() as tx:
        _known(tx, customer_id)
        stores = customers_repo.stores_holding(tx, customer_id)
        customers_repo.erase(tx, customer_id, now.isoformat())
        cmds = [
            commands.issue(ctx, tx, store, "customer.erase", {"customer_id": customer_id}, now)
            for store in stores
        ]
    for cmd in cmds:
        commands.send(ctx, cmd)
    return {"customer_id": customer_id, "erased_at": now.isoformat(), "stores": stores}


def redeem(
    ctx: HubContext, customer_id: str, redemption_id: str, points: int, store_id: str | None
) -> dict[str, Any]:
    """Authorises a redemption online: refused (Conflict) over the balance, else recorded at
    once, so two tills cannot spend the same points. Asking again with the same id answers the
    same (a till's retry)."""
    now = datetime.now(UTC).isoformat()
    with ctx.storage.transaction() as tx:
        row = loyalty_repo.lock_customer(tx, customer_id, ctx.storage.for_update)
        if row is None or row["erased_at"] is not None:
            raise NotFound(f"no customer {customer_id}")
        known = loyalty_repo.entry(tx, "redemption", redemption_id)
        if known is None:
            loyalty.check_redemption(points, loyalty_repo.balance(tx, customer_id))
            entry = Entry(customer_id, "redemption", redemption_id, -points)
            loyalty_repo.add_entry(tx, entry, at=now, store_id=store_id)
            if store_id:
                customers_repo.seen_at(tx, customer_id, store_id)
        elif (known["customer_id"], -int(known["points"])) != (customer_id, points):
            raise Conflict(f"redemption {redemption_id} was recorded with other terms")
        balance = loyalty_repo.balance(tx, customer_id)
    return {
        "redemption_id": redemption_id,
        "customer_id": customer_id,
        "points": points,
        "balance": balance,
    }
