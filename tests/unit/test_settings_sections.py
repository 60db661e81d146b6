"""The core's settings know no part (issue 17): each part declares its sections in its Plugin,
the composition root adds them, and a part reads its own back typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from devices.config import DevicesConfig, devices_config
from devices.fiscal.config import FiscalConfig, fiscal_config
from edge.config import ConfigError, Settings, load_settings, nested, with_sections
from edge.node import PLUGINS, NodeSettings
from edge.node import load_settings as load_node_settings
from edge.ops.config import ops_config
from sync.config import sync_config


def test_the_core_settings_refuse_a_parts_section() -> None:
    with pytest.raises(ConfigError, match="devices"):
        load_settings(None, {"devices": {"timezone": "Europe/Warsaw"}}, Settings)


def test_the_node_settings_hold_every_parts_section(tmp_path: Path) -> None:
    declared = {name for p in PLUGINS for name in p.settings}
    assert declared == {"devices", "fiscal", "ops", "sync"}
    assert declared <= set(NodeSettings.model_fields)
    toml = tmp_path / "node.toml"
    toml.write_text('[fiscal]\ndevice = "none"\nrequired = false\n[sync]\nbatch_max_events = 7\n')
    settings = load_node_settings(toml, {"data_dir": str(tmp_path)})
    assert fiscal_config(settings).device == "none"
    assert sync_config(settings).batch_max_events == 7
    assert isinstance(devices_config(settings), DevicesConfig)
    assert ops_config(settings) is settings.section("ops", type(ops_config(settings)))


def test_a_part_asking_for_a_section_the_node_lacks_is_told_so() -> None:
    with pytest.raises(TypeError, match=r"\[fiscal\]"):
        Settings().section("fiscal", FiscalConfig)


def test_a_part_cannot_replace_a_core_section() -> None:
    class Store(BaseModel):
        id: str = "X"

    with pytest.raises(ValueError, match="store"):
        with_sections(Settings, {"store": Store})


def test_flags_by_dotted_name_become_nested_overrides() -> None:
    flags = {"data_dir": "/d", "database.url": None, "http.port": 81, "a.b.c": 1}
    assert nested(flags) == {"data_dir": "/d", "http": {"port": 81}, "a": {"b": {"c": 1}}}
