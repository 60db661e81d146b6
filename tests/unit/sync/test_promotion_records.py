"""Promotion rows in catalogue files and on the wire; signed messages with optional fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.catalogue_files import read
from edge.domain.errors import InvalidInput
from edge.signing import sign
from sync import protocol
from sync.catalogue import promotion_record, promotions_from
from sync.protocol import CatalogueMessage, ProtocolError


def _jsonl(*rows: dict) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


PROMO = {
    "type": "promotion", "id": "P-1", "sku": "A-1", "kind": "multibuy", "buy": 3, "pay": 2,
    "starts": "2026-01-01", "ends": "2026-02-01T00:00:00+01:00", "label_pl": "3 w cenie 2",
}  # fmt: skip


def test_a_file_mixes_products_and_promotions_and_can_end_one() -> None:
    out = read(
        _jsonl(
            {"sku": "A-1", "name_pl": "A", "price": "1.00", "vat": "A"},
            PROMO,
            {"type": "promotion", "id": "P-OLD", "active": False},
        ),
        "jsonl",
    )
    assert [p.sku for p in out.products] == ["A-1"]
    (live, ended) = out.promotions
    assert live.line == 2 and live.promotion is not None
    assert live.promotion.starts == datetime(2026, 1, 1, tzinfo=UTC)  # a date is UTC midnight
    assert (live.promotion.buy, live.promotion.pay, live.promotion.labels) == (
        3, 2, {"pl": "3 w cenie 2"},
    )  # fmt: skip
    assert (ended.id, ended.promotion) == ("P-OLD", None)


def test_csv_rows_with_a_promotion_id_are_promotions() -> None:
    csv = (
        b"promotion_id,sku,kind,value,price,ends,active\n"
        b"P-2,A-1,percent,15,,2100-01-01,\n"
        b'P-3,A-1,price,,"4,99",,\n'
        b"P-4,,,,,,false\n"
    )
    rows = read(csv, "csv").promotions
    assert [(r.id, r.promotion and r.promotion.value) for r in rows] == [
        ("P-2", 15), ("P-3", 499), ("P-4", None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"kind": "bogof"}, "kind must be"),
        ({"kind": "percent", "value": 120}, "1 to 99"),
        ({"buy": 2, "pay": 3}, "pay < buy"),
        ({"ends": "2025-01-01"}, "ends must be after starts"),
        ({"starts": "next week"}, "starts"),
        ({"sku": None}, "sku is required"),
        ({"id": "bad id!"}, "promotion id"),
    ],
)
def test_a_bad_promotion_row_names_its_line(change: dict, says: str) -> None:
    row = {k: v for k, v in {**PROMO, **change}.items() if v is not None}
    with pytest.raises(InvalidInput) as err:
        read(_jsonl({"sku": "A-1", "name_pl": "A", "price": "1", "vat": "A"}, row), "jsonl")
    assert err.value.detail.startswith("line 2: promotion") and says in err.value.detail


def test_a_promotion_id_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="line 2: promotion P-1 appears twice"):
        read(_jsonl(PROMO, PROMO), "jsonl")


def test_records_round_trip_and_a_hub_message_without_promotions_still_verifies() -> None:
    promo = read(_jsonl(PROMO), "jsonl").promotions[0].promotion
    assert promo is not None
    assert promotions_from([promotion_record(promo)]) == [promo]
    key = Ed25519PrivateKey.generate()
    # An older hub's message: no promotion fields at all.
    old = {"v": 1, "kind": "delta", "version": 2, "products": [], "store_keys": {}, "stores": []}
    old["signature"] = sign(key, old)
    msg = protocol.decode(json.dumps(old).encode(), CatalogueMessage)
    msg.check(key.public_key())
    assert msg.promotions is None
    # A newer hub's field this code does not know is still covered by the signature.
    newer = {**old, "future": [1]}
    newer.pop("signature")
    newer["signature"] = sign(key, newer)
    protocol.decode(json.dumps(newer).encode(), CatalogueMessage).check(key.public_key())
    tampered = {**newer, "future": [2]}
    with pytest.raises(ProtocolError, match="bad signature"):
        protocol.decode(json.dumps(tampered).encode(), CatalogueMessage).check(key.public_key())
    # Ours, with promotions, verifies after a trip through the wire.
    ours = CatalogueMessage(
        kind="delta", version=3, promotions=[promotion_record(promo)], ended_promotions=["X"]
    ).signed(key)
    back = protocol.decode(protocol.encode(ours), CatalogueMessage)
    back.check(key.public_key())
    assert promotions_from(back.promotions or []) == [promo]
