"""Settings of the ops part (`[ops]` in the TOML file, STORE_EDGE_OPS__* in the environment)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from edge.config import Settings


class OpsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Where `store-edge backup` writes (default: <data_dir>/backups) and how many it keeps.
    backup_dir: Path | None = None
    backup_keep: int = Field(7, ge=1, le=1000)
    # Compaction: how often, and how long acknowledged events / printed jobs are kept.
    compact_interval_s: float = Field(3600.0, ge=1.0)
    # How often the WAL is checkpointed from a worker thread (edge/ops/checkpoint.py).
    checkpoint_interval_s: float = Field(2.0, ge=0.05, le=3600.0)
    outbox_keep_days: int = Field(7, ge=0)
    print_jobs_keep_days: int = Field(30, ge=0)
    # Messages from the hub the node refused (sync_dead_letters), kept this long.
    dead_letters_keep_days: int = Field(30, ge=0)


def ops_config(settings: Settings) -> OpsConfig:
    """The node's `[ops]` section."""
    return settings.section("ops", OpsConfig)
