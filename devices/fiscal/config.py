"""`[fiscal]`: which fiscal device registers the sales.

```toml
[fiscal]
device = "posnet+tcp://192.168.1.60:6666"  # or "posnet+serial:///dev/ttyUSB0?baudrate=9600",
                                          # "emulator" (in-process) or "none"
required = true                           # a Polish shop: no device, no sale
```
`none` is refused while `required` is true; with `required = false` (a shop outside Poland, a
training till) sales go through without a device and every receipt the node prints says
"WYDRUK NIEFISKALNY"."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from devices.fiscal.posnet_link import parse_device_url

if TYPE_CHECKING:
    from edge.config import Settings


class FiscalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device: str = "emulator"
    required: bool = True
    timeout_s: float = Field(5.0, gt=0, le=120)  # per answer; the device prints as it answers
    journal: Path | None = None  # the emulator's journal; default <data_dir>/fiscal-journal.jsonl

    @model_validator(mode="after")
    def _usable(self) -> FiscalConfig:
        if self.device not in ("emulator", "none"):
            parse_device_url(self.device)  # its ValueError names what is wrong
        if self.device == "none" and self.required:
            raise ValueError(
                'device = "none" is refused while required = true: a sale that cannot be '
                "registered on a fiscal device may not be made; configure the device, or set "
                "required = false for a shop that needs none"
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.device != "none"


def fiscal_config(settings: Settings) -> FiscalConfig:
    """The node's `[fiscal]` section."""
    return settings.section("fiscal", FiscalConfig)
