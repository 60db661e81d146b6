"""The protocol's pure parts: batching, signatures, decoding, and the docs that describe it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol
from sync.mqtt import Backoff, BrokerAddress
from sync.protocol import Command, EventBatch, EventRecord, ProtocolError, Topics

DOCS = Path(__file__).parents[3] / "docs"


def _event(seq: int, size: int = 10) -> EventRecord:
    return EventRecord(seq=seq, id=f"id-{seq}", type="t", at="2026-01-01", data={"x": "y" * size})


def _json_size(e: EventRecord) -> int:
    return len(e.model_dump_json())


def test_a_batch_spliced_from_outbox_rows_is_a_valid_event_batch() -> None:
    texts = [
        protocol.event_json(1, "u-1", "sale.completed", "2026-01-01T00:00:00+00:00",
                            '{"receipt_no":"Ż-1","stock":[]}'),
        protocol.event_json(2, 'u"2', "stock.adjusted", "t", "{}"),
    ]  # fmt: skip
    batch = protocol.decode(protocol.encode_batch("A", texts, 7, "now"), EventBatch)
    assert (batch.store_id, batch.outbox_depth, batch.sent_at) == ("A", 7, "now")
    assert [e.seq for e in batch.events] == [1, 2]
    assert batch.events[0].data == {"receipt_no": "Ż-1", "stock": []}
    assert batch.events[1].id == 'u"2'


def test_batches_keep_seq_order_and_respect_both_bounds() -> None:
    events = [_event(i, 1000 if i % 10 == 0 else 10) for i in range(1, 1001)]
    batches = protocol.batches(events, max_events=50, max_bytes=4096, size=_json_size)
    assert [e.seq for b in batches for e in b] == list(range(1, 1001))
    for b in batches:
        assert len(b) <= 50
        assert len(b) == 1 or sum(len(e.model_dump_json()) + 1 for e in b) <= 4096


def test_an_event_bigger_than_the_byte_bound_travels_alone() -> None:
    batches = protocol.batches(
        [_event(1), _event(2, 10_000), _event(3)], max_bytes=1024, size=_json_size
    )
    assert [[e.seq for e in b] for b in batches] == [[1], [2], [3]]


def test_signed_commands_verify_and_any_change_breaks_them() -> None:
    key = Ed25519PrivateKey.generate()
    cmd = Command(
        id="c1", seq=1, store_id="A", type="order.cancel", issued_at="t", data={"order_id": "O"}
    ).signed(key)
    cmd.check(key.public_key())
    wire = protocol.decode(protocol.encode(cmd), Command)
    wire.check(key.public_key())
    for change in ({"store_id": "B"}, {"data": {"order_id": "P"}}, {"seq": 2}):
        with pytest.raises(ProtocolError, match="bad signature"):
            cmd.model_copy(update=change).check(key.public_key())
    with pytest.raises(ProtocolError, match="bad signature"):
        cmd.check(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ProtocolError, match="unsigned"):
        cmd.model_copy(update={"signature": ""}).check(key.public_key())


@pytest.mark.parametrize(
    "payload",
    [b"", b"\xff\xfe", b"[]", b'{"v": 2, "store_id": "A", "events": [{}]}', b'{"store_id": "A"}'],
)
def test_malformed_payloads_are_refused(payload: bytes) -> None:
    with pytest.raises(ProtocolError):
        protocol.decode(payload, EventBatch)


def test_topics_and_their_parsing() -> None:
    t = Topics("chain/v1/")
    assert t.events("S1") == "chain/v1/stores/S1/events"
    assert t.store_of("chain/v1/stores/S1/acks") == ("S1", "acks")
    assert t.store_of("chain/v1/stores/S1/a/b") is None
    assert t.store_of("other/stores/S1/acks") is None


def test_broker_urls() -> None:
    a = BrokerAddress.parse("mqtts://s%401:p%3Aw@broker.example")
    assert (a.host, a.port, a.tls, a.username, a.password) == (
        "broker.example", 8883, True, "s@1", "p:w",
    )  # fmt: skip
    assert BrokerAddress.parse("mqtt://h:1999", "u", "p").port == 1999
    with pytest.raises(ValueError, match="scheme"):
        BrokerAddress.parse("http://h")


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    b = Backoff(base=1.0, cap=8.0)
    delays = [b.next() for _ in range(8)]
    assert all(0 < d <= 8.0 for d in delays)
    assert max(delays[4:]) > max(delays[:1])
    b.reset()
    assert b.next() <= 1.0


def test_the_asyncapi_file_documents_every_topic() -> None:
    spec = yaml.safe_load((DOCS / "asyncapi.yaml").read_text())
    assert spec["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in spec["channels"].values()}
    t = Topics()
    for topic in (
        t.events("{store}"), t.acks("{store}"), t.commands("{store}"),
        t.command_acks("{store}"), t.status("{store}"), t.catalog_requests("{store}"),
        t.store_catalog("{store}"), t.nearby("{store}"), t.catalog_changes, t.catalog_keys,
    ):  # fmt: skip
        assert topic in addresses
        assert topic.removeprefix("retail/v1/") in (DOCS / "sync.md").read_text()
