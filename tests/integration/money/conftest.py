"""Fixtures for the money rules: a node's HTTP API and an in-process hub (no broker) that share
one catalogue, so the same basket can be priced by the kiosk, the till and the hub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.hub.config import HubSettings
from sync.hub.service import Hub


@pytest.fixture
def offline_hub(tmp_path: Path) -> Iterator[Hub]:
    """A hub with the demo catalogue and no broker: commands are recorded, not sent."""
    h = Hub(HubSettings(data_dir=tmp_path / "hub", log_format="console"))
    yield h
    h.db.close()


def jsonl(*rows: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
