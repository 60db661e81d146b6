"""What every hub use case is given (built once by sync/hub/service.py): settings, storage,
signing key, topics, counters, the neighbour map and the broker link to publish on."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol
from sync.hub.config import HubSettings
from sync.hub.stats import HubStats
from sync.hub.store import Storage
from sync.mqtt import MqttLink
from sync.protocol import Signed, Topics


@dataclass
class HubContext:
    settings: HubSettings
    storage: Storage
    key: Ed25519PrivateKey
    topics: Topics
    stats: HubStats = field(default_factory=HubStats)
    link: MqttLink | None = None

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> bool:
        """Hands a message to the broker; False without a connection (whatever it was for
        is sent again on the store's next contact)."""
        return bool(self.link and self.link.publish(topic, payload, retain=retain))

    def signed(self, msg: Signed) -> bytes:
        """A hub message as published: signed with the hub's key (stores verify it)."""
        return protocol.encode(msg.signed(self.key))

    def store_name(self, store_id: str, stored: str = "") -> str:
        entry = self.settings.stores.get(store_id)
        return (entry.name if entry else "") or stored or store_id
