"""Device configuration (printers, scanners), part of the node's settings under `[devices]`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DevicesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
