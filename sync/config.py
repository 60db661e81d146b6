"""The node's `[sync]` settings: how the agent batches, resends and keeps its session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from edge.config import Settings


class SyncConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    batch_max_events: int = Field(500, ge=1, le=10_000)
    batch_max_bytes: int = Field(256 * 1024, ge=1024, le=16 * 1024 * 1024)
    # Events published but not yet acknowledged end to end, at most (flow control).
    inflight_max_events: int = Field(20_000, ge=1)
    # No ack progress for this long while events are in flight: send them again (the broker
    # may have dropped them, e.g. beyond max_queued_messages).
    resend_after_s: float = Field(5.0, gt=0)
    session_expiry_s: int = Field(7 * 24 * 3600, ge=0)
    keepalive_s: int = Field(30, ge=5)
    status_every_s: float = Field(10.0, gt=0)
    # A client id unique per store; default "edge-<store id>".
    client_id: str | None = None


def sync_config(settings: Settings) -> SyncConfig:
    """The node's `[sync]` section."""
    return settings.section("sync", SyncConfig)
